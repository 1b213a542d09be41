"""Decisions (beslut) on a case: made on an investigation of the case, which the decision completes
when still ongoing, with its basis communicated to the person first (kommunicering) or the reason
why not; with reasons, legal basis, an intervention from the catalogue and its scope. Then carried
out (in-house or by payment here; by a provider's start in orders), interrupted and resumed."""
from dataclasses import asdict, dataclass
from datetime import date, datetime
from decimal import Decimal
from uuid import UUID

from asyncpg import Record
from uuid_utils.compat import uuid7

from services.registry.delegation import order as delegation_order
from services.registry.domain import decisions as rules
from services.registry.domain import delegation, process
from services.registry.domain.decisions import (
    Action,
    DelayReason,
    ExecutionState,
    InterruptionReason,
    Method,
)
from services.registry.domain.persons import is_child_on
from services.registry.domain.process import Communication, Outcome
from services.registry.domain.staff import Level, level_of
from services.registry.letters.decision_letter import DecisionLetter, render
from services.registry.store import cases as store
from services.registry.store import persons as person_store
from services.registry.store import staff as staff_store
from services.registry.usecases import investigations
from services.registry.usecases.cases import case_to_work_on, visible_case
from shared import errors, idempotency, interventions
from shared.access.policy import Grant
from shared.etag import ensure_current, etag, etag_of
from shared.events.catalog import (
    DecisionApproved,
    DecisionDelayReasonRecorded,
    DecisionExecuted,
    DecisionInterrupted,
    DecisionMade,
    DecisionRefused,
    DecisionResumed,
)
from shared.pagination import Listed, decode_cursor, page_of
from shared.pin import person_ref
from shared.unit_of_work import UnitOfWork


@dataclass(frozen=True)
class DecisionContent:
    """What the caseworker decides."""
    investigation_id: UUID | None   # None: the case's ongoing investigation
    intervention: str
    outcome: Outcome
    reasons: str
    legal_basis: str
    scope_amount: Decimal | None
    valid_from: date
    valid_to: date | None
    follow_up_on: date | None
    communication: Communication


async def make_decision(uow: UnitOfWork, user: Grant, case_id: UUID, content: DecisionContent,
                        key: str | None = None) -> tuple[dict, bool]:
    """Decide on the case today, on the investigation named (or the ongoing one); an ongoing one is
    completed by the decision. With an Idempotency-Key, a retry answers the decision the first
    request made (False: made before), and the same key with another request is refused."""
    d = content
    process.check_validity(valid_from=d.valid_from, valid_to=d.valid_to, follow_up_on=d.follow_up_on)
    intervention, scope = rules.check_content(intervention=d.intervention, outcome=d.outcome, reasons=d.reasons,
                                              legal_basis=d.legal_basis, scope_amount=d.scope_amount)
    today = uow.today()
    required = delegation_order().required_level(intervention=intervention.code, outcome=d.outcome,
                                                 scope_amount=scope and scope.amount)
    request = idempotency.fingerprint({"case_id": case_id, **asdict(d)}) if key is not None else None
    async with uow:
        # A retry finds what its first request made, even in a case closed since; one sent while
        # the first was still at work waits for the case's lock and finds it then.
        if key is not None and (earlier := await store.decision_by_key(uow.conn, user.sub, key)) is not None:
            return await _made_before(uow, user, earlier, request), False
        case = await case_to_work_on(uow, user, case_id)
        if key is not None and (earlier := await store.decision_by_key(uow.conn, user.sub, key)) is not None:
            return await _made_before(uow, user, earlier, request), False
        maker = await staff_store.get(uow.conn, user.sub)
        status = delegation.status_for(required=required, maker=level_of(maker, today))
        investigation = await _rests_on(uow, case_id, d.investigation_id)
        process.check_communication(d.communication, decided_on=today,
                                    investigation_started_on=investigation["started_on"])
        if investigation["completed_on"] is None:
            await investigations.complete_on(uow, case, investigation, on=today, by=user.sub)
        c = d.communication
        row = await store.insert_decision(
            uow.conn, decision_id=uuid7(), case_id=case_id, investigation_id=investigation["id"], outcome=d.outcome,
            intervention=intervention.code, valid_from=d.valid_from, valid_to=d.valid_to,
            follow_up_on=d.follow_up_on, decided_on=today, decided_by=user.sub, communicated=c.communicated,
            communicated_on=c.communicated_on, communication_method=c.method,
            not_communicated_reason=c.not_communicated_reason, reasons=d.reasons.strip(),
            legal_basis=d.legal_basis.strip(), scope_amount=scope and scope.amount, scope_unit=scope and scope.unit,
            appeal_instructions=rules.appeal_instructions(d.outcome), idempotency_key=key, request_hash=request)
        if row is None:   # a concurrent retry with the same key committed first
            earlier = await store.decision_by_key(uow.conn, user.sub, key)
            if earlier is None:
                raise idempotency.in_progress()
            return await _made_before(uow, user, earlier, request), False
        row = await staff_store.set_delegation(uow.conn, row["id"], status=status, required_level=required)
        person = await person_store.get(uow.conn, case["person_id"])
        uow.publish(DecisionMade(
            case_id=case_id, decision_id=row["id"], unit=case["unit"], person_id=case["person_id"],
            intervention=row["intervention"], outcome=row["outcome"], valid_from=row["valid_from"],
            valid_to=row["valid_to"], follow_up_on=row["follow_up_on"], decided_on=row["decided_on"],
            decided_by=row["decided_by"], investigation_id=row["investigation_id"],
            scope_amount=float(row["scope_amount"]) if row["scope_amount"] is not None else None,
            scope_unit=row["scope_unit"], gender=person and rules.gender_of(person["pin"]),
            birth_year=person and person["birth_date"].year,
            about_child=person and is_child_on(person["birth_date"], today),
            person_ref=person and person_ref(person["pin"], uow.settings.person_ref_key), status=row["status"]),
            key=str(case_id), subject=f"case/{case_id}")
        return await with_names(uow, row), True


