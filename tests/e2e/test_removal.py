"""A person registered by mistake is removed by support with everything about them, from every
service, as one more kind of culling (rule `registered_by_mistake`): no due date, the same
`person.culling_approved` and the same confirmations.

The person comes from the whole flow (demo/flow.py) played up to the watch on the unconfirmed
order: a case with a decision, a journal note in two versions, an order sent to a provider with its
e-mails and a watch raised and notified. While the case is open the removal is refused; a
caseworker may not remove anyone, an unknown person is 404, a malformed request 422. The case is
closed and support removes the person: every service confirms, and afterwards no table of any
service holds the person's ids, `person_ref` or personnummer; the registry keeps when, by whom and
why in general words, and its access log names the removal, not the person. About 60 s.
"""
import asyncio
import uuid

import httpx

import demo.flow
from tests.e2e.conftest import flow_on, stack_environment
from tests.e2e.test_culling_faults import SCHEMAS, START_SECONDS, adult_pin, culled_everywhere
from tests.integration.notify.helpers import MailCatcher
from tests.stack import SERVICES, eventually

SUPPORT = {"role": "support", "sub": "stina"}


async def texts_holding(env, needles: list[str]) -> list[str]:
    """Every text column of every service's tables that holds one of `needles` anywhere in it, as
    `schema.table.column`."""
    conn = await env.db()
    try:
        columns = await conn.fetch(
            "SELECT table_schema, table_name, column_name FROM information_schema.columns"
            " JOIN information_schema.tables USING (table_schema, table_name)"
            " WHERE table_schema = ANY($1::text[]) AND table_type = 'BASE TABLE' AND data_type = 'text'",
            list(SCHEMAS))
        found = []
        for c in columns:
            held = await conn.fetchval(
                f'SELECT count(*) FROM "{c["table_schema"]}"."{c["table_name"]}"'
                f' WHERE "{c["column_name"]}" LIKE ANY($1::text[])', [f"%{n}%" for n in needles])
            if held:
                found.append(f'{c["table_schema"]}.{c["table_name"]}.{c["column_name"]}')
        return found
    finally:
        await conn.close()


