"""OpenTelemetry for one service process: traces of HTTP, SQL, Kafka and outgoing HTTP."""
import logging

from opentelemetry import trace
from opentelemetry.instrumentation.aiokafka import AIOKafkaInstrumentor
from opentelemetry.instrumentation.asyncpg import AsyncPGInstrumentor
from opentelemetry.instrumentation.fastapi import FastAPIInstrumentor
from opentelemetry.instrumentation.httpx import HTTPXClientInstrumentor
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor

from shared.settings import Settings

_configured = False


def setup_telemetry(service: str, settings: Settings) -> None:
    """Install the tracer provider and the library instrumentations, once per process."""
    global _configured
    if _configured:
        return
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    provider = TracerProvider(resource=Resource.create({"service.name": f"omsorg-{service}",
                                                        "service.namespace": "omsorg"}))
    if settings.otel_endpoint:
        from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter

        exporter = OTLPSpanExporter(endpoint=settings.otel_endpoint.rstrip("/") + "/v1/traces")
        provider.add_span_processor(BatchSpanProcessor(exporter))
    trace.set_tracer_provider(provider)
    AsyncPGInstrumentor().instrument()
    AIOKafkaInstrumentor().instrument()
    HTTPXClientInstrumentor().instrument()
    _configured = True


def instrument_app(app) -> None:
    FastAPIInstrumentor.instrument_app(app, excluded_urls="health,ready")
