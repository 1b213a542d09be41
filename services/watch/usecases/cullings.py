"""Culling (gallring) what watch holds about a person when the registry has approved it, and
watching that every service confirms the culling in time (rule culling_unconfirmed)."""
from datetime import datetime
from uuid import NAMESPACE_URL, UUID, uuid5

from services.watch.domain import cullings as domain
from services.watch.domain import events
from services.watch.domain.rules import Rule, Subject, Track
from services.watch.domain.watches import Trigger, WatchedThing, timer
from services.watch.store import cullings as store
from services.watch.store import subjects, timers
from services.watch.store import watches as watch_store
from services.watch.usecases.subjects import settle
from shared.events.catalog import PersonCullingApproved, RetentionDueFound, WatchesCulled
from shared.unit_of_work import UnitOfWork

WATCH = "watch"


async def cull(uow: UnitOfWork, rules: dict[str, Rule], approved: PersonCullingApproved) -> None:
    """Delete the watches, timers and subjects of the person's cases and inquiries and the read
    models of their cases and decisions; confirm with `watches.culled` (counts only); arm the
    timer that raises a watch for support when the other services have not all confirmed in time.
    Once per culling."""
    culling_id = approved.culling_id
    async with uow:
        now = uow.now()
        if not await store.begin(uow.conn, culling_id=culling_id, culled_at=now):
            return
        counts = await store.cull(uow.conn, culling_id=culling_id, case_ids=approved.case_ids,
                                  inquiry_ids=approved.inquiry_ids)
        uow.publish(WatchesCulled(culling_id=culling_id, counts=counts, culled_at=now), key=str(culling_id))
        row = await subjects.lock_culling(uow.conn, culling_id)
        facts = domain.with_confirmation(
            domain.approved(row["facts"] or {}, rule_id=approved.rule_id, approved_at=approved.approved_at), WATCH)
        await subjects.set_culling(uow.conn, culling_id, facts=facts, known=True)
        if domain.complete(facts):  # the others confirmed before the approval reached the watch
            await _settle(uow, rules, culling_id, resolution="watches.culled", at=now)
            return
        # Counted from the approval, also when a confirmation that came first armed it from its own time.
        await timers.disarm(uow.conn, culling_id, _rule_names(rules))
        await timers.arm(uow.conn, culling_id, _timers(rules, approved.approved_at))


async def confirmed(uow: UnitOfWork, rules: dict[str, Rule], *, culling_id: UUID, service: str, resolution: str,
                    at: datetime) -> None:
    """A service confirmed the culling (its `*.culled` event), perhaps before the approval reached
    the watch, which may never come (the watch's own culling failing): the first word of a culling
    arms its timer, from the confirmation's time until the approval's time replaces it. When every
    service has confirmed, the timer raises nothing and an open watch is resolved."""
    async with uow:
        row = await subjects.lock_culling(uow.conn, culling_id)
        facts = domain.with_confirmation(row["facts"] or {}, service)
        await subjects.set_culling(uow.conn, culling_id, facts=facts, known=True)
        if domain.complete(facts):
            await _settle(uow, rules, culling_id, resolution=resolution, at=at)
        elif not row["known"]:
            await timers.arm(uow.conn, culling_id, _timers(rules, at))


def _rule_names(rules: dict[str, Rule]) -> list[str]:
    return [r.name for r in rules.values() if r.subject is Subject.CULLING]


def _timers(rules: dict[str, Rule], anchor: datetime) -> list:
    return [timer(rule, anchor) for rule in rules.values() if rule.subject is Subject.CULLING and rule.enabled]


async def _settle(uow: UnitOfWork, rules: dict[str, Rule], culling_id: UUID, *, resolution: str,
                  at: datetime) -> None:
    await settle(uow, rules, subject_id=culling_id, subject=Subject.CULLING, track=Track.CULLING,
                 resolution=resolution, at=at)
    await timers.disarm(uow.conn, culling_id, _rule_names(rules))


# The subject of the watch for persons due for culling: one, so that a later day's search updates
# the open watch rather than raising another.
RETENTION_SUBJECT = uuid5(NAMESPACE_URL, "https://omsorg.se/watch/retention")


async def due_found(uow: UnitOfWork, rules: dict[str, Rule], found: RetentionDueFound) -> None:
    """The registry's daily search found persons due for culling: a watch for the official named
    (and every object specialist), due that day, naming the day and how many; published."""
    rule = rules.get("culling_due")
    if rule is None or not rule.enabled:
        return
    async with uow:
        now = uow.now()
        thing = WatchedThing(id=RETENTION_SUBJECT, subject=Subject.RETENTION, case_id=None,
                             caseworker=found.official, unit="",
                             facts={"day": found.day.isoformat(), "due": found.due})
        trigger = Trigger(rule, thing, found.day, now)
        stored = await watch_store.raise_many(uow.conn, [trigger], now)
        watch = stored[(thing.id, str(rule.kind))]
        event = events.raised(trigger, watch_id=watch["id"], trigger_count=watch["trigger_count"], at=now)
        key, subject = events.key_of(event)
        uow.publish(event, key=key, subject=subject)
