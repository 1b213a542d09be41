#!/usr/bin/env bash
# Local PostgreSQL 15 for dev, tests and CI (no Docker).
# Usage: deploy/local/postgres.sh start|stop|restart|status|url
# Set OMSORG_DATABASE_URL to use an external database instead.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
PG_BIN=${OMSORG_PG_BIN:-/usr/lib/postgresql/15/bin}
PORT=${OMSORG_PG_PORT:-55432}
DB=${OMSORG_PG_DB:-omsorg}
BASE=$ROOT/.local/pg
# As root, PostgreSQL runs as "postgres" (below), which must be able to reach its directory.
# A checkout inside a private directory (mktemp -d makes it 0700) is out of its reach; then the
# cluster lives in a directory of its own under /tmp, named after the checkout.
if [ "$(id -u)" -eq 0 ] && ! (cd / && runuser -u postgres -- test -x "$ROOT"); then
  BASE=${TMPDIR:-/tmp}/omsorg-pg-$(printf %s "$ROOT" | sha256sum | cut -c1-12)
fi
DATA=$BASE/data
RUN=$BASE/run
LOG=$BASE/postgres.log

# initdb and pg_ctl refuse to run as root, so as root we hand them to "postgres".
as_pg() {
  if [ "$(id -u)" -eq 0 ]; then
    (cd / && runuser -u postgres -- "$@") # from /: the caller's directory may be closed to postgres
  else
    "$@"
  fi
}

url() { echo "postgresql://postgres@127.0.0.1:$PORT/$DB"; }

running() { (cd "$BASE" 2>/dev/null && as_pg "$PG_BIN/pg_ctl" status -D "$DATA" >/dev/null 2>&1); }

init_cluster() {
  mkdir -p "$BASE" "$RUN"
  # The repo is root-owned 755; postgres needs its own writable dirs.
  if [ "$(id -u)" -eq 0 ]; then chown postgres: "$BASE" "$RUN"; fi
  if [ -s "$DATA/PG_VERSION" ]; then return 0; fi # already initialised: keep the data
  local loc=C
  locale -a 2>/dev/null | grep -qiE '^c\.utf-?8$' && loc=C.UTF-8
  as_pg "$PG_BIN/initdb" -D "$DATA" --auth=trust -U postgres --encoding=UTF8 --locale="$loc" >"$BASE/initdb.log"
  # Durability is not needed for a throwaway dev/test cluster; speed is.
  cat >>"$DATA/postgresql.conf" <<'EOF'

# --- omsorg local dev/test settings ---
fsync = off
synchronous_commit = off
full_page_writes = off
max_connections = 300
EOF
}

ensure_db() {
  local psql=("$PG_BIN/psql" -h 127.0.0.1 -p "$PORT" -U postgres -d postgres -qtAX)
  if [ "$("${psql[@]}" -c "SELECT 1 FROM pg_database WHERE datname = '$DB'")" != 1 ]; then
    "${psql[@]}" -c "CREATE DATABASE \"$DB\"" >/dev/null
    echo "created database $DB"
  fi
}

start() {
  init_cluster
  if ! running; then
    # Port/listen/socket go on the command line so OMSORG_PG_PORT works without re-init.
    # -w notices if the postmaster dies (e.g. port taken) instead of trusting the port.
    if ! (cd "$BASE" && as_pg "$PG_BIN/pg_ctl" start -w -t 30 -D "$DATA" -l "$LOG" \
      -o "-c listen_addresses=127.0.0.1 -p $PORT -k $RUN" >/dev/null); then
      echo "postgres failed to start; log tail:" >&2
      tail -n 30 "$LOG" >&2 || true
      exit 1
    fi
  fi
  local i
  for i in $(seq 60); do
    "$PG_BIN/pg_isready" -q -h 127.0.0.1 -p "$PORT" -U postgres && break
    if [ "$i" -eq 60 ]; then
      echo "postgres did not become ready in 30 s; log tail:" >&2
      tail -n 30 "$LOG" >&2 || true
      exit 1
    fi
    sleep 0.5
  done
  ensure_db
  echo "postgres running: $(url)"
}

stop() {
  if running; then
    (cd "$BASE" && as_pg "$PG_BIN/pg_ctl" stop -D "$DATA" -m fast -w >/dev/null)
    echo "postgres stopped"
  else
    echo "postgres not running"
  fi
}

cmd=${1:-}
if [ -n "${OMSORG_DATABASE_URL:-}" ]; then
  case $cmd in
    start | stop | restart | status) echo "using external database (OMSORG_DATABASE_URL); nothing to $cmd" ;;
    url) echo "$OMSORG_DATABASE_URL" ;;
    *) echo "usage: $0 start|stop|restart|status|url" >&2; exit 2 ;;
  esac
  exit 0
fi

case $cmd in
  start) start ;;
  stop) stop ;;
  restart) stop; start ;;
  status) if running; then echo "postgres running: $(url)"; else echo "postgres not running"; exit 1; fi ;;
  url) url ;;
  *) echo "usage: $0 start|stop|restart|status|url" >&2; exit 2 ;;
esac