async def _made_before(uow: UnitOfWork, user: Grant, earlier: Record, request: str) -> dict:
    """The decision an earlier request with the same key made, read as any decision is read (in an
    open unit of work)."""
    idempotency.ensure_same_request(earlier["request_hash"], request)
    case = await visible_case(uow, user, earlier["case_id"])
    uow.log_read(user, resource=f"decision/{earlier['id']}", person_id=case["person_id"])
    return await with_names(uow, earlier)


async def with_names(uow: UnitOfWork, row: Record) -> dict:
    """The decision with its maker's name and title from the staff directory (null when unknown)."""
    return (await with_names_all(uow, [row]))[0]


async def with_names_all(uow: UnitOfWork, rows: list[Record]) -> list[dict]:
    known = await staff_store.of_subjects(uow.conn, [r["decided_by"] for r in rows])
    return [{**dict(r), "decided_by_name": (m := known.get(r["decided_by"])) and m["name"],
             "decided_by_title": m and m["title"], "decided_by_known": m is not None} for r in rows]


async def _rests_on(uow: UnitOfWork, case_id: UUID, investigation_id: UUID | None) -> Record:
    """The investigation named, which must be the case's; unnamed, the case's ongoing investigation
    (never an older, completed one)."""
    if investigation_id is None:
        ongoing = await store.ongoing_investigation(uow.conn, case_id)
        if ongoing is not None:
            return ongoing
        process.ensure_has_investigation(await store.latest_investigation(uow.conn, case_id) is not None)
        raise errors.invalid("investigation_required", "Name the investigation the decision rests on",
                             "the case has no ongoing investigation; give investigation_id")
    investigation = await store.get_investigation(uow.conn, case_id, investigation_id)
    rules.ensure_rests_on(found=investigation is not None)
    return investigation


async def list_decisions(uow: UnitOfWork, user: Grant, case_id: UUID, *, limit: int, cursor: str | None) -> Listed:
    """The case's decisions, oldest first."""
    start = decode_cursor(cursor, date, datetime, UUID)
    async with uow:
        case = await visible_case(uow, user, case_id)
        uow.log_read(user, resource=f"case/{case_id}/decisions", person_id=case["person_id"])
        return await decisions_page(uow, case_id, after=start, limit=limit)


