"""HTTP routes for the staff directory (personalkatalog) and covers during absence (ersättare),
with their request and response models."""
from datetime import date, datetime
from typing import Annotated
from uuid import UUID

from fastapi import Path, Query, Response
from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from services.registry.api.types import Day, Name, Unit, _no_nul, text
from services.registry.domain.staff import Level, StaffEntry
from services.registry.usecases import staff as usecases
from shared.access import Grant
from shared.access.routes import allow
from shared.api import IfMatch, PageDep, UnitOfWorkDep
from shared.etag import etag, etag_header
from shared.openapi import service_router
from shared.pagination import Listed, Page

router = service_router(tags=["staff"])

Subject = text(200)
SubjectPath = Annotated[str, Path(min_length=1, max_length=200, description="the `sub` of the member's tokens"),
                        AfterValidator(_no_nul)]


_STAFF = {"name": "Anna Andersson", "title": "Biståndshandläggare", "unit": "vuxen",
          "email": "anna.andersson@kommun.example", "supervisor": "greta", "delegation_level": "caseworker",
          "active_from": "2024-01-08", "active_to": None}


class StaffIn(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [_STAFF]})

    name: Name
    title: text(200) | None = None
    unit: Unit
    email: text(320) | None = Field(None, description="where escalations and reminders are e-mailed")
    supervisor: Subject | None = Field(None, description="the subject of the member's own supervisor, who must be"
                                                         " in the directory")
    delegation_level: Level = Field(Level.CASEWORKER, description="what the member may decide alone"
                                                                  " (services/registry/delegation.yaml)")
    active_from: Day
    active_to: Day | None = None

    def entry(self) -> StaffEntry:
        return StaffEntry(**self.model_dump())


class StaffOut(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{
        "subject": "anna", **_STAFF, "changed_by": "stina", "changed_at": "2026-01-12T09:00:00Z"}]})

    subject: str
    name: str
    title: str | None
    unit: str
    email: str | None
    supervisor: str | None
    delegation_level: Level
    active_from: date
    active_to: date | None
    changed_by: str
    changed_at: datetime

    @classmethod
    def of(cls, row) -> "StaffOut":
        return cls(**{k: row[k] for k in cls.model_fields})


class CoverIn(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [
        {"absent": "anna", "cover": "bertil", "from_date": "2026-07-06", "to_date": "2026-07-31"}]})

    absent: Subject = Field(description="the member who is away")
    cover: Subject = Field(description="who stands in (ersättare), of the same unit")
    from_date: Day
    to_date: Day


class CoverOut(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{
        "id": "01959d10-5e6f-7a8b-9c0d-1e2f3a4b5c6d", "unit": "vuxen", "absent": "anna", "cover": "bertil",
        "from_date": "2026-07-06", "to_date": "2026-07-31", "granted_by": "greta", "granted_at": "2026-06-22T13:00:00Z",
        "ended_on": None, "ended_by": None}]})

    id: UUID
    unit: str
    absent: str
    cover: str
    from_date: date
    to_date: date
    granted_by: str
    granted_at: datetime
    ended_on: date | None = Field(description="ended before its time: from this day on it no longer holds")
    ended_by: str | None

    @classmethod
    def of(cls, row) -> "CoverOut":
        return cls(**{k: row[k] for k in cls.model_fields})


def _page(model, listed: Listed) -> Page:
    rows, next_cursor = listed
    return Page[model](items=[model.of(r) for r in rows], next_cursor=next_cursor)


STAFF_ETAG = etag_header("The entry's revision: send it back in If-Match to replace exactly the entry you read")


@router.put("/staff/{subject}", response_model=StaffOut,
            responses={200: {"description": "The entry, replaced", "headers": STAFF_ETAG},
                       201: {"model": StaffOut, "headers": STAFF_ETAG}},
            summary="Add or replace a member of the staff directory (201 when new; staff.changed when anything"
                    " changed)")
async def put_staff(subject: SubjectPath, body: StaffIn, uow: UnitOfWorkDep, response: Response,
                    if_match: IfMatch = None, user: Grant = allow("registry:staff.admin")) -> StaffOut:
    """Adds or replaces the directory entry of the member of staff whose tokens carry `subject`:
    name, title, unit, e-mail, own supervisor, delegation level and active period. Answers 201
    when new, 200 when replaced, and publishes `staff.changed` when anything changed. Support and
    service accounts (an HR or identity system's sync); not supervisors or caseworkers, so no one
    raises their own delegation. 422 `unknown_supervisor`, `own_supervisor`, `invalid_email`,
    `active_reversed`. With If-Match (the entry's ETag as read), 412 `etag_mismatch` when it
    changed since (or does not exist): nobody overwrites a change they have not seen."""
    row, created = await usecases.put_staff(uow, user.sub, subject, body.entry(), if_match=if_match)
    response.status_code = 201 if created else 200
    response.headers["ETag"] = etag(row["revision"])
    return StaffOut.of(row)


