#!/usr/bin/env bash
# scripts/test.sh — build (if needed) and run the whole ctest suite in parallel.
#
#   scripts/test.sh                          # everything in build/
#   scripts/test.sh -L unit                  # extra arguments go to ctest
#   scripts/test.sh --sanitize=address,undefined   # in build-asan/
#   scripts/test.sh --sanitize=thread              # in build-tsan/
#   scripts/test.sh --sanitize=thread --concurrency  # only the concurrency tests (work
#                                                   # queue, informers, watch fan-out, registry and
#                                                   # its copies, HTTP server, load test): builds just them
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$here"

build=build
cmake_args=()
ctest_args=()
targets=()
# The tests that exercise threads against each other. Only their executables are built,
# so ctest discovers (and runs) only their tests; the regex keeps out the tests that are
# not GoogleTest executables (fuzz replays, examples, the install check).
concurrency_targets=(
  ktk_workqueue_queue_test ktk_workqueue_delaying_queue_test ktk_workqueue_priority_queue_test
  ktk_workqueue_rate_limiter_test ktk_workqueue_rate_limiting_queue_test
  ktk_cache_reflector_itest ktk_cache_shared_informer_itest ktk_cache_informer_factory_itest
  ktk_cache_informer_stress_itest ktk_cache_http_informer_itest
  ktk_apiserver_storage_concurrency_test ktk_apiserver_registry_concurrency_itest
  ktk_apiserver_memory_storage_copy_test ktk_apiserver_registry_copy_test ktk_fakeclient_snapshot_test
  ktk_http_server_itest ktk_rest_concurrency_itest ktk_controller_controller_itest
  ktk_load_load_fault_itest)
concurrency_regex='^(workqueue|cache|apiserver|fakeclient|http|rest|controller|load)\.'
for a in "$@"; do
  case "$a" in
    --concurrency)
      targets=("${concurrency_targets[@]}")
      ctest_args+=(-R "$concurrency_regex")
      ;;
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
cmake --build "$build" --parallel "$(nproc)" ${targets[@]+--target "${targets[@]}"}

export TSAN_OPTIONS="${TSAN_OPTIONS:-halt_on_error=1 second_deadlock_stack=1}"
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1 halt_on_error=1}"
ctest --test-dir "$build" --output-on-failure --parallel "$(nproc)" --timeout 300 "${ctest_args[@]}"
