"""`make demo`: play the whole flow against running services and print each step.

    python -m demo                       # the services of `make up`, mail in .local/mail/
    python -m demo --registry http://127.0.0.1:9001 ... --mail-dir /tmp/mail
"""
import argparse
import asyncio
import json
import os
import sys
import textwrap
import time
from collections import Counter
from pathlib import Path

from demo.flow import STEPS, Done, Flow, FlowError, Urls, mailbox_of_files
from services.issuer.keys import development_token

ROOT = Path(__file__).resolve().parent.parent
SERVICES = ("registry", "journal", "orders", "watch", "notify")


def print_step(done: Done) -> None:
    number = STEPS.index(done.step) + 1
    title = f"{done.step.swedish} ({done.step.english})"
    print(f"{number:3}. {title:<86} {done.seconds:5.1f} s")
    facts = ", ".join(f"{k}: {v}" for k, v in done.details.items())
    if facts:
        print(textwrap.fill(facts, 100, initial_indent=" " * 7, subsequent_indent=" " * 9))


def read_trace(path: Path, trace_id: str, wait: float = 8.0) -> list[dict]:
    """The trace's spans from the trace catcher's file, once the SMTP send is among them (or after `wait`)."""
    deadline = time.monotonic() + wait
    while True:
        spans = []
        if path.exists():
            with path.open(encoding="utf-8") as lines:
                spans = [json.loads(line) for line in lines if trace_id in line]
        if any(s["name"] == "smtp send" for s in spans) or time.monotonic() > deadline:
            return spans
        time.sleep(0.5)


def print_tree(spans: list[dict]) -> None:
    """The spans that show the path (not each SQL statement or ASGI message), as a tree."""
    shown = [s for s in spans if not any(k.startswith("db.") for k in s["attributes"])
             and not s["name"].endswith(("http send", "http receive"))]
    ids = {s["span_id"] for s in shown}
    by_id = {s["span_id"]: s for s in spans}

    def shown_parent(span):
        parent = by_id.get(span["parent_id"])
        while parent is not None and parent["span_id"] not in ids:
            parent = by_id.get(parent["parent_id"])
        return parent and parent["span_id"]

    children: dict = {}
    for span in sorted(shown, key=lambda s: s["start_ns"]):
        children.setdefault(shown_parent(span), []).append(span)

    def walk(parent, depth):
        for span in children.get(parent, []):
            print(f"    {'  ' * depth}{span['name']}  [{span['service']}]")
            walk(span["span_id"], depth + 1)
    walk(None, 0)


def print_trace(trace_id: str, trace_file: Path) -> None:
    print("\nSpårning (trace) of POST /orders/…/send: orders, Kafka, watch and notify, to the SMTP send")
    print(f"  trace id {trace_id}")
    spans = read_trace(trace_file, trace_id)
    if spans:
        per_service = Counter(s["service"] for s in spans)
        print(f"  {len(spans)} spans: " + ", ".join(f"{n} from {name}" for name, n in sorted(per_service.items())))
        print_tree(spans)
    print(f"  make up:        grep {trace_id} {trace_file.relative_to(ROOT) if trace_file.is_relative_to(ROOT) else trace_file}"
          "  (one JSON line per span, from deploy/local/tracecatcher.py)")
    print(f"  docker compose: http://localhost:16686/trace/{trace_id}  (Jaeger)")


async def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m demo", description="Play the whole Omsorg flow.")
    local = Urls.local()
    for name in SERVICES:
        parser.add_argument(f"--{name}", default=getattr(local, name), help=f"base URL of {name}")
    parser.add_argument("--mail-dir", default=str(ROOT / ".local" / "mail"),
                        help="where the mail catcher writes each message (deploy/local/mailcatcher.py)")
    parser.add_argument("--trace-file", default=str(ROOT / ".local" / "traces" / "spans.jsonl"),
                        help="where the trace catcher writes spans (deploy/local/tracecatcher.py)")
    parser.add_argument("--ignore-seconds", type=float, default=4.0,
                        help="how long provider A leaves the order before the clock moves")
    args = parser.parse_args()
    # The flow runs against the local stack (`make up`, a development machine) unless told otherwise.
    # Its tokens are the development OIDC issuer's (services/issuer/), signed with its persisted key,
    # which the services of `make up` trust through its JWKS; the issuer refuses OMSORG_ENV=prod.
    os.environ.setdefault("OMSORG_ENV", "dev")

    def token(role: str, sub: str, **claims) -> str:
        return development_token(sub, [role], **claims)

    urls = Urls(*(getattr(args, name) for name in SERVICES))
    print("Omsorg: hela flödet (the whole flow), from intake to the reimbursement basis\n")
    async with Flow(urls, token, mailbox_of_files(args.mail_dir), report=print_step,
                    ignore_seconds=args.ignore_seconds) as flow:
        try:
            await flow.run()
        except FlowError as exc:
            print(f"\nThe flow stopped at {flow.next_step}: {exc}", file=sys.stderr)
            return 1
        print_trace(flow.state.trace_id, Path(args.trace_file))
    return 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
