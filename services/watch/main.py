"""Watch service: `python -m services.watch.main` (port 8004)."""
from pathlib import Path

from services.watch.api import admin, reports, watches
from services.watch.handlers import orders, registry
from services.watch.scheduler import scheduler_worker, timer_metrics_worker
from shared.service import Service, create_app, run
from shared.settings import get_settings

# POST /admin/clock exists only where the clock may be moved.
_ADMIN = [admin.router] if get_settings().env in ("dev", "test") else []

SERVICE = Service(
    name="watch",
    port=8004,
    title="Omsorg watch (bevakningar)",
    migrations=Path(__file__).parent / "migrations",
    routers=[watches.router, reports.router, *_ADMIN],
    handlers={**orders.HANDLERS, **registry.HANDLERS},
    workers=[scheduler_worker, timer_metrics_worker],
)


def app():
    return create_app(SERVICE)


if __name__ == "__main__":
    run(SERVICE)
