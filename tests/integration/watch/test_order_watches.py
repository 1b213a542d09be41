"""Rule 5 on the real stack: an unconfirmed order raises its watch two business days after
it was sent (Swedish holidays do not count), escalates to the unit's supervisors after five,
and a confirmation, recall or rejection resolves its watches by itself."""
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import holidays

from shared.events.catalog import OrderRecalled
from tests import clock
from tests.stack import eventually
from tests.integration.watch.helpers import (
    Upstream,
    armed,
    fetch,
    fire_times,
    move_clock,
    order_confirmed,
    order_sent,
    watch_events,
    watch_list,
)

SE = ZoneInfo("Europe/Stockholm")


def next_maundy_thursday(after: date) -> date:
    """The Thursday before Good Friday; Good Friday and Easter Monday are Swedish public holidays."""
    for year in range(after.year, after.year + 3):
        good_friday = next(d for d, name in holidays.country_holidays("SE", years=year, language="en_US").items()
                           if name == "Good Friday")
        if good_friday - timedelta(days=1) > after:
            return good_friday - timedelta(days=1)
    raise AssertionError("no Easter ahead")


async def test_order_sent_on_maundy_thursday_raises_its_watch_on_wednesday_after_easter_and_not_before(env, watch):
    thursday = next_maundy_thursday(clock.today() + timedelta(days=1))
    sent_at = datetime.combine(thursday, time(10, 0), SE)
    await move_clock(env, watch, sent_at)
    sent = order_sent(sent_at=sent_at)
    async with Upstream(env) as upstream:
        await upstream.send(sent, sent.order_id)
        assert await armed(env, sent.order_id, 2)

        # Friday (Good Friday) to Monday (Easter Monday) do not count; Tuesday is the first business day.
        easter_monday = thursday + timedelta(days=4)
        assert (await move_clock(env, watch, datetime.combine(easter_monday, time(10, 1), SE)))["fired"] == 0
        tuesday_night = datetime.combine(thursday + timedelta(days=5), time(23, 59), SE)
        assert (await move_clock(env, watch, tuesday_night))["fired"] == 0
        assert (await watch_list(env, watch))["items"] == []

        wednesday = thursday + timedelta(days=6)
        assert (await move_clock(env, watch, datetime.combine(wednesday, time(9, 59), SE)))["fired"] == 0
        assert (await move_clock(env, watch, datetime.combine(wednesday, time(10, 0, 1), SE)))["fired"] == 1
        listed = await watch_list(env, watch)
        assert listed["counts"] == {"order_unconfirmed": {"open": 1, "overdue": 0}} and listed["next_cursor"] is None
        (raised,) = listed["items"]
        assert (raised["kind"], raised["subject_id"], raised["assignee"], raised["due_on"]) == (
            "order_unconfirmed", str(sent.order_id), "anna", wednesday.isoformat())

        events = await watch_events(env, at_least=1)
        assert [t for t, _ in events] == ["watch.raised"]
        data = events[0][1]
        assert data["remind_provider"] is True and data["provider_email"] == sent.provider_email
        assert data["provider_id"] == str(sent.provider_id) and data["unit"] == "vuxen"
        assert data["watch_id"] == raised["id"] and data["due_on"] == wednesday.isoformat()

        # Confirming resolves it by itself, and the escalation never comes.
        await upstream.send(order_confirmed(sent, datetime.combine(wednesday, time(11), SE)), sent.order_id)

        async def resolved():
            return (await watch_list(env, watch))["items"] == []
        assert await eventually(resolved, timeout=60)
        row = (await fetch(env, "SELECT * FROM watch.watches WHERE subject_id = $1", sent.order_id))[0]
        assert (row["status"], row["resolution"], row["resolved_by"]) == ("resolved", "order.confirmed", "system")
        assert (await move_clock(env, watch, datetime.combine(wednesday + timedelta(days=14), time(12), SE)))[
            "fired"] == 1  # the escalation timer comes due, and raises nothing
        events = await watch_events(env, at_least=2)
        assert [t for t, _ in events] == ["watch.raised", "watch.resolved"]
        assert events[1][1]["resolution"] == "order.confirmed"
    assert (await fetch(env, "SELECT count(*) AS n FROM watch.watches"))[0]["n"] == 1


def recalled(sent, at: datetime) -> OrderRecalled:
    return OrderRecalled(order_id=sent.order_id, case_id=sent.case_id, provider_id=sent.provider_id,
                         provider_email=sent.provider_email, caseworker=sent.caseworker, was_opened=False,
                         reason="fel utförare", recalled_by=sent.caseworker, recalled_at=at)


