#!/usr/bin/env bash
# kubeconform (validates Kubernetes manifests against the API's JSON schemas), pinned, installed
# with `go install` into .local/bin on first use; then run with the arguments given. The schemas
# come from deploy/local/k8s-schemas.sh (offline, no download at validation time):
#   deploy/local/helm.sh template ... | deploy/local/kubeconform.sh -strict -summary -
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
MODULE=github.com/yannh/kubeconform/cmd/kubeconform@v0.8.0
BIN=$ROOT/.local/bin
if [[ ! -x $BIN/kubeconform ]]; then
  command -v go >/dev/null || { echo "kubeconform.sh: Go is needed to install kubeconform ($MODULE)" >&2; exit 127; }
  echo "installing kubeconform ($MODULE) into $BIN (minutes the first time) ..." >&2
  mkdir -p "$BIN"
  GOBIN=$BIN go install "$MODULE" >&2
fi
exec "$BIN/kubeconform" "$@"
