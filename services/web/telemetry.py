"""Logs and traces of the web process: JSON lines like the services' (shared/telemetry.py), a span
per request, and the trace carried on to the services it calls."""
from opentelemetry import trace
from opentelemetry.instrumentation.httpx import HTTPXClientInstrumentor

from services.web.settings import WebSettings
from shared.telemetry import http_telemetry, log_as_json_lines, tracer_provider

_configured = False


def setup(settings: WebSettings) -> None:
    global _configured
    if _configured:
        return
    log_as_json_lines("web")
    trace.set_tracer_provider(tracer_provider("web", settings))
    HTTPXClientInstrumentor().instrument()
    _configured = True


# The span per request is FastAPI's (`FastAPI(telemetry=...)`), as the services'.
HTTP_TELEMETRY = http_telemetry(frozenset({"/health", "/ready"}))


def current_trace_id() -> str | None:
    context = trace.get_current_span().get_span_context()
    return format(context.trace_id, "032x") if context.is_valid else None
