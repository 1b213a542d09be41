"""Metrics of one service process: OpenTelemetry instruments, read by Prometheus at /metrics.
They are pushed over OTLP as well only when OMSORG_OTEL_METRICS_ENDPOINT is set: Prometheus
pulls them, and OMSORG_OTEL_ENDPOINT is where the spans go (a receiver of traces need not
take metrics).

HTTP: `http.server.request.duration` in seconds (Prometheus: http_server_request_duration_seconds)
of the OpenTelemetry HTTP semantic conventions, per route template (`http.route`), method,
status code and error type; no attribute the client chooses (Host, raw path, user agent).
Counters: dead letters and handler retries per service and topic, notify's deliveries per
channel and outcome. Gauges: the outbox's backlog and the age of its oldest unpublished row,
each consumer's lag, each with the time of its last successful measurement (measured in a loop
of their own, so that an outage shows as a measurement time that stops moving).
"""
import os
from collections.abc import Callable, Iterable

from opentelemetry import metrics
from opentelemetry.exporter.prometheus import PrometheusMetricReader
from opentelemetry.metrics import CallbackOptions, Observation
from opentelemetry.sdk.metrics import MeterProvider
from opentelemetry.sdk.metrics.view import DropAggregation, ExplicitBucketHistogramAggregation, View
from opentelemetry.sdk.resources import Resource
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from shared.settings import Settings

PROMETHEUS_CONTENT_TYPE = CONTENT_TYPE_LATEST

# The labels of the HTTP duration: the route template, never the path the client sent.
HTTP_DURATION_ATTRIBUTES = frozenset({"http.request.method", "http.response.status_code", "http.route",
                                      "error.type"})
# Seconds: from 5 ms (a cached read) to 10 s (the slowest batch import); each bucket boundary is
# one series per route, method and status, so there are few.
HTTP_DURATION_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10)
# The instruments of the old conventions (milliseconds, Host and server name as labels) and the
# body size histograms, which no dashboard or alert reads.
_DROPPED = ("http.server.duration", "http.server.request.size", "http.server.response.size",
            "http.server.request.body.size", "http.server.response.body.size",
            "http.server.active_requests")


def use_stable_http_conventions() -> None:
    """Ask the HTTP instrumentations for the stable semantic conventions (they read
    OTEL_SEMCONV_STABILITY_OPT_IN once, when the first of them is created)."""
    opted = [v.strip() for v in os.environ.get("OTEL_SEMCONV_STABILITY_OPT_IN", "").split(",") if v.strip()]
    if "http" not in opted and "http/dup" not in opted:
        os.environ["OTEL_SEMCONV_STABILITY_OPT_IN"] = ",".join([*opted, "http"])


def views() -> list[View]:
    return [
        View(instrument_name="http.server.request.duration", attribute_keys=set(HTTP_DURATION_ATTRIBUTES),
             aggregation=ExplicitBucketHistogramAggregation(HTTP_DURATION_BUCKETS)),
        *(View(instrument_name=name, aggregation=DropAggregation()) for name in _DROPPED),
    ]


def setup_metrics(resource: Resource, settings: Settings) -> None:
    use_stable_http_conventions()
    # No otel_scope_* labels: every metric name here comes from one scope, and they would repeat
    # ~150 bytes on every line of /metrics.
    readers = [PrometheusMetricReader(scope_info_enabled=False)]
    if settings.otel_metrics_endpoint:
        from opentelemetry.exporter.otlp.proto.http.metric_exporter import OTLPMetricExporter
        from opentelemetry.sdk.metrics.export import PeriodicExportingMetricReader

        exporter = OTLPMetricExporter(endpoint=settings.otel_metrics_endpoint.rstrip("/") + "/v1/metrics")
        readers.append(PeriodicExportingMetricReader(exporter, export_interval_millis=15000))
    metrics.set_meter_provider(MeterProvider(resource=resource, metric_readers=readers, views=views()))


def prometheus_text() -> bytes:
    return generate_latest()


def observe(name: str, unit: str, description: str,
            read: Callable[[], Iterable[tuple[float, dict[str, str]]]]) -> None:
    """A gauge whose values `read` returns as (value, attributes) pairs at each collection."""
    def callback(options: CallbackOptions):
        return [Observation(value, attributes) for value, attributes in read()]

    metrics.get_meter("omsorg").create_observable_gauge(name, callbacks=[callback], unit=unit,
                                                        description=description)


def counter(name: str, unit: str, description: str) -> metrics.Counter:
    """A counter (Prometheus: `<name>_total`); `add(1, {...})` where the thing happens."""
    return metrics.get_meter("omsorg").create_counter(name, unit=unit, description=description)


DEAD_LETTERS = counter("omsorg.consumer.dead_letters", "{event}",
                       "Events a consumer sent to the dead-letter topic")
RETRIES = counter("omsorg.consumer.retries", "{attempt}",
                  "Handler attempts that failed and are tried again")
DELIVERIES = counter("omsorg.notify.deliveries", "{delivery}",
                     "Delivery attempts of notify by channel and outcome (delivered, retry, failed)")
