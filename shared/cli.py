"""`omsorg`: the command line of the local stack.

It signs tokens for the stack that `make up` runs (OMSORG_ENV=dev; the test stack's with
OMSORG_ENV=test) with the development OIDC issuer's persisted key (services/issuer/, RS256, the
tokens its code flow gives; OMSORG_ISSUER_URL and OMSORG_ISSUER_KEY_DIR name another one, as the
test stack does); against a production stack there is no such issuer: get a token from the
identity provider.
"""
import argparse
import json
import os
import sys
from datetime import timedelta
from pathlib import Path

from shared.auth import ROLES
from shared.events.asyncapi import asyncapi_document
from shared.settings import get_settings


def _token(sub: str, roles: list[str], **claims) -> str:
    """A token of the development issuer, which the local and the test stack trust; a ValueError in
    production, where the development issuer does not exist."""
    from services.issuer.keys import development_token
    return development_token(sub, roles, **claims)


def main(argv: list[str] | None = None) -> int:
    os.environ.setdefault("OMSORG_ENV", "dev")
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
    importer = commands.add_parser("import", help="import persons and cases from an old system's CSV file")
    importer.add_argument("file", type=Path, help="the CSV file (columns: see POST /imports)")
    importer.add_argument("--url", default=os.environ.get("OMSORG_REGISTRY_URL", "http://127.0.0.1:8001"),
                          help="the registry (default $OMSORG_REGISTRY_URL or http://127.0.0.1:8001)")
    importer.add_argument("--token", default=os.environ.get("OMSORG_TOKEN"),
                          help="a bearer token with the support or service role (default $OMSORG_TOKEN;"
                               " without one, a service token of the development issuer in dev)")
    args = parser.parse_args(argv)

    if args.command == "token":
        try:
            print(_token(args.sub, args.role, unit=args.unit, provider_id=args.provider, pin=args.pin,
                         ttl=timedelta(hours=args.hours)))
        except ValueError as exc:
            print(f"omsorg token: {exc}", file=sys.stderr)
            return 2
    elif args.command == "asyncapi":
        text = json.dumps(asyncapi_document(get_settings()), indent=2, ensure_ascii=False)
        if args.out:
            Path(args.out).write_text(text + "\n")
        else:
            print(text)
    elif args.command == "import":
        return _import(args.file, args.url, args.token)
    return 0


def _import(file: Path, url: str, token: str | None) -> int:
    """POST the file to the registry and print its report: 0 all imported, 1 some refused, 2 failed."""
    import httpx

    if not token:
        try:
            token = _token("omsorg-import", ["service"])
        except ValueError as exc:  # no development issuer: a token from the identity provider is needed
            print(f"omsorg import: {exc}; give --token (or OMSORG_TOKEN)", file=sys.stderr)
            return 2
    try:
        data = file.read_bytes()
        response = httpx.post(f"{url.rstrip('/')}/imports", content=data, timeout=600,
                              headers={"Authorization": f"Bearer {token}", "Content-Type": "text/csv"})
    except (OSError, httpx.HTTPError) as exc:
        print(f"omsorg import: {exc}", file=sys.stderr)
        return 2
    if response.status_code != 200:
        print(f"omsorg import: {response.status_code} {response.text}", file=sys.stderr)
        return 2
    report = response.json()
    for result in report["results"]:
        if result["status"] == "refused":
            print(f"line {result['line']}: refused: {'; '.join(result['reasons'])}")
    print(f"{report['rows']} rows: {report['imported']} imported, {report['refused']} refused (import {report['id']})")
    return 1 if report["refused"] else 0


if __name__ == "__main__":
    sys.exit(main())
