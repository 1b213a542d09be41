"""Accessibility checks of a screen in the real browser: axe-core (bundled in the PyPI package
axe-playwright-python, so nothing is downloaded) run with the rules of WCAG 2.1 A and AA, the level
that binds Swedish public-sector services (lagen (2018:1937) om tillgänglighet till digital
offentlig service). Any violation fails the test. Each screen's screenshot is saved to the test
artifact folder (OMSORG_TEST_ARTIFACTS, by default .local/test-artifacts/web; not committed) and
its results are printed, one line a screen, to be quoted."""
import json
import os
import re
from pathlib import Path

from axe_playwright_python.async_playwright import Axe

from tests.stack import ROOT

WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
OPTIONS = {"runOnly": {"type": "tag", "values": WCAG_21_AA}, "resultTypes": ["violations"]}

_axe = Axe()


def artifacts() -> Path:
    folder = Path(os.environ.get("OMSORG_TEST_ARTIFACTS") or ROOT / ".local" / "test-artifacts") / "web"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def review(results: dict) -> str:
    """The rules axe could not decide alone (to be looked at by a person), by name."""
    return f": {', '.join(r['id'] for r in results['incomplete'])} to review" if results["incomplete"] else ""


async def check(page, screen: str) -> dict:
    """Run axe-core on the page as it is now, save its screenshot, print the results; fail on any
    violation, naming the rule, the elements and what axe says to fix."""
    results = (await _axe.run(page, options=OPTIONS)).response
    name = screen.lower().translate(str.maketrans("åäö", "aao"))
    shot = artifacts() / f"{re.sub(r'[^a-z0-9]+', '-', name).strip('-')}.png"
    await page.screenshot(path=str(shot), full_page=True)
    counts = {kind: len(results[kind]) for kind in ("violations", "passes", "incomplete", "inapplicable")}
    print(f"axe {results['testEngine']['version']} {screen}: {counts['violations']} violations, "
          f"{sum(counts.values())} rules checked ({counts['passes']} passed, {counts['incomplete']} to review, "
          f"{counts['inapplicable']} not applicable{review(results)}); screenshot {shot.relative_to(ROOT) if shot.is_relative_to(ROOT) else shot}")
    found = [{"rule": v["id"], "impact": v["impact"], "help": v["help"],
              "nodes": [{"target": n["target"], "fix": n["failureSummary"]} for n in v["nodes"]]}
             for v in results["violations"]]
    assert not found, f"{screen} ({page.url}) breaks WCAG 2.1 AA:\n{json.dumps(found, ensure_ascii=False, indent=2)}"
    return counts