@router.get("/staff", response_model=Page[StaffOut], summary="The staff directory, by subject; `unit` to filter")
async def list_staff(uow: UnitOfWorkDep, paging: PageDep, unit: Unit | None = Query(None),
                     user: Grant = allow("registry:staff.read")) -> Page[StaffOut]:
    """The staff directory by subject, a page at a time; `unit` for one unit's members. Staff
    roles and service accounts."""
    return _page(StaffOut, await usecases.list_staff(uow, unit=unit, limit=paging.limit, cursor=paging.cursor))


@router.get("/staff/{subject}", response_model=StaffOut, summary="One member of the staff directory",
            responses={200: {"description": "The entry", "headers": STAFF_ETAG}})
async def get_staff(subject: SubjectPath, response: Response, uow: UnitOfWorkDep,
                    user: Grant = allow("registry:staff.read")) -> StaffOut:
    """One member's directory entry by the `sub` of their tokens, with its ETag for If-Match on
    PUT. Staff roles and service accounts; 404 `staff_not_found`."""
    row = await usecases.get_staff(uow, subject)
    response.headers["ETag"] = etag(row["revision"])
    return StaffOut.of(row)


COVER_ETAG = etag_header("The cover's revision: send it back in If-Match to end exactly the cover you read")


def _tagged_cover(row, response: Response) -> CoverOut:
    response.headers["ETag"] = etag(row["revision"])
    return CoverOut.of(row)


@router.post("/covers", status_code=201, response_model=CoverOut,
             responses={201: {"description": "The cover", "headers": COVER_ETAG}},
             summary="Appoint a cover (ersättare) for an absent member of your unit: cover.granted")
async def grant_cover(body: CoverIn, response: Response, uow: UnitOfWorkDep,
                      user: Grant = allow("registry:cover.grant")) -> CoverOut:
    """Appoints a member of the same unit to stand in (ersättare) for an absent member over a
    period and publishes `cover.granted`: the cover sees the absent member's watches and
    notifications. Supervisors of the absent member's unit (403 `other_unit` otherwise). 422
    `cover_is_absent`, `unknown_staff`, `cover_other_unit`, `cover_period_reversed`,
    `cover_period_over`. The answer's Location is the cover's own URL (GET /covers/{cover_id})."""
    return _tagged_cover(await usecases.grant_cover(uow, user, absent=body.absent, cover=body.cover,
                                                    from_date=body.from_date, to_date=body.to_date), response)


@router.get("/covers/{cover_id}", response_model=CoverOut, summary="Read a cover (ersättare)",
            responses={200: {"description": "The cover", "headers": COVER_ETAG}})
async def get_cover(cover_id: UUID, response: Response, uow: UnitOfWorkDep,
                    user: Grant = allow("registry:cover.read")) -> CoverOut:
    """One cover: who stands in for whom, over which period, and whether it was ended early. Who
    may read it as for the unit's covers; 404 `cover_not_found` (also for another unit's). Its
    ETag, sent back in If-Match, makes an early end apply only to the cover as read."""
    return _tagged_cover(await usecases.get_cover(uow, user, cover_id), response)


@router.post("/covers/{cover_id}/end", response_model=CoverOut,
             responses={200: {"description": "The cover, ended", "headers": COVER_ETAG}},
             summary="End a cover before its time (the absent member is back): cover.ended")
async def end_cover(cover_id: UUID, response: Response, uow: UnitOfWorkDep, if_match: IfMatch = None,
                    user: Grant = allow("registry:cover.grant")) -> CoverOut:
    """Ends a cover before its time, from today (the absent member is back), and publishes
    `cover.ended`. Supervisors of the cover's unit; 404 `cover_not_found` (also for another
    unit's); 409 `cover_ended`, `cover_over`; 412 `etag_mismatch` with an If-Match the cover no
    longer has."""
    return _tagged_cover(await usecases.end_cover(uow, user, cover_id, if_match=if_match), response)


@router.get("/covers", response_model=Page[CoverOut],
            summary="Covers of a unit (your own unless your scope is wider), by start; `active_on` for those that"
                    " hold that day")
async def list_covers(uow: UnitOfWorkDep, paging: PageDep, unit: Unit | None = Query(None),
                      active_on: Day | None = Query(None),
                      user: Grant = allow("registry:cover.read")) -> Page[CoverOut]:
    """The covers of a unit by start date: the caller's own unit unless their scope is wider;
    `active_on` for those that hold on a day. Caseworkers and supervisors of the unit, support
    and service accounts; 403 `other_unit` for another unit."""
    return _page(CoverOut, await usecases.list_covers(uow, user, unit=unit, active_on=active_on, limit=paging.limit,
                                                      cursor=paging.cursor))
