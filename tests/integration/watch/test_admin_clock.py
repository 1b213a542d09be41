"""POST /admin/clock moves the watch's clock forward in dev and test; in production it does not exist."""
from datetime import datetime, timedelta

import httpx

from tests import clock
from tests.stack import production_secrets


async def test_the_clock_moves_forward_only_and_only_for_a_service_account(env):
    watch = env.start("watch")
    await watch.wait_ready()
    ahead = clock.now() + timedelta(days=3)
    async with httpx.AsyncClient(base_url=watch.url, timeout=60) as client:
        moved = await client.post("/admin/clock", json={"now": ahead.isoformat()}, headers=env.auth("service"))
        assert moved.status_code == 200 and moved.json()["fired"] == 0
        assert datetime.fromisoformat(moved.json()["now"]) >= ahead
        back = await client.post("/admin/clock", json={"now": (ahead - timedelta(hours=1)).isoformat()},
                                 headers=env.auth("service"))
        assert (back.status_code, back.json()["code"]) == (409, "clock_backwards")
        naive = await client.post("/admin/clock", json={"now": "2030-01-01T10:00:00"}, headers=env.auth("service"))
        assert (naive.status_code, naive.json()["code"]) == (422, "time_zone_missing")
        garbage = await client.post("/admin/clock", json={"now": "tomorrow"}, headers=env.auth("service"))
        assert garbage.status_code == 422
        assert (await client.post("/admin/clock", json={"now": ahead.isoformat()})).status_code == 401
        as_caseworker = await client.post("/admin/clock", json={"now": ahead.isoformat()}, headers=env.auth())
        assert as_caseworker.status_code == 403


async def test_in_production_there_is_no_clock_to_move(env):
    watch = env.start("watch", OMSORG_ENV="prod", OMSORG_CLOCK_OFFSET_SECONDS="0", **production_secrets())
    await watch.wait_ready()
    async with httpx.AsyncClient(base_url=watch.url, timeout=60) as client:
        response = await client.post("/admin/clock", json={"now": clock.now().isoformat()})
        assert response.status_code == 404
        assert "/admin/clock" not in (await client.get("/openapi.json")).json()["paths"]
        assert "/watches" in (await client.get("/openapi.json")).json()["paths"]
