"""Writing a journal note from the case page, on the real journal: a form posted twice (one after
the other, or both at once as in a double-click) makes one note; what the journal refuses is shown
again in Swedish beside its field with everything as typed; a form without the session's CSRF token
is refused and makes nothing."""
import asyncio
import html
import re
import uuid

import httpx
import pytest

from services.web import texts
from tests import clock
from tests.integration.web.conftest import backend, csrf_of, notes_of, sign_in

KEY = re.compile(r'name="idempotency_key" value="([^"]+)"')


@pytest.fixture
async def as_anna(web_env, caseworkers_day):
    _, _, web, _ = web_env
    async with httpx.AsyncClient(base_url=web.url, timeout=60) as client:
        assert (await sign_in(client, sub=caseworkers_day["anna"])).status_code == 303
        yield client


async def form_of_case(client: httpx.AsyncClient, case_id: str) -> dict:
    page = await client.get(f"/cases/{case_id}")
    assert page.status_code == 200, page.text
    return {"csrf_token": csrf_of(page), "idempotency_key": KEY.search(page.text).group(1)}


async def test_a_note_form_posted_twice_makes_one_note(web_env, caseworkers_day, fresh_case, as_anna):
    day, case_id = caseworkers_day, fresh_case["id"]
    shown_on = clock.today()
    page = await as_anna.get(f"/cases/{case_id}")
    # The form offers the day of the run's clock (the web's as the services'), not the real day;
    # read around the showing, so a run passing midnight sees one of the two days.
    offered = re.search(r'id="note-occurred-on" [^>]*value="([0-9-]{10})"', page.text, re.S).group(1)
    assert offered in {shown_on.isoformat(), clock.today().isoformat()}, offered
    form = {**await form_of_case(as_anna, case_id), "occurred_on": day["today"].isoformat(),
            "text": "Telefonsamtal med dottern om inköpen.", "source": "relative"}
    first = await as_anna.post(f"/cases/{case_id}/notes", data=form)
    again = await as_anna.post(f"/cases/{case_id}/notes", data=form)  # the page reloaded, or a second click
    assert first.status_code == again.status_code == 303, first.text
    assert first.headers["location"] == again.headers["location"]
    assert re.fullmatch(rf"/cases/{case_id}\?done=note_written#anteckning-[0-9a-f-]{{36}}", first.headers["location"])

    # A double-click: both posts of one showing of the form at once.
    form = {**form, **await form_of_case(as_anna, case_id), "text": "Hembesök: kylskåpet var tomt."}
    both = await asyncio.gather(*(as_anna.post(f"/cases/{case_id}/notes", data=form) for _ in range(2)))
    assert [b.status_code for b in both] == [303, 303], [b.text for b in both]
    assert both[0].headers["location"] == both[1].headers["location"] != first.headers["location"]

    notes = await notes_of(web_env, caseworkers_day, case_id)
    assert sorted(n["versions"][0]["text"] for n in notes) == ["Hembesök: kylskåpet var tomt.",
                                                               "Telefonsamtal med dottern om inköpen."]
    assert all(n["source"] == "relative" and n["occurred_on"] == day["today"].isoformat() for n in notes)

    # The browser is sent back to the case page, which confirms it and shows the note.
    shown = await as_anna.get(first.headers["location"])
    assert shown.status_code == 200
    assert f'<div class="confirmation" role="status"><p>{texts.DONE["note_written"]}</p></div>' in shown.text
    note_id = first.headers["location"].rsplit("#anteckning-", 1)[1]
    assert f'id="anteckning-{note_id}"' in shown.text and "Telefonsamtal med dottern om inköpen." in shown.text


async def test_a_note_without_text_is_refused_in_swedish_and_the_input_is_kept(web_env, caseworkers_day, fresh_case,
                                                                               as_anna):
    case_id = fresh_case["id"]
    form = {**await form_of_case(as_anna, case_id), "occurred_on": "2026-01-15", "text": "", "source": "relative"}
    page = await as_anna.post(f"/cases/{case_id}/notes", data=form)
    assert page.status_code == 422, page.text
    assert '<p class="field-error" id="note-text-error">' + texts.FIELD_INVALID["text"] in page.text
    textarea = re.search(r"<textarea id=\"note-text\"[^>]*>", page.text).group(0)
    assert 'aria-describedby="note-text-hint note-text-error"' in textarea and 'aria-invalid="true"' in textarea
    assert 'value="2026-01-15"' in page.text
    assert re.search(r'id="note-source-relative" name="source" value="relative" checked', page.text)
    assert KEY.search(page.text).group(1) != form["idempotency_key"]  # nothing was made: a new request

    # A text with no source: the text is kept exactly as typed, the journal's rule said beside the source.
    typed = "Samtal <med> dottern & sonen.\nDe oroar sig."
    page = await as_anna.post(f"/cases/{case_id}/notes", data={**form, "text": typed, "source": ""})
    assert page.status_code == 422, page.text
    assert f">{html.escape(typed, quote=False)}</textarea>" in page.text
    assert '<p class="field-error" id="note-source-error">Välj varifrån uppgifterna kommer.</p>' in page.text
    assert '<fieldset class="field" aria-describedby="note-source-error">' in page.text
    assert await notes_of(web_env, caseworkers_day, case_id) == []


