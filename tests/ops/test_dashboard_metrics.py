"""On the running stack: every metric the Grafana dashboard's queries and the alerting rules
read is exported at /metrics, by every service for the figures kept per service (HTTP, outbox,
consumer lag, dead letters, memory), by the watch for its timers, by notify for its deliveries."""
import httpx
from prometheus_client.parser import text_string_to_metric_families

from tests.ops import dashboard
from tests.ops.flow import Flow
from tests.ops.test_alert_rules import alert_metrics
from tests.stack import SERVICES, eventually

ONLY_FROM = {"omsorg_watch_timers_": {"watch"}, "omsorg_notify_": {"notify"}}  # prefix → the services that export it

# One ordinary read per service, so that each has HTTP histogram series.
READS = {"registry": "/persons/{person_id}", "journal": "/cases/{case_id}/notes", "orders": "/providers",
         "watch": "/watches", "notify": "/deliveries"}


def exported(text: str) -> set[str]:
    """Names of the series with a sample in a Prometheus text exposition (read by prometheus_client's
    parser: a label value may hold a brace, as a route template such as /cases/{case_id}/notes does)."""
    return {sample.name for family in text_string_to_metric_families(text) for sample in family.samples}


def exporters(metric: str) -> set[str]:
    return next((services for prefix, services in ONLY_FROM.items() if metric.startswith(prefix)), set(SERVICES))


async def test_every_metric_a_dashboard_panel_or_an_alert_reads_is_exported(stack):
    env, procs = stack
    flow = Flow(env, {name: proc.url for name, proc in procs.items()})
    order = await flow.sent_order()  # events on registry.events and orders.events: every group consumes
    ids = {"person_id": (await flow.person())["id"], "case_id": order["case_id"]}
    headers = env.auth("supervisor", "gunilla", unit="vuxen")
    async with httpx.AsyncClient(timeout=30) as client:
        for name, path in READS.items():
            response = await client.get(procs[name].url + path.format(**ids), headers=headers)
            assert response.status_code < 500, f"{name} {path}: {response.text}"

        wanted = {metric for _, expr in dashboard.expressions(dashboard.load())
                  for metric in dashboard.metric_names(expr)} | alert_metrics()
        assert wanted

        async def missing() -> dict[str, set[str]]:
            texts = {name: (await client.get(f"{procs[name].url}/metrics")).text for name in SERVICES}
            names = {name: exported(text) for name, text in texts.items()}
            return {metric: lacking for metric in sorted(wanted)
                    if (lacking := {s for s in exporters(metric) if metric not in names[s]})}

        async def all_there():
            return not await missing() or None

        # Consumer lag shows once a group has processed an event; the timers within seconds.
        await eventually(all_there, timeout=30)
        assert await missing() == {}
