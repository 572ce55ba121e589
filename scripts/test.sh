#!/usr/bin/env bash
# scripts/test.sh — build (if needed) and run the whole ctest suite in parallel.
#
#   scripts/test.sh                          # everything in build/
#   scripts/test.sh -L unit                  # extra arguments go to ctest
#   scripts/test.sh --sanitize=address,undefined   # in build-asan/
#   scripts/test.sh --sanitize=thread              # in build-tsan/
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$here"

build=build
cmake_args=()
ctest_args=()
for a in "$@"; do
  case "$a" in
    --sanitize=*)
      san="${a#--sanitize=}"
      build="build-${san//,/-}"
      [ "$san" = "address,undefined" ] && build=build-asan
      [ "$san" = "thread" ] && build=build-tsan
      cmake_args+=("-DKTK_SANITIZE=$san" -DKTK_BUILD_BENCH=OFF)
      ;;
    *) ctest_args+=("$a") ;;
  esac
done

if [ ! -f "$build/build.ninja" ] || [ ${#cmake_args[@]} -gt 0 ]; then
  cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE="${CMAKE_BUILD_TYPE:-RelWithDebInfo}" \
    -DKTK_WERROR="${KTK_WERROR:-ON}" "${cmake_args[@]}"
fi
cmake --build "$build" --parallel "$(nproc)"

export TSAN_OPTIONS="${TSAN_OPTIONS:-halt_on_error=1 second_deadlock_stack=1}"
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1 halt_on_error=1}"
ctest --test-dir "$build" --output-on-failure --parallel "$(nproc)" --timeout 300 "${ctest_args[@]}"
