"""The journal on the real stack: notes are never lost (rule 1) and never duplicated (rule 2)."""
import asyncio
import uuid

import asyncpg
import httpx
import pytest

from tests.integration.journal.helpers import (UNIT, close_case, days_ago, journal_rows, journal_service, key,
                                               note_body, open_case, publish_registry_event)
from tests.stack import eventually

__all__ = ["journal_service"]  # a fixture


@pytest.fixture
async def clients(journal_service):
    env, proc = journal_service
    async with httpx.AsyncClient(base_url=proc.url, timeout=30) as journal:
        yield env, journal


@pytest.fixture
async def case(clients):
    env, _ = clients
    return await open_case(env)


def caseworker(env, sub: str = "anna"):
    return env.auth("caseworker", sub=sub, unit=UNIT)


async def write(env, journal, case_id, body=None, headers=None, sub="anna") -> dict:
    response = await journal.post(f"/cases/{case_id}/notes", json=body or note_body(),
                                  headers={**caseworker(env, sub), **(headers or key())})
    assert response.status_code == 201, response.text
    return response.json()


async def listed_ids(env, journal, case_id) -> list[str]:
    response = await journal.get(f"/cases/{case_id}/notes", headers=caseworker(env))
    assert response.status_code == 200, response.text
    return [n["id"] for n in response.json()["items"]]


# --- rule 2: the same create twice makes one note --------------------------------------------

async def test_same_key_and_body_answers_the_same_note(clients, case):
    env, journal = clients
    headers = key()
    first = await write(env, journal, case, headers=headers)
    again = await journal.post(f"/cases/{case}/notes", json=note_body(), headers={**caseworker(env), **headers})
    assert again.status_code == 200
    assert again.json()["id"] == first["id"]
    assert await listed_ids(env, journal, case) == [first["id"]]


async def test_same_key_with_another_body_is_409(clients, case):
    env, journal = clients
    headers = key()
    first = await write(env, journal, case, headers=headers)
    other = await journal.post(f"/cases/{case}/notes", json=note_body(text="Något annat"),
                               headers={**caseworker(env), **headers})
    assert other.status_code == 409
    assert other.headers["content-type"] == "application/problem+json"
    assert other.json()["code"] == "idempotency_key_reused"
    assert await listed_ids(env, journal, case) == [first["id"]]


async def test_the_same_key_of_another_author_is_another_note(clients, case):
    env, journal = clients
    headers = key()
    anna = await write(env, journal, case, headers=headers, sub="anna")
    bertil = await write(env, journal, case, headers=headers, sub="bertil")
    assert anna["id"] != bertil["id"] and bertil["author"] == "bertil"


async def test_missing_idempotency_key_is_400(clients, case):
    env, journal = clients
    response = await journal.post(f"/cases/{case}/notes", json=note_body(), headers=caseworker(env))
    assert response.status_code == 400
    assert response.json()["code"] == "idempotency_key_missing"
    assert await listed_ids(env, journal, case) == []


async def test_twenty_concurrent_identical_creates_make_one_note(clients, case):
    env, journal = clients
    headers = {**caseworker(env), **key()}
    responses = await asyncio.gather(*(journal.post(f"/cases/{case}/notes", json=note_body(), headers=headers)
                                       for _ in range(20)))
    assert sorted(r.status_code for r in responses) == [200] * 19 + [201]
    assert len({r.json()["id"] for r in responses}) == 1
    assert await listed_ids(env, journal, case) == [responses[0].json()["id"]]
    written = await journal_rows(env, "SELECT count(*) FROM journal.outbox WHERE type = 'note.written'"
                                      " AND key = $1", case)
    assert written[0][0] == 1


# --- rule 1: corrections keep every version -----------------------------------------------------

async def test_correcting_the_date_keeps_both_versions(clients, case):
    env, journal = clients
    note = await write(env, journal, case, body=note_body(occurred_on=days_ago(10)))
    response = await journal.post(f"/notes/{note['id']}/corrections", headers=caseworker(env, "bertil"),
                                  json={"based_on_version": 1, "occurred_on": days_ago(9),
                                        "reason": "Fel datum, besöket var dagen efter"})
    assert response.status_code == 201, response.text
    read = (await journal.get(f"/notes/{note['id']}", headers=caseworker(env))).json()
    assert read["current_version"] == 2 and read["occurred_on"] == days_ago(9)
    new, old = read["versions"]
    assert (new["version"], new["occurred_on"], new["struck"]) == (2, days_ago(9), False)
    assert (old["version"], old["occurred_on"], old["struck"]) == (1, days_ago(10), True)
    assert old["text"] == new["text"] == note_body()["text"]
    assert old["struck_by"] == "bertil" and old["struck_reason"] == "Fel datum, besöket var dagen efter"
    assert old["struck_at"] == new["written_at"]


