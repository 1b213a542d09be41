#!/usr/bin/env bash
# The Kubernetes API's JSON schemas for kubeconform, offline: taken on first use from the PyPI
# package kubernetes-validate (pinned; its wheel ships the schemas of Kubernetes 1.25 to 1.37,
# generated from the API's OpenAPI spec, in plain and strict flavours), cached under
# .local/k8s-schemas. Their references name "/api/_definitions.json"; here they name the file
# next to them by its absolute file:// URL, which kubeconform resolves (a relative one it does
# not). Prints the folder:
#   deploy/local/kubeconform.sh -strict -schema-location "$(deploy/local/k8s-schemas.sh)/{{ .NormalizedKubernetesVersion }}-local{{ .StrictSuffix }}/{{ .ResourceKind }}{{ .KindSuffix }}.json" -kubernetes-version 1.30.0 ...
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
PACKAGE=kubernetes-validate==1.37.0
DEST=$ROOT/.local/k8s-schemas/kubernetes-validate-1.37.0
if [[ ! -f $DEST/.complete ]]; then
  PYTHON=${PYTHON:-python3}
  echo "taking the Kubernetes JSON schemas from $PACKAGE (PyPI) into $DEST ..." >&2
  tmp=$(mktemp -d)
  trap 'rm -rf "$tmp"' EXIT
  "$PYTHON" -m pip download --quiet --no-deps --only-binary=:all: --dest "$tmp" "$PACKAGE" >&2
  rm -rf "$DEST"
  mkdir -p "$DEST"
  "$PYTHON" - "$tmp"/kubernetes_validate-*.whl "$DEST" <<'PY'
import sys, zipfile
from pathlib import Path

wheel, dest = sys.argv[1], Path(sys.argv[2])
prefix = "kubernetes_validate/kubernetes-json-schema/"
with zipfile.ZipFile(wheel) as z:
    for name in z.namelist():
        if not (name.startswith(prefix) and name.endswith(".json")):
            continue
        target = dest / name[len(prefix):]
        target.parent.mkdir(parents=True, exist_ok=True)
        text = z.read(name).decode()
        definitions = (target.parent / "_definitions.json").resolve().as_uri()
        target.write_text(text.replace('"/api/_definitions.json#', f'"{definitions}#'))
PY
  touch "$DEST/.complete"
fi
echo "$DEST"
