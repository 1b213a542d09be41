"""The watch's /metrics shows its timers: those due and not yet fired, all armed ones, and how
late the earliest due one is; firing them brings the due count back to zero."""
import re
from datetime import timedelta

import httpx

from tests import clock
from tests.stack import eventually
from tests.integration.watch.helpers import Upstream, armed, move_clock, order_sent


def gauge(text: str, name: str) -> float | None:
    found = re.search(rf'^{name}\{{[^}}]*service="watch"[^}}]*\}} (\S+)$', text, re.MULTILINE)
    return float(found.group(1)) if found else None


async def test_timers_due_armed_and_late_are_exported_and_fall_when_fired(env):
    # The scheduler sleeps its full minute unless woken, so a timer that is due when it is armed
    # stays unfired until the clock is moved: what a stuck scheduler looks like from outside.
    watch = env.start("watch", OMSORG_WATCH_POLL_SECONDS="60", OMSORG_WATCH_METRICS_SECONDS="0.2")
    await watch.wait_ready()
    async with httpx.AsyncClient(base_url=watch.url, timeout=30) as client:
        async def metrics() -> str:
            return (await client.get("/metrics")).text

        idle = await metrics()
        assert gauge(idle, "omsorg_watch_timers_due") == 0
        assert gauge(idle, "omsorg_watch_timers_armed") == 0
        assert gauge(idle, "omsorg_watch_timers_late_seconds") == 0

        sent = order_sent(sent_at=clock.now() - timedelta(days=30))
        async with Upstream(env) as upstream:
            await upstream.send(sent, sent.order_id)
        assert await armed(env, sent.order_id)

        async def due_reported():
            text = await metrics()
            return text if (gauge(text, "omsorg_watch_timers_due") or 0) >= 1 else None

        text = await eventually(due_reported)
        assert text, "the due timers never showed in /metrics"
        assert gauge(text, "omsorg_watch_timers_armed") >= gauge(text, "omsorg_watch_timers_due")
        assert gauge(text, "omsorg_watch_timers_late_seconds") > 20 * 86400

        await move_clock(env, watch, clock.now() + timedelta(seconds=1))

        async def none_due():
            text = await metrics()
            return text if gauge(text, "omsorg_watch_timers_due") == 0 else None

        text = await eventually(none_due)
        assert text, "the fired timers still count as due"
        assert gauge(text, "omsorg_watch_timers_late_seconds") == 0
