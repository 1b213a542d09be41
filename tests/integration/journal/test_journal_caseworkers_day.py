"""The caseworker's day in the journal, on the real process: the source of a note's information,
a part withheld from the person, the person reading their own signed notes and commenting on
them, and the names of authors from the staff directory."""
import uuid
from datetime import timedelta

import httpx
import pytest

from tests import clock
from tests.integration.journal.helpers import (UNIT, journal_rows, journal_service, key, note_body, open_case,
                                               publish_registry_event, publish_staff_changed)
from tests.pins import make_pin
from tests.stack import eventually

__all__ = ["journal_service"]  # a fixture

SECRET = "Grannen Eva Ek ringde och berättade i förtroende om bråk i lägenheten."
WITHHELD = {"withheld_text": SECRET, "withheld_reason": "OSL 26 kap. 5 §"}


@pytest.fixture
async def clients(journal_service):
    env, proc = journal_service
    async with httpx.AsyncClient(base_url=proc.url, timeout=30) as journal:
        yield env, journal


@pytest.fixture
async def mine(clients):
    """A citizen's number and a case of theirs as the registry announced it (with its person_ref)."""
    env, _ = clients
    pin, person = make_pin(), str(uuid.uuid4())
    return {"pin": pin, "person": person, "case": await open_case(env, person_id=person, pin=pin)}


def caseworker(env, sub: str = "anna"):
    return env.auth("caseworker", sub=sub, unit=UNIT)


def citizen(env, pin: str, sub: str = "medborgare"):
    return env.auth("citizen", sub=sub, pin=pin)


async def write(env, journal, case_id, sub="anna", **body) -> dict:
    response = await journal.post(f"/cases/{case_id}/notes", json=note_body(**body),
                                  headers={**caseworker(env, sub), **key()})
    assert response.status_code == 201, response.text
    return response.json()


async def sign(env, journal, note, sub="anna") -> dict:
    response = await journal.post(f"/notes/{note['id']}/sign", json={"version": note["current_version"]},
                                  headers=caseworker(env, sub))
    assert response.status_code == 201, response.text
    return response.json()


# --- the source of the information --------------------------------------------------------------

async def test_a_note_without_a_source_is_refused(clients, mine):
    env, journal = clients
    body = {k: v for k, v in note_body().items() if k != "source"}
    response = await journal.post(f"/cases/{mine['case']}/notes", json=body, headers={**caseworker(env), **key()})
    assert response.status_code == 422 and response.headers["content-type"] == "application/problem+json"
    assert response.json()["code"] == "source_missing", response.text
    unknown = await journal.post(f"/cases/{mine['case']}/notes", json=note_body(source="hearsay"),
                                 headers={**caseworker(env), **key()})
    assert (unknown.status_code, unknown.json()["code"]) == (422, "validation_error")
    assert unknown.json()["errors"][0]["loc"] == ["body", "source"]
    listed = await journal.get(f"/cases/{mine['case']}/notes", headers=caseworker(env))
    assert listed.json()["items"] == []


async def test_the_source_is_shown_kept_by_a_correction_and_carried_on_note_written(clients, mine):
    env, journal = clients
    note = await write(env, journal, mine["case"], source="relative")
    assert note["source"] == "relative" and note["versions"][0]["source"] == "relative"
    corrected = await journal.post(f"/notes/{note['id']}/corrections", headers=caseworker(env),
                                   json={"based_on_version": 1, "text": "Telefonsamtal med dottern.",
                                         "reason": "Fel typ av kontakt"})
    assert corrected.status_code == 201, corrected.text
    read = (await journal.get(f"/notes/{note['id']}", headers=caseworker(env))).json()
    assert read["source"] == "relative"
    assert [(v["version"], v["source"]) for v in read["versions"]] == [(2, "relative"), (1, "relative")]
    [written] = await journal_rows(env, "SELECT data FROM journal.outbox WHERE type = 'note.written'"
                                        " AND data->>'note_id' = $1", note["id"])
    assert (written["data"]["source"], written["data"]["unit"]) == ("relative", UNIT)


