#!/usr/bin/env bash
# The README's "Talk to it with kubectl" block, run as a reader pastes it: the commands
# are read out of README.md at test time, so the test follows the text. Only what would
# collide with another run changes: the port, the kubeconfig path, and where the ktk
# binary is. Exit 77 (skipped) when no kubectl is on PATH.
#
#   readme_tutorial.sh SOURCE_DIR KTK_BINARY
set -euo pipefail
src="$1"
ktk="$2"
if ! command -v kubectl >/dev/null 2>&1; then
  echo "kubectl is not on PATH (scripts/setup.sh installs Debian's kubernetes-client)"
  exit 77
fi

work="$(mktemp -d)"
cleanup() {
  # A server the block left running (on a timeout).
  pkill -TERM -f -- "--kubeconfig-out $work/" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

# The first sh block after the heading.
block="$(awk '/^### Talk to it with kubectl/ {found = 1; next}
              found && /^```sh/ {inside = 1; next}
              inside && /^```/ {exit}
              inside {print}' "$src/README.md")"
if [ -z "$block" ]; then
  echo "README.md has no sh block under '### Talk to it with kubectl'"
  exit 1
fi
port="$(/usr/bin/python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
block="${block//8080/$port}"
block="${block//\/tmp\/ktk.kubeconfig/$work/kubeconfig}"
block="${block//\/tmp\/ktk.watch/$work/watch}"
block="${block//build\/cli\/ktk/$ktk}"

# Paths in the block (tests/clients/data/...) are relative to the source tree. -e: a
# failing step fails the test. The server was started first (job %1): its exit status
# after the block's `kill %1` must be 0. The watch (job %2) is ended if still there.
after=$'\nst=0; wait %1 || st=$?; kill %2 2>/dev/null || true; exit "$st"'
cd "$src"
status=0
timeout 60 bash -e -c "$block$after" > "$work/out" 2>&1 || status=$?
cat "$work/out"
if [ "$status" -ne 0 ]; then
  echo "FAIL: the block exited $status"
  exit 1
fi

expect() {
  if ! grep -qE -- "$1" "$work/out"; then
    echo "FAIL: the output has no line matching: $1"
    exit 1
  fi
}
expect "^ktk: serving on http://127\.0\.0\.1:$port\$"
expect '^deployment\.apps/web created$'
expect '^deployment\.apps/web +[0-9]+/2 '              # kubectl get deploy: the server's Table
expect '^namespace/default +Active '
expect 'customresourcedefinition\.apiextensions\.k8s\.io/networks\.samplecrd\.k8s\.io created'
expect 'networks\.samplecrd\.k8s\.io condition met'
expect '^KIND: +Network'                               # kubectl explain
expect '^configmap/demo created$'
expect '^demo +1 '                                     # the watch's row for it
echo "PASS"