async def test_after_five_business_days_it_escalates_to_the_units_supervisors(env, watch):
    now = clock.now().astimezone(SE)
    sent = order_sent(sent_at=now)
    async with Upstream(env) as upstream:
        await upstream.send(sent, sent.order_id)
        assert await armed(env, sent.order_id, 2)
        # A day after the escalation: both overdue, whatever day the order was sent.
        after = fire_times(sent)["order_escalation"] + timedelta(days=1)
        assert (await move_clock(env, watch, after))["fired"] == 2

        mine = await watch_list(env, watch)
        assert [w["kind"] for w in mine["items"]] == ["order_unconfirmed"]
        unit = await watch_list(env, watch, role="supervisor", sub="greta", params={"unit": "vuxen"})
        # Both overdue; the reminder was due three business days before the escalation.
        assert [w["kind"] for w in unit["items"]] == ["order_unconfirmed", "order_escalated"]
        escalated = unit["items"][1]
        assert escalated["assignee"] is None and escalated["escalated_to"] == "supervisor"
        assert escalated["overdue"] and unit["overdue"] == 2
        # A supervisor's own list holds the unit's escalations; another unit's supervisor sees none.
        own = await watch_list(env, watch, role="supervisor", sub="greta")
        assert [w["id"] for w in own["items"]] == [escalated["id"]]
        other = await watch_list(env, watch, role="supervisor", sub="hugo", unit="barn")
        assert other["items"] == [] and other["counts"] == {}

        events = await watch_events(env, at_least=2)
        by_type = {t: d for t, d in events}
        assert set(by_type) == {"watch.raised", "watch.escalated"}
        assert by_type["watch.escalated"]["caseworker"] == "anna" and by_type["watch.escalated"]["unit"] == "vuxen"
        assert by_type["watch.escalated"]["escalated_to"] == "supervisor"

        # A recall resolves both of the order's watches.
        await upstream.send(recalled(sent, after + timedelta(hours=1)), sent.order_id)

        async def both_resolved():
            rows = await fetch(env, "SELECT resolution FROM watch.watches WHERE subject_id = $1", sent.order_id)
            return len(rows) == 2 and all(r["resolution"] == "order.recalled" for r in rows)
        assert await eventually(both_resolved, timeout=60)
        assert (await watch_list(env, watch, role="supervisor", sub="greta", params={"unit": "vuxen"}))["items"] == []


async def test_settled_before_it_fires_or_even_before_it_is_known_raises_nothing(env, watch):
    now = clock.now().astimezone(SE)
    confirmed_first, recalled_early = order_sent(sent_at=now), order_sent(sent_at=now)
    async with Upstream(env) as upstream:
        # Out of order: the confirmation arrives before the order itself.
        await upstream.send(order_confirmed(confirmed_first, now), confirmed_first.order_id)
        await upstream.send(confirmed_first, confirmed_first.order_id)
        await upstream.send(recalled_early, recalled_early.order_id)
        await upstream.send(recalled(recalled_early, now), recalled_early.order_id)
        assert await armed(env, confirmed_first.order_id, 2)
        assert await armed(env, recalled_early.order_id, 2)

        async def settled():
            rows = await fetch(env, "SELECT count(*) AS n FROM watch.subjects WHERE $1 = ANY(settled)", "confirmation")
            return rows[0]["n"] == 2
        assert await eventually(settled, timeout=60)
        after_both = fire_times(confirmed_first)["order_escalation"] + timedelta(minutes=1)
        assert (await move_clock(env, watch, after_both))["fired"] == 4
    assert (await fetch(env, "SELECT count(*) AS n FROM watch.watches"))[0]["n"] == 0
    assert (await fetch(env, "SELECT count(*) AS n FROM watch.timers"))[0]["n"] == 0


async def test_resolving_by_hand_with_a_comment_and_who_may(env, watch):
    import uuid

    import httpx

    now = clock.now().astimezone(SE)
    sent = order_sent(sent_at=now)
    async with Upstream(env) as upstream:
        await upstream.send(sent, sent.order_id)
        assert await armed(env, sent.order_id, 2)
    times = fire_times(sent)
    assert times["order_reminder"] < times["order_escalation"]
    await move_clock(env, watch, times["order_reminder"] + timedelta(minutes=1))  # the reminder only
    (mine,) = (await watch_list(env, watch))["items"]
    url = f"/watches/{mine['id']}/resolve"
    async with httpx.AsyncClient(base_url=watch.url, timeout=60) as client:
        assert (await client.post(url, json={}, headers=env.auth("caseworker", sub="bo"))).status_code == 403
        for role, claims in (("provider_user", {"provider_id": str(sent.provider_id)}), ("support", {})):
            assert (await client.post(url, headers=env.auth(role, sub="x", **claims))).status_code == 403
        assert (await client.post(url)).status_code == 401
        long = await client.post(url, json={"comment": "x" * 2001}, headers=env.auth("caseworker"))
        assert long.status_code == 422 and long.headers["content-type"] == "application/problem+json"
        done = await client.post(url, json={"comment": "Ringde utföraren, bekräftas i dag"},
                                 headers=env.auth("caseworker"))
        assert done.status_code == 200, done.text
        assert (done.json()["resolution"], done.json()["resolved_by"]) == ("manual", "anna")
        again = await client.post(url, headers=env.auth("caseworker"))
        assert again.status_code == 409 and again.json()["code"] == "watch_resolved"
        missing = await client.post(f"/watches/{uuid.uuid4()}/resolve", headers=env.auth("caseworker"))
        assert missing.status_code == 404 and missing.json()["code"] == "watch_not_found"
        assert (await client.post("/watches/not-a-uuid/resolve", headers=env.auth("caseworker"))).status_code == 422
        for params, role in (({"assignee": "bo"}, "caseworker"), ({"unit": "barn"}, "supervisor"),
                             ({}, "citizen"), ({"limit": 201}, "caseworker"), ({"kind": "nonsense"}, "caseworker")):
            claims = {"pin": "199001011234"} if role == "citizen" else {"unit": "vuxen"}
            response = await client.get("/watches", params=params, headers=env.auth(role, **claims))
            assert response.status_code in (403, 422), (params, role, response.text)
            assert response.headers["content-type"] == "application/problem+json"
    assert (await watch_list(env, watch))["items"] == []
    events = await watch_events(env, at_least=2)
    assert [t for t, _ in events] == ["watch.raised", "watch.resolved"]
    assert events[1][1]["resolution"] == "manual" and "comment" not in events[1][1]
