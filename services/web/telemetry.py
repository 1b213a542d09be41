"""Logs and traces of the web process: JSON lines like the services' (shared/telemetry.py), a span
per request, and the trace carried on to the services it calls."""
from opentelemetry import trace
from opentelemetry.instrumentation.fastapi import FastAPIInstrumentor
from opentelemetry.instrumentation.httpx import HTTPXClientInstrumentor

from services.web.settings import WebSettings
from shared.telemetry import log_as_json_lines, tracer_provider

_configured = False


def setup(settings: WebSettings) -> None:
    global _configured
    if _configured:
        return
    log_as_json_lines("web")
    trace.set_tracer_provider(tracer_provider("web", settings))
    HTTPXClientInstrumentor().instrument()
    _configured = True


def instrument(app) -> None:
    FastAPIInstrumentor.instrument_app(app, excluded_urls="health,ready", exclude_spans=["receive", "send"])


def current_trace_id() -> str | None:
    context = trace.get_current_span().get_span_context()
    return format(context.trace_id, "032x") if context.is_valid else None
