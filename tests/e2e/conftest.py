"""The five services as separate processes (as `make up` runs them) on a fresh database and
topic prefix, a real SMTP server catching mail, an OTLP receiver collecting spans, and the
whole flow (demo/flow.py) played against them once for every test here that asks."""
import asyncio
from dataclasses import dataclass

import pytest

from demo.flow import Flow, Urls
from shared.clock import AdjustableClock
from tests import clock
from tests.e2e.otlp import OtlpReceiver
from tests.integration.notify.helpers import MailCatcher
from tests.stack import SERVICES, ServiceProcess, TestEnv, create_env, drop_env, start_services


def stack_environment(catcher: MailCatcher, receiver: OtlpReceiver | None = None) -> dict[str, str]:
    extra = {"OMSORG_SMTP_PORT": str(catcher.port), "OMSORG_RELAY_POLL_SECONDS": "0.2",
             "OMSORG_NOTIFY_RETRY_BACKOFF_SECONDS": "0.3"}
    if receiver is not None:
        # Export every 200 ms rather than every 5 s, so spans arrive while the test waits;
        # with a span per SQL statement, so the trace shows what each handler wrote.
        extra.update(OMSORG_OTEL_ENDPOINT=receiver.url, OTEL_BSP_SCHEDULE_DELAY="200", OMSORG_TRACE_SQL="true")
    return extra


def flow_on(env: TestEnv, procs: dict[str, ServiceProcess], catcher: MailCatcher, **kw) -> Flow:
    return Flow(Urls(*(procs[name].url for name in SERVICES)), env.token, catcher.to,
                clock=AdjustableClock(clock.OFFSET), **kw)


@dataclass
class Played:
    env: TestEnv
    procs: dict[str, ServiceProcess]
    flow: Flow
    catcher: MailCatcher
    receiver: OtlpReceiver
    seconds: float


@pytest.fixture(scope="package")
async def played(tmp_path_factory):
    env = await create_env(tmp_path_factory.mktemp("e2e"))
    catcher, receiver = MailCatcher().start(), OtlpReceiver().start()
    try:
        procs = await start_services(env, **stack_environment(catcher, receiver))
        loop = asyncio.get_running_loop()
        started = loop.time()
        async with flow_on(env, procs, catcher) as flow:
            try:
                await flow.run()
            except Exception:
                for proc in procs.values():
                    print(f"--- {proc.service}\n{proc.log_tail(20)}")
                raise
            yield Played(env, procs, flow, catcher, receiver, loop.time() - started)
    finally:
        await drop_env(env)
        catcher.stop()
        receiver.stop()