async def test_a_note_written_before_sources_were_asked_for_reads_as_not_stated(clients, mine):
    env, journal = clients
    note = await write(env, journal, mine["case"])
    # As migration 003 leaves an older note: a version without a source (inserted, never updated).
    conn = await env.db()
    try:
        old_id = uuid.uuid4()
        await conn.execute("INSERT INTO journal.notes (id, case_id, author, created_at, idempotency_key,"
                           " request_hash) SELECT $1, case_id, author, created_at, 'old', 'x' FROM journal.notes"
                           " WHERE id = $2", old_id, uuid.UUID(note["id"]))
        await conn.execute("INSERT INTO journal.note_versions (note_id, version, text, occurred_on, written_by,"
                           " written_at) VALUES ($1, 1, 'Äldre anteckning', current_date, 'anna', now())", old_id)
    finally:
        await conn.close()
    read = (await journal.get(f"/notes/{old_id}", headers=caseworker(env))).json()
    assert read["source"] is None and read["versions"][0]["source"] is None


# --- the part not shown to the person -----------------------------------------------------------

async def test_a_withheld_part_states_its_reason_and_caseworkers_read_it(clients, mine):
    env, journal = clients
    no_reason = await journal.post(f"/cases/{mine['case']}/notes", json=note_body(withheld_text=SECRET),
                                   headers={**caseworker(env), **key()})
    assert (no_reason.status_code, no_reason.json()["code"]) == (422, "withheld_reason_missing")
    note = await write(env, journal, mine["case"], **WITHHELD)
    read = (await journal.get(f"/notes/{note['id']}", headers=caseworker(env))).json()
    assert (read["versions"][0]["withheld_text"], read["versions"][0]["withheld_reason"]) == \
        (SECRET, "OSL 26 kap. 5 §")
    corrected = (await journal.post(f"/notes/{note['id']}/corrections", headers=caseworker(env),
                                    json={"based_on_version": 1, "occurred_on": (clock.today() - timedelta(days=4))
                                          .isoformat(), "reason": "Fel datum"})).json()
    assert corrected["versions"][0]["withheld_text"] == SECRET  # kept by the correction
    [written] = await journal_rows(env, "SELECT data::text AS data FROM journal.outbox WHERE type = 'note.written'"
                                        " AND data->>'note_id' = $1", note["id"])
    assert "Grannen" not in written["data"]  # the text stays in the journal


# --- the person reads their own signed notes ---------------------------------------------------------

async def test_a_citizen_reads_their_own_signed_note_but_not_the_withheld_part(clients, mine):
    env, journal = clients
    note = await write(env, journal, mine["case"], text="Hembesök. Vi pratade om stöd i hemmet.", **WITHHELD)
    me = citizen(env, mine["pin"])

    # Not signed: not shown.
    unsigned = await journal.get("/me/notes", headers=me)
    assert unsigned.status_code == 200 and unsigned.json() == {"items": [], "next_cursor": None}
    one = await journal.get(f"/me/notes/{note['id']}", headers=me)
    assert (one.status_code, one.json()["code"]) == (404, "note_not_found")

    await sign(env, journal, note)
    listed = await journal.get("/me/notes", headers=me)
    assert listed.status_code == 200, listed.text
    [shown] = listed.json()["items"]
    assert (shown["id"], shown["case_id"], shown["version"], shown["text"], shown["source"]) == \
        (note["id"], mine["case"], 1, "Hembesök. Vi pratade om stöd i hemmet.", "person")
    assert shown["signed_at"] is not None and shown["addenda"] == []
    one = await journal.get(f"/me/notes/{note['id']}", headers=me)
    assert one.status_code == 200 and one.json() == shown
    for response in (listed, one):
        assert "Grannen" not in response.text and "withheld" not in response.text and "OSL" not in response.text

    # Every read is logged against the person.
    logged = await journal_rows(env, "SELECT data FROM journal.outbox WHERE type = 'access.logged'"
                                     " AND data->>'person_id' = $1 AND data->>'resource' LIKE 'me/notes%'"
                                     " ORDER BY seq", mine["person"])
    # The refused look at the unsigned note showed nothing and is not a read.
    assert [r["data"]["resource"] for r in logged] == ["me/notes", "me/notes", f"me/notes/{note['id']}"]
    assert {r["data"]["actor"] for r in logged} == {"medborgare"}


