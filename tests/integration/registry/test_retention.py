"""The dry run of culling (gallring) over the registry's own tables: who is due on a day, who is
kept and by which rule; it changes nothing, is logged as a read, and only an object specialist (systemförvaltare) may run it."""
from datetime import date

from services.registry.domain.retention import RULES
from shared.calendar import add_months
from tests import clock
from tests.integration.registry.test_cases import open_case
from tests.pins import make_pin, register_person
from tests.stack import eventually

SYSTEM_ADMIN = {"role": "object_specialist", "sub": "systemforvaltare"}


async def dry_run(client, env, on: date | None = None) -> dict[str, dict]:
    """Every item of the dry run on `on`, by person id, paging to the end."""
    items, cursor = {}, None
    while True:
        params = {"limit": 200, **({"on": on.isoformat()} if on else {}), **({"cursor": cursor} if cursor else {})}
        response = await client.get("/retention/dry-run", params=params, headers=env.auth(**SYSTEM_ADMIN))
        assert response.status_code == 200, response.text
        page = response.json()
        items.update({item["person_id"]: item for item in page["items"]})
        cursor = page["next_cursor"]
        if cursor is None:
            return items


async def counts(env) -> tuple:
    conn = await env.db()
    try:
        return tuple([await conn.fetchval(f"SELECT count(*) FROM registry.{table}")
                      for table in ("persons", "cases", "inquiries", "decisions")])
    finally:
        await conn.close()


async def test_the_dry_run_lists_who_is_due_and_who_is_kept_by_which_rule(registry):
    env, client = registry
    caseworker = env.auth("caseworker", unit="vuxen")
    ordinary = await register_person(client, caseworker, pin=make_pin(date(1971, 3, 4)))
    research = await register_person(client, caseworker, pin=make_pin(date(1972, 5, 15)))
    with_case = await register_person(client, caseworker, pin=make_pin(date(1973, 7, 6)))
    await open_case(client, env, unit="vuxen", person_id=with_case)
    today = clock.today()
    five_years = add_months(today, 60)
    assert RULES.by_id("personal_file").period_months == 60

    # Today nobody of these is listed: their last entry is today.
    listed_today = await dry_run(client, env)
    assert not {ordinary, research, with_case} & set(listed_today)

    before = await counts(env)
    # The day before the five years end: not yet listed.
    day_before = date.fromordinal(five_years.toordinal() - 1)
    assert not {ordinary, research, with_case} & set(await dry_run(client, env, day_before))
    listed = await dry_run(client, env, five_years)
    assert listed[ordinary] == {"person_id": ordinary, "status": "due", "rule_ids": ["personal_file", "register"],
                                "due_on": five_years.isoformat(), "complete_by": f"{five_years.year + 1}-12-31"}
    assert listed[research] == {"person_id": research, "status": "kept", "rule_ids": ["research_birth_day"],
                                "due_on": None, "complete_by": None}
    assert listed[with_case]["status"] == "kept"
    assert "open_case" in listed[with_case]["rule_ids"]
    assert await counts(env) == before   # listing changed nothing
    one = await client.get("/retention/dry-run", params={"on": five_years.isoformat(), "person_id": research},
                           headers=env.auth(**SYSTEM_ADMIN))
    assert one.status_code == 200 and one.json()["items"] == [listed[research]], one.text

    # The listing is a read of each person listed, in the access log.
    async def logged():
        response = await client.get("/audit", params={"person_id": ordinary}, headers=env.auth("support"))
        return response.status_code == 200 and any(e["resource"] == "retention/dry-run"
                                                   for e in response.json()["items"])
    assert await eventually(logged)


async def test_a_dry_run_for_a_past_day_is_refused(registry):
    env, client = registry
    yesterday = date.fromordinal(clock.today().toordinal() - 1)
    response = await client.get("/retention/dry-run", params={"on": yesterday.isoformat()}, headers=env.auth(**SYSTEM_ADMIN))
    assert response.status_code == 422, response.text
    assert response.json()["code"] == "past_day"


async def test_only_an_object_specialist_may_run_it(registry):
    env, client = registry
    for role in ("caseworker", "supervisor", "support"):
        response = await client.get("/retention/dry-run", headers=env.auth(role, unit="vuxen"))
        assert response.status_code == 403, (role, response.text)


async def investigated(client, env, person_id: str, unit: str) -> None:
    """A case about the person with an investigation begun and completed today, then closed."""
    headers = env.auth("caseworker", unit=unit)
    case = await open_case(client, env, unit=unit, person_id=person_id)
    started = await client.post(f"/cases/{case['id']}/investigations", json={}, headers=headers)
    assert started.status_code == 201, started.text
    done = await client.post(f"/cases/{case['id']}/investigations/{started.json()['id']}/completion", headers=headers)
    assert done.status_code == 200, done.text
    closed = await client.post(f"/cases/{case['id']}/close", json={"reason": "Utredningen är klar."}, headers=headers)
    assert closed.status_code == 200, closed.text


async def test_a_child_investigated_is_kept_until_thirty_an_adult_investigated_is_due(registry):
    env, client = registry
    today = clock.today()
    # Born on the 1st (never a research day), ten years before the test's clock.
    child_born = date(today.year - 10, today.month, 1)
    child = await register_person(client, env.auth("caseworker", unit="barn"), pin=make_pin(child_born))
    adult = await register_person(client, env.auth("caseworker", unit="vuxen"), pin=make_pin(date(1975, 1, 2)))
    await investigated(client, env, child, "barn")
    await investigated(client, env, adult, "vuxen")

    five_years = add_months(today, 60)
    listed = await dry_run(client, env, five_years)
    thirtieth = add_months(child_born, 360)
    assert listed[child] == {"person_id": child, "status": "kept", "rule_ids": ["child_investigation"],
                             "due_on": thirtieth.isoformat(), "complete_by": f"{thirtieth.year + 1}-12-31"}
    assert listed[adult]["status"] == "due", listed[adult]