async def test_a_note_form_without_the_csrf_token_is_refused(web_env, caseworkers_day, fresh_case, as_anna):
    case_id = fresh_case["id"]
    form = {**await form_of_case(as_anna, case_id), "occurred_on": caseworkers_day["today"].isoformat(),
            "text": "Utan säkerhetskod.", "source": "person"}
    for fields in ({k: v for k, v in form.items() if k != "csrf_token"}, {**form, "csrf_token": "gissad"}):
        refused = await as_anna.post(f"/cases/{case_id}/notes", data=fields)
        assert refused.status_code == 403
        assert texts.PROBLEMS["csrf"] in refused.text
    assert await notes_of(web_env, caseworkers_day, case_id) == []


async def test_another_units_caseworker_cannot_write_in_the_case(web_env, fresh_case):
    _, _, web, _ = web_env
    async with httpx.AsyncClient(base_url=web.url, timeout=60) as client:
        assert (await sign_in(client, sub=f"bo-{uuid.uuid4().hex[:6]}", unit="barn")).status_code == 303
        start = await client.get("/")
        refused = await client.post(f"/cases/{fresh_case['id']}/notes", data={
            "csrf_token": csrf_of(start), "idempotency_key": uuid.uuid4().hex, "occurred_on": "2026-01-15",
            "text": "Fel enhet.", "source": "person"})
        assert refused.status_code in (404, 409) and "Skrivsson" not in refused.text


async def test_a_long_note_is_taken_whole(web_env, caseworkers_day, fresh_case, as_anna):
    """20,000 characters, the journal's limit, of Swedish text: far more than an ordinary form's bytes."""
    case_id, text = fresh_case["id"], ("Åsa och Örjan åt gröt. " * 1000)[:20_000]
    form = {**await form_of_case(as_anna, case_id), "occurred_on": caseworkers_day["today"].isoformat(),
            "text": text, "source": "own_observation"}
    assert (await as_anna.post(f"/cases/{case_id}/notes", data=form)).status_code == 303
    (note,) = await notes_of(web_env, caseworkers_day, case_id)
    assert note["versions"][0]["text"] == text


ETAG_FIELD = re.compile(r'name="etag" value="([^"]*)"')


async def journal_call(web_env, caseworkers_day, path: str, body: dict, sub: str | None = None) -> dict:
    """A call to the journal's API itself, as the caseworker (or another of her unit)."""
    env, _, _, _ = web_env
    auth = env.auth("caseworker", sub=sub or caseworkers_day["anna"], unit="vuxen")
    async with httpx.AsyncClient(timeout=60) as client:
        answer = await client.post(f"{backend(env, 'journal').url}{path}", json=body,
                                   headers={**auth, "Idempotency-Key": uuid.uuid4().hex})
    assert answer.status_code in (200, 201), answer.text
    return answer.json()


async def a_note(web_env, caseworkers_day, case_id: str) -> dict:
    return await journal_call(web_env, caseworkers_day, f"/cases/{case_id}/notes", {
        "occurred_on": caseworkers_day["today"].isoformat(), "text": "Hembesök hos Stina.", "source": "person"})


