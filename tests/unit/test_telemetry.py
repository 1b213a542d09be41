"""Log lines are JSON objects that carry the trace id of the span they were written in."""
import io
import json
import logging
import re
from datetime import datetime, timezone

from opentelemetry.sdk.trace import TracerProvider

from shared.telemetry import log_as_json_lines


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
