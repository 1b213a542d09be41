"""OpenTelemetry for one service process: traces of HTTP, SQL, Kafka and outgoing HTTP.

The server span of each request is FastAPI's own (`FastAPI(telemetry=http_telemetry())`): it is
named after the route FastAPI selected when it routed the request ("GET /cases/{case_id}"), so
no second matching of the path against every route is made to name it, and FastAPI records the
`http.server.request.duration` histogram with the same route template."""
import logging
from datetime import datetime, timezone
from typing import Protocol

from fastapi.telemetry import TelemetryConfig
from opentelemetry import trace
from opentelemetry.instrumentation.asyncpg import AsyncPGInstrumentor
from opentelemetry.instrumentation.httpx import HTTPXClientInstrumentor
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor
from opentelemetry.sdk.trace.sampling import ParentBased, TraceIdRatioBased
from pythonjsonlogger.json import JsonFormatter

from shared.metrics import setup_metrics
from shared.settings import Settings

_configured = False


class TraceSettings(Protocol):
    """What tracing needs of a process's settings (the services' and the web's)."""
    otel_endpoint: str
    trace_sample_ratio: float


def sampler(settings: TraceSettings) -> ParentBased:
    """Keep OMSORG_TRACE_SAMPLE_RATIO of the traces that start here; follow the caller's choice
    for the rest, so a trace is kept or dropped whole."""
    return ParentBased(TraceIdRatioBased(settings.trace_sample_ratio))


def resource_of(service: str) -> Resource:
    return Resource.create({"service.name": f"omsorg-{service}", "service.namespace": "omsorg"})


def tracer_provider(service: str, settings: TraceSettings) -> TracerProvider:
    """The process's tracer provider: sampled as `sampler` says, spans sent to OMSORG_OTEL_ENDPOINT
    over OTLP/HTTP when it is set (else they stay in process)."""
    provider = TracerProvider(resource=resource_of(service), sampler=sampler(settings))
    if settings.otel_endpoint:
        from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter

        exporter = OTLPSpanExporter(endpoint=settings.otel_endpoint.rstrip("/") + "/v1/traces")
        provider.add_span_processor(BatchSpanProcessor(exporter))
    return provider


def setup_telemetry(service: str, settings: Settings) -> None:
    """Install the tracer provider and the library instrumentations, once per process."""
    global _configured
    if _configured:
        return
    log_as_json_lines(service)
    setup_metrics(resource_of(service), settings)
    trace.set_tracer_provider(tracer_provider(service, settings))
    if settings.trace_sql:
        AsyncPGInstrumentor().instrument()
    # Kafka's spans are the services' own: the outbox relay's producer span per event
    # (shared.kafka.SendSpan) and the consumer's span per event it handles (shared.consumer).
    HTTPXClientInstrumentor().instrument()
    _configured = True


class _TraceIds(logging.Filter):
    """Put the current trace and span id on every log record, so a line leads to its trace."""

    def filter(self, record: logging.LogRecord) -> bool:
        context = trace.get_current_span().get_span_context()
        record.trace_id = format(context.trace_id, "032x") if context.is_valid else None
        record.span_id = format(context.span_id, "016x") if context.is_valid else None
        return True


class _JsonLines(JsonFormatter):
    def formatTime(self, record: logging.LogRecord, datefmt: str | None = None) -> str:
        """ISO 8601 in UTC to the millisecond: 2026-11-28T14:02:06.123+00:00."""
        return datetime.fromtimestamp(record.created, timezone.utc).isoformat(timespec="milliseconds")


def log_as_json_lines(service: str, stream=None) -> None:
    """Every log line of the process as one JSON object with service, trace and span id; its
    time in UTC to the millisecond."""
    handler = logging.StreamHandler(stream)
    handler.addFilter(_TraceIds())
    handler.setFormatter(_JsonLines(
        "%(asctime)s %(levelname)s %(name)s %(message)s %(trace_id)s %(span_id)s",
        rename_fields={"asctime": "time", "levelname": "level", "name": "logger"},
        static_fields={"service": service}, timestamp=False,
    ))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(logging.INFO)
    for name in ("uvicorn", "uvicorn.error", "uvicorn.access"):
        logging.getLogger(name).handlers[:] = []
        logging.getLogger(name).propagate = True


# Asked many times a minute by the orchestrator and Prometheus; neither a span nor a duration.
UNTRACED_PATHS = frozenset({"/health", "/ready", "/metrics"})


def http_telemetry(untraced: frozenset[str] = UNTRACED_PATHS) -> TelemetryConfig:
    """FastAPI's telemetry for an app: one server span per request, a child of the caller's
    traceparent, with the route template, method and status code, and the request duration per
    route. No spans of its own for dependencies, endpoint and serialization (the SQL, Kafka and
    HTTP spans below the request say where its time went), no OpenTelemetry log records (the
    process logs JSON lines with the trace id). Paths in `untraced` are left out."""
    return {"operation_spans": False, "logs": False,
            "exclude": lambda scope: scope.get("path") in untraced}
