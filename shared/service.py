"""Builds one service process: the API, its outbox relay and its consumers, in one lifespan."""
import asyncio
import contextlib
import logging
import signal
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Annotated

import uvicorn
from fastapi import APIRouter, Depends, FastAPI, Request
from fastapi.responses import JSONResponse, Response

from shared import openapi, problems
from shared.access.policy import PUBLIC
from shared.access.routes import declare_actions, operation_actions
from shared.body_limit import BodyLimitMiddleware
from shared.clock import AdjustableClock, Clock
from shared.consumer import EventConsumer, Handler, consumer_lanes
from shared.db import create_pool, migrate
from shared.events.asyncapi import asyncapi_document
from shared.events.consumers import check_consumes, consumer_group
from shared.faults import Faults
from shared.kafka import create_producer, ensure_topics
from shared.metrics import PROMETHEUS_CONTENT_TYPE, observe, prometheus_text
from shared.outbox import Outbox, OutboxRelay
from shared.rate_limit import RateLimitMiddleware
from shared.settings import Settings, get_settings
from shared.startup import freeze_startup_objects
from shared.telemetry import http_telemetry, setup_telemetry
from shared.unit_of_work import REASON_HEADER, FileReads, UnitOfWork, Work

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Service:
    name: str                      # also its database schema and consumer group (shared/events/consumers.py)
    port: int
    title: str
    migrations: Path
    routers: Sequence[APIRouter] = ()
    # Event type to handler; the topics the service reads follow from the types.
    handlers: Mapping[str, Handler] = field(default_factory=dict)
    # Background tasks of the service's own (`async def worker(app)`), run next to the relay.
    workers: Sequence[Callable[[FastAPI], Awaitable[None]]] = ()
    # Paths whose request bodies may be larger than OMSORG_MAX_BODY_BYTES (a file upload): bytes.
    body_limits: Mapping[str, int] = field(default_factory=dict)
    # The service that keeps the access log files its own reads into it in the work's own
    # transaction (shared/unit_of_work.py: FileReads); every other service sends them as events.
    files_reads: "FileReads | None" = None


def create_app(service: Service, settings: Settings | None = None, clock: Clock | None = None) -> FastAPI:
    settings = settings or get_settings()
    if clock is None:
        clock = (AdjustableClock(timedelta(seconds=settings.clock_offset_seconds))
                 if settings.env in ("dev", "test") else Clock())
    setup_telemetry(service.name, settings)

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI):
        check_consumes(service.name, service.handlers)
        pool = await create_pool(settings.database_url, service.name)
        await migrate(pool, service.name, service.migrations)
        lanes = consumer_lanes(service.name, dict(service.handlers))
        await ensure_topics(settings, groups=[settings.topic(consumer_group(service.name, lane)) for lane, _ in lanes])
        producer = create_producer(settings)
        await producer.start()
        app.state.pool = pool
        app.state.producer = producer
        app.state.outbox = Outbox(service.name, settings, clock)
        app.state.work = Work(pool, app.state.outbox, clock, settings, files_reads=service.files_reads)
        faults = Faults(settings.fault)
        relay = OutboxRelay(service.name, pool, producer, settings, faults)
        workers = [relay.run(), relay.measure_every(), relay.prune_every()]
        consumers = [EventConsumer(service.name, handlers, app.state.work, producer, settings, faults,
                                   unhurried=lane) for lane, handlers in lanes]
        workers += [consumer.run() for consumer in consumers]
        _observe_workers(service.name, relay, consumers)
        workers += [worker(app) for worker in service.workers]
        tasks = [asyncio.create_task(w) for w in workers]
        for task in tasks:
            task.add_done_callback(_stop_process_if_crashed)
        loop = asyncio.get_running_loop()
        loop.add_signal_handler(signal.SIGUSR1, _log_tasks)
        try:
            yield
        finally:
            loop.remove_signal_handler(signal.SIGUSR1)
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
            await producer.stop()
            await pool.close()

    # /docs is served by shared/openapi.py from local Swagger UI files, not FastAPI's CDN page.
    app = FastAPI(title=service.title, version="0.1.0", lifespan=lifespan,
                  docs_url=None, redoc_url=None, openapi_url="/openapi.json",
                  generate_unique_id_function=openapi.operation_id, telemetry=http_telemetry())
    app.state.settings = settings
    app.state.clock = clock
    app.state.service = service
    problems.install(app)
    # The routes go straight onto the app's router, in the routers' order: an included router is
    # matched behind a layer of its own, route by route, and the router that has the route twice
    # (about a third of a short read's time went to FastAPI's routing, on the registry's ~70 routes).
    for router in [_health_router(), *service.routers]:
        declare_actions(router)
        openapi.ensure_named_by_function(router)
        app.router.routes.extend(router.routes)
    openapi.install_openapi(app)
    openapi.install_docs(app)
    app.add_middleware(BodyLimitMiddleware, default=settings.max_body_bytes, by_path=service.body_limits)
    if settings.rate_limit_per_minute > 0:
        app.add_middleware(RateLimitMiddleware, settings=settings)
    openapi.install_middleware(app, settings.cors_origin_list())
    # Every documented route names its action in the policy or is public; otherwise no start.
    operation_actions(app.openapi())
    return app


