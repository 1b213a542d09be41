#!/usr/bin/env bash
# `make test`: start what the tests need (unless it already runs), run the whole suite,
# stop only what this script started.
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

# Passed to pytest only: exported here, they would make the stop in cleanup() think
# the database and broker were external and leave them running.
cd "$ROOT" && OMSORG_DATABASE_URL=$("$HERE/postgres.sh" url) OMSORG_KAFKA_BOOTSTRAP=$("$HERE/kafka.sh" bootstrap) \
  .venv/bin/python -m pytest "$@"
