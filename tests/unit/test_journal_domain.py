"""The journal's rules without a database: versions, idempotency, who may do what."""
import json
from datetime import date, datetime, timedelta, timezone
from uuid import uuid4

import pytest
from hypothesis import given
from hypothesis import strategies as st

from services.journal.api.models import ArchivedNoteOut
from services.journal.domain import notes
from services.journal.domain.access import Action, ensure_may_sign
from services.journal.domain.notes import Case, Version
from services.journal.store.notes import Staff, new_note, stored_fingerprint
from shared import idempotency
from shared.access.policy import grant_for, policy
from shared.auth import ROLES, Principal
from shared.errors import DomainError
from shared.problems import status_of

TODAY = date(2026, 3, 10)
NOW = datetime(2026, 3, 10, 12, tzinfo=timezone.utc)
V1 = Version(1, "Hembesök", date(2026, 3, 1), "anna", NOW, source=notes.Source.PERSON)


def user(role: str, sub: str = "anna", unit: str | None = "vuxen") -> Principal:
    return Principal(sub=sub, roles=[role], unit=unit)


def code_of(call) -> tuple[int, str]:
    with pytest.raises(DomainError) as raised:
        call()
    return status_of(raised.value), raised.value.code


# --- who may do what -----------------------------------------------------------------------------

def may(user: Principal, action: str) -> bool:
    return grant_for(user, f"journal:{action}") is not None


def test_only_support_removes_and_reads_the_archive():
    for action in ("note.remove", "archive.read"):
        assert [r for r in ROLES if may(user(r), action)] == ["support"]


def test_caseworker_and_object_specialist_cannot_remove():
    assert not may(user("caseworker"), "note.remove")
    assert not may(user("object_specialist"), "note.remove")


def test_writers_are_caseworkers_and_supervisors_only():
    for action in ("note.write", "note.correct", "note.sign", "note.addend"):
        assert set(policy().roles_for(f"journal:{action}")) == {"caseworker", "supervisor"}


def test_no_role_outside_the_staff_reads_notes():
    for role in ("citizen", "provider_user", "family_law", "object_specialist", "service"):
        assert not may(user(role), "note.read")


def test_only_citizens_read_and_comment_on_their_own_notes_and_only_their_own():
    for action in ("own_note.read", "own_note.addend"):
        assert [r for r in ROLES if may(user(r), action)] == ["citizen"]
        assert grant_for(Principal(sub="c", roles=["citizen"], pin="x"), f"journal:{action}").scope == "own_identity"


def test_caseworker_stays_in_own_unit_supervisor_does_not_have_to():
    def ensure_unit(who: Principal, unit: str) -> None:
        grant_for(who, "journal:note.read").ensure_unit(unit)
    ensure_unit(user("caseworker", unit="vuxen"), "vuxen")
    assert code_of(lambda: ensure_unit(user("caseworker", unit="vuxen"), "barn-och-unga")) == (403, "other_unit")
    ensure_unit(user("supervisor", unit="vuxen"), "barn-och-unga")
    ensure_unit(user("support", unit=None), "barn-och-unga")


def test_caseworker_signs_own_versions_supervisor_signs_any():
    ensure_may_sign(user("caseworker", sub="anna"), "anna")
    assert code_of(lambda: ensure_may_sign(user("caseworker", sub="bertil"), "anna")) == (403, "not_author")
    ensure_may_sign(user("supervisor", sub="greta"), "anna")


# --- which cases take what ------------------------------------------------------------------------

@pytest.mark.parametrize("case,action,expected", [
    (None, Action.WRITE, (409, "case_not_known")),
    (None, Action.READ, (409, "case_not_known")),
    (None, Action.SIGN, (409, "case_not_known")),
    (Case("vuxen", open=True, removed=True), Action.WRITE, (410, "case_removed")),
    (Case("vuxen", open=False, removed=True), Action.READ, (410, "case_removed")),
    (Case("vuxen", open=False, removed=True), Action.ADDEND, (410, "case_removed")),
    (Case("vuxen", open=False, removed=False), Action.WRITE, (409, "case_closed")),
    (Case("vuxen", open=False, removed=False), Action.CORRECT, (409, "case_closed")),
])
def test_cases_that_refuse(case, action, expected):
    assert code_of(lambda: notes.ensure_case_accepts(case, uuid4(), action)) == expected


