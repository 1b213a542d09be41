"""`omsorg`: the command line of the local stack."""
import argparse
import json
import sys
from datetime import timedelta
from pathlib import Path

from shared.auth import ROLES, issue_token
from shared.events.asyncapi import asyncapi_document
from shared.settings import get_settings


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="omsorg", description="Omsorg command line")
    commands = parser.add_subparsers(dest="command", required=True)
    token = commands.add_parser("token", help="print a bearer token that the local stack accepts")
    token.add_argument("--sub", required=True, help="who the token is for")
    token.add_argument("--role", action="append", required=True, choices=ROLES,
                       help="a role; repeat for several")
    token.add_argument("--unit", help="the caseworker's unit")
    token.add_argument("--provider", help="the provider id of a provider user")
    token.add_argument("--pin", help="a citizen's personal identity number")
    token.add_argument("--hours", type=float, default=8, help="validity in hours (default 8)")
    contract = commands.add_parser("asyncapi", help="print the event contract (AsyncAPI 3.0, JSON)")
    contract.add_argument("--out", help="write to this file instead of standard output")
    args = parser.parse_args(argv)

    if args.command == "token":
        try:
            print(issue_token(get_settings(), sub=args.sub, roles=args.role, unit=args.unit,
                              provider_id=args.provider, pin=args.pin, ttl=timedelta(hours=args.hours)))
        except ValueError as exc:
            print(f"omsorg token: {exc}", file=sys.stderr)
            return 2
    elif args.command == "asyncapi":
        text = json.dumps(asyncapi_document(), indent=2, ensure_ascii=False)
        if args.out:
            Path(args.out).write_text(text + "\n")
        else:
            print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
