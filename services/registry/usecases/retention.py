"""Culling (gallring). The dry run: which persons' records are due on a day, by the rules of
services/registry/domain/retention.yaml and the registry's own tables; it lists and changes
nothing. Approval (`approve`) re-checks each person by the same rules at the service's own time,
culls what the registry holds about them and asks every other service to cull theirs
(`person.culling_approved`); their confirmations are recorded (`confirmed`)."""
from datetime import date
from uuid import UUID

from uuid_utils.compat import uuid7

from services.registry.domain import retention
from services.registry.store import cullings as culling_store
from services.registry.store import persons as person_store
from services.registry.store import retention as store
from shared import errors, idempotency, interventions
from shared.events.catalog import PersonCullingApproved, RetentionDueFound
from shared.pin import person_ref
from shared.access.policy import Grant
from shared.pagination import Listed, decode_cursor, encode_cursor
from shared.unit_of_work import UnitOfWork


def facts_of(row) -> retention.PersonFacts:
    """A person's facts as far as the registry's tables tell. Paternity, adoption, custody
    agreements, archive decisions and appeals are not recorded in the registry: false here."""
    return retention.PersonFacts(
        last_entry_on=row["last_entry_on"], born_on=row["birth_date"],
        circumstances_ended_on=retention.circumstances_ended_on(
            open_cases=row["open_cases"], cases=row["cases"], last_closed_on=row["last_closed_on"],
            last_valid_to=row["last_valid_to"], last_entry_on=row["last_entry_on"]),
        placed_as_child=row["child_placement"], investigated_as_child=row["child_investigation"],
        open_case=row["open_cases"] > 0,
        open_inquiry=row["open_inquiries"] > 0)


async def dry_run(uow: UnitOfWork, user: Grant, *, on: date | None, person_id: UUID | None = None, limit: int,
                  cursor: str | None) -> Listed:
    """The persons, in id order, whose file's five years have passed on `on` (today when not
    given; never a past day): due, or kept with the rules that keep them; only `person_id` when
    given. Persons are read `limit` at a time, so a page may hold fewer items than `limit` and
    still have a next one."""
    start = decode_cursor(cursor, UUID)
    rules = retention.RULES
    general = rules.by_id("personal_file")
    placements = _placements()
    async with uow:
        today = uow.today()
        day = today if on is None else on
        if day < today:
            raise errors.invalid("past_day", "A dry run is for today or a later day",
                                 f"`on` must not be before today, {today.isoformat()}")
        rows = await store.facts(uow.conn, after=start and start[0], limit=limit + 1, placements=placements,
                                 person_id=person_id)
        more = len(rows) > limit
        rows = rows[:limit]
        items = []
        for row in rows:
            facts = facts_of(row)
            if general.due_on(facts) > day:
                continue
            verdict = retention.evaluate(rules, facts, day)
            items.append({"person_id": row["person_id"], "status": verdict.status, "rule_ids": list(verdict.rule_ids),
                          "due_on": verdict.due_on, "complete_by": verdict.complete_by})
        uow.log_read(user, resource="retention/dry-run", person_ids=[item["person_id"] for item in items])
        return Listed(items, encode_cursor(rows[-1]["person_id"]) if more else None)


# The services that hold something about a person and confirm its culling (the registry itself
# in the approval's transaction, the others by their events).
CONFIRMING_SERVICES = ("registry", "journal", "orders", "watch", "notify")


def _placements() -> list[str]:
    return [code for code, item in interventions.catalogue().items() if item.placement]


