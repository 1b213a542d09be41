"""A watch's ETag on the real watch process: GET /watches/{id} and each watch of the list carry it;
a resolution sent with an ETag the watch no longer has (it was reassigned since it was read) is
412 and resolves nothing; the current one resolves it and answers the resolved watch's ETag."""
import uuid

import httpx

from shared.events.catalog import CaseReassigned
from tests import clock
from tests.integration.watch.helpers import Upstream, armed, fire_times, move_clock, order_sent, watch_list
from tests.stack import eventually


async def test_resolving_a_watch_reassigned_since_it_was_read_is_412_and_the_current_etag_resolves_it(env, watch):
    anna, bodil = f"anna-{uuid.uuid4().hex[:6]}", f"bodil-{uuid.uuid4().hex[:6]}"
    sent = order_sent(sent_at=clock.now(), caseworker=anna)
    chef = env.auth("supervisor", sub="gruppchef", unit="vuxen")
    async with Upstream(env) as upstream, httpx.AsyncClient(base_url=watch.url, timeout=60) as client:
        await upstream.send(sent, sent.order_id)
        assert await armed(env, sent.order_id, 2)
        await move_clock(env, watch, fire_times(sent)["order_reminder"])
        (listed,) = (await watch_list(env, watch, sub=anna))["items"]
        url = f"/watches/{listed['id']}"

        read = await client.get(url, headers=chef)
        assert read.status_code == 200, read.text
        first = read.headers["ETag"]
        assert listed["etag"] == read.json()["etag"] == first
        assert (read.json()["status"], read.json()["assignee"], read.json()["resolved_at"]) == ("open", anna, None)
        assert (await client.get(url, headers=env.auth("caseworker", sub="bo"))).json()["code"] == "not_your_watch"
        missing = await client.get(f"/watches/{uuid.uuid4()}", headers=chef)
        assert missing.status_code == 404 and missing.json()["code"] == "watch_not_found"

        # The case goes to bodil: the same watch, moved, has a new version.
        await upstream.send(CaseReassigned(case_id=sent.case_id, unit="vuxen", previous_caseworker=anna,
                                           caseworker=bodil, reassigned_by="gruppchef",
                                           reassigned_at=clock.now()), sent.case_id)

        async def moved():
            return (await client.get(url, headers=chef)).json()["assignee"] == bodil
        assert await eventually(moved, timeout=60)
        second = (await client.get(url, headers=chef)).headers["ETag"]
        assert second != first
        assert [w["etag"] for w in (await watch_list(env, watch, sub=bodil))["items"]] == [second]

        for stale in (first, "no-etag", '"0", ' + first):
            refused = await client.post(f"{url}/resolve", json={"comment": "Klart"},
                                        headers={**chef, "If-Match": stale})
            assert refused.status_code == 412, refused.text
            assert refused.headers["content-type"] == "application/problem+json"
            assert refused.json()["code"] == "etag_mismatch" and second in refused.json()["detail"]
            now = await client.get(url, headers=chef)
            assert (now.json()["status"], now.headers["ETag"]) == ("open", second)

        done = await client.post(f"{url}/resolve", json={"comment": "Klart"},
                                 headers={**env.auth("caseworker", sub=bodil), "If-Match": second})
        assert done.status_code == 200, done.text
        assert (done.json()["resolved_by"], done.json()["comment"]) == (bodil, "Klart")
        third = done.headers["ETag"]
        assert third not in (first, second)
        after = await client.get(url, headers=chef)
        assert after.headers["ETag"] == after.json()["etag"] == third
        assert (after.json()["status"], after.json()["resolution"], after.json()["comment"]) == \
               ("resolved", "manual", "Klart")
        assert (await watch_list(env, watch, sub=bodil))["items"] == []
