#!/usr/bin/env bash
# scripts/fuzz.sh — build the libFuzzer targets of tests/fuzz with clang and run them.
#
#   scripts/fuzz.sh                  # every target, 30 s each
#   scripts/fuzz.sh yaml 300         # one target, 5 minutes
#   scripts/fuzz.sh all 10           # what CI runs: every target briefly
#
# Arguments: TARGET (a name of tests/fuzz/<name>_fuzz.cpp, or `all`; default all) and
# SECONDS per target (default 30).
#
# Environment:
#   KTK_FUZZ_BUILD_DIR  the build directory (default build-fuzz/); configured with
#                       CXX=clang++ -DKTK_FUZZ=ON (ASan + UBSan + libFuzzer) when missing
#   CXX                 the clang++ to use (default clang++)
#   KTK_FUZZ_JOBS       build parallelism (default 2)
#   KTK_FUZZ_ARGS       extra libFuzzer flags for every run (e.g. "-max_len=8192")
#   KTK_FUZZ_NO_BUILD=1 run what is built
#
# Each run starts from a scratch corpus, build-fuzz/corpus/<target>/, seeded from
# tests/fuzz/corpus/<target>/ and tests/fuzz/regressions/<target>/ (never written to);
# what the fuzzer finds accumulates there between runs. Crashes, leaks, timeouts and
# out-of-memory inputs go to build-fuzz/artifacts/<target>/, logs to
# build-fuzz/logs/<target>.log. The table at the end: target, executions, execs/s,
# corpus size, crashes. Exit status 1 when any target crashed, 2 on a usage or setup error.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${KTK_FUZZ_BUILD_DIR:-$root/build-fuzz}"
cxx="${CXX:-clang++}"
jobs="${KTK_FUZZ_JOBS:-2}"
target="${1:-all}"
seconds="${2:-30}"

die() {
  echo "fuzz.sh: $*" >&2
  exit 2
}

case "$target" in -h|--help) sed -n '2,24p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;; esac
[[ "$seconds" =~ ^[0-9]+$ && "$seconds" -gt 0 ]] || die "SECONDS must be a positive integer, not '$seconds'"

