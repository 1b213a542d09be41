# Sourced by kafka.sh and keycloak.sh: stop_process NAME PIDFILE stops the process whose pid the
# file holds, with SIGTERM and up to 30 s to finish, then SIGKILL; the pid file goes either way.
stop_process() {
  local name=$1 pidfile=$2 pid i
  pid=$(cat "$pidfile")
  kill -TERM "$pid"
  for i in $(seq 60); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.5
  done
  if kill -0 "$pid" 2>/dev/null; then
    echo "$name did not stop in 30 s; killing" >&2
    kill -KILL "$pid" || true
  fi
  rm -f "$pidfile"
  echo "$name stopped"
}
