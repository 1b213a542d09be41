"""The occurrence search (förekomstsökning) for court and family-law requests: a person's cases
in every unit the user may search, newest first."""
from dataclasses import dataclass
from datetime import date
from uuid import UUID

from asyncpg import Record
from uuid_utils.compat import uuid7

from services.registry.domain import occurrences as rules
from services.registry.domain.persons import valid_pin
from services.registry.store import occurrences as store
from services.registry.store.access_log import FiledRead
from shared.access.policy import Grant
from shared.pagination import decode_cursor, page_of
from shared.unit_of_work import UnitOfWork


@dataclass(frozen=True)
class Occurrences:
    pin: str                   # as normalized
    person_id: UUID | None     # None: no one with the number is registered
    scope: str                 # the units searched, in words
    cases: list[Record]        # this page of them
    next_cursor: str | None

    @property
    def registered(self) -> bool:
        return self.person_id is not None

    @property
    def message(self) -> str:
        return rules.message(registered=self.registered, shown=len(self.cases), scope=self.scope)


async def search_occurrences(uow: UnitOfWork, user: Grant, pin: str, *, limit: int,
                             cursor: str | None) -> Occurrences:
    number = valid_pin(pin, uow.today())
    start = decode_cursor(cursor, date, UUID)
    unit = user.unit_filter()
    async with uow.reading():
        # The search files its own access-log entry in its one statement: against the person
        # found, or without a person when no one has the number.
        read = uow.read_of(user, resource="occurrences", action="search")
        rows = await store.search(uow.conn, number.normalized, unit=unit, after=start, limit=limit + 1,
                                  logged=FiledRead(uuid7(), uow.source, read))
        person_id = rows[0]["person_id"] if rows else None
    cases, next_cursor = page_of([r for r in rows if r["id"] is not None], limit,
                                 lambda r: (r["opened_on"], r["id"]))
    return Occurrences(number.normalized, person_id, rules.scope_of(unit), cases, next_cursor)