async def test_correcting_text_and_date_together_and_in_turn(clients, case):
    env, journal = clients
    note = await write(env, journal, case)
    for version, change in enumerate([{"text": "v2"}, {"occurred_on": days_ago(1)},
                                      {"text": "v4", "occurred_on": days_ago(2)}], start=1):
        response = await journal.post(f"/notes/{note['id']}/corrections", headers=caseworker(env),
                                      json={"based_on_version": version, "reason": f"rättelse {version}", **change})
        assert response.status_code == 201, response.text
    versions = response.json()["versions"]
    assert [(v["version"], v["text"], v["struck"]) for v in versions] == [
        (4, "v4", False), (3, "v2", True), (2, "v2", True), (1, note_body()["text"], True)]
    assert [v["occurred_on"] for v in versions] == [days_ago(2), days_ago(1), days_ago(3), days_ago(3)]


async def test_correction_of_a_version_no_longer_current_is_409(clients, case):
    env, journal = clients
    note = await write(env, journal, case)
    ok = await journal.post(f"/notes/{note['id']}/corrections", headers=caseworker(env),
                            json={"based_on_version": 1, "text": "andra", "reason": "stavfel"})
    assert ok.status_code == 201
    stale = await journal.post(f"/notes/{note['id']}/corrections", headers=caseworker(env),
                               json={"based_on_version": 1, "text": "tredje", "reason": "stavfel"})
    assert stale.status_code == 409
    assert stale.json()["code"] == "version_conflict" and stale.json()["current_version"] == 2


async def test_if_match_acts_only_on_the_note_as_read(clients, case):
    """The ETag covers everything shown: a signature or an addendum made since the read makes a
    correction with the old ETag 412, though its version number is still current."""
    env, journal = clients
    note = await write(env, journal, case)
    read = await journal.get(f"/notes/{note['id']}", headers=caseworker(env))
    tag = read.headers["ETag"]
    assert tag.startswith('"') and tag.endswith('"')
    assert (await journal.get(f"/notes/{note['id']}", headers=caseworker(env))).headers["ETag"] == tag

    signed = await journal.post(f"/notes/{note['id']}/sign", json={"version": 1},
                                headers={**caseworker(env), "If-Match": tag})
    assert signed.status_code == 201, signed.text
    after_sign = signed.headers["ETag"]
    assert after_sign != tag
    assert (await journal.get(f"/notes/{note['id']}", headers=caseworker(env))).headers["ETag"] == after_sign

    stale = await journal.post(f"/notes/{note['id']}/corrections", headers={**caseworker(env), "If-Match": tag},
                               json={"based_on_version": 1, "text": "andra", "reason": "stavfel"})
    assert stale.status_code == 412, stale.text
    assert stale.headers["content-type"].startswith("application/problem+json")
    assert stale.json()["code"] == "etag_mismatch"
    stale_addendum = await journal.post(f"/notes/{note['id']}/addenda", json={"text": "Invändning."},
                                        headers={**caseworker(env), **key(), "If-Match": tag})
    assert stale_addendum.status_code == 412 and stale_addendum.json()["code"] == "etag_mismatch"
    read_again = await journal.get(f"/notes/{note['id']}", headers=caseworker(env))
    assert [v["version"] for v in read_again.json()["versions"]] == [1] and read_again.json()["addenda"] == []

    corrected = await journal.post(f"/notes/{note['id']}/corrections",
                                   headers={**caseworker(env), "If-Match": f'"other", {after_sign}'},
                                   json={"based_on_version": 1, "text": "andra", "reason": "stavfel"})
    assert corrected.status_code == 201, corrected.text
    assert corrected.headers["ETag"] not in (tag, after_sign)


