#!/usr/bin/env bash
# helm (renders deploy/helm/omsorg), pinned, installed with `go install` into .local/bin on first
# use; then run with the arguments given:
#   deploy/local/helm.sh template omsorg deploy/helm/omsorg --kube-version 1.30.0 --set secrets.databaseUrl=...
#   deploy/local/helm.sh lint deploy/helm/omsorg --kube-version 1.30.0 --set ...
# Built by `go install`, helm has no version stamped in: `helm version` says v3.22, and without a
# cluster (template, lint) it takes Kubernetes to be v1.20 unless --kube-version says otherwise.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
MODULE=helm.sh/helm/v3/cmd/helm@v3.22.0
BIN=$ROOT/.local/bin
if [[ ! -x $BIN/helm ]]; then
  command -v go >/dev/null || { echo "helm.sh: Go is needed to install helm ($MODULE)" >&2; exit 127; }
  echo "installing helm ($MODULE) into $BIN (minutes, up to an hour on a small busy machine, the first time) ..." >&2
  mkdir -p "$BIN"
  GOBIN=$BIN go install "$MODULE" >&2
fi
exec "$BIN/helm" "$@"
