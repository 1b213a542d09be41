"""HTTP routes for culling (gallring): the dry run (who is due on a day, and who is kept by which
rule; it lists and changes nothing), the approval of a culling and each culling's state."""
from datetime import date, datetime
from typing import Literal
from uuid import UUID

from fastapi import Query, Response
from pydantic import BaseModel, ConfigDict, Field

from services.registry.api.types import Day
from services.registry.domain import retention as retention_rules
from services.registry.usecases import retention
from shared.access import Grant
from shared.access.routes import allow
from shared.api import IdempotencyKey, PageDep, UnitOfWorkDep
from shared.openapi import service_router
from shared.pagination import Page

router = service_router(prefix="/retention", tags=["retention"])


class DryRunItem(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{
        "person_id": "0192f3a4-5b6c-7d8e-9f01-23456789abcd", "status": "due", "rule_ids": ["personal_file"],
        "due_on": "2026-11-20", "complete_by": "2027-12-31"}]})

    person_id: UUID
    status: Literal["due", "kept"]
    rule_ids: list[str] = Field(description="the rules of retention.yaml that decided (docs/law.md, section 8)")
    due_on: date | None = Field(description="the day the records are or become due; null while kept without end")
    complete_by: date | None = Field(description="the last day culling must be finished by")


@router.get("/dry-run", response_model=Page[DryRunItem],
            summary="The persons whose file's five years have passed on a day (today by default), due or kept"
                    " with the deciding rules, in person id order; changes nothing")
async def dry_run(uow: UnitOfWorkDep, paging: PageDep,
                  on: Day | None = Query(None, description="A later day to plan for; not before today"),
                  person_id: UUID | None = Query(None, description="Only this person"),
                  user: Grant = allow("registry:retention.dry_run")) -> Page[DryRunItem]:
    """Who is due for culling (gallring) on `on` (today by default): each person whose last entry
    in the registry's own tables is five years old or more, with `status` `due`, or `kept` with
    the rules that keep the records (research birth days, child placed outside the home, and the
    others in `services/registry/domain/retention.yaml`, with sources in docs/law.md). Lists and
    changes nothing; the listing is logged as a read of each person listed. Journal notes do not
    count as entries yet. Object specialists only (403 otherwise); a day before today is 422."""
    listed = await retention.dry_run(uow, user, on=on, person_id=person_id, limit=paging.limit, cursor=paging.cursor)
    return Page[DryRunItem](items=[DryRunItem(**item) for item in listed.items], next_cursor=listed.next_cursor)


class CullingIn(BaseModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{
        "rule_id": "personal_file", "person_ids": ["0192f3a4-5b6c-7d8e-9f01-23456789abcd"]}]})

    rule_id: str = Field(min_length=1, max_length=100,
                         description="the cull rule (retention.yaml) the dry run gave as due, e.g. personal_file")
    person_ids: list[UUID] = Field(min_length=1, max_length=200, description="the persons the dry run listed as due")


class Confirmation(BaseModel):
    service: str
    confirmed_at: datetime | None = Field(description="when the service confirmed it culled what it held; null while"
                                                      " it has not")
    counts: dict[str, int] | None = Field(description="the rows the service culled, per kind")


CULLING_EXAMPLE = {
    "id": "0192f3a4-5b6c-7d8e-9f01-23456789abce", "rule_id": "personal_file", "approved_by": "systemforvaltare", "approved_at": "2031-11-20T09:00:00Z",
    "completed_at": None, "reason": None,
    "services": [{"service": "registry", "confirmed_at": "2031-11-20T09:00:00Z", "counts": {"persons": 1, "cases": 1}},
                 {"service": "journal", "confirmed_at": None, "counts": None}]}


class CullingOut(BaseModel):
    """A culling as the registry keeps it: when, under which rule, approved by whom, and which
    services have confirmed; never whose records, nor anything of what was culled."""
    model_config = ConfigDict(json_schema_extra={"examples": [CULLING_EXAMPLE]})

    id: UUID
    rule_id: str
    reason: str | None = Field(None, description="for a removal of a person registered by mistake (rule"
                                                 " registered_by_mistake): why, as a code; null for a culling")
    approved_by: str
    approved_at: datetime
    completed_at: datetime | None = Field(description="when the last service confirmed")
    services: list[Confirmation]


MADE_EXAMPLE = {**CULLING_EXAMPLE, "person_id": "0192f3a4-5b6c-7d8e-9f01-23456789abcd"}


