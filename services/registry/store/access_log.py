"""SQL for the access log (loggkontroll)."""
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

import asyncpg

from shared.events.catalog import AccessLogged


@dataclass(frozen=True)
class FiledRead:
    """A read's access-log entry, to be filed by the statement that reads (`filed`)."""
    entry_id: UUID
    service: str
    access: AccessLogged


class Params(list):
    """Query arguments, numbered as they are added."""

    def __call__(self, value, cast: str = "") -> str:
        self.append(value)
        return f"${len(self)}{cast}"


async def insert(conn: asyncpg.Connection, entries: list[tuple[UUID, UUID | None]], *, service: str, actor: str,
                 roles: list[str], action: str, resource: str, reason: str | None, at: datetime,
                 registered_only: bool = False) -> None:
    """One read's entries, (entry id, person) each, in one statement. A plain INSERT: the inbox
    guarantees one call per event, and a second one should fail loudly.

    `registered_only`, for a read another service reports: an entry names its person only while
    the register has them. A read whose event arrives after the person was culled (gallrad) or
    removed as registered by mistake is kept without the person, so that the log does not bring
    back the id the culling left only on the culling's own entry."""
    person = "p.id" if registered_only else "e.person_id"
    join = " LEFT JOIN persons p ON p.id = e.person_id" if registered_only else ""
    await conn.execute(
        "INSERT INTO access_log (event_id, service, actor, roles, action, resource, person_id, reason, at)"
        f" SELECT e.id, $3, $4, $5, $6, $7, {person}, $8, $9"
        f"   FROM unnest($1::uuid[], $2::uuid[]) AS e (id, person_id){join}",
        [e for e, _ in entries], [p for _, p in entries], service, actor, roles, action, resource, reason, at,
    )


def filed(param: Callable[..., str], *, entry_id: UUID, service: str, access: AccessLogged, person: str,
          always: bool = False) -> str:
    """A data-modifying CTE (`logged AS (...)`) that files one read of a person in the statement
    that reads, so that the read and its entry are one round trip and one snapshot: the entry goes
    in when `person` (an SQL expression, e.g. the statement's own parameter) is a registered
    person, and not otherwise, as a read that finds no one logs nothing; with `always`, a search,
    the entry goes in whatever `person` is, without a person when it is null (a search that
    found no one is logged too). `param` adds an argument to the statement and answers its
    placeholder (`Params`)."""
    source, logged_person = ("", person) if always else (
        f" FROM persons logged_person WHERE logged_person.id = {person}", "logged_person.id")
    return _logged(param, entry_id=entry_id, service=service, access=access, action=param(access.action),
                   resource=param(access.resource), person=logged_person, source=source)


def filed_lookup(param: Callable[..., str], *, entry_id: UUID, service: str, access: AccessLogged, person: str) -> str:
    """A data-modifying CTE (`logged AS (...)`) that files the one entry of a lookup by number in
    the statement that looks: when `person` (an SQL expression, null when no one has the number)
    names someone, a read of that person (`read`, `person/<id>`, as `persons.read_seen` names it);
    otherwise `access` as it is, without a person (the lookup that found no one)."""
    return _logged(param, entry_id=entry_id, service=service, access=access,
                   action=f"CASE WHEN {person} IS NULL THEN {param(access.action)} ELSE 'read' END",
                   resource=f"CASE WHEN {person} IS NULL THEN {param(access.resource)} ELSE 'person/' || {person} END",
                   person=person)


def _logged(param: Callable[..., str], *, entry_id: UUID, service: str, access: AccessLogged, action: str,
            resource: str, person: str, source: str = "") -> str:
    """`logged AS (INSERT INTO access_log ...)`: the entry's action, resource and person as the SQL
    expressions given, its other columns from `access`, its rows from `source` (one if empty)."""
    return ("logged AS (INSERT INTO access_log (event_id, service, actor, roles, action, resource, person_id, reason,"
            f" at) SELECT {param(entry_id, '::uuid')}, {param(service)}, {param(access.actor)},"
            f" {param(access.roles, '::text[]')}, {action}, {resource}, {person},"
            f" {param(access.reason, '::text')}, {param(access.at, '::timestamptz')}{source})")


async def for_person(conn: asyncpg.Connection, person_id: UUID, *, after: tuple | None,
                     limit: int) -> list[asyncpg.Record]:
    """Newest first; `after` is the (at, event_id) of the last entry already shown."""
    return await _newest_first(conn, "person_id", person_id, after, limit)


async def for_actor(conn: asyncpg.Connection, actor: str, *, after: tuple | None,
                    limit: int) -> list[asyncpg.Record]:
    """What one member of staff read, newest first; `after` as in `for_person`."""
    return await _newest_first(conn, "actor", actor, after, limit)


async def _newest_first(conn: asyncpg.Connection, column: str, value, after: tuple | None,
                        limit: int) -> list[asyncpg.Record]:
    assert column in ("person_id", "actor")  # a column name, never input
    at, event_id = after or (None, None)
    return await conn.fetch(
        f"SELECT * FROM access_log WHERE {column} = $1"
        " AND ($2::timestamptz IS NULL OR (at, event_id) < ($2::timestamptz, $3::uuid))"
        " ORDER BY at DESC, event_id DESC LIMIT $4",
        value, at, event_id, limit,
    )
