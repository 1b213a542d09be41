"""Orders service: `python -m services.orders.main` (port 8003)."""
from pathlib import Path

from services.orders.api import me, orders, provider_orders, providers, reimbursements
from services.orders.handlers import cullings, registry
from shared.service import Service, create_app, run

SERVICE = Service(
    name="orders",
    port=8003,
    title="Omsorg orders (beställningar)",
    migrations=Path(__file__).parent / "migrations",
    routers=[providers.router, orders.router, orders.persons_router, provider_orders.router, reimbursements.router, me.router],
    handlers={**registry.HANDLERS, **cullings.HANDLERS},
)


def app():
    return create_app(SERVICE)


if __name__ == "__main__":
    run(SERVICE)