@pytest.mark.parametrize("action", [Action.READ, Action.SIGN, Action.ADDEND])
def test_closed_case_is_still_read_signed_and_addended(action):
    closed = Case("vuxen", open=False, removed=False, person_id=uuid4())
    assert notes.ensure_case_accepts(closed, uuid4(), action) is closed


@pytest.mark.parametrize("action", list(Action))
def test_open_case_takes_every_action(action):
    case = Case("vuxen", open=True, removed=False)
    assert notes.ensure_case_accepts(case, uuid4(), action) is case


# --- corrections ----------------------------------------------------------------------------------

def _correct(**change):
    args = dict(based_on=1, text=None, occurred_on=None, reason="fel", by="bertil", at=NOW, today=TODAY)
    return notes.correct(V1, **{**args, **change})


def test_date_correction_is_a_new_version_with_the_same_text():
    v2, changed = _correct(occurred_on=date(2026, 3, 2))
    assert (v2.version, v2.text, v2.occurred_on, v2.reason, v2.written_by) == (
        2, "Hembesök", date(2026, 3, 2), "fel", "bertil")
    assert changed == ["occurred_on"]


def test_text_and_date_corrected_together():
    _, changed = _correct(text="Telefonsamtal", occurred_on=date(2026, 3, 2))
    assert changed == ["text", "occurred_on"]


def test_correction_that_changes_nothing_is_refused():
    assert code_of(lambda: _correct()) == (422, "nothing_to_correct")
    assert code_of(lambda: _correct(text="Hembesök", occurred_on=date(2026, 3, 1))) == (422, "nothing_to_correct")


def test_correction_of_an_old_version_is_a_conflict_naming_the_current():
    with pytest.raises(DomainError) as raised:
        notes.correct(Version(3, "x", TODAY, "anna", NOW, "r"), based_on=2, text="y", occurred_on=None,
                      reason="r", by="anna", at=NOW, today=TODAY)
    assert (status_of(raised.value), raised.value.code, raised.value.extra) == (409, "version_conflict",
                                                                             {"current_version": 3})


def test_dates_after_the_swedish_today_are_refused():
    # `today` is the date in Sweden, so no slack is needed just after midnight.
    notes.first_version(text="x", occurred_on=TODAY, by="anna", at=NOW, today=TODAY, source=notes.Source.OTHER)
    assert code_of(lambda: notes.first_version(text="x", occurred_on=TODAY + timedelta(days=1), by="anna",
                                               at=NOW, today=TODAY, source=notes.Source.OTHER)) == \
        (422, "occurred_on_in_future")
    assert code_of(lambda: _correct(occurred_on=TODAY + timedelta(days=5))) == (422, "occurred_on_in_future")


def test_a_new_note_states_its_source():
    first = notes.first_version(text="x", occurred_on=TODAY, by="anna", at=NOW, today=TODAY,
                                source=notes.Source.RELATIVE)
    assert first.source is notes.Source.RELATIVE
    assert code_of(lambda: notes.first_version(text="x", occurred_on=TODAY, by="anna", at=NOW, today=TODAY,
                                               source=None)) == (422, "source_missing")


def test_a_withheld_part_always_says_why():
    assert notes.withheld_part(None, None) is None
    assert notes.withheld_part("Grannen ringde", "OSL 26 kap. 5 §") == notes.Withheld("Grannen ringde",
                                                                                       "OSL 26 kap. 5 §")
    assert code_of(lambda: notes.withheld_part("Grannen ringde", None)) == (422, "withheld_reason_missing")
    assert code_of(lambda: notes.withheld_part(None, "OSL 26 kap. 5 §")) == (422, "withheld_text_missing")


def test_a_correction_keeps_the_source_and_the_withheld_part():
    withheld = notes.Withheld("Grannen ringde", "OSL 26 kap. 5 §")
    v1 = Version(1, "Hembesök", date(2026, 3, 1), "anna", NOW, source=notes.Source.RELATIVE, withheld=withheld)
    v2, _ = notes.correct(v1, based_on=1, text="Telefonsamtal", occurred_on=None, reason="fel", by="bertil",
                          at=NOW, today=TODAY)
    assert (v2.source, v2.withheld, v2.text, v2.written_by) == (notes.Source.RELATIVE, withheld, "Telefonsamtal",
                                                                "bertil")
    old = Version(1, "Hembesök", date(2026, 3, 1), "anna", NOW)  # written before the source was asked for
    assert notes.correct(old, based_on=1, text="Ny", occurred_on=None, reason="fel", by="anna", at=NOW,
                         today=TODAY)[0].source is None


