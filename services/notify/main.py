"""Notify service: `python -m services.notify.main` (port 8005)."""
from pathlib import Path

from services.notify.api import deliveries, notifications
from services.notify.handlers import cullings, orders, registry, watches
from services.notify.workers.sender import sender_worker
from shared.service import Service, create_app, run

SERVICE = Service(
    name="notify",
    port=8005,
    title="Omsorg notify (aviseringar)",
    migrations=Path(__file__).parent / "migrations",
    routers=[deliveries.router, notifications.router],
    handlers={**orders.HANDLERS, **watches.HANDLERS, **registry.HANDLERS, **cullings.HANDLERS},
    workers=[sender_worker],
)


def app():
    return create_app(SERVICE)


if __name__ == "__main__":
    run(SERVICE)
