"""Notify service: `python -m services.notify.main` (port 8005)."""
from pathlib import Path

from shared.service import Service, create_app, run

SERVICE = Service(
    name="notify",
    port=8005,
    title="Omsorg notify (aviseringar)",
    migrations=Path(__file__).parent / "migrations",
)


def app():
    return create_app(SERVICE)


if __name__ == "__main__":
    run(SERVICE)
