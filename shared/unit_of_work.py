"""The unit of work: one connection, one transaction, one commit.

A use case does its work inside `async with uow:`. The unit opens the connection and the
transaction, collects the events to publish (`publish`) and the reads of personal data to log
(`log_read`), and on leaving writes them all to the outbox in the same transaction and commits
once. Leaving with an error rolls everything back and drops what was collected, except what the
access log must keep whatever the answer: a refusal to show a person's data (`ensure_unit`), and
a read that the refusal itself shows (`log_read(..., also_if_refused=True)`); those are written
after the rollback, in a transaction of their own.

The reads go out as `access.logged` events to the service that keeps the access log (the
registry); that service files its own reads straight into the log instead (`FileReads`), in the
same transaction as the read and with the same entries, without a round through Kafka.

Entering a unit that is already open joins it: a consumer opens one unit for a fetched batch of
events (with their inbox rows) and the handlers and use cases it calls work inside it. Nothing
else opens transactions.

Work that only reads enters with `async with uow.reading():`. It opens no transaction (at READ
COMMITTED each statement sees its own snapshot inside a transaction too, so its reads see
nothing different) and saves the `BEGIN` and `COMMIT` round trips. What it logs is written when
the work succeeds: one entry as one statement, which is atomic of itself, several in a
transaction of their own.

Work whose one write is a single statement enters with `async with uow.single_write():`, also
without a transaction: a statement is atomic of itself, and the reads before it see what they
would see inside a transaction at READ COMMITTED. It saves the same two round trips. `publish`
in it is refused (an event collected would be written after the change, on its own); its events
go into the outbox in the write's own statement (`Outbox.with_write`, ADR 0031). What it logs is
written as a read's is.
"""
import contextlib
from collections.abc import Awaitable, Callable, Iterable, Sequence
from datetime import date, datetime
from uuid import UUID

import asyncpg
from opentelemetry import context as otel_context
from pydantic import BaseModel

from shared.access.policy import Grant
from shared.clock import Clock
from shared.errors import DomainError
from shared.events.catalog.audit import AccessLogged
from shared.outbox import Outbox, Pending
from shared.principal import Principal
from shared.settings import Settings

# The header in which a client states why it reads a person's data (logged with the read).
REASON_HEADER = "X-Access-Reason"

# Files reads into the access log in the current transaction: (connection, source, reads).
FileReads = Callable[[asyncpg.Connection, str, Sequence[AccessLogged]], Awaitable[None]]


