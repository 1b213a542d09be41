"""The accessibility statement (tillgänglighetsredogörelse) at /tillganglighet: readable without
signing in, linked from every page's footer, with the parts DIGG asks for (docs/law.md, section
11) and the municipality's own contact for shortcomings from the settings."""
import httpx

from services.web.app import create_app
from services.web.settings import WebSettings


def client_of(**settings) -> httpx.AsyncClient:
    app = create_app(WebSettings(env="test", **settings))
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://127.0.0.1")


async def test_the_statement_has_what_digg_asks_for_without_signing_in():
    async with client_of() as client:
        page = await client.get("/tillganglighet")
    assert page.status_code == 200 and '<html lang="sv">' in page.text
    text = page.text
    assert "<h1>Tillgänglighetsredogörelse för Omsorg</h1>" in text
    assert "Kommunen står bakom Omsorg" in text  # the organisation, by default
    assert "<strong>delvis förenlig</strong>" in text  # helt, delvis or inte förenlig
    for heading in ("Vad kan du göra om du inte kan använda delar av webbtjänsten?", "Tillsyn",
                    "Innehåll som inte är tillgängligt", "Oskäligt betungande anpassning",
                    "Innehåll som inte omfattas av lagen", "Hur vi testat webbtjänsten"):
        assert f">{heading}</h" in text, heading
    assert 'href="https://www.digg.se/tdosanmalan"' in text
    assert "axe-core" in text and "WCAG 2.1 nivå A och AA" in text and "tangentbordet" in text
    assert "Kontakta kommunens kontaktcenter" in text  # the default contact
    assert '<time datetime="2026-11-29">29 november 2026</time>' in text


async def test_the_contact_and_the_organisation_are_the_municipalitys_own():
    async with client_of(organisation_name="Ekerö kommun, socialnämnden",
                         accessibility_contact="Skriv till tillganglighet@ekero.example.se eller ring 08-124 571 00."
                         ) as client:
        page = await client.get("/tillganglighet")
    assert "Ekerö kommun, socialnämnden står bakom Omsorg" in page.text
    assert '<p class="notice" id="contact">Skriv till tillganglighet@ekero.example.se eller ring 08-124 571 00.</p>' \
        in page.text
    assert "Kontakta kommunens kontaktcenter" not in page.text


async def test_every_page_links_to_the_statement_in_its_footer():
    async with client_of() as client:
        for path in ("/sign-in", "/tillganglighet", "/finns-inte"):
            page = await client.get(path)
            footer = page.text.split('<footer class="site-footer">', 1)
            assert len(footer) == 2 and '<a href="/tillganglighet">Tillgänglighetsredogörelse</a>' in footer[1], path
