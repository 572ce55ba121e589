#!/usr/bin/env bash
# run.sh KTK_BUILD_DIR WORK_DIR — installs ktk from its build dir into WORK_DIR/prefix,
# then configures, builds and tests the consumer project against it with find_package.
set -euo pipefail
ktk_build=$1
work=$2
here=$(cd "$(dirname "$0")" && pwd)
rm -rf "$work"
mkdir -p "$work"
cmake --install "$ktk_build" --prefix "$work/prefix" > "$work/install.log"
generator=()
command -v ninja > /dev/null && generator=(-G Ninja)
cmake -S "$here" -B "$work/build" "${generator[@]}" -DCMAKE_PREFIX_PATH="$work/prefix" \
  -DCMAKE_BUILD_TYPE=Release > "$work/configure.log" || { cat "$work/configure.log"; exit 1; }
cmake --build "$work/build" -j2 > "$work/build.log" || { cat "$work/build.log"; exit 1; }
ctest --test-dir "$work/build" --output-on-failure
# The installed libraries are large (debug info): keep only the logs once it passed.
rm -rf "$work/prefix" "$work/build"
