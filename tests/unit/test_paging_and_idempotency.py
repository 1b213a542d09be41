"""The one paging shape and the one idempotency rule, as every service uses them."""
from datetime import date, datetime, timezone
from uuid import uuid4

import pytest

from shared import idempotency
from shared.case_state import CaseState, ensure_case_known, ensure_case_open
from shared.errors import DomainError, Kind
from shared.pagination import decode_cursor, encode_cursor, page_of


def test_a_cursor_carries_its_sort_key_back():
    key = (datetime(2026, 12, 24, 0, 1, tzinfo=timezone.utc), uuid4(), date(2026, 1, 2), 7, "x")
    assert decode_cursor(encode_cursor(*key), datetime, type(key[1]), date, int, str) == key
    assert decode_cursor(None, int) is None


@pytest.mark.parametrize("cursor", ["", "not base64!", encode_cursor(1, 2), encode_cursor("x"), "eyJhIjoxfQ"])
def test_a_cursor_not_made_for_the_list_is_422(cursor):
    with pytest.raises(DomainError) as refused:
        decode_cursor(cursor, int)
    assert (refused.value.kind, refused.value.code) == (Kind.INVALID, "invalid_cursor")


def test_a_page_has_a_next_cursor_only_when_more_rows_were_found():
    rows = [{"n": i} for i in range(6)]
    page, cursor = page_of(rows, 5, lambda r: (r["n"],))
    assert page == rows[:5] and decode_cursor(cursor, int) == (4,)
    assert page_of(rows[:5], 5, lambda r: (r["n"],)) == (rows[:5], None)


def test_a_retry_must_repeat_the_request():
    first = idempotency.fingerprint({"text": "Hembesök", "case_id": "c1"})
    assert first == idempotency.fingerprint({"case_id": "c1", "text": "Hembesök"})
    idempotency.ensure_same_request(first, first)
    with pytest.raises(DomainError) as refused:
        idempotency.ensure_same_request(first, idempotency.fingerprint({"text": "Annat", "case_id": "c1"}))
    assert (refused.value.kind, refused.value.code) == (Kind.CONFLICT, "idempotency_key_reused")


def test_one_answer_for_a_case_that_cannot_be_used():
    def code(check, case):
        with pytest.raises(DomainError) as refused:
            check(case, "c1")
        return refused.value.kind, refused.value.code
    assert code(ensure_case_known, None) == (Kind.CONFLICT, "case_not_known")
    assert code(ensure_case_known, CaseState("vuxen", open=True, removed=True)) == (Kind.GONE, "case_removed")
    closed = CaseState("vuxen", open=False, removed=False)
    assert ensure_case_known(closed, "c1") == closed
    assert code(ensure_case_open, closed) == (Kind.CONFLICT, "case_closed")


@pytest.mark.parametrize("key,types", [((2**63,), (int,)), ((-2**63 - 1,), (int,)), ((True,), (int,)),
                                       (("0001-01-01T00:00:00+05:00",), (datetime,)),
                                       (("2026-01-01T00:00:00",), (datetime,))])
def test_a_cursor_key_the_database_cannot_hold_is_422(key, types):
    with pytest.raises(DomainError) as refused:
        decode_cursor(encode_cursor(*key), *types)
    assert refused.value.code == "invalid_cursor"


def test_a_refusal_for_another_unit_does_not_name_that_unit():
    from shared.access.policy import Grant
    grant = Grant(sub="anna", roles=["caseworker"], unit="vuxen", action="registry:case.read", scope="own_unit")
    with pytest.raises(DomainError) as refused:
        grant.ensure_unit("barn-och-unga")
    assert refused.value.code == "other_unit"
    assert "barn-och-unga" not in f"{refused.value.title} {refused.value.detail}"


def test_a_validation_error_speaks_our_words_not_the_librarys():
    from fastapi import FastAPI
    from fastapi.testclient import TestClient
    from pydantic import BaseModel, Field, model_validator

    from shared import problems

    class Body(BaseModel):
        n: int
        s: str = Field(max_length=3)

        @model_validator(mode="after")
        def _ours(self):
            if self.n == 7:
                raise ValueError("seven is not allowed here")
            return self

    app = FastAPI()
    problems.install(app)

    @app.post("/x")
    async def x(body: Body) -> dict:
        return {}

    client = TestClient(app)
    bad = client.post("/x", json={"n": "<script>", "s": "far too long"}).json()
    assert bad["code"] == "validation_error" and "<script>" not in str(bad) and "Input should" not in str(bad)
    assert {(tuple(e["loc"]), e["msg"]) for e in bad["errors"]} == {
        (("body", "n"), "not a whole number"), (("body", "s"), "too long")}
    ours = client.post("/x", json={"n": 7, "s": "ok"}).json()
    assert "seven is not allowed here" in ours["detail"]
