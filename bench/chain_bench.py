"""Where an event's way through the services spends its time: each step's end, in ms from the
request that set it off, read off the traces the services export (an OTLP receiver in this
process, tracing at its default, every trace kept).

    python -m bench chain [--orders 40]

Two ways are followed, one at a time (nothing else running):
- reminder due: `POST /admin/clock` moves the watch's clock to an order's reminder, the watch fires
  it (`watch fire timers`) and its relay publishes `watch.raised` (`... send`, ending when the
  broker has acknowledged it), notify handles it (`watch.raised process`) and queues the reminder;
- send: `POST /orders/{id}/send`, the orders relay publishes `order.sent`, notify and watch handle it.
Beside them the raw round trip of `make bench` (aiokafka produce → consume → INSERT) at the same
rate, for scale. Steps are medians and 90th percentiles over the traces; a step's end is measured
from the start of the request's server span.
"""
import argparse
import asyncio
import statistics
import tempfile
import threading
import time
from collections import defaultdict
from http.server import ThreadingHTTPServer
from pathlib import Path

from bench.orders_bench import kafka_round_trip
from bench.summary_bench import drained, reminders_queued
from deploy.local.tracecatcher import receiver
from tests.integration.notify.helpers import MailCatcher
from tests.ops.flow import Flow
from tests.stack import SERVICES, create_env, drop_env

REMINDER = [("the request's server span starts", "POST /admin/clock", "start"),
            ("the timers fired (span ends)", "watch fire timers", "end"),
            ("the response sent", "POST /admin/clock", "end"),
            ("the relay sends watch.raised", "watch.events send", "start"),
            ("the broker acknowledged it", "watch.events send", "end"),
            ("notify starts handling it", "watch.raised process", "start"),
            ("notify has queued the reminder", "watch.raised process", "end")]
SEND = [("the request's server span starts", "POST /orders/{order_id}/send", "start"),
        ("the response sent", "POST /orders/{order_id}/send", "end"),
        ("the relay sends order.sent", "orders.events send", "start"),
        ("the broker acknowledged it", "orders.events send", "end"),
        ("notify starts handling it", "order.sent process@omsorg-notify", "start"),
        ("notify has queued the e-mail", "order.sent process@omsorg-notify", "end"),
        ("watch starts handling it", "order.sent process@omsorg-watch", "start"),
        ("watch has armed the reminder", "order.sent process@omsorg-watch", "end")]


class Spans:
    """An OTLP/HTTP receiver keeping every span it is sent, by trace."""

    def __init__(self):
        self.by_trace: dict[str, list[dict]] = defaultdict(list)
        self.lock = threading.Lock()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), receiver(self.add))
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def add(self, found: list[dict]) -> None:
        with self.lock:
            for span in found:
                self.by_trace[span["trace_id"]].append(span)

    def clear(self) -> None:
        with self.lock:
            self.by_trace.clear()

    def traces(self) -> list[list[dict]]:
        with self.lock:
            return [list(spans) for spans in self.by_trace.values()]


def _find(spans: list[dict], name: str) -> dict | None:
    """The first span (by start) whose name ends with `name` (`name@service` also by service)."""
    name, _, service = name.partition("@")
    for span in sorted(spans, key=lambda s: s["start_ns"]):
        if span["name"].endswith(name) and (not service or span["service"] == service):
            return span
    return None


def steps(traces: list[list[dict]], plan: list[tuple[str, str, str]]) -> list[tuple[str, list[float]]]:
    """For each step of `plan`, its times (ms from the first step) in the traces that have all of them."""
    found = defaultdict(list)
    for spans in traces:
        marks = []
        for _, name, end in plan:
            span = _find(spans, name)
            if span is None:
                break
            marks.append(span[f"{end}_ns"])
        else:
            for (label, _, _), mark in zip(plan, marks):
                found[label].append((mark - marks[0]) / 1e6)
    return [(label, found[label]) for label, _, _ in plan]


def table(title: str, rows: list[tuple[str, list[float]]]) -> str:
    n = len(rows[0][1]) if rows else 0
    lines = [f"{title} ({n} traces)", f"  {'step':<36} {'p50 ms':>8} {'p90 ms':>8}"]
    for label, times in rows:
        if times:
            ordered = sorted(times)
            lines.append(f"  {label:<36} {statistics.median(ordered):8.2f} {ordered[int(len(ordered) * 0.9)]:8.2f}")
    return "\n".join(lines)


async def main(orders: int) -> None:
    spans = Spans()
    env = await create_env(Path(tempfile.mkdtemp()))
    mail = MailCatcher().start()
    try:
        procs = {name: env.start(name, OMSORG_OTEL_ENDPOINT=spans.url,
                                 **({"OMSORG_SMTP_PORT": str(mail.port)} if name == "notify" else {}))
                 for name in SERVICES}
        for proc in procs.values():
            await proc.wait_ready()
        flow = Flow(env, {name: proc.url for name, proc in procs.items()})
        provider = (await flow.provider("Omsorg AB"))["id"]
        drafts = []
        for _ in range(orders):
            case = await flow.case()
            decision = await flow.decision(case["id"])
            await flow.orderable(case["id"], decision["id"])
            drafts.append((await flow.draft(case["id"], decision["id"], provider))["id"])
        await drained(env)
        raw = await kafka_round_trip(env, 10, 5)
        await drained(env)
        spans.clear()
        for order_id in drafts:  # one at a time, 10 a second
            began = time.perf_counter()
            await flow.send(order_id)
            await asyncio.sleep(max(0.0, 0.1 - (time.perf_counter() - began)))
        await drained(env)
        await asyncio.sleep(6)  # the services' span exporters send every 5 s
        sent = steps(spans.traces(), SEND)
        spans.clear()
        reminded = await reminders_queued(env, procs["watch"].url, drafts)
        await asyncio.sleep(6)
        due = steps(spans.traces(), REMINDER)
        print(f"raw aiokafka produce → consume → INSERT at 10/s: p50 {statistics.median(raw):.2f} ms,"
              f" p90 {sorted(raw)[int(len(raw) * 0.9)]:.2f} ms")
        print(f"reminder due → queued as make bench measures it: p50 {statistics.median(reminded):.2f} ms"
              f" ({len(reminded)} reminders)")
        print(table("reminder due", due))
        print(table("send", sent))
    finally:
        for proc in env.processes:
            proc.kill()
        mail.stop()
        await drop_env(env)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--orders", type=int, default=40)
    asyncio.run(main(parser.parse_args().orders))