async def test_the_tag_of_a_note_just_written_is_the_tag_it_is_read_with(clients, case):
    """The answer to a write is the note as a read shows it, to the byte: its ETag is the one a
    read gives, and signing with it goes through."""
    env, journal = clients
    written = await journal.post(f"/cases/{case}/notes", json=note_body(), headers={**caseworker(env), **key()})
    assert written.status_code == 201, written.text
    read = await journal.get(f"/notes/{written.json()['id']}", headers=caseworker(env))
    assert read.json() == written.json()
    assert read.headers["ETag"] == written.headers["ETag"]
    signed = await journal.post(f"/notes/{written.json()['id']}/sign", json={"version": 1},
                                headers={**caseworker(env), "If-Match": written.headers["ETag"]})
    assert signed.status_code == 201, signed.text


async def test_a_correction_that_changes_nothing_is_refused(clients, case):
    env, journal = clients
    note = await write(env, journal, case)
    response = await journal.post(f"/notes/{note['id']}/corrections", headers=caseworker(env),
                                  json={"based_on_version": 1, "text": note_body()["text"], "reason": "inget"})
    assert response.status_code == 422 and response.json()["code"] == "nothing_to_correct"


async def test_concurrent_corrections_of_one_version_one_wins_nothing_lost(clients, case):
    env, journal = clients
    note = await write(env, journal, case)
    texts = [f"rättad text {i}" for i in range(8)]
    responses = await asyncio.gather(*(
        journal.post(f"/notes/{note['id']}/corrections", headers=caseworker(env),
                     json={"based_on_version": 1, "text": t, "reason": "samtidigt"}) for t in texts))
    codes = sorted(r.status_code for r in responses)
    assert codes == [201] + [409] * 7
    assert all(r.json()["code"] == "version_conflict" and r.json()["current_version"] == 2
               for r in responses if r.status_code == 409)
    winner = texts[[r.status_code for r in responses].index(201)]
    versions = (await journal.get(f"/notes/{note['id']}", headers=caseworker(env))).json()["versions"]
    assert [(v["version"], v["text"]) for v in versions] == [(2, winner), (1, note_body()["text"])]


# --- signing and addenda ------------------------------------------------------------------------

async def test_signed_note_is_corrected_by_a_new_version_never_in_place(clients, case):
    env, journal = clients
    note = await write(env, journal, case)
    signed = await journal.post(f"/notes/{note['id']}/sign", json={"version": 1}, headers=caseworker(env))
    assert signed.status_code == 201 and signed.json()["signed"] is True
    again = await journal.post(f"/notes/{note['id']}/sign", json={"version": 1}, headers=caseworker(env))
    assert again.status_code == 200
    corrected = await journal.post(f"/notes/{note['id']}/corrections", headers=caseworker(env),
                                   json={"based_on_version": 1, "text": "rättad", "reason": "fel i signerad"})
    assert corrected.status_code == 201
    body = corrected.json()
    assert body["signed"] is False
    v2, v1 = body["versions"]
    assert v1["signed_by"] == "anna" and v1["struck"] and v1["text"] == note_body()["text"]
    assert v2["signed_by"] is None
    stale = await journal.post(f"/notes/{note['id']}/sign", json={"version": 1}, headers=caseworker(env))
    assert stale.status_code == 409 and stale.json()["code"] == "version_conflict"
    signed_events = await journal_rows(env, "SELECT count(*) FROM journal.outbox WHERE type = 'note.signed'"
                                            " AND subject = $1", f"note/{note['id']}")
    assert signed_events[0][0] == 1


async def test_caseworker_signs_only_what_they_wrote(clients, case):
    env, journal = clients
    note = await write(env, journal, case, sub="anna")
    other = await journal.post(f"/notes/{note['id']}/sign", json={"version": 1}, headers=caseworker(env, "bertil"))
    assert other.status_code == 403 and other.json()["code"] == "not_author"
    elsewhere = await journal.post(f"/notes/{note['id']}/sign", json={"version": 1},
                                   headers=env.auth("supervisor", sub="hugo", unit="annan-enhet"))
    assert elsewhere.status_code in (403, 404), elsewhere.text   # a supervisor acts in their own unit only
    boss = await journal.post(f"/notes/{note['id']}/sign", json={"version": 1},
                              headers=env.auth("supervisor", sub="greta", unit=UNIT))
    assert boss.status_code == 201 and boss.json()["versions"][0]["signed_by"] == "greta"


