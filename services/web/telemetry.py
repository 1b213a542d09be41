"""Logs and traces of the web process: JSON lines like the services' (shared/telemetry.py), a span
per request, and the trace carried on to the services it calls."""
from opentelemetry import trace
from opentelemetry.instrumentation.fastapi import FastAPIInstrumentor
from opentelemetry.instrumentation.httpx import HTTPXClientInstrumentor
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor

from services.web.settings import WebSettings
from shared.telemetry import log_as_json_lines

_configured = False


def setup(settings: WebSettings) -> None:
    global _configured
    if _configured:
        return
    log_as_json_lines("web")
    provider = TracerProvider(resource=Resource.create({"service.name": "omsorg-web", "service.namespace": "omsorg"}))
    if settings.otel_endpoint:
        from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter

        provider.add_span_processor(BatchSpanProcessor(
            OTLPSpanExporter(endpoint=settings.otel_endpoint.rstrip("/") + "/v1/traces")))
    trace.set_tracer_provider(provider)
    HTTPXClientInstrumentor().instrument()
    _configured = True


def instrument(app) -> None:
    FastAPIInstrumentor.instrument_app(app, excluded_urls="health,ready", exclude_spans=["receive", "send"])


def current_trace_id() -> str | None:
    context = trace.get_current_span().get_span_context()
    return format(context.trace_id, "032x") if context.is_valid else None