all_targets=()
for f in "$root"/tests/fuzz/*_fuzz.cpp; do
  n="$(basename "$f" _fuzz.cpp)"
  all_targets+=("$n")
done
if [[ "$target" == all ]]; then
  targets=("${all_targets[@]}")
else
  [[ -f "$root/tests/fuzz/${target}_fuzz.cpp" ]] || die "no target '$target'; targets: all ${all_targets[*]}"
  targets=("$target")
fi

# ---- the toolchain -------------------------------------------------------------------
command -v "$cxx" >/dev/null || die "$cxx not found: libFuzzer needs clang (Debian: apt-get install clang)"
"$cxx" --version 2>/dev/null | grep -qi clang || die "$cxx is not clang: libFuzzer needs clang"
probe="$(mktemp -d)"
trap 'rm -rf "$probe"' EXIT
printf '#include <cstddef>\n#include <cstdint>\nextern "C" int LLVMFuzzerTestOneInput(const uint8_t*, size_t) { return 0; }\n' \
  >"$probe/probe.cpp"
"$cxx" -fsanitize=fuzzer,address,undefined "$probe/probe.cpp" -o "$probe/probe" 2>"$probe/err" ||
  die "$cxx cannot link -fsanitize=fuzzer,address,undefined (libFuzzer missing? Debian ships it with clang as libclang_rt.fuzzer in /usr/lib/llvm-*/lib/clang/*/lib/linux): $(head -3 "$probe/err")"
command -v cmake >/dev/null || die "cmake not found"
generator=()
command -v ninja >/dev/null && generator=(-G Ninja)

# ---- build ---------------------------------------------------------------------------
build_seconds=0
if [[ "${KTK_FUZZ_NO_BUILD:-0}" != 1 ]]; then
  start=$(date +%s)
  if [[ ! -f "$build/CMakeCache.txt" ]]; then
    echo "fuzz.sh: configuring $build with $cxx (KTK_FUZZ=ON: libFuzzer + ASan + UBSan)"
    # -Werror stays on: ktk's own code builds warning-free with clang as well as g++.
    CXX="$cxx" cmake -S "$root" -B "$build" "${generator[@]}" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DKTK_FUZZ=ON \
      -DKTK_WERROR=ON -DKTK_BUILD_BENCH=OFF >"$probe/configure.log" 2>&1 ||
      { cat "$probe/configure.log" >&2; die "configuring $build failed"; }
  fi
  grep -q '^KTK_FUZZ:BOOL=ON' "$build/CMakeCache.txt" || die "$build is not a KTK_FUZZ=ON build; use a fresh KTK_FUZZ_BUILD_DIR"
  # A *_fuzz.cpp that tests/fuzz/CMakeLists.txt does not (yet) list has no target: skip it.
  cmake "$build" >/dev/null || die "re-running cmake in $build failed"
  known="$(cmake --build "$build" --target help 2>/dev/null | grep -ao 'ktk_fuzz_[a-z0-9_]*' | sort -u || true)"
  kept=()
  for t in "${targets[@]}"; do
    if grep -qx "ktk_fuzz_$t" <<<"$known"; then kept+=("$t"); else echo "fuzz.sh: skipping $t: no target ktk_fuzz_$t in $build" >&2; fi
  done
  [[ ${#kept[@]} -gt 0 ]] || die "no fuzz target to build"
  targets=("${kept[@]}")
  names=()
  for t in "${targets[@]}"; do names+=("ktk_fuzz_$t"); done
  echo "fuzz.sh: building ${names[*]}"
  CCACHE_BASEDIR="$root" CCACHE_NOHASHDIR=true cmake --build "$build" --parallel "$jobs" --target "${names[@]}" ||
    die "the build failed"
  build_seconds=$(($(date +%s) - start))
  echo "fuzz.sh: build took ${build_seconds}s"
fi

# ---- run -----------------------------------------------------------------------------
export ASAN_OPTIONS="${ASAN_OPTIONS:-abort_on_error=1:detect_leaks=1:allocator_may_return_null=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"
mkdir -p "$build/logs"
rows=()
failed=0
run_start=$(date +%s)
for t in "${targets[@]}"; do
  bin="$build/tests/fuzz/ktk_fuzz_$t"
  [[ -x "$bin" ]] || die "$bin is not built"
  corpus="$build/corpus/$t"
  artifacts="$build/artifacts/$t"
  log="$build/logs/$t.log"
  mkdir -p "$corpus" "$artifacts"
  for src in "$root/tests/fuzz/corpus/$t" "$root/tests/fuzz/regressions/$t"; do
    [[ -d "$src" ]] || continue
    find "$src" -type f ! -name '*.pending' -exec cp -n -t "$corpus" {} +
  done
  find "$artifacts" -type f | sort >"$probe/before"
  echo "fuzz.sh: running $t for ${seconds}s (log: $log)"
  status=0
  # shellcheck disable=SC2086
  "$bin" -max_total_time="$seconds" -print_final_stats=1 -artifact_prefix="$artifacts/" -timeout=25 \
    -rss_limit_mb=2560 ${KTK_FUZZ_ARGS:-} "$corpus" >"$log" 2>&1 || status=$?
  find "$artifacts" -type f | sort >"$probe/after"
  comm -13 "$probe/before" "$probe/after" >"$probe/new"
  crashes=$(wc -l <"$probe/new")
  if [[ $status -ne 0 && $crashes -eq 0 ]]; then
    crashes=1  # died without writing an artifact (e.g. a sanitizer abort in the harness)
  fi
  execs="$(grep -ao 'stat::number_of_executed_units: *[0-9]*' "$log" | tail -1 | grep -ao '[0-9]*$' || true)"
  rate="$(grep -ao 'stat::average_exec_per_sec: *[0-9]*' "$log" | tail -1 | grep -ao '[0-9]*$' || true)"
  size=$(find "$corpus" -type f | wc -l)
  rows+=("$t ${execs:-?} ${rate:-?} $size $crashes")
  if [[ $crashes -gt 0 ]]; then
    failed=1
    echo "fuzz.sh: $t CRASHED (exit $status); artifacts in $artifacts:" >&2
    sed 's/^/  /' "$probe/new" >&2
    grep -a -m1 -E 'ERROR: (AddressSanitizer|LeakSanitizer|libFuzzer)|runtime error|fuzz invariant|terminate called' "$log" >&2 || true
  fi
done
run_seconds=$(($(date +%s) - run_start))

printf '\n%-16s %12s %9s %8s %8s\n' target executions execs/s corpus crashes
for r in "${rows[@]}"; do
  # shellcheck disable=SC2086
  printf '%-16s %12s %9s %8s %8s\n' $r
done
echo "build ${build_seconds}s, run ${run_seconds}s"
exit "$failed"