async def test_addendum_is_shown_with_the_note_and_never_changes_it(clients, case):
    env, journal = clients
    note = await write(env, journal, case)
    await journal.post(f"/notes/{note['id']}/sign", json={"version": 1}, headers=caseworker(env))
    headers = {**caseworker(env), **key()}
    body = {"text": "Jag håller inte med om att jag vägrade besöket.", "given_by": "den enskilde"}
    added = await journal.post(f"/notes/{note['id']}/addenda", json=body, headers=headers)
    assert added.status_code == 201, added.text
    retry = await journal.post(f"/notes/{note['id']}/addenda", json=body, headers=headers)
    assert retry.status_code == 200
    other = await journal.post(f"/notes/{note['id']}/addenda", json={**body, "text": "x"}, headers=headers)
    assert other.status_code == 409 and other.json()["code"] == "idempotency_key_reused"
    read = (await journal.get(f"/notes/{note['id']}", headers=caseworker(env))).json()
    assert [(a["text"], a["given_by"]) for a in read["addenda"]] == [(body["text"], "den enskilde")]
    assert read["current_version"] == 1 and read["signed"] is True
    assert read["versions"][0]["text"] == note_body()["text"]


# --- removal: exactly one note, by support only, kept in the archive ---------------------------

async def test_removal_removes_exactly_the_named_note_and_keeps_it_in_the_archive(clients, case):
    env, journal = clients
    first, wrong, last = [await write(env, journal, case, body=note_body(text=f"anteckning {i}")) for i in range(3)]
    await journal.post(f"/notes/{wrong['id']}/corrections", headers=caseworker(env),
                       json={"based_on_version": 1, "text": "rättad", "reason": "stavfel"})
    support = env.auth("support", sub="sven")
    removed = await journal.post(f"/notes/{wrong['id']}/removal", headers=support,
                                 json={"version": 2, "reason": "Skriven på fel person"})
    assert removed.status_code == 200, removed.text
    assert await listed_ids(env, journal, case) == [last["id"], first["id"]]
    gone = await journal.get(f"/notes/{wrong['id']}", headers=caseworker(env))
    assert gone.status_code == 410 and gone.json()["code"] == "note_removed"
    # To another unit the removed note is one that does not exist: nothing says it was removed.
    elsewhere = await journal.get(f"/notes/{wrong['id']}", headers=env.auth("caseworker", unit="barn-och-unga"))
    assert elsewhere.status_code == 404 and elsewhere.json()["code"] == "note_not_found"
    archived = (await journal.get(f"/archive/notes/{wrong['id']}", headers=support)).json()
    assert archived["removed"] is True and archived["removed_by"] == "sven"
    assert archived["removal_reason"] == "Skriven på fel person"
    assert [v["text"] for v in archived["versions"]] == ["rättad", "anteckning 1"]
    removals = await journal_rows(env, "SELECT subject, data FROM journal.outbox WHERE type = 'note.removed'"
                                       " AND key = $1", case)
    assert [(r["subject"], r["data"]["removed_by"]) for r in removals] == [(f"note/{wrong['id']}", "sven")]
    audited = await journal_rows(env, "SELECT data FROM journal.outbox WHERE type = 'access.logged'"
                                      " AND data->>'action' = 'remove'")
    assert [(r["data"]["resource"], r["data"]["actor"]) for r in audited] == [(f"note/{wrong['id']}", "sven")]
    again = await journal.post(f"/notes/{wrong['id']}/removal", headers=support,
                               json={"version": 2, "reason": "igen"})
    assert again.status_code == 409 and again.json()["code"] == "already_removed"


async def test_removal_must_name_the_current_version(clients, case):
    env, journal = clients
    note = await write(env, journal, case)
    await journal.post(f"/notes/{note['id']}/corrections", headers=caseworker(env),
                       json={"based_on_version": 1, "text": "rättad", "reason": "stavfel"})
    stale = await journal.post(f"/notes/{note['id']}/removal", headers=env.auth("support"),
                               json={"version": 1, "reason": "fel person"})
    assert stale.status_code == 409 and stale.json()["code"] == "version_conflict"
    assert await listed_ids(env, journal, case) == [note["id"]]


@pytest.mark.parametrize("role,claims", [("caseworker", {"unit": UNIT}), ("object_specialist", {}),
                                         ("supervisor", {}), ("citizen", {"pin": "191212121212"})])
