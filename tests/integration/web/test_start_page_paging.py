"""The start page's lists are paged each on its own: following the next page of one list keeps the
page every other list was on, and going back to one list's first page too."""
import html
import re
import uuid

import httpx
import pytest

from services.web.pages.home import PAGE_SIZE
from tests import clock
from tests.integration.web.conftest import backend, created, sign_in
from tests.pins import register_person


@pytest.fixture(scope="module")
async def pia(web_env):
    """A caseworker of unit barn with more open cases than a page holds, in a unit whose intake
    queue holds more inquiries than a page too."""
    env, _, _, _ = web_env
    sub = f"pia-{uuid.uuid4().hex[:6]}"
    auth = env.auth("caseworker", sub=sub, unit="barn")
    async with httpx.AsyncClient(base_url=backend(env, "registry").url, timeout=60) as registry:
        person = await register_person(registry, auth, first_name="Pelle", last_name="Paginasson")
        cases = [created(await registry.post("/cases", headers=auth, json={
            "unit": "barn", "kind": "SoL", "person_id": person}))["id"] for _ in range(PAGE_SIZE + 1)]
        for _ in range(PAGE_SIZE + 1):
            created(await registry.post("/inquiries", headers=auth, json={
                "kind": "application", "person_id": person, "unit": "barn",
                "received_on": clock.today().isoformat()}))
    return {"sub": sub, "cases": cases}


def part(page: str, anchor: str) -> str:
    """The section of the start page whose heading has the id `anchor`."""
    return page.split(f'id="{anchor}"', 1)[1].split("</section>", 1)[0]


def link(section: str, text: str) -> str | None:
    found = re.search(rf'<a href="([^"]+)">{text}</a>', section)
    return html.unescape(found.group(1)) if found else None


def case_links(section: str) -> set[str]:
    return set(re.findall(r'href="/cases/([0-9a-f-]+)"', section))


async def test_paging_one_list_keeps_the_others_where_they_were(web_env, pia):
    _, _, web, _ = web_env
    async with httpx.AsyncClient(base_url=web.url, timeout=60) as client:
        assert (await sign_in(client, sub=pia["sub"], unit="barn")).status_code == 303
        first = (await client.get("/")).text
        first_cases = case_links(part(first, "arenden"))
        assert len(first_cases) == PAGE_SIZE

        # My cases to their second page; then the intake queue to its next page from there.
        cases_next = link(part(first, "arenden"), "Nästa sida av mina ärenden")
        assert cases_next and "cases=" in cases_next
        second = (await client.get(cases_next)).text
        second_cases = case_links(part(second, "arenden"))
        assert len(second_cases) == 1 and not second_cases & first_cases

        intake_next = link(part(second, "inkommande"), "Nästa sida av inkommande ärenden")
        assert intake_next and "intake=" in intake_next
        both = (await client.get(intake_next)).text
        assert case_links(part(both, "arenden")) == second_cases  # my cases stayed on their second page
        assert link(part(both, "inkommande"), "Första sidan av inkommande ärenden")

        # Back to the first page of my cases: the intake queue stays on its next page.
        cases_first = link(part(both, "arenden"), "Första sidan av mina ärenden")
        assert cases_first and "intake=" in cases_first and "cases=" not in cases_first
        back = (await client.get(cases_first)).text
        assert case_links(part(back, "arenden")) == first_cases
        assert link(part(back, "inkommande"), "Första sidan av inkommande ärenden")
