"""The access log per person (loggkontroll): every read of a person's data in every service,
kept from the `access.logged` events, and read back per person."""
from collections.abc import Sequence
from datetime import datetime
from uuid import UUID, uuid5

import asyncpg
from uuid_utils.compat import uuid7

from services.registry.store import access_log as store
from services.registry.store import staff as staff_store
from shared.access.policy import Grant
from shared.events.catalog import AccessLogged
from shared.pagination import Listed, decode_cursor, page_of
from shared.unit_of_work import UnitOfWork


def entries_of(event_id: UUID, access: AccessLogged) -> list[tuple[UUID, UUID | None]]:
    """The log entries of one read, as (entry id, person): one per person it showed, so each
    person's log has it, or one without a person. A read of one person (or none) keeps the
    event's id; a list's entries take ids derived from the event's id and the person."""
    persons = list(dict.fromkeys(access.person_ids)) or [access.person_id]
    if len(persons) == 1:
        return [(event_id, persons[0])]
    return [(uuid5(event_id, str(person)), person) for person in persons]


async def record_access(uow: UnitOfWork, *, event_id: UUID, service: str, access: AccessLogged) -> None:
    """Keep one read reported by a service (the event's source) in the log, once per person shown;
    a person no longer in the register (culled since the read) is not named."""
    async with uow:
        await store.insert(uow.conn, entries_of(event_id, access), service=service, actor=access.actor,
                           roles=access.roles, action=access.action, resource=access.resource,
                           reason=access.reason, at=access.at, registered_only=True)


async def file_own_reads(conn: asyncpg.Connection, source: str, reads: Sequence[AccessLogged]) -> None:
    """The registry's own reads, filed straight into the log in the transaction of the work that
    read (`Service.files_reads`): the entries `record_access` makes of an `access.logged` event, each
    read with an id of its own, without the round through the outbox, Kafka and the consumer."""
    for access in reads:
        await store.insert(conn, entries_of(uuid7(), access), service=source, actor=access.actor,
                           roles=access.roles, action=access.action, resource=access.resource,
                           reason=access.reason, at=access.at)


async def read_access_log(uow: UnitOfWork, user: Grant, person_id: UUID, *, limit: int,
                          cursor: str | None) -> Listed:
    """Who read the person's data, newest first. Reading the log is itself a read of the person's data."""
    start = decode_cursor(cursor, datetime, UUID)
    async with uow.reading():
        rows = await store.for_person(uow.conn, person_id, after=start, limit=limit + 1)
        uow.log_read(user, resource=f"audit/person/{person_id}", person_id=person_id)
        listed = page_of(rows, limit, lambda r: (r["at"], r["event_id"]))
        return Listed(await _with_names(uow, listed.items), listed.next_cursor)


async def read_actor_log(uow: UnitOfWork, user: Grant, actor: str, *, limit: int, cursor: str | None) -> Listed:
    """What one member of staff read, newest first. The entries name persons: reading them is a
    read of each person's data shown."""
    start = decode_cursor(cursor, datetime, UUID)
    async with uow.reading():
        rows = await store.for_actor(uow.conn, actor, after=start, limit=limit + 1)
        listed = page_of(rows, limit, lambda r: (r["at"], r["event_id"]))
        uow.log_read(user, resource=f"audit/actor/{actor}", person_ids=[r["person_id"] for r in listed.items])
        return Listed(await _with_names(uow, listed.items), listed.next_cursor)


async def _with_names(uow: UnitOfWork, rows: list) -> list[dict]:
    """Each entry with its actor's name and title from the staff directory (null when unknown)."""
    known = await staff_store.of_subjects(uow.conn, [r["actor"] for r in rows])
    return [{**dict(r), "actor_name": (m := known.get(r["actor"])) and m["name"], "actor_title": m and m["title"],
             "actor_known": m is not None} for r in rows]