def _observe_workers(name: str, relay: OutboxRelay, consumers: Sequence[EventConsumer]) -> None:
    observe("omsorg.outbox.backlog", "{event}", "Events written but not yet published",
            lambda: [(relay.backlog, {"service": name})])
    observe("omsorg.outbox.oldest_age", "s", "Age of the oldest unpublished event (0 when none)",
            lambda: [(relay.oldest_age_seconds, {"service": name})])
    observe("omsorg.outbox.measured_time", "s", "When the backlog was last counted (Unix time; 0: never)",
            lambda: [(relay.measured_at, {"service": name})])
    if consumers:
        observe("omsorg.consumer.lag", "{event}", "Events on the topic not yet processed by this group",
                lambda: [(lag, {"group": c.group, "topic": topic}) for c in consumers for topic, lag in c.lag.items()])
        observe("omsorg.consumer.lag.measured_time", "s", "When the lag was last measured (Unix time; 0: never)",
                lambda: [(c.lag_measured_at, {"group": c.group}) for c in consumers])


def _log_tasks() -> None:
    """`kill -USR1 <pid>`: where every task of the process waits, in one WARNING line, for a
    process that has gone quiet (the operations' thread dump)."""
    stacks = []
    for task in asyncio.all_tasks():
        stacks.append(f"{task.get_name()}: {' -> '.join(_awaiting(task.get_coro())) or 'not started'}")
    log.warning("%d tasks: %s", len(stacks), " | ".join(sorted(stacks)))


def _awaiting(coro) -> list[str]:
    """The chain of coroutines `coro` waits through, outermost first."""
    chain = []
    while coro is not None and len(chain) < 30:
        frame = getattr(coro, "cr_frame", None) or getattr(coro, "gi_frame", None)
        if frame is None:
            break
        chain.append(f"{frame.f_code.co_name} ({Path(frame.f_code.co_filename).name}:{frame.f_lineno})")
        coro = getattr(coro, "cr_await", None) or getattr(coro, "gi_yieldfrom", None)
    return chain


def _stop_process_if_crashed(task: asyncio.Task) -> None:
    # A relay or consumer that died would leave the API answering while events pile up;
    # better to fail loudly and be restarted.
    if not task.cancelled() and task.exception() is not None:
        log.critical("a background worker died: %r; stopping the process", task.exception())
        import os
        os.kill(os.getpid(), signal.SIGTERM)


def _example_answer(example: dict) -> dict:
    return {200: {"content": {"application/json": {"example": example}}}}


