"""`make demo`: play the whole flow against running services and print each step.

    python -m demo                       # the services of `make up`, mail in .local/mail/
    python -m demo --registry http://127.0.0.1:9001 ... --mail-dir /tmp/mail
"""
import argparse
import asyncio
import sys
import textwrap
from pathlib import Path

from demo.flow import STEPS, Done, Flow, FlowError, Urls, mailbox_of_files
from shared.auth import issue_token
from shared.settings import get_settings

ROOT = Path(__file__).resolve().parent.parent
SERVICES = ("registry", "journal", "orders", "watch", "notify")


def print_step(done: Done) -> None:
    number = STEPS.index(done.step) + 1
    title = f"{done.step.swedish} ({done.step.english})"
    print(f"{number:3}. {title:<86} {done.seconds:5.1f} s")
    facts = ", ".join(f"{k}: {v}" for k, v in done.details.items())
    if facts:
        print(textwrap.fill(facts, 100, initial_indent=" " * 7, subsequent_indent=" " * 9))


def print_trace(trace_id: str) -> None:
    print(f"\nSpårning (trace) of POST /orders/…/send, through orders, Kafka, watch and notify to the SMTP send:")
    print(f"  trace id {trace_id}")
    print(f"  docker compose: http://localhost:16686/trace/{trace_id}  (Jaeger)")
    print(f"  make up:        grep {trace_id} .local/services/services.log"
          "  (every log line carries its trace id;\n"
          "                  set OMSORG_OTEL_ENDPOINT to an OTLP/HTTP collector to see the spans themselves)")


async def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m demo", description="Play the whole Omsorg flow.")
    local = Urls.local()
    for name in SERVICES:
        parser.add_argument(f"--{name}", default=getattr(local, name), help=f"base URL of {name}")
    parser.add_argument("--mail-dir", default=str(ROOT / ".local" / "mail"),
                        help="where the mail catcher writes each message (deploy/local/mailcatcher.py)")
    parser.add_argument("--ignore-seconds", type=float, default=4.0,
                        help="how long provider A leaves the order before the clock moves")
    args = parser.parse_args()
    settings = get_settings()

    def token(role: str, sub: str, **claims) -> str:
        return issue_token(settings, sub=sub, roles=[role], **claims)

    urls = Urls(*(getattr(args, name) for name in SERVICES))
    print("Omsorg: hela flödet (the whole flow), from intake to the reimbursement basis\n")
    async with Flow(urls, token, mailbox_of_files(args.mail_dir), report=print_step,
                    ignore_seconds=args.ignore_seconds) as flow:
        try:
            await flow.run()
        except FlowError as exc:
            print(f"\nThe flow stopped at {flow.next_step}: {exc}", file=sys.stderr)
            return 1
        print_trace(flow.state.trace_id)
    return 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