async def test_a_corrected_note_is_shown_to_the_person_once_the_correction_is_signed(clients, mine):
    env, journal = clients
    note = await sign(env, journal, await write(env, journal, mine["case"], text="Första lydelsen"))
    corrected = (await journal.post(f"/notes/{note['id']}/corrections", headers=caseworker(env),
                                    json={"based_on_version": 1, "text": "Rättad lydelse",
                                          "reason": "Felskrivning"})).json()
    me = citizen(env, mine["pin"])
    assert (await journal.get(f"/me/notes/{note['id']}", headers=me)).status_code == 404
    await sign(env, journal, corrected)
    shown = (await journal.get(f"/me/notes/{note['id']}", headers=me)).json()
    assert (shown["version"], shown["text"]) == (2, "Rättad lydelse")
    assert "Första lydelsen" not in str(shown)


async def test_another_persons_note_is_not_found(clients, mine):
    env, journal = clients
    note = await sign(env, journal, await write(env, journal, mine["case"]))
    other_pin = make_pin()
    await open_case(env, person_id=str(uuid.uuid4()), pin=other_pin)  # the other person has a case too
    other = citizen(env, other_pin, sub="granne")
    read = await journal.get(f"/me/notes/{note['id']}", headers=other)
    assert (read.status_code, read.json()["code"]) == (404, "note_not_found")
    assert note["id"] not in (await journal.get("/me/notes", headers=other)).text
    comment = await journal.post(f"/me/notes/{note['id']}/addenda", json={"text": "Inte min"},
                                 headers={**other, **key()})
    assert (comment.status_code, comment.json()["code"]) == (404, "note_not_found")
    # A token with an invalid number is told so, never given an empty list (rule 3).
    bad = await journal.get("/me/notes", headers=env.auth("citizen", sub="x", pin="19121212-1213"))
    assert bad.status_code == 422 and bad.json()["code"] == "invalid_personal_identity_number"


async def test_a_removed_note_or_case_is_not_shown_to_the_person(clients, mine):
    env, journal = clients
    removed = await sign(env, journal, await write(env, journal, mine["case"], text="Fel person"))
    response = await journal.post(f"/notes/{removed['id']}/removal", headers=env.auth("support", sub="sven"),
                                  json={"version": 1, "reason": "Skriven på fel person"})
    assert response.status_code == 200, response.text
    kept = await sign(env, journal, await write(env, journal, mine["case"], text="Rätt person"))
    me = citizen(env, mine["pin"])
    assert [n["id"] for n in (await journal.get("/me/notes", headers=me)).json()["items"]] == [kept["id"]]
    await publish_registry_event(env, "case.removed", mine["case"], {"removed_by": "sven",
                                                                     "removed_at": clock.now().isoformat()})

    async def hidden():
        return (await journal.get("/me/notes", headers=me)).json()["items"] == [] or None
    assert await eventually(hidden)


async def test_the_persons_notes_are_paged_newest_first(clients, mine):
    env, journal = clients
    ids = [(await sign(env, journal, await write(env, journal, mine["case"], text=f"n{i}")))["id"] for i in range(3)]
    me = citizen(env, mine["pin"])
    page = (await journal.get("/me/notes", params={"limit": 2}, headers=me)).json()
    assert [n["id"] for n in page["items"]] == ids[::-1][:2] and page["next_cursor"]
    rest = (await journal.get("/me/notes", params={"limit": 2, "cursor": page["next_cursor"]}, headers=me)).json()
    assert [n["id"] for n in rest["items"]] == [ids[0]] and rest["next_cursor"] is None
    too_many = await journal.get("/me/notes", params={"limit": 100_000}, headers=me)
    assert too_many.status_code == 422


# --- the person's own comment --------------------------------------------------------------------