def _health_router() -> APIRouter:
    router = openapi.service_router(tags=["operations"])  # public: no token needed

    @router.get("/health", summary="The process is up", openapi_extra=PUBLIC,
                responses=_example_answer({"status": "up"}))
    async def health() -> dict:
        """Liveness: answers 200 as long as the process serves HTTP, without asking the database or
        the broker. Public (no token); for a container's liveness probe."""
        return {"status": "up"}

    @router.get("/events/asyncapi.json", summary="The event contract (AsyncAPI 3.0) of every service",
                openapi_extra=PUBLIC, responses=_example_answer({
                    "asyncapi": "3.0.0",
                    "info": {"title": "Omsorg events", "version": "1",
                             "description": "Every event Omsorg publishes and who consumes it."},
                    "defaultContentType": "application/json",
                    "servers": {}, "channels": {}, "operations": {}, "components": {"schemas": {}, "messages": {}}}))
    async def events_contract(request: Request) -> dict:
        """The AsyncAPI 3.0 document of every event the services publish on Kafka, with each
        event's payload schema and which services consume it. The same document on every service.
        Public (no token); for integrators who read the event topics."""
        return asyncapi_document(request.app.state.settings)

    @router.get("/metrics", summary="Metrics for Prometheus", openapi_extra=PUBLIC, response_class=Response)
    async def prometheus_metrics() -> Response:
        """The process's metrics (HTTP requests, outbox and consumer lag, workers) in Prometheus'
        text format, for scraping. Public (no token); carries no personal data."""
        return Response(prometheus_text(), media_type=PROMETHEUS_CONTENT_TYPE)

    @router.get("/ready", summary="The database and the broker are reachable", openapi_extra=PUBLIC,
                responses=_example_answer({"status": "ready", "checks": {"database": "ok", "broker": "ok"}}))
    async def ready(request: Request):
        """Readiness: 200 when the service's database answers and the Kafka broker gives its
        metadata (each within 2 s), otherwise 503 with the same body naming what is unavailable.
        Public (no token); for a load balancer's or orchestrator's readiness probe."""
        checks = {"database": "ok", "broker": "ok"}
        try:
            await asyncio.wait_for(request.app.state.pool.fetchval("SELECT 1"), 2)
        except Exception as exc:  # any failure means not ready
            checks["database"] = f"unavailable: {type(exc).__name__}"
        try:
            await asyncio.wait_for(request.app.state.producer.client.fetch_all_metadata(), 2)
        except Exception as exc:
            checks["broker"] = f"unavailable: {type(exc).__name__}"
        ok = all(v == "ok" for v in checks.values())
        return JSONResponse({"status": "ready" if ok else "not ready", "checks": checks},
                            status_code=200 if ok else 503)

    return router


# Dependencies a route declares by type. `async def`, because FastAPI runs a plain `def`
# dependency in a worker thread: three thread hops per request for three attribute reads.
async def _unit_of_work(request: Request) -> UnitOfWork:
    """A fresh unit of work for the request; the reason for reading personal data, when the
    client gives one (`X-Access-Reason`), goes with it into the access log."""
    uow = request.app.state.work()
    uow.reason = request.headers.get(REASON_HEADER)
    return uow


UnitOfWorkDep = Annotated[UnitOfWork, Depends(_unit_of_work)]


def run(service: Service) -> None:
    """Entry point of `python -m services.<name>.main`."""
    settings = get_settings()
    app = create_app(service, settings)
    # log_config=None: uvicorn's lines go through the JSON logging set up in telemetry.
    # X-Forwarded-For is believed only from the proxies the settings name (none by default).
    proxies = settings.trusted_proxy_list()
    freeze_startup_objects()
    uvicorn.run(app, host=settings.host, port=settings.port or service.port, log_config=None,
                access_log=False, proxy_headers=bool(proxies), forwarded_allow_ips=proxies or None)
