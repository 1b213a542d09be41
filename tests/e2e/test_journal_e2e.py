"""Through the real registry: a case it opens reaches the journal and takes notes; removed by
support it takes none, restored it shows its notes again, closed it takes no more."""
import uuid

import httpx

from tests.integration.journal.helpers import UNIT, journal_knows, key, note_body
from tests.stack import eventually


async def removed_in_journal(env, case_id: str) -> bool:
    conn = await env.db()
    try:
        return await conn.fetchval("SELECT removed_at IS NOT NULL FROM journal.cases WHERE case_id = $1::uuid",
                                   case_id)
    finally:
        await conn.close()


async def test_the_registrys_case_events_govern_the_journal(env):
    registry, journal = env.start("registry"), env.start("journal")
    await registry.wait_ready()
    await journal.wait_ready()
    headers = env.auth("caseworker", unit=UNIT)
    async with httpx.AsyncClient(base_url=registry.url) as reg, httpx.AsyncClient(base_url=journal.url) as jour:
        person = await reg.post("/persons", headers=headers,
                                json={"pin": "191212121212", "first_name": "Tolvan", "last_name": "Tolvansson"})
        assert person.status_code == 201, person.text
        case = await reg.post("/cases", headers=headers,
                              json={"unit": UNIT, "kind": "SoL", "person_id": person.json()["id"]})
        assert case.status_code == 201, case.text
        case_id = case.json()["id"]
        assert await eventually(lambda: journal_knows(env, case_id)), "the journal never saw the case"
        assert await journal_knows(env, case_id, "person_id", uuid.UUID(person.json()["id"]))

        note = await jour.post(f"/cases/{case_id}/notes", json=note_body(), headers={**headers, **key()})
        assert note.status_code == 201, note.text

        support = env.auth("support", sub="sven")
        removed = await reg.post(f"/cases/{case_id}/removal", json={"reason": "Registrerat två gånger"},
                                 headers=support)
        assert removed.status_code == 200, removed.text
        assert await eventually(lambda: removed_in_journal(env, case_id))
        refused = await jour.post(f"/cases/{case_id}/notes", json=note_body(), headers={**headers, **key()})
        assert refused.status_code == 410 and refused.json()["code"] == "case_removed"
        restored = await reg.post(f"/cases/{case_id}/restoration", json={"reason": "Misstag"}, headers=support)
        assert restored.status_code == 200, restored.text
        assert await eventually(lambda: _not(removed_in_journal(env, case_id)))

        closed = await reg.post(f"/cases/{case_id}/close", json={"reason": "Insatsen avslutad"}, headers=headers)
        assert closed.status_code == 200, closed.text
        assert await eventually(lambda: journal_knows(env, case_id, "status", "closed"))
        refused = await jour.post(f"/cases/{case_id}/notes", json=note_body(), headers={**headers, **key()})
        assert refused.status_code == 409 and refused.json()["code"] == "case_closed"
        listed = await jour.get(f"/cases/{case_id}/notes", headers=headers)
        assert [n["id"] for n in listed.json()["items"]] == [note.json()["id"]]


async def _not(awaitable) -> bool:
    return not await awaitable
