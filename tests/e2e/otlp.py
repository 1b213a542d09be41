"""A small OTLP/HTTP trace receiver for tests: POST /v1/traces with a protobuf
ExportTraceServiceRequest, as the services' exporter sends when OMSORG_OTEL_ENDPOINT points here.
It is `make up`'s trace catcher (deploy/local/tracecatcher.py) keeping spans in memory."""
import threading
from dataclasses import dataclass
from http.server import ThreadingHTTPServer

from deploy.local.tracecatcher import receiver


@dataclass(frozen=True)
class Span:
    service: str
    name: str
    kind: int
    trace_id: str
    span_id: str
    parent_id: str | None
    start_ns: int
    attributes: dict


class OtlpReceiver:
    def __init__(self):
        self.spans: list[Span] = []
        self.requests = 0
        self._lock = threading.Lock()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), receiver(self.add))
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def add(self, found: list[dict]) -> None:
        spans = [Span(service=s["service"] or "?", name=s["name"], kind=s["kind"], trace_id=s["trace_id"],
                      span_id=s["span_id"], parent_id=s["parent_id"], start_ns=s["start_ns"],
                      attributes=s["attributes"]) for s in found]
        with self._lock:
            self.requests += 1
            self.spans.extend(spans)
    def trace(self, trace_id: str) -> list[Span]:
        with self._lock:
            return sorted((s for s in self.spans if s.trace_id == trace_id), key=lambda s: s.start_ns)

    def start(self) -> "OtlpReceiver":
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
