"""A trace catcher for `make up`: an OTLP/HTTP receiver on 127.0.0.1:4318 (OMSORG_OTLP_PORT) that
appends every span it receives as one JSON line to .local/traces/spans.jsonl, so that a trace can
be read without a collector:

    python deploy/local/tracecatcher.py
    grep TRACE_ID .local/traces/spans.jsonl
"""
import gzip
import json
import os
import threading
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import (ExportTraceServiceRequest,
                                                                       ExportTraceServiceResponse)

ROOT = Path(__file__).resolve().parent.parent.parent
SPANS = ROOT / ".local" / "traces" / "spans.jsonl"
_write = threading.Lock()


def _value(any_value):
    kind = any_value.WhichOneof("value")
    return getattr(any_value, kind) if kind in ("string_value", "int_value", "bool_value", "double_value") else None


def spans(request: ExportTraceServiceRequest) -> list[dict]:
    """The spans of one export, flattened: ids in hex, the resource's service name, attributes."""
    found = []
    for resource_spans in request.resource_spans:
        resource = {a.key: _value(a.value) for a in resource_spans.resource.attributes}
        for scope_spans in resource_spans.scope_spans:
            for s in scope_spans.spans:
                found.append({
                    "trace_id": s.trace_id.hex(), "span_id": s.span_id.hex(),
                    "parent_id": s.parent_span_id.hex() or None, "service": resource.get("service.name"),
                    "name": s.name, "kind": s.kind, "start_ns": s.start_time_unix_nano,
                    "end_ns": s.end_time_unix_nano,
                    "attributes": {a.key: _value(a.value) for a in s.attributes}})
    return found


def receiver(on_spans: Callable[[list[dict]], None]) -> type[BaseHTTPRequestHandler]:
    """An OTLP/HTTP request handler (POST /v1/traces, protobuf, gzip or not) that passes the
    spans of each export to `on_spans`; the tests' receiver uses it too."""

    class Receive(BaseHTTPRequestHandler):
        def do_POST(self):
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            if self.path != "/v1/traces":
                self.send_response(404)
                self.end_headers()
                return
            if self.headers.get("Content-Encoding") == "gzip":
                body = gzip.decompress(body)
            on_spans(spans(ExportTraceServiceRequest.FromString(body)))
            answer = ExportTraceServiceResponse().SerializeToString()
            self.send_response(200)
            self.send_header("Content-Type", "application/x-protobuf")
            self.send_header("Content-Length", str(len(answer)))
            self.end_headers()
            self.wfile.write(answer)

        def log_message(self, *args):
            pass

    return Receive


def _append(found: list[dict]) -> None:
    with _write, SPANS.open("a", encoding="utf-8") as out:
        out.writelines(json.dumps(span, ensure_ascii=False) + "\n" for span in found)


def main() -> None:
    SPANS.parent.mkdir(parents=True, exist_ok=True)
    port = int(os.environ.get("OMSORG_OTLP_PORT", "4318"))
    try:
        server = ThreadingHTTPServer(("127.0.0.1", port), receiver(_append))
    except OSError as exc:
        # Another collector already listens there and gets the spans; do not stop the others.
        print(f"trace catcher not started: 127.0.0.1:{port} is taken ({exc}); spans go to what listens there",
              flush=True)
        threading.Event().wait()
    print(f"trace catcher on 127.0.0.1:{port} (OTLP/HTTP), writing to {SPANS}", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
