"""Orders service: `python -m services.orders.main` (port 8003)."""
from pathlib import Path

from shared.service import Service, create_app, run

SERVICE = Service(
    name="orders",
    port=8003,
    title="Omsorg orders (beställningar)",
    migrations=Path(__file__).parent / "migrations",
)


def app():
    return create_app(SERVICE)


if __name__ == "__main__":
    run(SERVICE)
