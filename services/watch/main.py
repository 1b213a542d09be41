"""Watch service: `python -m services.watch.main` (port 8004).

The service is built at start from the settings, read once: the configured rules go to the
event handlers and the scheduler; POST /admin/clock is mounted only where the clock may be
moved (dev and test)."""
from pathlib import Path

from services.watch.api import admin, reports, watches
from services.watch.handlers import cullings, journal, orders, registry
from services.watch.settings import WatchSettings
from services.watch.workers.scheduler import scheduler_worker
from services.watch.workers.timer_metrics import timer_metrics_worker
from shared.faults import Faults
from shared.service import Service, create_app, run
from shared.settings import Settings, get_settings


def service(settings: Settings, watch: WatchSettings) -> Service:
    rules = watch.configured_rules()
    clock_routes = [admin.router] if settings.env in ("dev", "test") else []
    return Service(
        name="watch",
        port=8004,
        title="Omsorg watch (bevakningar)",
        migrations=Path(__file__).parent / "migrations",
        routers=[watches.router, reports.router, *clock_routes],
        handlers={**orders.handlers_for(rules), **registry.handlers_for(rules), **journal.handlers_for(rules),
                  **cullings.handlers_for(rules)},
        workers=[scheduler_worker(rules, watch, Faults(settings.fault)), timer_metrics_worker(watch)],
    )


def app():
    settings = get_settings()
    return create_app(service(settings, WatchSettings()), settings)


if __name__ == "__main__":
    run(service(get_settings(), WatchSettings()))
