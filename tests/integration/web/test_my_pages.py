"""Mina sidor on real services: a citizen reads their own cases, decisions with their reasons and
the decision letter, orders and their state, and their own signed notes without the parts withheld
from them, and writes a comment beside a note; another citizen sees none of it, and a caseworker
is refused."""
import re
import uuid

import httpx

from tests.integration.web.conftest import (
    REASONS,
    SIGNED_TEXT,
    WITHHELD_TEXT,
    backend,
    csrf_of,
    sign_in,
    sign_in_citizen,
)
from tests.pins import make_pin

KEY = re.compile(r'name="idempotency_key" value="([^"]+)"')


async def test_a_citizen_reads_their_cases_decisions_orders_and_signed_notes(web_env, caseworkers_day, citizens_own):
    _, _, web, _ = web_env
    async with httpx.AsyncClient(base_url=web.url, timeout=30) as client:
        await sign_in_citizen(client, citizens_own["pin"])
        start = await client.get("/")
        assert start.status_code == 303 and start.headers["location"] == "/me"
        page = await client.get("/me")
    assert page.status_code == 200
    assert "<h1>Mina sidor</h1>" in page.text and '<a href="/me">Mina sidor</a>' in page.text
    assert "Mina ärenden, det äldsta först" in page.text and "Pågår" in page.text
    assert REASONS in page.text and "4 kap. 1 § socialtjänstlagen (2025:400)" in page.text
    assert "Hemtjänst: bifall" in page.text
    decision_id = caseworkers_day["order"]["decision_id"]
    assert f'href="/me/decisions/{decision_id}/letter"' in page.text
    assert "Alfa Hemtjänst AB" in page.text and "Skickad" in page.text
    assert SIGNED_TEXT in page.text
    assert WITHHELD_TEXT not in page.text  # withheld from her, and not to be told apart
    assert "Hembesök" not in page.text  # the unsigned note of the case is not hers to read yet
    assert f'href="/me/notes/{citizens_own["note"]["id"]}/comment"' in page.text


async def test_the_decision_letter_is_the_registrys_pdf(web_env, caseworkers_day, citizens_own):
    _, _, web, _ = web_env
    decision_id = caseworkers_day["order"]["decision_id"]
    async with httpx.AsyncClient(base_url=web.url, timeout=30) as client:
        await sign_in_citizen(client, citizens_own["pin"])
        letter = await client.get(f"/me/decisions/{decision_id}/letter")
        assert letter.status_code == 200
        assert letter.headers["content-type"] == "application/pdf" and letter.content.startswith(b"%PDF")
        assert letter.headers["cache-control"] == "no-store"
        assert (await client.get(f"/me/decisions/{uuid.uuid4()}/letter")).status_code == 404


async def test_a_citizen_writes_a_comment_beside_a_note_once(web_env, caseworkers_day, citizens_own):
    env, _, web, _ = web_env
    note_id = citizens_own["note"]["id"]
    async with httpx.AsyncClient(base_url=web.url, timeout=30) as client:
        await sign_in_citizen(client, citizens_own["pin"])
        shown = await client.get(f"/me/notes/{note_id}/comment")
        assert shown.status_code == 200 and SIGNED_TEXT in shown.text and WITHHELD_TEXT not in shown.text
        empty = await client.post(f"/me/notes/{note_id}/comment", data={
            "csrf_token": csrf_of(shown), "idempotency_key": KEY.search(shown.text).group(1), "text": "  "})
        assert empty.status_code == 422 and "Skriv din kommentar" in empty.text
        assert 'aria-invalid="true"' in empty.text
        text = f"Det var min dotter som ringde, inte grannen. {uuid.uuid4().hex[:6]}"
        form = {"csrf_token": csrf_of(shown), "idempotency_key": KEY.search(shown.text).group(1), "text": text}
        written = await client.post(f"/me/notes/{note_id}/comment", data=form)
        assert written.status_code == 303
        assert written.headers["location"] == f"/me?done=addendum_written#anteckning-{note_id}"
        again = await client.post(f"/me/notes/{note_id}/comment", data=form)  # a reload
        assert again.status_code == 303
        page = await client.get("/me?done=addendum_written")
        assert "Din kommentar är sparad" in page.text and page.text.count(text) == 1
        no_csrf = await client.post(f"/me/notes/{note_id}/comment", data={**form, "csrf_token": "x"})
        assert no_csrf.status_code == 403
    # The caseworker reads it beside the note.
    async with httpx.AsyncClient(base_url=backend(env, "journal").url, timeout=30) as journal:
        note = await journal.get(f"/notes/{note_id}",
                                 headers=env.auth("caseworker", sub=caseworkers_day["anna"], unit="vuxen"))
    assert [a["text"] for a in note.json()["addenda"]].count(text) == 1


async def test_another_citizen_sees_none_of_it_and_a_caseworker_is_refused(web_env, caseworkers_day, citizens_own):
    _, _, web, _ = web_env
    note_id = citizens_own["note"]["id"]
    decision_id = caseworkers_day["order"]["decision_id"]
    async with httpx.AsyncClient(base_url=web.url, timeout=30) as client:
        await sign_in_citizen(client, make_pin())
        page = await client.get("/me")
        assert page.status_code == 200
        assert "Du har inga ärenden hos socialtjänsten" in page.text
        assert "Det finns inga signerade journalanteckningar om dig" in page.text
        assert SIGNED_TEXT not in page.text and REASONS not in page.text
        note = await client.get(f"/me/notes/{note_id}/comment")
        assert note.status_code == 404 and "Anteckningen finns inte" in note.text
        assert (await client.get(f"/me/decisions/{decision_id}/letter")).status_code == 404
    async with httpx.AsyncClient(base_url=web.url, timeout=30) as caseworker:
        assert (await sign_in(caseworker, sub=caseworkers_day["anna"])).status_code == 303
        refused = await caseworker.get("/me")
        assert refused.status_code == 403 and "Du har inte behörighet" in refused.text
        assert SIGNED_TEXT not in refused.text


async def test_a_citizen_signs_in_only_with_a_personal_identity_number(web_env):
    _, _, web, _ = web_env
    async with httpx.AsyncClient(base_url=web.url, timeout=30) as client:
        refused = await sign_in(client, role="citizen", sub="medborgare")  # the issuer's page says why
        assert refused.status_code == 422 and "Skriv ett giltigt personnummer (invånare)" in refused.text


async def test_with_the_registry_down_mina_sidor_says_so_and_shows_the_rest(web_env, citizens_own):
    _, _, _, web_without_registry = web_env
    async with httpx.AsyncClient(base_url=web_without_registry.url, timeout=30) as client:
        await sign_in_citizen(client, citizens_own["pin"])
        page = await client.get("/me")
    assert page.status_code == 200
    assert page.text.count("Socialregistret svarar inte just nu") == 2  # her cases and her decisions
    assert "spårnummer" in page.text and 'role="alert"' in page.text
    assert SIGNED_TEXT in page.text and "Alfa Hemtjänst AB" in page.text  # the journal's and orders' parts
