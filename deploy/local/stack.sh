#!/usr/bin/env bash
# Whole local stack (PostgreSQL + Kafka) for `make up`, tests and CI.
# Usage: deploy/local/stack.sh up|down   (`up` prints env lines you can eval/export)
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

case ${1:-} in
  up)
    # Progress goes to stderr so stdout is just the env lines.
    "$HERE/postgres.sh" start >&2
    "$HERE/kafka.sh" start >&2
    echo "OMSORG_DATABASE_URL=$("$HERE/postgres.sh" url)"
    echo "OMSORG_KAFKA_BOOTSTRAP=$("$HERE/kafka.sh" bootstrap)"
    ;;
  down)
    "$HERE/kafka.sh" stop
    "$HERE/postgres.sh" stop
    ;;
  *) echo "usage: $0 up|down" >&2; exit 2 ;;
esac
