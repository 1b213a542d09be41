#!/usr/bin/env bash
# Local Keycloak (an OIDC issuer) for tests and development, on loopback, with the realms in
# deploy/local/keycloak/*-realm.json imported at every start into an in-memory database.
# The server is the keycloak-quarkus-dist zip from Maven Central (deploy/local/keycloak/pom.xml).
# Usage: deploy/local/keycloak.sh fetch|start|stop|restart|status|url
# OMSORG_KEYCLOAK_PORT (default 18080) and OMSORG_KEYCLOAK_MANAGEMENT_PORT (default 18081).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
# shellcheck source=deploy/local/stop-process.sh
. "$ROOT/deploy/local/stop-process.sh"
POM=$ROOT/deploy/local/keycloak/pom.xml
REALMS=$ROOT/deploy/local/keycloak
BASE=$ROOT/.local/keycloak
DIST=$BASE/dist
PIDF=$BASE/keycloak.pid
LOG=$BASE/keycloak.log
PORT=${OMSORG_KEYCLOAK_PORT:-18080}
MPORT=${OMSORG_KEYCLOAK_MANAGEMENT_PORT:-18081}

url() { echo "http://127.0.0.1:$PORT"; }
home() { echo "$DIST/keycloak-$(grep -oP '(?<=<keycloak.version>)[^<]+' "$POM")"; }

# The marker holds the pom's hash and the build options, so editing either refetches and rebuilds.
BUILD_OPTIONS=(--db=dev-mem)
fetch() {
  local want
  want="$(sha256sum "$POM" | cut -d' ' -f1) ${BUILD_OPTIONS[*]}"
  if [ "$(cat "$DIST/.fetched" 2>/dev/null)" = "$want" ] && [ -x "$(home)/bin/kc.sh" ]; then return 0; fi
  echo "fetching Keycloak with Maven into $DIST ..."
  rm -rf "$DIST" "$BASE/target" # target holds Maven's markers of what it unpacked
  if ! mvn -q -B -Dstyle.color=never -f "$POM" dependency:unpack-dependencies -DoutputDirectory="$DIST"; then
    echo "could not fetch org.keycloak:keycloak-quarkus-dist from Maven Central (see above)" >&2
    exit 1
  fi
  # Build once (Quarkus augmentation takes minutes on a busy machine), so that every start is
  # `start --optimized`: an in-memory database, nothing kept between starts.
  echo "building Keycloak (${BUILD_OPTIONS[*]}) ..."
  "$(home)/bin/kc.sh" build "${BUILD_OPTIONS[@]}" >"$BASE/build.log" 2>&1 || { tail -n 20 "$BASE/build.log" >&2; exit 1; }
  echo "$want" >"$DIST/.fetched"
}

# A pid file alone is not proof: the pid may have been reused by another process.
running() {
  local pid
  pid=$(cat "$PIDF" 2>/dev/null) || return 1
  [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null && tr '\0' ' ' <"/proc/$pid/cmdline" | grep -q keycloak
}

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null; }

# Ready when the omsorg realm's discovery document is served (the realms are imported by then).
ready() { curl -fsS -o /dev/null "$(url)/realms/omsorg/.well-known/openid-configuration" 2>/dev/null; }

wait_ready() {
  local i
  for i in $(seq 600); do
    ready && return 0
    if ! running; then
      echo "keycloak died during startup; log tail:" >&2
      tail -n 40 "$LOG" >&2 || true
      exit 1
    fi
    sleep 0.5
  done
  echo "keycloak not ready on $PORT after 300 s; log tail:" >&2
  tail -n 40 "$LOG" >&2 || true
  exit 1
}

start() {
  if running; then wait_ready; echo "keycloak already running: $(url) (pid $(cat "$PIDF"))"; return 0; fi
  if port_open; then echo "port $PORT is already in use by another process" >&2; exit 1; fi
  fetch
  local kc
  kc=$(home)
  rm -rf "$kc/data/import" && mkdir -p "$kc/data/import"
  cp "$REALMS"/*-realm.json "$kc/data/import/"
  : >"$LOG"
  # New session so the server outlives the calling shell; it records its own pid.
  # Plain HTTP on loopback only; the realm files are the whole configuration.
  JAVA_OPTS_KC_HEAP="-Xms64m -Xmx512m" setsid bash -c 'echo $$ >"$0"; exec "$@"' "$PIDF" \
    "$kc/bin/kc.sh" start --optimized --import-realm --http-enabled=true --http-host=127.0.0.1 \
    --http-port="$PORT" --http-management-port="$MPORT" --hostname-strict=false >>"$LOG" 2>&1 </dev/null &
  sleep 0.2 # let the pid file appear
  wait_ready
  echo "keycloak running: $(url) (pid $(cat "$PIDF"))"
}

stop() {
  if ! running; then rm -f "$PIDF"; echo "keycloak not running"; return 0; fi
  stop_process keycloak "$PIDF"
}

case ${1:-} in
  fetch) fetch ;;
  start) start ;;
  stop) stop ;;
  restart) stop; start ;;
  status) if running; then echo "keycloak running: $(url) (pid $(cat "$PIDF"))"; else echo "keycloak not running"; exit 1; fi ;;
  url) url ;;
  *) echo "usage: $0 fetch|start|stop|restart|status|url" >&2; exit 2 ;;
esac
