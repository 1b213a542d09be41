#!/usr/bin/env bash
# Run a command with PostgreSQL and Kafka up: start them unless they already run, run
# the command with OMSORG_DATABASE_URL and OMSORG_KAFKA_BOOTSTRAP set, stop only what this
# script started. `make test` and `make bench` use it.
# Usage: deploy/local/with-infra.sh COMMAND [ARGS...]
set -uo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
started=()

cleanup() {
  for part in "${started[@]}"; do "$HERE/$part.sh" stop || true; done
}
trap cleanup EXIT

for part in postgres kafka; do
  if ! "$HERE/$part.sh" status >/dev/null 2>&1; then
    "$HERE/$part.sh" start || exit 1
    started=("$part" "${started[@]}")
  fi
done

# Passed to the command only: exported here, they would make the stop in cleanup()
# think the database and broker were external and leave them running.
cd "$ROOT" && OMSORG_DATABASE_URL=$("$HERE/postgres.sh" url) OMSORG_KAFKA_BOOTSTRAP=$("$HERE/kafka.sh" bootstrap) \
  "$@"
