"""Watch service: `python -m services.watch.main` (port 8004)."""
from pathlib import Path

from shared.service import Service, create_app, run

SERVICE = Service(
    name="watch",
    port=8004,
    title="Omsorg watch (bevakningar)",
    migrations=Path(__file__).parent / "migrations",
)


def app():
    return create_app(SERVICE)


if __name__ == "__main__":
    run(SERVICE)
