"""Journal service: `python -m services.journal.main` (port 8002)."""
from pathlib import Path

from services.journal.api import me, notes
from services.journal.handlers import cases, cullings, staff
from shared.service import Service, create_app, run

SERVICE = Service(
    name="journal",
    port=8002,
    title="Omsorg journal (journalanteckningar)",
    migrations=Path(__file__).parent / "migrations",
    routers=[notes.router, me.router],
    handlers={**cases.HANDLERS, **staff.HANDLERS, **cullings.HANDLERS},
)


def app():
    return create_app(SERVICE)


if __name__ == "__main__":
    run(SERVICE)