async def test_the_persons_comment_appears_beside_the_note_for_the_caseworker(clients, mine):
    env, journal = clients
    note = await sign(env, journal, await write(env, journal, mine["case"]))
    me = citizen(env, mine["pin"])
    headers = {**me, **key()}
    comment = "Jag håller inte med om att jag behöver hjälp med städning."
    missing_key = await journal.post(f"/me/notes/{note['id']}/addenda", json={"text": comment}, headers=me)
    assert (missing_key.status_code, missing_key.json()["code"]) == (400, "idempotency_key_missing")
    made = await journal.post(f"/me/notes/{note['id']}/addenda", json={"text": comment}, headers=headers)
    assert made.status_code == 201, made.text
    again = await journal.post(f"/me/notes/{note['id']}/addenda", json={"text": comment}, headers=headers)
    assert again.status_code == 200 and again.json() == made.json()
    [mine_shown] = made.json()["addenda"]
    assert mine_shown["text"] == comment

    read = (await journal.get(f"/notes/{note['id']}", headers=caseworker(env))).json()
    [addendum] = read["addenda"]
    assert (addendum["id"], addendum["text"], addendum["author_kind"], addendum["written_by"]) == \
        (mine_shown["id"], comment, "person", "medborgare")
    assert (addendum["written_by_name"], addendum["written_by_title"]) == (None, None)
    # The note itself did not change: one version, still signed.
    assert (read["current_version"], read["signed"], len(read["versions"])) == (1, True, 1)
    assert read["versions"][0]["text"] == note["versions"][0]["text"]

    # A caseworker's addendum is shown to caseworkers as staff, and not among the person's comments.
    staff = await journal.post(f"/notes/{note['id']}/addenda", json={"text": "Tillägg av handläggaren"},
                               headers={**caseworker(env), **key()})
    assert staff.status_code == 201, staff.text
    assert [a["author_kind"] for a in staff.json()["addenda"]] == ["person", "staff"]
    shown = (await journal.get(f"/me/notes/{note['id']}", headers=me)).json()
    assert [a["text"] for a in shown["addenda"]] == [comment]
    [event] = await journal_rows(env, "SELECT data::text AS data FROM journal.outbox WHERE type = 'note.addended'"
                                      " AND data->>'addendum_id' = $1", mine_shown["id"])
    assert "håller inte med" not in event["data"]


async def test_the_person_cannot_comment_on_an_unsigned_note(clients, mine):
    env, journal = clients
    note = await write(env, journal, mine["case"])
    response = await journal.post(f"/me/notes/{note['id']}/addenda", json={"text": "Hm"},
                                  headers={**citizen(env, mine["pin"]), **key()})
    assert (response.status_code, response.json()["code"]) == (404, "note_not_found")
    read = (await journal.get(f"/notes/{note['id']}", headers=caseworker(env))).json()
    assert read["addenda"] == []


# --- the names of authors ----------------------------------------------------------------------------

async def test_the_authors_name_and_title_appear_after_staff_changed(clients, mine):
    env, journal = clients
    author = f"handl-{uuid.uuid4().hex[:8]}"
    note = await write(env, journal, mine["case"], sub=author)
    assert (note["written_by_name"], note["written_by_title"]) == (None, None)
    await publish_staff_changed(env, author, name="Karin Berg", title="Socialsekreterare")

    async def named():
        read = (await journal.get(f"/notes/{note['id']}", headers=caseworker(env))).json()
        return read if read["written_by_name"] else None
    read = await eventually(named)
    assert read, "the journal never learnt the author's name"
    assert (read["written_by_name"], read["written_by_title"]) == ("Karin Berg", "Socialsekreterare")
    assert (read["versions"][0]["written_by_name"], read["versions"][0]["written_by_title"]) == \
        ("Karin Berg", "Socialsekreterare")

    # A change that is older than the one kept does not undo it; a newer one replaces it.
    await publish_staff_changed(env, author, name="Karin Gammal", title=None,
                                changed_at=clock.now() - timedelta(days=30))
    await publish_staff_changed(env, author, name="Karin Berg", title="Förste socialsekreterare")

    async def retitled():
        read = (await journal.get(f"/notes/{note['id']}", headers=caseworker(env))).json()
        return read if read["written_by_title"] == "Förste socialsekreterare" else None
    read = await eventually(retitled)
    assert read and read["written_by_name"] == "Karin Berg"

    # A note written now names its author at once, and the person sees the name too.
    second = await write(env, journal, mine["case"], sub=author)
    assert (second["written_by_name"], second["versions"][0]["written_by_title"]) == \
        ("Karin Berg", "Förste socialsekreterare")
    await sign(env, journal, second, sub=author)
    shown = (await journal.get(f"/me/notes/{second['id']}", headers=citizen(env, mine["pin"]))).json()
    assert (shown["written_by_name"], shown["written_by_title"]) == ("Karin Berg", "Förste socialsekreterare")
