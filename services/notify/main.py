"""Notify service: `python -m services.notify.main` (port 8005)."""
from pathlib import Path

from services.notify.api import deliveries
from services.notify.handlers import orders, watches
from services.notify.workers.sender import sender_worker
from shared.events import EVENT_TYPES
from shared.service import Service, create_app, run

# Watch's event types join the contract as watch is built; until then there is nothing to react to.
HANDLERS = {**orders.HANDLERS, **{t: h for t, h in watches.HANDLERS.items() if t in EVENT_TYPES}}

SERVICE = Service(
    name="notify",
    port=8005,
    title="Omsorg notify (aviseringar)",
    migrations=Path(__file__).parent / "migrations",
    routers=[deliveries.router],
    handlers=HANDLERS,
    workers=[sender_worker],
)


def app():
    return create_app(SERVICE)


if __name__ == "__main__":
    run(SERVICE)