async def test_only_support_removes(clients, case, role, claims):
    env, journal = clients
    note = await write(env, journal, case)
    response = await journal.post(f"/notes/{note['id']}/removal", headers=env.auth(role, **claims),
                                  json={"version": 1, "reason": "fel person"})
    assert response.status_code == 403 and response.json()["code"] == "forbidden"
    assert await listed_ids(env, journal, case) == [note["id"]]
    archive = await journal.get(f"/archive/notes/{note['id']}", headers=env.auth(role, **claims))
    assert archive.status_code == 403


@pytest.mark.parametrize("path", ["/notes/{note}", "/cases/{case}/notes", "/notes/{note}/corrections",
                                  "/archive/notes/{note}", "/whatever"])
async def test_delete_is_405_everywhere(clients, case, path):
    env, journal = clients
    note = await write(env, journal, case)
    response = await journal.delete(path.format(note=note["id"], case=case), headers=env.auth("support"))
    assert response.status_code == 405
    assert response.json()["code"] == "method_not_allowed"
    assert await listed_ids(env, journal, case) == [note["id"]]


# --- which cases take notes, who may write and read ---------------------------------------------

async def test_unknown_case_is_409_not_known_yet(clients):
    env, journal = clients
    unknown = uuid.uuid4()
    response = await journal.post(f"/cases/{unknown}/notes", json=note_body(), headers={**caseworker(env), **key()})
    assert response.status_code == 409 and response.json()["code"] == "case_not_known"
    read = await journal.get(f"/cases/{unknown}/notes", headers=caseworker(env))
    assert read.status_code == 409 and read.json()["code"] == "case_not_known"


async def test_closed_case_takes_no_notes_or_corrections_but_keeps_them(clients, case):
    env, journal = clients
    note = await write(env, journal, case)
    await close_case(env, case)
    response = await journal.post(f"/cases/{case}/notes", json=note_body(), headers={**caseworker(env), **key()})
    assert response.status_code == 409 and response.json()["code"] == "case_closed"
    correction = await journal.post(f"/notes/{note['id']}/corrections", headers=caseworker(env),
                                    json={"based_on_version": 1, "text": "sent", "reason": "sent"})
    assert correction.status_code == 409 and correction.json()["code"] == "case_closed"
    signed = await journal.post(f"/notes/{note['id']}/sign", json={"version": 1}, headers=caseworker(env))
    assert signed.status_code == 201
    assert await listed_ids(env, journal, case) == [note["id"]]


async def test_removed_case_refuses_notes_until_restored(clients, case):
    env, journal = clients
    note = await write(env, journal, case)
    await publish_registry_event(env, "case.removed", case, {"reason": "dubblett", "removed_by": "sven",
                                                             "removed_at": "2026-01-01T00:00:00Z"})
    assert await eventually(lambda: journal_knows_removed(env, case, True))
    response = await journal.post(f"/cases/{case}/notes", json=note_body(), headers={**caseworker(env), **key()})
    assert response.status_code == 410 and response.json()["code"] == "case_removed"
    read = await journal.get(f"/cases/{case}/notes", headers=caseworker(env))
    assert read.status_code == 410 and read.json()["code"] == "case_removed"
    await publish_registry_event(env, "case.restored", case, {"reason": "misstag", "restored_by": "sven",
                                                              "restored_at": "2026-01-02T00:00:00Z"})
    assert await eventually(lambda: journal_knows_removed(env, case, False))
    assert await listed_ids(env, journal, case) == [note["id"]]


async def journal_knows_removed(env, case_id, removed: bool) -> bool:
    rows = await journal_rows(env, "SELECT removed_at IS NOT NULL AS removed FROM journal.cases"
                                   " WHERE case_id = $1::uuid", case_id)
    return bool(rows) and rows[0]["removed"] is removed


async def test_date_in_the_future_is_refused(clients, case):
    env, journal = clients
    response = await journal.post(f"/cases/{case}/notes", json=note_body(occurred_on=days_ago(-5)),
                                  headers={**caseworker(env), **key()})
    assert response.status_code == 422 and response.json()["code"] == "occurred_on_in_future"


@pytest.mark.parametrize("role,claims,status,code", [
    # Another unit's case answers as one the journal does not know: it tells nothing more.
    ("caseworker", {"unit": "barn-och-unga"}, 409, "case_not_known"),
    ("object_specialist", {}, 403, "forbidden"),
    ("family_law", {}, 403, "forbidden"),
    ("citizen", {"pin": "191212121212"}, 403, "forbidden"),
    ("provider_user", {"provider_id": "hemtjanst-ab"}, 403, "forbidden"),
])
async def test_who_may_not_write_or_read(clients, case, role, claims, status, code):
    env, journal = clients
    headers = env.auth(role, **claims)
    write_ = await journal.post(f"/cases/{case}/notes", json=note_body(), headers={**headers, **key()})
    read = await journal.get(f"/cases/{case}/notes", headers=headers)
    assert (write_.status_code, write_.json()["code"]) == (status, code)
    assert (read.status_code, read.json()["code"]) == (status, code)