class CullingMade(CullingOut):
    """A culling as approved: with whose records it culls, as the approval named them."""
    model_config = ConfigDict(json_schema_extra={"examples": [MADE_EXAMPLE]})

    person_id: UUID | None = Field(description="null on a retry once every service has confirmed: the registry no"
                                               " longer keeps whose culling it was")


class CullingsOut(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{"items": [MADE_EXAMPLE]}]})

    items: list[CullingMade] = Field(description="one culling per person, each read at /retention/cullings/{id}")


@router.post("/cullings", status_code=201, response_model=CullingsOut,
             responses={200: {"description": "A retry: the cullings this Idempotency-Key made before"},
                        201: {"description": "The cullings approved, one per person"}},
             summary="Approve the culling of persons the dry run lists as due; each service culls and confirms")
async def approve_culling(body: CullingIn, response: Response, uow: UnitOfWorkDep, idempotency_key: IdempotencyKey = None,
                  user: Grant = allow("registry:retention.approve")) -> CullingsOut:
    """Approves, in the caller's name, the culling of each person under `rule_id`. The registry
    checks each again by the rules at its own date, whatever the client says: when one is not due
    under the rule (409 `culling_not_due`), already approved (409 `culling_already_approved`) or
    not in the register (404 `person_not_found`), nothing is approved; each of these names the
    persons in `person_ids`. 422 `unknown_cull_rule` for a rule id that is not a cull rule. The
    registry culls its own rows about each person at once and publishes `person.culling_approved`
    per person; every other service culls what it holds and confirms. The approval is in each
    person's access log (action `cull`). With an Idempotency-Key, a retry answers 200 with what
    the key made. Object specialists only (403 otherwise)."""
    made, created = await retention.approve(uow, user, rule_id=body.rule_id, person_ids=body.person_ids,
                                            idempotency_key=idempotency_key)
    if not created:
        response.status_code = 200
    return CullingsOut(items=[CullingMade(**item) for item in made])


@router.get("/cullings/{culling_id}", response_model=CullingOut,
            summary="A culling: its rule, who approved it and when, and which services have confirmed it")
async def get_culling(culling_id: UUID, uow: UnitOfWorkDep,
                      user: Grant = allow("registry:retention.read")) -> CullingOut:
    """A culling with each service's confirmation (`confirmed_at` null while it has not culled,
    `completed_at` once every service has). It names no person, so reading it is no read of
    anyone's data. 404 `culling_not_found`. Object specialists and support."""
    return CullingOut(**await retention.culling(uow, culling_id))


class RemovalIn(BaseModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{
        "person_id": "0192f3a4-5b6c-7d8e-9f01-23456789abcd", "reason": "wrong_personal_identity_number"}]})

    person_id: UUID
    reason: Literal[tuple(retention_rules.REMOVAL_REASONS)] = Field(  # type: ignore[valid-type]
        description="why the registration was wrong, in general words: " + "; ".join(
            f"{code} ({words})" for code, words in retention_rules.REMOVAL_REASONS.items()))


@router.post("/removals", status_code=201, response_model=CullingOut,
             responses={200: {"description": "A retry: the removal this Idempotency-Key made before"},
                        201: {"description": "The removal, a culling under registered_by_mistake"}},
             summary="Remove a person registered by mistake, with everything about them in every service")
async def remove_registered_by_mistake(body: RemovalIn, response: Response, uow: UnitOfWorkDep,
                                       idempotency_key: IdempotencyKey = None,
                                       user: Grant = allow("registry:retention.remove")) -> CullingOut:
    """Removes a person whose registration itself was wrong (a wrong personnummer, a report about
    someone else) and everything about them from every service, without waiting for a due date:
    one culling under the rule `registered_by_mistake`, carried out and confirmed by each service
    as any culling (GET /retention/cullings/{id}). Refused while the person has an open case, an
    inquiry awaiting its initial assessment, a pending appeal or records the law keeps for good
    (409 `removal_blocked`, naming them in `blocked_by`: close the matter first, or move it to the
    right person), or while a culling of the person is under way (409 `culling_already_approved`);
    404 `person_not_found`; 422 for a reason not in the list. The registry keeps that a removal
    happened (when, by whom, the reason's code) and nothing of whose once every service has
    confirmed. With an Idempotency-Key, a retry answers 200 with what the key made. Support only
    (403 otherwise). The answer's Location is the culling's own URL."""
    made, created = await retention.remove_registered_by_mistake(uow, user, person_id=body.person_id,
                                                                 reason=body.reason,
                                                                 idempotency_key=idempotency_key)
    if not created:
        response.status_code = 200
    return CullingOut(**made)
