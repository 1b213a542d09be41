"""Accessibility checks of a screen in the real browser: axe-core (bundled in the PyPI package
axe-playwright-python, so nothing is downloaded) run with the rules of WCAG 2.1 A and AA, the level
that binds Swedish public-sector services (lagen (2018:1937) om tillgänglighet till digital
offentlig service). Any violation fails the test. Each screen's screenshot is saved to the test
artifact folder (OMSORG_TEST_ARTIFACTS, by default .local/test-artifacts/web; not committed) and
its results are printed, one line a screen, to be quoted.

Each screen's click-to-rendered time is recorded too: from the start of the navigation that made it
(a click on a link or a button, a form sent, an address gone to) to the end of its load event, by
the browser's own Navigation Timing, and the time to the answer's first byte; they are figures,
not assertions, printed at the end of the run (conftest.py: pytest_terminal_summary). With
OMSORG_SCREENSHOTS_DIR set, the main screens (SHOWCASE) are also saved there under stable names:
that is how docs/screenshots/ is made (README, "What runs where"); a run without it writes nothing
in the clone."""
import json
import os
import re
from pathlib import Path

from axe_playwright_python.async_playwright import Axe

from tests.stack import ROOT

WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
OPTIONS = {"runOnly": {"type": "tag", "values": WCAG_21_AA}, "resultTypes": ["violations"]}

_axe = Axe()

# The main screens, by the name a test checks them under: their file in OMSORG_SCREENSHOTS_DIR, and
# the part of the page the picture starts at (None: the top).
SHOWCASE = {
    "Startsida handläggare": ("handlaggare-startsida", None),
    "Ärende": ("arende", None),
    "Utförare beställning öppnad": ("utforare-bestallning", None),
    "Mina sidor": ("mina-sidor", None),
    "Startsida arbetsledare": ("arbetsledare-oversikt", "#enheten"),
    "Rapport till IVO": ("rapport-till-ivo", None),
    "Byt handläggare": ("byt-handlaggare", None),
    "Startsida med bevakning på beställning": ("handlaggare-bevakning", None),
    "Sök person ogiltigt nummer": ("sok-person-ogiltigt-nummer", None),
    "Person registrerad": ("person-oppna-arende", None),
    "Fatta beslut": ("fatta-beslut", None),
    "Attest av beslut": ("attest-av-beslut", None),
    "Ny beställning": ("ny-bestallning", None),
}
SHOWCASE_WIDTH, SHOWCASE_MAX_HEIGHT = 1280, 1600

# (screen, ms from the navigation's start to the end of its load event, ms to the first byte)
TIMINGS: list[tuple[str, float, float]] = []

_NAVIGATION = """() => { const n = performance.getEntriesByType('navigation')[0];
  return n && n.loadEventEnd > 0 ? [n.loadEventEnd - n.startTime, n.responseStart - n.startTime] : null; }"""


def artifacts() -> Path:
    folder = Path(os.environ.get("OMSORG_TEST_ARTIFACTS") or ROOT / ".local" / "test-artifacts") / "web"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def rendered(timing: tuple[float, float] | None) -> str:
    return f", rendered in {timing[0]:.0f} ms" if timing else ""


def review(results: dict) -> str:
    """The rules axe could not decide alone (to be looked at by a person), by name."""
    return f": {', '.join(r['id'] for r in results['incomplete'])} to review" if results["incomplete"] else ""


async def rendered_in(page) -> tuple[float, float] | None:
    """The page's click-to-rendered and first-byte times in ms, as the browser measured them; None
    for a page that was not navigated to (set_content)."""
    if page.url.startswith("about:"):
        return None
    try:
        await page.wait_for_function(f"({_NAVIGATION})() !== null", timeout=5000)
    except Exception:  # noqa: BLE001 - no navigation of its own: nothing to record
        return None
    return tuple(await page.evaluate(_NAVIGATION))


async def showcase(page, screen: str) -> None:
    """The main screens' pictures for the README, only when asked for (OMSORG_SCREENSHOTS_DIR)."""
    folder = os.environ.get("OMSORG_SCREENSHOTS_DIR")
    if not folder or screen not in SHOWCASE:
        return
    Path(folder).mkdir(parents=True, exist_ok=True)
    name, start = SHOWCASE[screen]
    top = await page.evaluate("selector => Math.max(0, document.querySelector(selector).getBoundingClientRect().top"
                              " + window.scrollY - 16)", start) if start else 0
    height = min(await page.evaluate("document.documentElement.scrollHeight") - top, SHOWCASE_MAX_HEIGHT)
    # The test stack's personal identity numbers are made up but valid, so they may be someone's:
    # the pictures that are committed show none.
    await page.screenshot(path=str(Path(folder) / f"{name}.png"), full_page=True,
                          clip={"x": 0, "y": top, "width": SHOWCASE_WIDTH, "height": height},
                          mask=[page.locator("dt:text-is('Personnummer') + dd")], mask_color="#d0d0d0")


async def check(page, screen: str) -> dict:
    """Run axe-core on the page as it is now, save its screenshot, record how long it took to be
    rendered, print the results; fail on any violation, naming the rule, the elements and what axe
    says to fix."""
    timing = await rendered_in(page)
    if timing is not None:
        TIMINGS.append((screen, *timing))
    await showcase(page, screen)
    results = (await _axe.run(page, options=OPTIONS)).response
    name = screen.lower().translate(str.maketrans("åäö", "aao"))
    shot = artifacts() / f"{re.sub(r'[^a-z0-9]+', '-', name).strip('-')}.png"
    await page.screenshot(path=str(shot), full_page=True)
    counts = {kind: len(results[kind]) for kind in ("violations", "passes", "incomplete", "inapplicable")}
    print(f"axe {results['testEngine']['version']} {screen}: {counts['violations']} violations, "
          f"{sum(counts.values())} rules checked ({counts['passes']} passed, {counts['incomplete']} to review, "
          f"{counts['inapplicable']} not applicable{review(results)}){rendered(timing)}; screenshot {shot.relative_to(ROOT) if shot.is_relative_to(ROOT) else shot}")
    found = [{"rule": v["id"], "impact": v["impact"], "help": v["help"],
              "nodes": [{"target": n["target"], "fix": n["failureSummary"]} for n in v["nodes"]]}
             for v in results["violations"]]
    assert not found, f"{screen} ({page.url}) breaks WCAG 2.1 AA:\n{json.dumps(found, ensure_ascii=False, indent=2)}"
    return counts