async def test_every_read_is_logged_as_access(clients):
    env, journal = clients
    person = str(uuid.uuid4())
    case = await open_case(env, person_id=person)
    note = await write(env, journal, case)
    await journal.get(f"/cases/{case}/notes", headers=caseworker(env), params={"limit": 5})
    await journal.get(f"/notes/{note['id']}", headers={**caseworker(env), "X-Access-Reason": "follow-up"})
    await journal.get(f"/archive/notes/{note['id']}", headers=env.auth("support", sub="sven"))
    logged = await journal_rows(env, "SELECT data FROM journal.outbox WHERE type = 'access.logged'"
                                     " AND data->>'person_id' = $1 ORDER BY seq", person)
    assert [(r["data"]["resource"], r["data"]["actor"], r["data"]["reason"]) for r in logged] == [
        (f"case/{case}/notes", "anna", None), (f"note/{note['id']}", "anna", "follow-up"),
        (f"archive/note/{note['id']}", "sven", None)]


async def test_lists_are_paged_newest_first(clients, case):
    env, journal = clients
    ids = [(await write(env, journal, case, body=note_body(text=f"n{i}")))["id"] for i in range(3)]
    page = (await journal.get(f"/cases/{case}/notes", params={"limit": 2}, headers=caseworker(env))).json()
    assert set(page) == {"items", "next_cursor"}
    assert [n["id"] for n in page["items"]] == ids[:0:-1] and page["next_cursor"]
    rest = (await journal.get(f"/cases/{case}/notes", params={"limit": 2, "cursor": page["next_cursor"]},
                              headers=caseworker(env))).json()
    assert [n["id"] for n in rest["items"]] == [ids[0]] and rest["next_cursor"] is None
    exact = (await journal.get(f"/cases/{case}/notes", params={"limit": 3}, headers=caseworker(env))).json()
    assert [n["id"] for n in exact["items"]] == ids[::-1] and exact["next_cursor"] is None
    too_many = await journal.get(f"/cases/{case}/notes", params={"limit": 1000}, headers=caseworker(env))
    assert too_many.status_code == 422
    bad = await journal.get(f"/cases/{case}/notes", params={"cursor": "not-a-cursor"}, headers=caseworker(env))
    assert bad.status_code == 422 and bad.json()["code"] == "invalid_cursor"


@pytest.mark.parametrize("sql", [
    "UPDATE journal.note_versions SET text = 'skrivet över' WHERE note_id = $1",
    "DELETE FROM journal.note_versions WHERE note_id = $1",
    "DELETE FROM journal.notes WHERE id = $1",
    "UPDATE journal.notes SET author = 'någon annan' WHERE id = $1",
    "TRUNCATE journal.notes CASCADE",
])
async def test_the_database_itself_refuses_to_lose_a_note(clients, case, sql):
    env, journal = clients
    note = await write(env, journal, case)
    conn = await env.db()
    try:
        with pytest.raises(asyncpg.exceptions.RestrictViolationError, match="append-only"):
            await conn.execute(sql, *([uuid.UUID(note["id"])] if "$1" in sql else []))
    finally:
        await conn.close()
    assert (await journal.get(f"/notes/{note['id']}", headers=caseworker(env))).json()["versions"][0]["text"] \
        == note_body()["text"]


async def test_text_with_a_nul_character_is_422_not_500(clients, case):
    """Found by fuzzing: PostgreSQL text cannot hold NUL, and the database's refusal was a 500."""
    env, journal = clients
    response = await journal.post(f"/cases/{case}/notes", json=note_body("Hembesök\x00"),
                                  headers={**caseworker(env), **key()})
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == "application/problem+json"
    note = await write(env, journal, case)
    addendum = await journal.post(f"/notes/{note['id']}/addenda", json={"text": "Invändning\x00"},
                                  headers={**caseworker(env), **key()})
    assert addendum.status_code == 422, addendum.text
    assert addendum.json()["code"] == "invalid_character"