def test_removal_names_the_current_version_and_happens_once():
    notes.ensure_removable(removed=False, based_on=2, current=2)
    assert code_of(lambda: notes.ensure_removable(removed=False, based_on=1, current=2)) == (409, "version_conflict")
    assert code_of(lambda: notes.ensure_removable(removed=True, based_on=2, current=2)) == (409, "already_removed")


# --- idempotency ----------------------------------------------------------------------------------

def test_fingerprint_ignores_key_order_and_sees_every_change():
    a = idempotency.fingerprint({"case_id": "c", "text": "x", "occurred_on": "2026-03-01"})
    assert a == idempotency.fingerprint({"occurred_on": "2026-03-01", "text": "x", "case_id": "c"})
    assert a != idempotency.fingerprint({"case_id": "c", "text": "x ", "occurred_on": "2026-03-01"})
    assert a != idempotency.fingerprint({"case_id": "d", "text": "x", "occurred_on": "2026-03-01"})


def test_fingerprint_of_typed_values_is_that_of_their_json():
    # The use case fingerprints the parsed request (UUID, date); earlier notes were fingerprinted from JSON.
    case_id = uuid4()
    assert idempotency.fingerprint({"case_id": case_id, "occurred_on": date(2026, 3, 1), "text": "x"}) == \
        idempotency.fingerprint({"case_id": str(case_id), "occurred_on": "2026-03-01", "text": "x"})


def test_same_key_other_request_is_a_conflict():
    a, b = idempotency.fingerprint({"text": "abc"}), idempotency.fingerprint({"text": "abd"})
    idempotency.ensure_same_request(a, a)
    assert code_of(lambda: idempotency.ensure_same_request(a, b)) == (409, "idempotency_key_reused")


def test_a_fingerprint_stored_before_the_prefix_still_matches_its_retry():
    now = idempotency.fingerprint({"case_id": "c", "text": "x", "occurred_on": "2026-03-01"})
    bare = now.removeprefix("sha256:")
    assert stored_fingerprint(bare) == stored_fingerprint(now) == now
    idempotency.ensure_same_request(stored_fingerprint(bare), now)


@given(st.lists(st.one_of(st.text(min_size=1, max_size=5).map(lambda t: {"text": t}),
                          st.integers(1, 60).map(lambda d: {"occurred_on": date(2026, 1, 1) + timedelta(d)})),
                max_size=12))
def test_any_run_of_corrections_makes_consecutive_versions_that_change_only_what_was_asked(changes):
    versions = [V1]
    for change in changes:
        current = versions[-1]
        try:
            new, changed = notes.correct(current, based_on=current.version, reason="r", by="anna", at=NOW,
                                         today=TODAY, **{"text": None, "occurred_on": None, **change})
        except DomainError as problem:
            assert problem.code == "nothing_to_correct" and getattr(current, next(iter(change))) == \
                next(iter(change.values()))
            continue
        assert new.version == current.version + 1 and changed == list(change)
        assert new.text == change.get("text", current.text)
        assert new.occurred_on == change.get("occurred_on", current.occurred_on)
        versions.append(new)
    assert [v.version for v in versions] == list(range(1, len(versions) + 1))


# --- the answer for a note just written, made without a query ---------------------------------------

def test_a_note_just_written_is_shown_as_the_store_shows_any_note():
    note_id, case_id = uuid4(), uuid4()
    author = Staff("Anna Andersson", "Socialsekreterare")
    shown = ArchivedNoteOut.model_validate_json(new_note(note_id, case_id, V1, author))
    assert set(ArchivedNoteOut.model_fields) == set(json.loads(new_note(note_id, case_id, V1, author)))
    assert (shown.id, shown.case_id, shown.author, shown.created_at, shown.current_version, shown.occurred_on,
            shown.signed, shown.removed, shown.addenda, shown.source, shown.written_by_name,
            shown.written_by_title) == (note_id, case_id, "anna", NOW, 1, V1.occurred_on, False, False, [],
                                        notes.Source.PERSON, "Anna Andersson", "Socialsekreterare")
    [version] = shown.versions
    assert set(type(version).model_fields) == set(json.loads(new_note(note_id, case_id, V1, author))["versions"][0])
    assert (version.version, version.text, version.occurred_on, version.written_by, version.written_at,
            version.reason, version.signed_by, version.struck, version.source, version.withheld_text,
            version.written_by_name) == (1, "Hembesök", V1.occurred_on, "anna", NOW, None, None, False,
                                         notes.Source.PERSON, None, "Anna Andersson")
