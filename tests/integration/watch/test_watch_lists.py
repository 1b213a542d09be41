"""500 orders across 10 caseworkers: every list holds one watch per order and kind, however
often its rules fired, ranked by urgency, with counts per kind; supervisors see their unit."""
import uuid
from collections import defaultdict
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import httpx

from services.watch.domain.calendar import add_business_days, local_date, morning_of
from services.watch.domain.rules import configure
from services.watch.domain.watches import order_timers, urgency_key
from tests import clock
from tests.stack import eventually
from tests.integration.watch.helpers import Upstream, fetch, move_clock, order_sent, watch_list

SE = ZoneInfo("Europe/Stockholm")
CASEWORKERS = [f"cw{i}" for i in range(10)]


def unit_of(caseworker: str) -> str:
    return "vuxen" if int(caseworker[2:]) < 5 else "barn"


def ranked(watches: list[dict], today: date) -> list[dict]:
    return sorted(watches, key=lambda w: urgency_key(due_on=date.fromisoformat(w["due_on"]), kind=w["kind"],
                                                     raised_at=datetime.fromisoformat(w["raised_at"]), today=today))


async def watch_list_response(env, proc, params: dict) -> httpx.Response:
    async with httpx.AsyncClient(base_url=proc.url, timeout=60) as client:
        return await client.get("/watches", params=params, headers=env.auth("caseworker", unit="vuxen"))


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
        assert listed["today"] == today.isoformat() and listed["next_cursor"] is None
        ids = [w["subject_id"] for w in listed["items"]]
        assert len(ids) == len(set(ids)), "one watch per order"
        assert set(ids) == expected[cw]["order_unconfirmed"]
        assert listed["counts"] == {"order_unconfirmed": {"open": len(ids), "overdue": listed["overdue"]}}
        assert listed["items"] == ranked(listed["items"], today)
        assert listed["overdue"] == sum(w["overdue"] for w in listed["items"]) > 0
        due_today += sum(not w["overdue"] for w in listed["items"])
        assert all(w["trigger_count"] == (2 if w["subject_id"] in twice_ids else 1) for w in listed["items"])
        assert {w["assignee"] for w in listed["items"]} == {cw}
    assert due_today > 0, "some watches are due today, the rest overdue: both are ranked"

    for unit in ("vuxen", "barn"):
        boss = dict(role="supervisor", sub=f"chef-{unit}", unit=unit)
        whole = await watch_list(env, watch, **boss, params={"unit": unit, "limit": 200})
        total = sum(c["open"] for c in whole["counts"].values())
        assert total > 200 and len(whole["items"]) == 200 and whole["next_cursor"]
        # Many watches were raised by one batch, at one moment, due the same day: the id breaks the ties.
        pages, cursor = [], None
        while True:
            page = await watch_list(env, watch, **boss,
                                    params={"unit": unit, "limit": 40, **({"cursor": cursor} if cursor else {})})
            assert page["counts"] == whole["counts"] and page["overdue"] == whole["overdue"]
            pages += page["items"]
            cursor = page["next_cursor"]
            if cursor is None:
                break
            assert len(page["items"]) == 40
        assert len(pages) == total and pages[:200] == whole["items"]
        assert pages == ranked(pages, today)
        assert len({(w["subject_id"], w["kind"]) for w in pages}) == len(pages)
        escalated = {w["subject_id"] for w in pages if w["kind"] == "order_escalated"}
        assert escalated == expected[unit]["order_escalated"] and escalated
        assert whole["counts"]["order_escalated"]["open"] == len(escalated)
        # A supervisor's own list: the unit's escalations, which no caseworker has.
        own = await watch_list(env, watch, **boss, params={"limit": 200})
        assert {w["subject_id"] for w in own["items"]} == escalated
        assert all(w["assignee"] is None and w["escalated_to"] == "supervisor" for w in own["items"])


async def test_paging_with_a_cursor_keeps_its_place_when_the_day_changes_between_pages(env, watch):
    """The first page read on one day, the rest after the clock moved five days on: every watch
    once, none skipped, though five more of them have become overdue in the meantime."""
    first_day = date.fromisoformat((await watch_list(env, watch))["today"])
    raised = datetime.combine(first_day, time(8), SE)
    kinds = ["order_unconfirmed", "follow_up", "decision_unexecuted"]
    # Overdue by 10 to 6 days, then due from today on; ties on due date, kind and moment, so the id decides.
    due = [first_day - timedelta(days=10 - i) for i in range(5)] + \
          [first_day + timedelta(days=i // 3) for i in range(25)]
    rows = [(uuid.uuid4(), kinds[i % 3], "test", "order", uuid.uuid4(), "anna", "vuxen", day, raised)
            for i, day in enumerate(due)]
    conn = await env.db()
    try:
        await conn.executemany(
            "INSERT INTO watch.watches (id, kind, rule, subject_type, subject_id, assignee, unit, due_on, raised_at,"
            " last_raised_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9)", rows)
    finally:
        await conn.close()

    first = await watch_list(env, watch, params={"limit": 7})
    assert first["today"] == first_day.isoformat() and first["overdue"] == 5
    assert [w["overdue"] for w in first["items"]] == [True] * 5 + [False] * 2
    assert await move_clock(env, watch, datetime.combine(first_day + timedelta(days=5), time(12), SE))
    pages, cursor = [first], first["next_cursor"]
    while cursor:
        page = await watch_list(env, watch, params={"limit": 7, "cursor": cursor})
        pages.append(page)
        cursor = page["next_cursor"]

    later_day = first_day + timedelta(days=5)
    listed = [w for page in pages for w in page["items"]]
    assert sorted(w["id"] for w in listed) == sorted(str(r[0]) for r in rows), "every watch once, none skipped"
    assert listed == ranked(listed, later_day) == ranked(listed, first_day)
    assert all(page["today"] == later_day.isoformat() and page["overdue"] == 20 for page in pages[1:])
    assert all(w["overdue"] == (date.fromisoformat(w["due_on"]) < later_day) for page in pages[1:]
               for w in page["items"])
    assert [len(page["items"]) for page in pages] == [7, 7, 7, 7, 2]

    bad = await watch_list_response(env, watch, {"cursor": "not-a-cursor"})
    assert (bad.status_code, bad.json()["code"]) == (422, "invalid_cursor")
