#!/usr/bin/env bash
# Prints the path of a Chromium for the browser tests (Debian's package: Playwright's own browser
# downloads are not used). Finds one on PATH (or OMSORG_CHROMIUM); otherwise, when run as root,
# installs Debian's `chromium` with apt-get; otherwise fails saying what to do.
# Usage: deploy/local/chromium.sh   (prints the executable's path on stdout, messages on stderr)
set -euo pipefail

find_chromium() {
  if [[ -n ${OMSORG_CHROMIUM:-} ]]; then
    [[ -x $OMSORG_CHROMIUM ]] && { echo "$OMSORG_CHROMIUM"; return 0; }
    echo "OMSORG_CHROMIUM=$OMSORG_CHROMIUM is not an executable file" >&2
    return 2
  fi
  local name
  for name in chromium chromium-browser; do
    if command -v "$name" >/dev/null 2>&1; then command -v "$name"; return 0; fi
  done
  return 1
}

status=0
find_chromium || status=$?
(( status == 0 )) && exit 0
(( status == 2 )) && exit 1

if [[ $(id -u) -ne 0 ]]; then
  echo "Chromium is not installed and this user cannot install it. Install Debian's package" >&2
  echo "(sudo apt-get install -y chromium) or set OMSORG_CHROMIUM to a Chromium executable." >&2
  exit 1
fi
echo "installing Debian's chromium package with apt-get (once) ..." >&2
export DEBIAN_FRONTEND=noninteractive
if ! apt-get install -y -q chromium >&2; then
  apt-get update -q >&2 && apt-get install -y -q chromium >&2 || {
    echo "apt-get could not install chromium; install it by hand or set OMSORG_CHROMIUM" >&2
    exit 1
  }
fi
find_chromium || { echo "chromium was installed but is not on PATH" >&2; exit 1; }
