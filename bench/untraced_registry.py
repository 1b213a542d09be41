"""The registry as `services.registry.main` runs it, less OpenTelemetry (no tracer or meter
provider, so FastAPI's own telemetry stays off and nothing else is instrumented).

Only for the registry benchmark's informational line: it shows how much of the registry's
cost over the bare query is tracing and metrics, and how much is its own work (auth, the
validator, the transaction with its access-log event, the relay and the audit consumer).
"""
import logging

import shared.service as service
from services.registry.main import SERVICE


def _logging_only(name, settings) -> None:
    logging.basicConfig(level=logging.WARNING)


if __name__ == "__main__":
    service.setup_telemetry = _logging_only
    service.run(SERVICE)
