"""Log lines are JSON objects that carry the trace id of the span they were written in; a request
has one server span, named after its route."""
import io
import json
import logging
import re
from datetime import datetime, timezone

from fastapi import FastAPI
from fastapi.testclient import TestClient
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import SpanKind

from shared.telemetry import http_telemetry, log_as_json_lines


def test_log_lines_are_json_with_trace_and_span_ids():
    root = logging.getLogger()
    saved = root.handlers[:], root.level
    stream = io.StringIO()
    try:
        log_as_json_lines("journal", stream)
        tracer = TracerProvider().get_tracer("test")
        with tracer.start_as_current_span("work") as span:
            logging.getLogger("omsorg.test").warning("note %s written", "n1")
        logging.getLogger("omsorg.test").warning("outside any span")
    finally:
        root.handlers[:], level = saved
        root.setLevel(level)
    inside, outside = (json.loads(line) for line in stream.getvalue().splitlines())
    assert inside["message"] == "note n1 written"
    assert inside["service"] == "journal" and inside["level"] == "WARNING" and inside["logger"] == "omsorg.test"
    assert inside["trace_id"] == format(span.get_span_context().trace_id, "032x")
    assert inside["span_id"] == format(span.get_span_context().span_id, "016x")
    assert outside["trace_id"] is None


def test_log_times_are_iso_8601_in_utc_to_the_millisecond():
    root = logging.getLogger()
    saved = root.handlers[:], root.level
    stream = io.StringIO()
    try:
        log_as_json_lines("watch", stream)
        logging.getLogger("omsorg.test").warning("now")
    finally:
        root.handlers[:], level = saved
        root.setLevel(level)
    line = json.loads(stream.getvalue())
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+00:00", line["time"]), line["time"]
    written = datetime.fromisoformat(line["time"])
    assert abs((datetime.now(timezone.utc) - written).total_seconds()) < 5


def test_a_request_has_one_server_span_named_after_its_route_and_health_none():
    exporter = InMemorySpanExporter()
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    app = FastAPI(telemetry={**http_telemetry(), "tracer_provider": provider})

    @app.get("/cases/{case_id}/notes")
    async def notes(case_id: str):
        return []

    @app.get("/health")
    async def health():
        return {"status": "ok"}

    caller = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"
    with TestClient(app) as client:
        assert client.get("/cases/c-1/notes", headers={"traceparent": caller}).status_code == 200
        assert client.get("/health").status_code == 200
    (span,) = exporter.get_finished_spans()
    assert span.name == "GET /cases/{case_id}/notes" and span.kind == SpanKind.SERVER
    assert span.attributes["http.route"] == "/cases/{case_id}/notes"
    assert span.attributes["http.response.status_code"] == 200
    assert format(span.context.trace_id, "032x") == "0af7651916cd43dd8448eb211c80319c"
    assert format(span.parent.span_id, "016x") == "b7ad6b7169203331"
