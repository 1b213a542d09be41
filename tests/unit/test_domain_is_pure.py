"""The domain is free of I/O in fact, not only in name: importing any service's domain module
(in a fresh interpreter, so nothing else loaded it first) loads no web framework, no database
driver, no Kafka client and no HTTP client. Nor do the shared modules the domain leans on, nor
the letters, which are rendered from data alone."""
import subprocess
import sys

import pytest

from tests.stack import ROOT, SERVICES

FORBIDDEN = ("fastapi", "starlette", "asyncpg", "aiokafka", "httpx")
PURE_SHARED = ["shared.errors", "shared.clock", "shared.pin", "shared.principal", "shared.access.policy",
               "shared.idempotency", "shared.pagination", "shared.case_state"]
PURE_LETTERS = ["services.registry.letters.decision_letter"]


def _modules() -> list[str]:
    found = []
    for service in SERVICES:
        for path in sorted((ROOT / "services" / service / "domain").glob("*.py")):
            found.append(f"services.{service}.domain.{path.stem}".removesuffix(".__init__"))
    return found + PURE_SHARED + PURE_LETTERS


@pytest.mark.parametrize("module", _modules())
def test_importing_loads_no_io_library(module):
    probe = (f"import sys, {module}; "
             f"print(','.join(m for m in {FORBIDDEN!r} if m in sys.modules))")
    result = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "", f"{module} loads {result.stdout.strip()}"


def test_the_probe_would_see_a_framework():
    # The check itself can fail: a module that loads FastAPI is caught.
    result = subprocess.run([sys.executable, "-c", "import sys, shared.problems; print('fastapi' in sys.modules)"],
                            cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert result.stdout.strip() == "True"
