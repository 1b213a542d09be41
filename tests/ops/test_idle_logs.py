"""The five services and the web, started and left idle for longer than the metrics export interval (15 s),
write no ERROR line and nothing that is not a JSON log line. They send their spans to a receiver
that takes only traces, as `make up`'s trace catcher does (a metrics push there was answered 404
and logged as an ERROR every 15 s). OMSORG_IDLE_SECONDS sets the idle time (40 by default)."""
import asyncio
import os

from tests.e2e.otlp import OtlpReceiver
from tests.ops.idle_logs import trouble
from tests.stack import SERVICES

IDLE_SECONDS = float(os.environ.get("OMSORG_IDLE_SECONDS", "40"))


def test_the_check_sees_an_error_and_a_stray_line():
    lines = ['{"time": "2026-11-28T14:02:06.123+00:00", "level": "INFO", "message": "up"}',
             '{"time": "2026-11-28T14:02:06.124+00:00", "level": "ERROR", "message": "export failed"}',
             "Traceback (most recent call last):",
             '14:02:06 registry.1 | {"level": "CRITICAL", "message": "worker died"}',
             "14:02:06 system      | registry.1 started (pid=1)"]
    assert trouble(lines) == lines[1:4]


async def test_idle_services_log_no_error(env):
    receiver = OtlpReceiver().start()
    try:
        procs = {name: env.start(name, OMSORG_OTEL_ENDPOINT=receiver.url) for name in (*SERVICES, "web")}
        # Started at once on a busy machine the registry (the largest) may take over a minute.
        await asyncio.gather(*(proc.wait_ready(timeout=180) for proc in procs.values()))
        await asyncio.sleep(IDLE_SECONDS)
        for proc in procs.values():
            assert proc.popen.poll() is None, f"{proc.service} stopped:\n{proc.log_tail()}"
    finally:
        receiver.stop()
    found = {proc.service: trouble(proc.log_path.read_text(errors="replace").splitlines())
             for proc in procs.values()}
    assert not any(found.values()), "\n".join(f"{name}: {line}" for name, lines in found.items() for line in lines)
