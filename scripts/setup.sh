#!/usr/bin/env bash
# scripts/setup.sh — install what ktk needs from Debian's archive, configure and build
# into build/, then run ktk's main job: the Deployment → ReplicaSet → Pod scenario on
# the embedded server and the simulated control plane, with its reports in
# build/sim-report/ (junit.xml, timeline.json, report.html). Idempotent and
# non-interactive; run as root (or with sudo).
#
#   scripts/setup.sh              # install, configure, build, run the scenario
#   KTK_SETUP_SCENARIO=0 scripts/setup.sh   # skip the scenario
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$here"

sudo_cmd=()
if [ "$(id -u)" -ne 0 ]; then sudo_cmd=(sudo); fi

packages=(
  build-essential cmake ninja-build ccache pkg-config
  lld                         # a faster linker (cmake/ktk_options.cmake)
  libgoogle-perftools-dev     # tcmalloc for ktk's programs (cmake/ktk_options.cmake)
  libboost1.81-dev            # Beast, Asio, Process (headers)
  nlohmann-json3-dev libyaml-cpp-dev libssl-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  etcd-server                 # real etcd 3.4, for the etcd mode
  python3-kubernetes          # the official Python client, for compatibility tests
)
# A newer kubectl may already own /usr/bin/kubectl; Debian's kubernetes-client (1.20)
# would conflict with it, so it is installed only when no kubectl is on PATH.
if ! command -v kubectl >/dev/null 2>&1; then packages+=(kubernetes-client); fi

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "ktk setup: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  "${sudo_cmd[@]}" apt-get update -qq
  "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE="${CMAKE_BUILD_TYPE:-RelWithDebInfo}" \
  -DKTK_WERROR="${KTK_WERROR:-ON}"
cmake --build build --parallel "$(nproc)"
echo "ktk setup: built into build/"

if [ "${KTK_SETUP_SCENARIO:-1}" != "0" ]; then
  build/cli/ktk sim run examples/scenarios/deployment-chain.yaml --report-dir build/sim-report
fi
echo "ktk setup: done — scripts/test.sh runs the tests"
