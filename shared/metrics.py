"""Metrics of one service process: OpenTelemetry instruments, read by Prometheus at /metrics
and pushed over OTLP when OMSORG_OTEL_ENDPOINT is set.

HTTP request rate, errors and duration per route come from the FastAPI instrumentation.
The outbox's backlog and the age of its oldest unpublished row, and each consumer's lag,
are observed from the relay and consumers that measure them.
"""
from collections.abc import Callable, Iterable

from opentelemetry import metrics
from opentelemetry.exporter.prometheus import PrometheusMetricReader
from opentelemetry.metrics import CallbackOptions, Observation
from opentelemetry.sdk.metrics import MeterProvider
from opentelemetry.sdk.resources import Resource
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from shared.settings import Settings

PROMETHEUS_CONTENT_TYPE = CONTENT_TYPE_LATEST


def setup_metrics(resource: Resource, settings: Settings) -> None:
    readers = [PrometheusMetricReader()]
    if settings.otel_endpoint:
        from opentelemetry.exporter.otlp.proto.http.metric_exporter import OTLPMetricExporter
        from opentelemetry.sdk.metrics.export import PeriodicExportingMetricReader

        exporter = OTLPMetricExporter(endpoint=settings.otel_endpoint.rstrip("/") + "/v1/metrics")
        readers.append(PeriodicExportingMetricReader(exporter, export_interval_millis=15000))
    metrics.set_meter_provider(MeterProvider(resource=resource, metric_readers=readers))


def prometheus_text() -> bytes:
    return generate_latest()


def observe(name: str, unit: str, description: str,
            read: Callable[[], Iterable[tuple[float, dict[str, str]]]]) -> None:
    """A gauge whose values `read` returns as (value, attributes) pairs at each collection."""
    def callback(options: CallbackOptions):
        return [Observation(value, attributes) for value, attributes in read()]

    metrics.get_meter("omsorg").create_observable_gauge(name, callbacks=[callback], unit=unit,
                                                        description=description)
