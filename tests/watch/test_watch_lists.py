"""500 orders across 10 caseworkers: every list holds one watch per order and kind, however
often its rules fired, ranked by urgency, with counts per kind; supervisors see their unit."""
from collections import defaultdict
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from services.watch.domain.calendar import add_business_days, local_date, morning_of
from services.watch.domain.rules import configure
from services.watch.domain.watches import order_timers, urgency_key
from tests import clock
from tests.stack import eventually
from tests.watch.helpers import Upstream, fetch, move_clock, order_sent, watch_list

SE = ZoneInfo("Europe/Stockholm")
CASEWORKERS = [f"cw{i}" for i in range(10)]


def unit_of(caseworker: str) -> str:
    return "vuxen" if int(caseworker[2:]) < 5 else "barn"


@pytest.fixture
async def watch(env):
    proc = env.start("watch")
    await proc.wait_ready()
    return proc


def ranked(watches: list[dict], today: date) -> list[dict]:
    return sorted(watches, key=lambda w: urgency_key(due_on=date.fromisoformat(w["due_on"]), kind=w["kind"],
                                                     raised_at=datetime.fromisoformat(w["raised_at"]), today=today))


async def test_500_orders_across_10_caseworkers_give_deduplicated_ranked_lists(env, watch):
    now = clock.now().astimezone(SE)
    # The lists are read on the next working day in the evening, whatever day the run starts
    # on (a Saturday, julafton): the orders sent on the working day two before it come due that
    # day; the others are overdue by then.
    reading_day = add_business_days(local_date(now), 1)
    sent_for_today = morning_of(add_business_days(reading_day, -2))
    orders = [order_sent(sent_at=sent_for_today if i % 7 == 0 else now - timedelta(days=i % 15, hours=i % 5),
                         caseworker=cw, unit=unit_of(cw))
              for i in range(500) for cw in (CASEWORKERS[i % 10],)]
    twice = orders[::5]  # sent again (a retry upstream): the same order's rules fire twice
    async with Upstream(env) as upstream:
        for sent in orders + twice:
            await upstream.send(sent, sent.order_id, wait=False)
        await upstream.flush()

    async def all_armed():
        return (await fetch(env, "SELECT count(*) AS n FROM watch.timers"))[0]["n"] + \
            (await fetch(env, "SELECT coalesce(sum(trigger_count), 0) AS n FROM watch.watches"))[0]["n"] == 2 * 600
    assert await eventually(all_armed, timeout=180)

    later = datetime.combine(reading_day, time(20, 0), SE)
    await move_clock(env, watch, later)

    async def all_fired():
        return (await fetch(env, "SELECT count(*) AS n FROM watch.timers WHERE due_at <= $1", later))[0]["n"] == 0
    assert await eventually(all_fired, timeout=60)

    rules = configure()
    expected: dict[str, dict[str, set]] = defaultdict(lambda: defaultdict(set))
    for sent in orders:
        for timer in order_timers(rules, sent.sent_at):
            if timer.fire_at <= later:
                kind = "order_unconfirmed" if timer.rule == "order_reminder" else "order_escalated"
                owner = sent.caseworker if kind == "order_unconfirmed" else unit_of(sent.caseworker)
                expected[owner][kind].add(str(sent.order_id))
    today = local_date(later)
    twice_ids = {str(s.order_id) for s in twice}
    due_today = 0

    for cw in CASEWORKERS:
        listed = await watch_list(env, watch, sub=cw, unit=unit_of(cw), params={"limit": 200})
        assert listed["today"] == today.isoformat()
        ids = [w["subject_id"] for w in listed["watches"]]
        assert len(ids) == len(set(ids)), "one watch per order"
        assert set(ids) == expected[cw]["order_unconfirmed"]
        assert listed["total"] == len(ids) and listed["counts"]["order_unconfirmed"]["open"] == len(ids)
        assert listed["watches"] == ranked(listed["watches"], today)
        assert listed["overdue"] == sum(w["overdue"] for w in listed["watches"]) > 0
        due_today += sum(not w["overdue"] for w in listed["watches"])
        assert all(w["trigger_count"] == (2 if w["subject_id"] in twice_ids else 1) for w in listed["watches"])
        assert {w["assignee"] for w in listed["watches"]} == {cw}
    assert due_today > 0, "some watches are due today, the rest overdue: both are ranked"

    for unit in ("vuxen", "barn"):
        whole = await watch_list(env, watch, role="supervisor", sub=f"chef-{unit}", unit=unit,
                                 params={"unit": unit, "limit": 200})
        pages = []
        for offset in range(0, whole["total"], 40):
            page = await watch_list(env, watch, role="supervisor", sub=f"chef-{unit}", unit=unit,
                                    params={"unit": unit, "limit": 40, "offset": offset})
            pages += page["watches"]
        assert whole["total"] > 200 and len(pages) == whole["total"]
        assert pages == ranked(pages, today)
        assert len({(w["subject_id"], w["kind"]) for w in pages}) == len(pages)
        escalated = {w["subject_id"] for w in pages if w["kind"] == "order_escalated"}
        assert escalated == expected[unit]["order_escalated"] and escalated
        assert whole["counts"]["order_escalated"]["open"] == len(escalated)
        # A supervisor's own list: the unit's escalations, which no caseworker has.
        own = await watch_list(env, watch, role="supervisor", sub=f"chef-{unit}", unit=unit, params={"limit": 200})
        assert {w["subject_id"] for w in own["watches"]} == escalated
        assert all(w["assignee"] is None and w["escalated_to"] == "supervisor" for w in own["watches"])