async def decisions_page(uow: UnitOfWork, case_id: UUID, *, after: tuple | None, limit: int) -> Listed:
    """A page of the case's decisions after the cursor's key, with their makers' names (the case
    already seen)."""
    rows = await store.decisions(uow.conn, case_id, after=after, limit=limit + 1)
    listed = page_of(rows, limit, lambda r: (r["decided_on"], r["created_at"], r["id"]))
    return Listed(await with_names_all(uow, listed.items), listed.next_cursor)


@dataclass(frozen=True)
class Execution:
    """How a decision is carried out: its recorded actions and delay reasons, and where it stands."""
    decision: Record
    actions: list[Record]
    delay_reasons: list[Record]

    @property
    def state(self) -> ExecutionState:
        return ExecutionState.of([(a["action"], a["on_date"]) for a in self.actions])

    @property
    def tag(self) -> str:
        """The execution's ETag: the actions and delay reasons recorded, each of them unchanged
        once recorded, so that a new one is a new tag."""
        return etag_of(",".join(str(r["id"]) for r in (*self.actions, *self.delay_reasons)))


async def _decision(uow: UnitOfWork, case_id: UUID, decision_id: UUID) -> Record:
    row = await store.get_decision(uow.conn, case_id, decision_id)
    if row is None:
        raise errors.not_found("decision_not_found", "No such decision on this case", str(decision_id))
    return row


async def read_decision(uow: UnitOfWork, user: Grant, decision_id: UUID) -> dict:
    """One decision with its content, maker and delegation status, as its case may be read; a
    decision in a case the user may not see is not found."""
    missing = errors.not_found("decision_not_found", "No such decision", str(decision_id))
    async with uow.reading():
        row = await store.get_decision_by_id(uow.conn, decision_id)
        if row is None:
            raise missing
        case = await visible_case(uow, user, row["case_id"], missing=missing)
        uow.log_read(user, resource=f"decision/{decision_id}", person_id=case["person_id"])
        return await with_names(uow, row)


async def _execution(uow: UnitOfWork, decision: Record) -> Execution:
    return Execution(decision, await store.execution_actions(uow.conn, decision["id"]),
                     await store.delay_reasons(uow.conn, decision["id"]))


async def read_execution(uow: UnitOfWork, user: Grant, case_id: UUID, decision_id: UUID) -> Execution:
    async with uow:
        case = await visible_case(uow, user, case_id)
        uow.log_read(user, resource=f"case/{case_id}/decisions/{decision_id}/execution", person_id=case["person_id"])
        return await _execution(uow, await _decision(uow, case_id, decision_id))


async def _execution_to_change(uow: UnitOfWork, user: Grant, case_id: UUID, decision_id: UUID,
                               if_match: str | None) -> tuple[Record, Record, Execution]:
    """The case (locked, so that its decisions' executions change one at a time), the decision and
    its execution as it is (in an open unit of work); with `if_match`, 412 `etag_mismatch` unless
    it is the execution as the user read it."""
    case = await case_to_work_on(uow, user, case_id)
    decision = await _decision(uow, case_id, decision_id)
    execution = await _execution(uow, decision)
    ensure_current(if_match, execution.tag)
    return case, decision, execution


async def _act(uow: UnitOfWork, user: Grant, case_id: UUID, decision_id: UUID, check, action: Action, on: date, *,
               method: Method | None = None, reason_code: str | None = None, event=None,
               if_match: str | None = None) -> Execution:
    async with uow:
        case, decision, execution = await _execution_to_change(uow, user, case_id, decision_id, if_match)
        delegation.ensure_in_force(decision["status"])
        check(decision, execution.state)
        await store.insert_execution_action(uow.conn, action_id=uuid7(), decision_id=decision_id, action=action,
                                            on=on, method=method, reason_code=reason_code, by=user.sub,
                                            at=uow.now())
        uow.publish(event(case, decision), key=str(case_id), subject=f"case/{case_id}")
        return await _execution(uow, decision)


