"""Property: whatever random sequence of writes, retries, corrections (current or stale), signing,
addenda and removals happens, no version of any note ever disappears from the archive, and the
ordinary view holds exactly the notes not removed.

Driven against the real journal over HTTP (a hypothesis state machine, few examples), so the
property covers the routes, the transactions and the SQL together, not a model of them.
"""
import asyncio
import itertools
import uuid
from datetime import timedelta

import httpx
import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule, run_state_machine_as_test

from tests import clock
from tests.integration.journal.helpers import UNIT, journal_service, open_case

__all__ = ["journal_service"]  # a fixture

texts = st.text(st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), min_size=1, max_size=40) \
    .filter(lambda t: t.strip())
days = st.integers(0, 30).map(lambda d: (clock.today() - timedelta(days=d)).isoformat())
MAX_NOTES = 6


class Journal(RuleBasedStateMachine):
    def __init__(self, client: httpx.Client, env, case_id: str):
        super().__init__()
        self.http, self.case = client, case_id
        self.caseworker = env.auth("caseworker", sub="anna", unit=UNIT)
        self.support = env.auth("support", sub="sven")
        # What must be true: every note's versions (text, date) oldest first, signatures, removal.
        self.notes: dict[str, dict] = {}

    def _pick(self, data) -> tuple[str, dict]:
        note_id = data.draw(st.sampled_from(sorted(self.notes)))
        return note_id, self.notes[note_id]

    @precondition(lambda self: len(self.notes) < MAX_NOTES)
    @rule(text=texts, occurred_on=days)
    def write(self, text, occurred_on):
        key, body = str(uuid.uuid4()), {"text": text, "occurred_on": occurred_on,
                                           "source": "own_observation"}
        response = self.http.post(f"/cases/{self.case}/notes", json=body,
                                  headers={**self.caseworker, "Idempotency-Key": key})
        assert response.status_code == 201, response.text
        self.notes[response.json()["id"]] = {"versions": [(text, occurred_on)], "signed": set(),
                                             "removed": False, "addenda": [], "key": key, "body": body}

    @precondition(lambda self: self.notes)
    @rule(data=st.data(), same_body=st.booleans())
    def retry_write(self, data, same_body):
        note_id, note = self._pick(data)
        body = note["body"] if same_body else {**note["body"], "text": note["body"]["text"] + "!"}
        response = self.http.post(f"/cases/{self.case}/notes", json=body,
                                  headers={**self.caseworker, "Idempotency-Key": note["key"]})
        if not same_body:
            assert (response.status_code, response.json()["code"]) == (409, "idempotency_key_reused")
        elif note["removed"]:
            assert (response.status_code, response.json()["code"]) == (410, "note_removed")
        else:
            assert response.status_code == 200 and response.json()["id"] == note_id

    @precondition(lambda self: self.notes)
    @rule(data=st.data(), text=st.none() | texts, occurred_on=st.none() | days, stale=st.booleans())
    def correct(self, data, text, occurred_on, stale):
        note_id, note = self._pick(data)
        current = len(note["versions"])
        based_on = current - 1 if stale and current > 1 else current
        body = {"based_on_version": based_on, "reason": "rättelse",
                **({"text": text} if text is not None else {}),
                **({"occurred_on": occurred_on} if occurred_on is not None else {})}
        response = self.http.post(f"/notes/{note_id}/corrections", json=body, headers=self.caseworker)
        old_text, old_date = note["versions"][-1]
        new = (old_text if text is None else text, old_date if occurred_on is None else occurred_on)
        if note["removed"]:
            assert response.status_code == 410
        elif based_on != current:
            assert (response.status_code, response.json()["current_version"]) == (409, current)
        elif new == (old_text, old_date):
            assert (response.status_code, response.json()["code"]) == (422, "nothing_to_correct")
        else:
            assert response.status_code == 201, response.text
            note["versions"].append(new)

    @precondition(lambda self: self.notes)
    @rule(data=st.data())
    def sign(self, data):
        note_id, note = self._pick(data)
        current = len(note["versions"])
        response = self.http.post(f"/notes/{note_id}/sign", json={"version": current}, headers=self.caseworker)
        if note["removed"]:
            assert response.status_code == 410
        else:
            assert response.status_code == (200 if current in note["signed"] else 201), response.text
            note["signed"].add(current)

    @precondition(lambda self: self.notes)
    @rule(data=st.data(), text=texts)
    def addend(self, data, text):
        note_id, note = self._pick(data)
        response = self.http.post(f"/notes/{note_id}/addenda", json={"text": text, "given_by": "den enskilde"},
                                  headers={**self.caseworker, "Idempotency-Key": str(uuid.uuid4())})
        if note["removed"]:
            assert response.status_code == 410
        else:
            assert response.status_code == 201, response.text
            note["addenda"].append(text)

    @precondition(lambda self: self.notes)
    @rule(data=st.data())
    def remove(self, data):
        note_id, note = self._pick(data)
        response = self.http.post(f"/notes/{note_id}/removal", headers=self.support,
                                  json={"version": len(note["versions"]), "reason": "fel person"})
        assert response.status_code == (409 if note["removed"] else 200), response.text
        note["removed"] = True

    @invariant()
    def archive_keeps_every_version(self):
        for note_id, note in self.notes.items():
            archived = self.http.get(f"/archive/notes/{note_id}", headers=self.support).json()
            shown = [(v["text"], v["occurred_on"]) for v in archived["versions"]]
            assert shown == note["versions"][::-1], "a version disappeared or changed"
            assert [v["struck"] for v in archived["versions"]] == [False] + [True] * (len(shown) - 1)
            assert {v["version"] for v in archived["versions"] if v["signed_by"]} == note["signed"]
            assert [a["text"] for a in archived["addenda"]] == note["addenda"]
            assert archived["removed"] is note["removed"]

    @invariant()
    def ordinary_view_holds_exactly_the_notes_not_removed(self):
        page = self.http.get(f"/cases/{self.case}/notes", params={"limit": 200}, headers=self.caseworker).json()
        mine = [n["id"] for n in page["items"] if n["id"] in self.notes]
        assert mine == sorted((i for i, n in self.notes.items() if not n["removed"]), reverse=True)


@pytest.fixture(scope="module")
async def case_pool(journal_service):
    env, _ = journal_service
    return await asyncio.gather(*(open_case(env) for _ in range(10)))


def test_no_version_ever_disappears(journal_service, case_pool):
    env, proc = journal_service
    cases = itertools.cycle(case_pool)  # examples share cases; each checks only its own notes
    with httpx.Client(base_url=proc.url, timeout=30) as client:
        run_state_machine_as_test(
            lambda: Journal(client, env, next(cases)),
            settings=settings(max_examples=20, stateful_step_count=15, deadline=None,
                              suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much]))