async def approve(uow: UnitOfWork, user: Grant, *, rule_id: str, person_ids: list[UUID],
                  idempotency_key: str | None = None) -> tuple[list[dict], bool]:
    """The culling of each person under `rule_id`, approved by the user, and True; a retry with
    the same Idempotency-Key gets what the first request made, and False. Each person is checked
    again by the rules at the service's own date: all are culled or, when one is not due (or
    unknown, or already approved), none. The registry culls its own rows about them at once;
    every other service is told by `person.culling_approved`."""
    rules = retention.RULES
    rule = next((r for r in rules if r.id == rule_id), None)
    if rule is None or rule.effect != "cull":
        raise errors.invalid("unknown_cull_rule", "No culling rule has this id",
                             f"`rule_id` must be the id of a cull rule: {', '.join(r.id for r in rules if r.effect == 'cull')}")
    persons = list(dict.fromkeys(person_ids))
    request = idempotency.fingerprint({"rule_id": rule_id, "person_ids": sorted(str(p) for p in persons)})
    placements = _placements()
    async with uow:
        conn = uow.conn
        if idempotency_key and (earlier := await culling_store.approval_by_key(conn, user.sub, idempotency_key)):
            idempotency.ensure_same_request(earlier["request_hash"], request)
            return [{**await _culling(uow, row["id"]), "person_id": row["person_id"]}
                    for row in await culling_store.of_approval(conn, earlier["id"])], False
        await culling_store.lock_persons(conn, persons)
        pending = await culling_store.pending_for(conn, persons)
        if pending:
            raise already_approved(pending)
        today, now = uow.today(), uow.now()
        unknown, not_due = [], []
        for person_id in persons:
            found = await store.facts(conn, after=None, limit=1, placements=placements, person_id=person_id)
            if not found:
                unknown.append(person_id)
                continue
            verdict = retention.evaluate(rules, facts_of(found[0]), today)
            if not verdict.due or rule_id not in verdict.rule_ids:
                not_due.append(person_id)
        if unknown:
            raise errors.not_found("person_not_found", "No such person",
                                   "not in the register: " + ", ".join(map(str, unknown)),
                                   person_ids=[str(p) for p in unknown])
        if not_due:
            raise errors.conflict("culling_not_due", "A person's records are not due for culling under this rule",
                                  f"not due on {today.isoformat()} under {rule_id} (run the dry run again): "
                                  + ", ".join(map(str, not_due)), person_ids=[str(p) for p in not_due])
        approval_id = uuid7()
        if not await culling_store.insert_approval(conn, approval_id=approval_id, approved_by=user.sub,
                                                   approved_at=now, idempotency_key=idempotency_key,
                                                   request_hash=request):
            raise idempotency.in_progress()
        made = [await _cull(uow, user, approval_id=approval_id, person_id=person_id, rule_id=rule_id)
                for person_id in persons]
        # The access log keeps that a culling happened, by whom and when: nothing of what was culled.
        uow.log_read(user, resource="retention/cullings", person_ids=persons, action="cull")
        return [{**await _culling(uow, culling_id), "person_id": person_id}
                for culling_id, person_id in zip(made, persons)], True


async def _cull(uow: UnitOfWork, user: Grant, *, approval_id: UUID, person_id: UUID, rule_id: str,
                reason: str | None = None) -> UUID:
    """One person's culling under an approval: the record (whose, until every service confirms),
    the registry's own rows deleted and confirmed, and `person.culling_approved` for the others."""
    conn, now = uow.conn, uow.now()
    person = await person_store.get(conn, person_id)
    if person is None:  # culled by a concurrent approval since it was checked
        raise already_approved([person_id])
    ref = person_ref(person["pin"], uow.settings.person_ref_key)
    culling_id = uuid7()
    if not await culling_store.insert_culling(conn, culling_id=culling_id, approval_id=approval_id,
                                              person_id=person_id, person_ref=ref, rule_id=rule_id,
                                              approved_by=user.sub, approved_at=now, reason=reason):
        raise already_approved([person_id])  # a concurrent approval committed first
    case_ids, inquiry_ids = await culling_store.cases_and_inquiries(conn, person_id)
    counts = await culling_store.cull_person(conn, person_id)
    await culling_store.confirm(conn, culling_id, service="registry", counts=counts, confirmed_at=now)
    uow.publish(PersonCullingApproved(culling_id=culling_id, person_id=person_id, person_ref=ref,
                                      rule_id=rule_id, approved_by=user.sub, approved_at=now,
                                      case_ids=case_ids, inquiry_ids=inquiry_ids),
                key=str(person_id))
    return culling_id


