"""Registry service: `python -m services.registry.main` (port 8001)."""
from pathlib import Path

from services.registry.api import (
    audit,
    cases,
    decisions,
    imports,
    inquiries,
    me,
    occurrences,
    persons,
    responsibility,
    retention,  # its rules, domain/retention.yaml, are checked on import: a malformed file stops the service
    staff,
    worklists,
)
from services.registry.delegation import order as delegation_order
from services.registry.domain.imports import MAX_BYTES as MAX_IMPORT_BYTES
from services.registry.handlers import access, cullings, journal
from services.registry.usecases import audit as audit_log
from services.registry.workers.retention_search import retention_search_worker
from shared.service import Service, create_app, run

delegation_order()  # a malformed delegation.yaml stops the service here

SERVICE = Service(
    name="registry",
    port=8001,
    title="Omsorg registry (socialregister)",
    migrations=Path(__file__).parent / "migrations",
    routers=[persons.router, persons.grant_router, inquiries.router, cases.router, cases.investigation_router,
             decisions.router, occurrences.router, audit.router, imports.router, me.router, staff.router,
             responsibility.router, worklists.router, retention.router],
    handlers={**access.HANDLERS, **journal.HANDLERS, **cullings.HANDLERS},
    body_limits={"/imports": MAX_IMPORT_BYTES},  # a file from an old system
    workers=[retention_search_worker],
    files_reads=audit_log.file_own_reads,   # the registry keeps the log: its own reads go straight in
)


def app():
    return create_app(SERVICE)


if __name__ == "__main__":
    run(SERVICE)