async def test_a_note_is_corrected_with_a_reason(web_env, caseworkers_day, fresh_case, as_anna):
    note = await a_note(web_env, caseworkers_day, fresh_case["id"])
    case_page = await as_anna.get(f"/cases/{fresh_case['id']}")
    assert f'<a href="/notes/{note["id"]}/correction">Rätta anteckningen' in case_page.text
    shown = await as_anna.get(f"/notes/{note['id']}/correction")
    assert shown.status_code == 200, shown.text
    assert ">Hembesök hos Stina.</textarea>" in shown.text and '<label for="correction-reason">' in shown.text
    assert ETAG_FIELD.search(shown.text).group(1).startswith("&#34;")  # the ETag, quoted as HTTP writes it
    corrected = await as_anna.post(f"/notes/{note['id']}/correction", data={
        "csrf_token": csrf_of(shown), "etag": html.unescape(ETAG_FIELD.search(shown.text).group(1)),
        "based_on_version": "1", "text": "Hembesök hos Stina och hennes dotter.", "reason": "Dottern var med."})
    assert corrected.status_code == 303, corrected.text
    assert corrected.headers["location"] == f"/cases/{fresh_case['id']}?done=note_corrected#anteckning-{note['id']}"
    page = await as_anna.get(corrected.headers["location"])
    assert texts.DONE["note_corrected"] in page.text
    assert "<del>Hembesök hos Stina.</del>" in page.text and "Dottern var med." in page.text
    (now,) = await notes_of(web_env, caseworkers_day, fresh_case["id"])
    assert [v["text"] for v in now["versions"]] == ["Hembesök hos Stina och hennes dotter.", "Hembesök hos Stina."]


async def test_a_correction_of_a_note_changed_since_shows_that_and_keeps_the_typed_text(
        web_env, caseworkers_day, fresh_case, as_anna):
    note = await a_note(web_env, caseworkers_day, fresh_case["id"])
    shown = await as_anna.get(f"/notes/{note['id']}/correction")
    form = {"csrf_token": csrf_of(shown), "etag": html.unescape(ETAG_FIELD.search(shown.text).group(1)),
            "based_on_version": "1", "text": "Hembesök <kl. 10> hos Stina & Per.", "reason": "Fel tid."}
    # Meanwhile a colleague adds to the note: the same version, but not the note as read.
    await journal_call(web_env, caseworkers_day, f"/notes/{note['id']}/addenda",
                       {"text": "Stina ringde efteråt.", "given_by": "Stina"}, sub="kollega")

    stale = await as_anna.post(f"/notes/{note['id']}/correction", data=form)
    assert stale.status_code == 412, stale.text
    assert texts.FORM_PROBLEMS["etag_mismatch"][1] in stale.text and 'role="alert"' in stale.text
    assert "Med 1 tillägg." in stale.text  # the note as it is now
    assert ">Hembesök &lt;kl. 10&gt; hos Stina &amp; Per.</textarea>" in stale.text
    assert ">Fel tid.</textarea>" in stale.text
    fresh_etag = html.unescape(ETAG_FIELD.search(stale.text).group(1))
    assert fresh_etag != form["etag"]
    assert len((await notes_of(web_env, caseworkers_day, fresh_case["id"]))[0]["versions"]) == 1

    # Sent again as shown, the correction is of the note as it is now.
    again = await as_anna.post(f"/notes/{note['id']}/correction", data={**form, "etag": fresh_etag})
    assert again.status_code == 303, again.text

    # A form whose ETag was tampered with (`*` would match anything) is not sent on.
    tampered = await as_anna.post(f"/notes/{note['id']}/correction",
                                  data={**form, "etag": "*", "based_on_version": "2", "text": "Något annat."})
    assert tampered.status_code == 412
    assert len((await notes_of(web_env, caseworkers_day, fresh_case["id"]))[0]["versions"]) == 2


async def test_a_correction_without_a_reason_is_refused_in_swedish(web_env, caseworkers_day, fresh_case, as_anna):
    note = await a_note(web_env, caseworkers_day, fresh_case["id"])
    shown = await as_anna.get(f"/notes/{note['id']}/correction")
    form = {"csrf_token": csrf_of(shown), "etag": html.unescape(ETAG_FIELD.search(shown.text).group(1)),
            "based_on_version": "1", "text": "Ny text.", "reason": ""}
    page = await as_anna.post(f"/notes/{note['id']}/correction", data=form)
    assert page.status_code == 422, page.text
    assert '<p class="field-error" id="correction-reason-error">' + texts.FIELD_INVALID["reason"] in page.text
    assert 'aria-describedby="correction-reason-hint correction-reason-error" aria-invalid="true"' in page.text
    assert ">Ny text.</textarea>" in page.text
    refused = await as_anna.post(f"/notes/{note['id']}/correction", data={**form, "csrf_token": "", "reason": "x"})
    assert refused.status_code == 403 and texts.PROBLEMS["csrf"] in refused.text
    assert len((await notes_of(web_env, caseworkers_day, fresh_case["id"]))[0]["versions"]) == 1