async def record_execution(uow: UnitOfWork, user: Grant, case_id: UUID, decision_id: UUID, *, method: Method,
                           executed_on: date, if_match: str | None = None) -> Execution:
    """The decision is carried out in-house or by payment (a provider's start counts by itself)."""
    today = uow.today()

    def check(decision: Record, state: ExecutionState) -> None:
        rules.ensure_can_execute(outcome=decision["outcome"], carried_out=_carried_out(decision), method=method,
                                 state=state, decided_on=decision["decided_on"], on=executed_on, today=today)

    return await _act(uow, user, case_id, decision_id, check, Action.EXECUTED, executed_on, method=method,
                      if_match=if_match,
                      event=lambda case, d: DecisionExecuted(case_id=case_id, decision_id=decision_id,
                                                             unit=case["unit"], method=method,
                                                             executed_on=executed_on, recorded_by=user.sub))


async def interrupt(uow: UnitOfWork, user: Grant, case_id: UUID, decision_id: UUID, *, interrupted_on: date,
                    reason_code: InterruptionReason, if_match: str | None = None) -> Execution:
    today = uow.today()

    def check(decision: Record, state: ExecutionState) -> None:
        rules.ensure_can_interrupt(state=state, on=interrupted_on, today=today)

    return await _act(uow, user, case_id, decision_id, check, Action.INTERRUPTED, interrupted_on,
                      reason_code=reason_code, if_match=if_match,
                      event=lambda case, d: DecisionInterrupted(case_id=case_id, decision_id=decision_id,
                                                                unit=case["unit"], interrupted_on=interrupted_on,
                                                                reason_code=reason_code, recorded_by=user.sub))


async def resume(uow: UnitOfWork, user: Grant, case_id: UUID, decision_id: UUID, *, resumed_on: date,
                 if_match: str | None = None) -> Execution:
    today = uow.today()

    def check(decision: Record, state: ExecutionState) -> None:
        rules.ensure_can_resume(state=state, on=resumed_on, today=today)

    return await _act(uow, user, case_id, decision_id, check, Action.RESUMED, resumed_on, if_match=if_match,
                      event=lambda case, d: DecisionResumed(case_id=case_id, decision_id=decision_id,
                                                            unit=case["unit"], resumed_on=resumed_on,
                                                            recorded_by=user.sub))


async def record_delay_reason(uow: UnitOfWork, user: Grant, case_id: UUID, decision_id: UUID, *, code: DelayReason,
                              declined_offer_on: date | None, if_match: str | None = None) -> Execution:
    """Why the decision is not (yet) carried out, for the report to IVO."""
    today = uow.today()
    async with uow:
        case, decision, execution = await _execution_to_change(uow, user, case_id, decision_id, if_match)
        if decision["outcome"] == Outcome.REJECTED:
            raise errors.conflict("decision_rejected", "A rejection (avslag) has nothing to carry out")
        delegation.ensure_in_force(decision["status"])
        rules.ensure_delay_reason(code=code, declined_offer_on=declined_offer_on, decided_on=decision["decided_on"],
                                  today=today, state=execution.state)
        await store.insert_delay_reason(uow.conn, reason_id=uuid7(), decision_id=decision_id, code=code,
                                        declined_offer_on=declined_offer_on, by=user.sub, at=uow.now())
        uow.publish(DecisionDelayReasonRecorded(case_id=case_id, decision_id=decision_id, unit=case["unit"],
                                                code=code, declined_offer_on=declined_offer_on,
                                                recorded_by=user.sub),
                    key=str(case_id), subject=f"case/{case_id}")
        return await _execution(uow, decision)


def _carried_out(decision: Record) -> interventions.CarriedOut:
    item = interventions.find(decision["intervention"])
    return item.carried_out if item is not None else interventions.CarriedOut.IN_HOUSE


SCOPE_UNITS = {"hours_per_month": "timmar per månad", "days": "dagar", "amount_sek": "kronor"}


