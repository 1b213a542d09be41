#!/usr/bin/env bash
# The five services and the web under honcho, in the background, for `make up` / `make down`.
# Usage: [REPLICAS=n] deploy/local/services.sh start|stop
# REPLICAS (1 to 9; default 1, or as many as already run) processes of each of the five services:
# replica n on the service's port + 10 * (n - 1) (the Procfile), all in the service's consumer
# group; one web, which calls replica 1 of each.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
STATE=$ROOT/.local/services
PIDFILE=$STATE/honcho.pid
LOG=$STATE/services.log
REPLICAS_FILE=$STATE/replicas
SERVICES=(issuer:8007 registry:8001 journal:8002 orders:8003 watch:8004 notify:8005 web:8006)
REPLICAS=${REPLICAS:-}

running() { [[ -f $PIDFILE ]] && kill -0 "$(cat "$PIDFILE")" 2>/dev/null; }

# Wait until http://127.0.0.1:$2/ready answers, then say where $1 is.
ready() {
  local name=$1 port=$2
  until curl -fsS "http://127.0.0.1:$port/ready" >/dev/null 2>&1; do
    if ! running; then echo "services stopped while starting; see $LOG" >&2; tail -n 30 "$LOG" >&2; exit 1; fi
    if (( SECONDS > deadline )); then echo "$name not ready after 120 s; see $LOG" >&2; tail -n 30 "$LOG" >&2; exit 1; fi
    sleep 0.3
  done
  if [[ $name == issuer ]]; then
    echo "  $name ready after $((SECONDS - t0)) s: http://127.0.0.1:$port  (the development OIDC issuer; signing in picks role and unit)"
  elif [[ $name == web ]]; then
    echo "  $name ready after $((SECONDS - t0)) s: http://127.0.0.1:$port  (the Swedish pages; sign in there)"
  else
    echo "  $name ready after $((SECONDS - t0)) s: http://127.0.0.1:$port  (docs http://127.0.0.1:$port/docs)"
  fi
}

start() {
  mkdir -p "$STATE"
  local now=""
  if running; then now=$(cat "$REPLICAS_FILE" 2>/dev/null || echo 1); fi
  REPLICAS=${REPLICAS:-${now:-1}}
  if ! [[ $REPLICAS =~ ^[1-9]$ ]]; then echo "REPLICAS must be 1 to 9, not '$REPLICAS'" >&2; exit 2; fi
  if running; then
    if [[ $now != "$REPLICAS" ]]; then
      echo "services already running with REPLICAS=$now; make down first" >&2; exit 1
    fi
    echo "services already running (honcho pid $(cat "$PIDFILE"))" >&2
  else
    # Spans go to the trace catcher in the Procfile (.local/traces/spans.jsonl) unless set otherwise,
    # exported every second rather than every five.
    # The local stack is a development machine: development secrets, a clock that can be moved.
    export OMSORG_ENV=${OMSORG_ENV:-dev}
    # The database and broker that postgres.sh and kafka.sh run (their OMSORG_PG_PORT and
    # OMSORG_KAFKA_PORT), unless named outright.
    OMSORG_DATABASE_URL=${OMSORG_DATABASE_URL:-$("$ROOT/deploy/local/postgres.sh" url)}
    OMSORG_KAFKA_BOOTSTRAP=${OMSORG_KAFKA_BOOTSTRAP:-$("$ROOT/deploy/local/kafka.sh" bootstrap)}
    export OMSORG_DATABASE_URL OMSORG_KAFKA_BOOTSTRAP
    # Sign-in and tokens through the development OIDC issuer (services/issuer/), the path
    # production takes with the municipality's identity provider; no HS256 local issuer.
    export OMSORG_OIDC_ISSUERS=${OMSORG_OIDC_ISSUERS:-'[{"issuer": "http://127.0.0.1:8007"}]'}
    unset OMSORG_JWT_SECRET
    export OMSORG_OTEL_ENDPOINT=${OMSORG_OTEL_ENDPOINT:-http://127.0.0.1:${OMSORG_OTLP_PORT:-4318}}
    export OTEL_BSP_SCHEDULE_DELAY=${OTEL_BSP_SCHEDULE_DELAY:-1000}
    # setsid: the runner outlives the `make` that started it; PATH: honcho's children use the venv.
    local concurrency=""
    for entry in "${SERVICES[@]}"; do
      [[ ${entry%%:*} == web || ${entry%%:*} == issuer ]] || concurrency+="${concurrency:+,}${entry%%:*}=$REPLICAS"
    done
    PATH="$ROOT/.venv/bin:$PATH" setsid "$ROOT/.venv/bin/honcho" -d "$ROOT" -f "$ROOT/Procfile" start \
      -c "$concurrency" >>"$LOG" 2>&1 < /dev/null &
    echo $! >"$PIDFILE"
    echo "$REPLICAS" >"$REPLICAS_FILE"
  fi
  deadline=$((SECONDS + 120)) t0=$SECONDS
  for entry in "${SERVICES[@]}"; do
    local name=${entry%%:*} port=${entry##*:}
    if (( REPLICAS == 1 )) || [[ $name == web || $name == issuer ]]; then ready "$name" "$port"; continue; fi
    for n in $(seq 1 "$REPLICAS"); do ready "$name.$n" $((port + 10 * (n - 1))); done
  done
  echo "  logs: $LOG"
}

stop() {
  if running; then
    local pid; pid=$(cat "$PIDFILE")
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL -- "-$pid" 2>/dev/null || true
  fi
  rm -f "$PIDFILE" "$REPLICAS_FILE"
}

case ${1:-} in
  start) start ;;
  stop) stop ;;
  *) echo "usage: $0 start|stop" >&2; exit 2 ;;
esac