async def test_support_removes_a_person_registered_by_mistake_from_every_service(env, monkeypatch):
    monkeypatch.setattr(demo.flow, "random_pin", adult_pin)
    catcher = MailCatcher().start()
    try:
        extra = stack_environment(catcher)
        procs = {name: env.start(name, **extra) for name in SERVICES}
        await asyncio.gather(*(p.wait_ready(timeout=START_SECONDS) for p in procs.values()))
        async with flow_on(env, procs, catcher) as flow, \
                httpx.AsyncClient(base_url=procs["registry"].url, timeout=60) as registry:
            await flow.run(until="see_watch")
            s = flow.state
            support = {**env.auth(**SUPPORT), "Idempotency-Key": str(uuid.uuid4())}
            body = {"person_id": s.person_id, "reason": "wrong_personal_identity_number"}

            # Refused: a caseworker (403), an unknown person (404), malformed input (422), an open case (409).
            wrong_role = await registry.post("/retention/removals", json=body, headers=flow.caseworker_auth())
            assert wrong_role.status_code == 403, wrong_role.text
            assert wrong_role.json()["code"] == "forbidden"
            unknown = await registry.post("/retention/removals", headers=env.auth(**SUPPORT),
                                          json={**body, "person_id": str(uuid.uuid4())})
            assert unknown.status_code == 404 and unknown.json()["code"] == "person_not_found", unknown.text
            for malformed in ({**body, "reason": "changed my mind"}, {**body, "person_id": "karin"},
                              {"person_id": s.person_id}, {**body, "note": "free text"}):
                answer = await registry.post("/retention/removals", json=malformed, headers=env.auth(**SUPPORT))
                assert answer.status_code == 422, (malformed, answer.text)
                assert answer.headers["content-type"].startswith("application/problem+json")
            blocked = await registry.post("/retention/removals", json=body, headers=env.auth(**SUPPORT))
            assert blocked.status_code == 409, blocked.text
            assert blocked.json()["code"] == "removal_blocked" and blocked.json()["blocked_by"] == ["open_case"]

            conn = await env.db()
            try:
                person_ref = await conn.fetchval("SELECT person_ref FROM journal.cases WHERE case_id = $1",
                                                 uuid.UUID(s.case_id))
                held = {schema: await conn.fetchval(f"SELECT count(*) FROM {table} WHERE {column} = $1", value)
                        for schema, table, column, value in (
                            ("journal", "journal.notes", "case_id", uuid.UUID(s.case_id)),
                            ("orders", "orders.orders", "case_id", uuid.UUID(s.case_id)),
                            ("watch", "watch.watches", "case_id", uuid.UUID(s.case_id)),
                            ("notify", "notify.deliveries", "order_id", uuid.UUID(s.order_a["id"])))}
            finally:
                await conn.close()
            assert person_ref and all(held.values()), held
            # The search below finds what it looks for.
            before = await texts_holding(env, [s.pin, person_ref])
            assert {"registry.persons.pin", "journal.cases.person_ref", "orders.cases.person_ref"} <= set(before)

            closed = await registry.post(f"/cases/{s.case_id}/close", json={"reason": "Felregistrerad"},
                                         headers=flow.caseworker_auth())
            assert closed.status_code == 200, closed.text

            async def closed_everywhere():
                conn = await env.db()
                try:
                    return all([await conn.fetchval(f"SELECT count(*) FROM {schema}.inbox WHERE type = $1", kind)
                                for schema, kind in (("journal", "case.closed"), ("orders", "case.closed"),
                                                     ("watch", "case.closed"), ("notify", "order.ended"))])
                finally:
                    await conn.close()
            assert await eventually(closed_everywhere, timeout=60), "the case's closing did not reach every service"

            removed = await registry.post("/retention/removals", json=body, headers=support)
            assert removed.status_code == 201, removed.text
            made = removed.json()
            assert made["rule_id"] == "registered_by_mistake" and made["reason"] == body["reason"], made
            assert made["approved_by"] == "stina" and "person_id" not in made
            assert removed.headers["location"] == f"/retention/cullings/{made['id']}"
            again = await registry.post("/retention/removals", json=body, headers=support)
            assert again.status_code == 200 and again.json()["id"] == made["id"], again.text

            async def completed():
                shown = await registry.get(removed.headers["location"], headers=env.auth(**SUPPORT))
                assert shown.status_code == 200, shown.text
                return shown.json() if shown.json()["completed_at"] else None
            done = await eventually(completed, timeout=120)
            assert done, (await registry.get(removed.headers["location"], headers=env.auth(**SUPPORT))).text
            counts = {c["service"]: c["counts"] for c in done["services"]}
            assert counts["journal"]["notes"] == 1 and counts["journal"]["versions"] == 2, counts
            assert counts["orders"]["orders"] == 1 and counts["watch"]["watches"] == 1, counts
            assert counts["notify"]["deliveries"] >= 3 and counts["registry"]["persons"] == 1, counts

            gone = await registry.get(f"/persons/{s.person_id}", headers=flow.caseworker_auth())
            assert gone.status_code == 404, gone.text
            ids = {uuid.UUID(x) for x in (s.person_id, s.case_id, s.decision_id, s.note["id"], s.order_a["id"],
                                          s.watch["id"])}
            # No access-log entry names the person: the removal's own names the culling.
            assert await culled_everywhere(env, ids, person_ref) == []
            # The outbox keeps the copy of each event it published (its `key`, the person's id for
            # events keyed by the person) for OMSORG_OUTBOX_RETENTION_HOURS: docs/law.md, section 8.2.
            assert await texts_holding(env, [s.pin, s.pin[2:], f"{s.pin[:8]}-{s.pin[8:]}", person_ref]) == []
            assert set(await texts_holding(env, [s.person_id])) <= {f"{schema}.outbox.key" for schema in SCHEMAS}
            conn = await env.db()
            try:
                kept = await conn.fetchrow("SELECT rule_id, reason, approved_by, person_id, person_ref"
                                           " FROM registry.cullings WHERE id = $1", uuid.UUID(made["id"]))
                logged = await conn.fetch("SELECT action, actor, resource, person_id FROM registry.access_log"
                                          " WHERE resource = $1", f"retention/cullings/{made['id']}")
            finally:
                await conn.close()
            assert tuple(kept) == ("registered_by_mistake", "wrong_personal_identity_number", "stina", None, None)
            assert [tuple(r) for r in logged] == [("remove", "stina", f"retention/cullings/{made['id']}", None)]
            # Every service confirmed: no open watch for support. The flow moved the watch's clock days
            # ahead, so its timer may raise one before the last confirmation reaches the watch (notify's
            # comes on a topic the watch reads unhurried, seconds late at most); that one then resolves it.
            async with httpx.AsyncClient(base_url=procs["watch"].url, timeout=60) as watch:
                async def no_watch():
                    listed = await watch.get("/watches", headers=env.auth(**SUPPORT))
                    assert listed.status_code == 200, listed.text
                    return listed.json()["items"] == []
                assert await eventually(no_watch, timeout=30), (
                    await watch.get("/watches", headers=env.auth(**SUPPORT))).text
    finally:
        catcher.stop()
