"""HTTP route for the dry run of culling (gallring): who is due on a day, and who is kept by which
rule. It lists and changes nothing."""
from datetime import date
from typing import Literal
from uuid import UUID

from fastapi import APIRouter, Query
from pydantic import BaseModel, ConfigDict, Field

from services.registry.api.types import Day
from services.registry.usecases import retention
from shared.access import Grant
from shared.access.routes import allow
from shared.api import PageDep, UnitOfWorkDep
from shared.pagination import Page

router = APIRouter(prefix="/retention", tags=["retention"])


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
