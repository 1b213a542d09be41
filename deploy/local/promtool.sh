#!/usr/bin/env bash
# promtool (Prometheus's rule checker), pinned, installed with `go install` into .local/bin on
# first use; then run with the arguments given:
#   deploy/local/promtool.sh check rules deploy/prometheus/alerts.yml
#   deploy/local/promtool.sh test rules deploy/prometheus/alerts.test.yml
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
MODULE=github.com/prometheus/prometheus/cmd/promtool@v0.316.0
BIN=$ROOT/.local/bin
if [[ ! -x $BIN/promtool ]]; then
  command -v go >/dev/null || { echo "promtool.sh: Go is needed to install promtool ($MODULE)" >&2; exit 127; }
  echo "installing promtool ($MODULE) into $BIN (minutes, up to an hour on a small busy machine, the first time) ..." >&2
  mkdir -p "$BIN"
  GOBIN=$BIN go install "$MODULE" >&2
fi
exec "$BIN/promtool" "$@"