class UnitOfWork:
    def __init__(self, pool: asyncpg.Pool, outbox: Outbox, clock: Clock, settings: Settings,
                 files_reads: FileReads | None = None):
        self.reason: str | None = None   # why personal data is read in this work, when stated
        self.pool = pool
        self.outbox = outbox
        self.clock = clock
        self.settings = settings
        self.files_reads = files_reads
        self.conn: asyncpg.Connection | None = None
        self._depth = 0
        self._reading = False        # no transaction (reading() or single_write())
        self._single_write = False   # single_write(): publishing is refused
        self._connection = None
        self._transaction = None
        self._events: list[Pending] = []
        self._kept: list[Pending] = []   # logged even if the work fails

    # Time, as the service's clock says it.
    def now(self) -> datetime:
        return self.clock.now()

    def today(self) -> date:
        """The date in Sweden: the date of every legal and personal fact."""
        return self.clock.today()

    def reading(self) -> "UnitOfWork":
        """This work only reads (and logs what it read): no transaction. Inside a unit that is
        already open (a consumer's batch) it joins that unit's transaction as any work does."""
        if self._depth == 0:
            self._reading = True
        return self

    def single_write(self) -> "UnitOfWork":
        """This work writes in one statement (with its events, `Outbox.with_write`): no transaction,
        as for a read. Inside a unit that is already open it joins that unit's transaction as any
        work does."""
        if self._depth == 0:
            self._reading = self._single_write = True
        return self

    async def __aenter__(self) -> "UnitOfWork":
        self._depth += 1
        if self._depth == 1:
            try:
                self._connection = self.pool.acquire()
                self.conn = await self._connection.__aenter__()
                if not self._reading:
                    self._transaction = self.conn.transaction()
                    await self._transaction.start()
            except BaseException:
                # No connection (the database cannot be reached): nothing to give back, and the
                # reason is what the caller sees (a 503), not a release of nothing.
                self._depth -= 1
                self._reading = self._single_write = False
                if self.conn is None:
                    self._connection = None
                await self._release()
                raise
        return self

    async def __aexit__(self, exc_type, exc, tb) -> None:
        self._depth -= 1
        if self._depth > 0:
            return
        try:
            if exc_type is None and self._transaction is None:
                await self._write_alone(self._events)
            elif exc_type is None:
                await self.flush()
                await self._transaction.commit()
            else:
                if self._transaction is not None:
                    await self._transaction.rollback()
                if self._kept and isinstance(exc, DomainError):
                    async with self.conn.transaction():
                        await self._write(self._kept)
        except BaseException:
            # The commit or rollback failed (the database went away): end what is left of the
            # transaction if anything is; the connection goes back to the pool, which replaces it.
            if self._transaction is not None:
                with contextlib.suppress(Exception):
                    await self._transaction.rollback()
            raise
        finally:
            self._events.clear()
            self._kept.clear()
            self._reading = self._single_write = False
            await self._release()

    async def _write_alone(self, events: list[Pending]) -> None:
        """What work without a transaction logged: one entry in one statement, more in a transaction."""
        if len(events) == 1:
            await self._write(list(events))
        elif events:
            async with self.conn.transaction():
                await self._write(list(events))

    async def _release(self) -> None:
        connection, self._connection, self.conn, self._transaction = self._connection, None, None, None
        if connection is not None:
            await connection.__aexit__(None, None, None)

    def publish(self, event: BaseModel, *, key: str, subject: str | None = None,
                trace: otel_context.Context | None = None) -> None:
        """An event to publish when the work commits (into the outbox, in this transaction). It
        continues `trace` if given, else the trace current when it is written."""
        if self._single_write:
            raise RuntimeError("work entered with single_write() cannot publish: an event commits with its change")
        self._events.append(Pending(event, key, subject, trace))

    def log_read(self, user: Principal, *, resource: str, person_id: UUID | None = None,
                 person_ids: Iterable[UUID | None] | None = None, reason: str | None = None,
                 action: str = "read", also_if_refused: bool = False) -> None:
        """Who read whose data, when and why: one `access.logged` event per read. A list that
        shows several persons is one event naming them all (the registry files it in each
        person's log); a list that shows no one is still one event.
        `also_if_refused`: the answer shows the data even when the work is refused (a 409 that
        names the person), so the read is logged either way."""
        access = self.read_of(user, resource=resource, person_id=person_id, person_ids=person_ids, reason=reason,
                              action=action)
        entry = Pending(access, str(access.person_id or resource))
        self._events.append(entry)
        if also_if_refused:
            self._kept.append(entry)

    def read_of(self, user: Principal, *, resource: str, person_id: UUID | None = None,
                person_ids: Iterable[UUID | None] | None = None, reason: str | None = None,
                action: str = "read") -> AccessLogged:
        """The access-log entry of a read, as `log_read` collects it. The service that keeps the
        log may instead file it in the statement that reads (`services.registry.store.access_log.filed`),
        which then is the read's one round trip."""
        persons = [p for p in ([person_id] if person_ids is None else dict.fromkeys(person_ids)) if p is not None]
        return AccessLogged(actor=user.sub, roles=user.roles, action=action, resource=resource,
                            person_id=persons[0] if len(persons) == 1 else None, person_ids=persons,
                            reason=reason or self.reason, at=self.now())

    @property
    def source(self) -> str:
        """This service, as its events and access-log entries name it."""
        return self.outbox.source

    def ensure_unit(self, user: Grant, unit: str, *, resource: str, person_id: UUID | None,
                    action: str = "read", hidden: DomainError | None = None) -> None:
        """The user's scope covers the unit; otherwise the refusal is logged against the person
        (`<action>_refused`, kept though the work fails) and the work is refused: with `hidden`,
        the answer for something that does not exist, so that "not yours" tells nothing more."""
        if not user.sees_unit(unit):
            self._kept.append(Pending(AccessLogged(actor=user.sub, roles=user.roles, action=f"{action}_refused",
                                                   resource=resource, person_id=person_id,
                                                   person_ids=[person_id] if person_id else [], reason=self.reason,
                                                   at=self.now()), str(person_id or resource)))
            if hidden is not None:
                raise hidden
            user.ensure_unit(unit)

    async def flush(self) -> None:
        """Write what was collected to the outbox now (it still leaves only when the work commits)."""
        events, self._events = self._events, []
        await self._write(events)

    async def _write(self, events: list[Pending]) -> None:
        if self.files_reads is not None:
            reads = [entry.data for entry in events if isinstance(entry.data, AccessLogged)]
            if reads:
                events = [entry for entry in events if not isinstance(entry.data, AccessLogged)]
                await self.files_reads(self.conn, self.outbox.source, reads)
        await self.outbox.add_many(self.conn, events)


class Work:
    """Makes a unit of work per request or per batch of events; one per service process."""

    def __init__(self, pool: asyncpg.Pool, outbox: Outbox, clock: Clock, settings: Settings,
                 files_reads: FileReads | None = None):
        self.pool = pool
        self.outbox = outbox
        self.clock = clock
        self.settings = settings
        self.files_reads = files_reads

    def __call__(self) -> UnitOfWork:
        return UnitOfWork(self.pool, self.outbox, self.clock, self.settings, self.files_reads)