async def remove_registered_by_mistake(uow: UnitOfWork, user: Grant, *, person_id: UUID, reason: str,
                                       idempotency_key: str | None = None) -> tuple[dict, bool]:
    """Removes a person registered by mistake, with everything about them in every service: a
    culling under the rule `registered_by_mistake`, approved by the user (support) at once, with
    no due date, through the same events and confirmations as any culling. Refused while a fact
    of the rule's `blocked_by` holds (409 `removal_blocked`, naming them), or a culling of the
    person is under way (409 `culling_already_approved`); 404 `person_not_found`. The registry
    keeps that a removal happened (when, by whom, the reason's code), nothing of whose: the
    access log gets an entry naming the culling, not the person. A retry with the same
    Idempotency-Key answers what the first request made, and False."""
    if reason not in retention.REMOVAL_REASONS:
        raise errors.invalid("unknown_removal_reason", "No removal reason has this code",
                             f"`reason` must be one of {', '.join(retention.REMOVAL_REASONS)}")
    rule = retention.RULES.by_id(retention.MISTAKE_RULE)
    request = idempotency.fingerprint({"rule_id": rule.id, "person_id": str(person_id), "reason": reason})
    placements = _placements()
    async with uow:
        conn = uow.conn
        if idempotency_key and (earlier := await culling_store.approval_by_key(conn, user.sub, idempotency_key)):
            idempotency.ensure_same_request(earlier["request_hash"], request)
            [row] = await culling_store.of_approval(conn, earlier["id"])
            return await _culling(uow, row["id"]), False
        await culling_store.lock_persons(conn, [person_id])
        if await culling_store.pending_for(conn, [person_id]):
            raise already_approved([person_id])
        found = await store.facts(conn, after=None, limit=1, placements=placements, person_id=person_id)
        if not found:
            raise errors.not_found("person_not_found", "No such person", f"not in the register: {person_id}",
                                   person_ids=[str(person_id)])
        blockers = retention.removal_blockers(rule, facts_of(found[0]))
        if blockers:
            raise errors.conflict("removal_blocked", "The person's records may not be removed",
                                  "refused while these hold (docs/law.md, section 8): " + ", ".join(blockers),
                                  blocked_by=list(blockers))
        approval_id = uuid7()
        if not await culling_store.insert_approval(conn, approval_id=approval_id, approved_by=user.sub,
                                                   approved_at=uow.now(), idempotency_key=idempotency_key,
                                                   request_hash=request):
            raise idempotency.in_progress()
        culling_id = await _cull(uow, user, approval_id=approval_id, person_id=person_id, rule_id=rule.id,
                                 reason=reason)
        # Who removed, when: the entry names the culling, never the person removed.
        uow.log_read(user, resource=f"retention/cullings/{culling_id}", person_ids=[], action="remove")
        return await _culling(uow, culling_id), True


def already_approved(person_ids: list[UUID]) -> errors.DomainError:
    return errors.conflict("culling_already_approved", "The culling of a person is already approved",
                           "a culling is under way for " + ", ".join(map(str, sorted(person_ids))),
                           person_ids=[str(p) for p in sorted(person_ids)])


async def _culling(uow: UnitOfWork, culling_id: UUID) -> dict:
    row = await culling_store.get(uow.conn, culling_id)
    if row is None:
        raise errors.not_found("culling_not_found", "No such culling", f"no culling {culling_id}")
    confirmed = {c["service"]: c for c in await culling_store.confirmations(uow.conn, culling_id)}
    return {"id": row["id"], "rule_id": row["rule_id"], "reason": row["reason"],
            "approved_by": row["approved_by"], "approved_at": row["approved_at"],
            "completed_at": row["completed_at"],
            "services": [{"service": service,
                          "confirmed_at": confirmed[service]["confirmed_at"] if service in confirmed else None,
                          "counts": confirmed[service]["counts"] if service in confirmed else None}
                         for service in CONFIRMING_SERVICES]}


async def culling(uow: UnitOfWork, culling_id: UUID) -> dict:
    """A culling with each service's confirmation. It names no person: not a read of anyone's data."""
    async with uow:
        return await _culling(uow, culling_id)


async def confirmed(uow: UnitOfWork, *, culling_id: UUID, service: str, counts: dict[str, int],
                    confirmed_at) -> None:
    """A service's confirmation that it culled what it held. When every service has confirmed,
    the culling is complete and no longer says whose it was. A confirmation of a culling the
    registry does not know changes nothing."""
    async with uow:
        row = await culling_store.get(uow.conn, culling_id, for_update=True)
        if row is None:
            return
        await culling_store.confirm(uow.conn, culling_id, service=service, counts=counts, confirmed_at=confirmed_at)
        done = {c["service"] for c in await culling_store.confirmations(uow.conn, culling_id)}
        if done >= set(CONFIRMING_SERVICES):
            await culling_store.complete(uow.conn, culling_id, uow.now())


async def scheduled_search(uow: UnitOfWork, *, official: str) -> int | None:
    """The day's search for persons due for culling (the dry run's `due`, counted): run once a day
    from 06:00 (retention_searches holds the day, taken in this transaction, so a restart or a
    second replica does not run it twice). When someone is due, `retention.due_found` (a count,
    no person) tells the watch to raise a watch for the object specialists and `official`. None
    when it is not time yet or the day's search ran already; else how many are due."""
    placements = _placements()
    async with uow:
        conn, now, today = uow.conn, uow.now(), uow.today()
        if now < retention.search_moment(today):
            return None
        if not await store.claim_search(conn, day=today, at=now):
            return None
        rules, after, due = retention.RULES, None, 0
        while True:
            rows = await store.facts(conn, after=after, limit=500, placements=placements, person_id=None)
            for row in rows:
                if retention.evaluate(rules, facts_of(row), today).status == "due":
                    due += 1
            if len(rows) < 500:
                break
            after = rows[-1]["person_id"]
        await store.set_search_due(conn, day=today, due=due)
        if due:
            uow.publish(RetentionDueFound(day=today, due=due, official=official or None, searched_at=now),
                        key=today.isoformat())
        return due