def letter_of(settings, case: Record, decision: Record, person: Record | None,
              maker: Record | None = None) -> DecisionLetter:
    """The letter's content; `maker` is the decision maker's staff directory entry, if it has one."""
    item = interventions.find(decision["intervention"])
    protected = person is None or person["protected_identity"]
    amount = decision["scope_amount"]
    scope = (f"{amount.normalize():f} {SCOPE_UNITS.get(decision['scope_unit'], '')}".strip()
             if amount is not None else None)
    return DecisionLetter(
        municipality_name=settings.municipality_name, unit=case["unit"],
        person_name=None if protected else f"{person['first_name']} {person['last_name']}",
        personal_identity_number=None if protected else person["pin"], case_id=str(case["id"]),
        decision_id=str(decision["id"]), decided_on=decision["decided_on"],
        decided_by_name=maker["name"] if maker else decision["decided_by"],
        decided_by_title=maker["title"] if maker else None,
        intervention_name=item.name if item else decision["intervention"],
        outcome=decision["outcome"], reasons=decision["reasons"] or "", legal_basis=decision["legal_basis"] or "",
        granted_scope=scope, valid_from=decision["valid_from"], valid_to=decision["valid_to"],
        appeal=decision["appeal_instructions"] is not None,
        appeal_deadline_text=f"inom {rules.APPEAL_WEEKS_TEXT} från den dag du fick del av beslutet")


async def decision_letter(uow: UnitOfWork, user: Grant, case_id: UUID, decision_id: UUID) -> bytes:
    """The decision letter (beslutsmeddelande) as a PDF; reading it is a read of the person's data."""
    async with uow:
        case = await visible_case(uow, user, case_id)
        decision = await _decision(uow, case_id, decision_id)
        rules.ensure_has_letter(reasons=decision["reasons"], status=decision["status"])
        uow.log_read(user, resource=f"case/{case_id}/decisions/{decision_id}/letter", person_id=case["person_id"])
        person = await person_store.get(uow.conn, case["person_id"])
        maker = await staff_store.get(uow.conn, decision["decided_by"])
    return render(letter_of(uow.settings, case, decision, person, maker))


# Approval of a decision above its maker's delegation (delegation.yaml)

async def _settle(uow: UnitOfWork, user: Grant, case_id: UUID, decision_id: UUID,
                  if_match: str | None) -> tuple[Record, Record]:
    """The case and the waiting decision, once the user may approve or refuse it (in an open unit of
    work): another unit's decision is not found; one beyond the user's delegation is 403; with
    `if_match`, one changed since the user read it is 412 (the case's lock keeps it still)."""
    case = await case_to_work_on(uow, user, case_id)
    decision = await _decision(uow, case_id, decision_id)
    ensure_current(if_match, etag(decision["revision"]))
    approver = await staff_store.get(uow.conn, user.sub)
    delegation.ensure_can_settle(status=decision["status"], required=Level(decision["required_level"]),
                                 approver=level_of(approver, uow.today()),
                                 approver_unit=approver and approver["unit"], unit=case["unit"],
                                 approver_subject=user.sub, maker_subject=decision["decided_by"])
    return case, decision


async def approve(uow: UnitOfWork, user: Grant, case_id: UUID, decision_id: UUID, *,
                  if_match: str | None = None) -> dict:
    """The decision comes into force: `decision.approved`, and orders may order against it."""
    async with uow:
        case, _ = await _settle(uow, user, case_id, decision_id, if_match)
        row = await staff_store.approve(uow.conn, decision_id, by=user.sub, at=uow.now())
        uow.publish(DecisionApproved(case_id=case_id, decision_id=decision_id, unit=case["unit"],
                                     approved_by=user.sub, approved_at=row["approved_at"]),
                    key=str(case_id), subject=f"case/{case_id}")
        return await with_names(uow, row)


async def refuse(uow: UnitOfWork, user: Grant, case_id: UUID, decision_id: UUID, *, reason: str,
                 if_match: str | None = None) -> dict:
    """The decision never comes into force: `decision.refused`; the reason stays here."""
    if not reason or not reason.strip():
        raise errors.invalid("reason_missing", "A refusal states its reason")
    async with uow:
        case, _ = await _settle(uow, user, case_id, decision_id, if_match)
        row = await staff_store.refuse(uow.conn, decision_id, by=user.sub, at=uow.now(), reason=reason.strip())
        uow.publish(DecisionRefused(case_id=case_id, decision_id=decision_id, unit=case["unit"],
                                    refused_by=user.sub, refused_at=row["refused_at"]),
                    key=str(case_id), subject=f"case/{case_id}")
        return await with_names(uow, row)
