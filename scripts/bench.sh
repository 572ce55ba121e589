#!/usr/bin/env bash
# scripts/bench.sh — build the benchmark programs if needed, run them, print one table.
#
#   scripts/bench.sh --quick                 # a fast subset of every program (< 2 min on 2 cores)
#   scripts/bench.sh                         # everything, medians of 3 (long: tens of minutes;
#                                            # sim_bench's 150,000 Pods need ~8 GiB, envtest_bench
#                                            # an etcd binary for its etcd rows)
#   scripts/bench.sh --build-dir build-bench --out /tmp/ktk-bench --quick
#
# Options:
#   --quick            one short run of each program's headline benchmarks
#   --build-dir DIR    the CMake build directory (default: build/, or $KTK_BUILD_DIR);
#                      an existing one is used as configured, with KTK_BUILD_BENCH
#                      switched on when it is off; a missing one is configured
#                      RelWithDebInfo with Ninja when available
#   --out DIR          where each program's JSON and stderr go (default: a temp dir)
#   --no-build         run what is built, build nothing
#   --no-run           build nothing, run nothing: print the table of the JSON in --out
#   --jobs N           build parallelism (default 2)
#
# The table: benchmark, figure, unit, goal, met? — the goals of bench/README.md; the
# figure is the median of the repetitions when there are several. Timing figures are
# noisy on a shared machine: read them as ±20 %.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${KTK_BUILD_DIR:-$root/build}"
out=""
quick=0
do_build=1
do_run=1
jobs=2

while [[ $# -gt 0 ]]; do
  case "$1" in
    --quick) quick=1 ;;
    --build-dir) build="$2"; shift ;;
    --out) out="$2"; shift ;;
    --no-build) do_build=0 ;;
    --no-run) do_build=0; do_run=0 ;;
    --jobs) jobs="$2"; shift ;;
    -h|--help) awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "${BASH_SOURCE[0]}"; exit 0 ;;
    *) echo "bench.sh: unknown argument: $1" >&2; exit 2 ;;
  esac
  shift
done
[[ "$build" = /* ]] || build="$root/$build"

python=/usr/bin/python3
[[ -x "$python" ]] || python="$(command -v python3)"

programs=(workqueue_bench informer_bench watch_bench apiserver_bench fakeclient_bench registry_bench
          storage_bench apply_bench http_bench envtest_bench sim_bench)

# Quick: the benchmarks the goals name, and one or two headline figures per program.
declare -A quick_filter=(
  [workqueue_bench]='BM_add_get_done_distinct'
  [informer_bench]='BM_InformerWatchEvents_Scripted|BM_InformerWatchReplay_(Fake|Http/1)|BM_InformerMemoryPerPod'
  [watch_bench]='BM_WatchFanOut(Poll|Threads)/100(/|$)|BM_WatchEventEncode/pod|BM_WriterStalledWatchers/(0|100)$|BM_WriterStalledHttpWatchers/100/'
  [apiserver_bench]='BM_(create|get)/(inproc|http)/|BM_(update|merge_patch)/(inproc|http)/real_time/threads:4|BM_list100/inproc/real_time/threads:1'
  [fakeclient_bench]='BM_FakeClientBuild/configmaps/(0|1000)$|BM_FakeClient(Get|List|Update)/1000$'
  [registry_bench]='BM_RegistryCreate$|BM_RegistryCreatePod$'
  [storage_bench]='BM_create$|BM_watch_fanout_poll/100$'
  [apply_bench]='BM_RecordCreate/pod'
  [http_bench]='BM_EmbeddedServerStartStop|BM_WatchFanOut/100/'
  [envtest_bench]='BM_StartReadyStop/embedded'
  [sim_bench]='BM_SimDeployments/100/10'
)

if [[ $do_build -eq 1 ]]; then
  if [[ ! -f "$build/CMakeCache.txt" ]]; then
    gen=()
    command -v ninja >/dev/null && gen=(-G Ninja)
    cmake -S "$root" -B "$build" "${gen[@]}" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DKTK_BUILD_BENCH=ON >&2
  elif ! grep -q '^KTK_BUILD_BENCH:BOOL=ON' "$build/CMakeCache.txt"; then
    cmake -S "$root" -B "$build" -DKTK_BUILD_BENCH=ON >&2
  fi
  echo "bench.sh: building ${programs[*]} in $build" >&2
  cmake --build "$build" --parallel "$jobs" --target "${programs[@]}" >&2
fi

if [[ -z "$out" ]]; then
  [[ $do_run -eq 1 ]] || { echo "bench.sh: --no-run needs --out DIR" >&2; exit 2; }
  out="$(mktemp -d "${TMPDIR:-/tmp}/ktk-bench.XXXXXX")"
fi
mkdir -p "$out"

common=(--benchmark_format=json)
if [[ $quick -eq 1 ]]; then
  common+=(--benchmark_min_time=0.1)
else
  common+=(--benchmark_repetitions=3 --benchmark_report_aggregates_only=true)
fi

start=$SECONDS
for p in "${programs[@]}"; do
  [[ $do_run -eq 1 ]] || break
  exe="$build/bench/$p"
  if [[ ! -x "$exe" ]]; then
    echo "bench.sh: $exe missing, skipped" >&2
    continue
  fi
  args=("${common[@]}")
  [[ $quick -eq 1 ]] && args+=("--benchmark_filter=${quick_filter[$p]}")
  echo "bench.sh: $p ${args[*]}" >&2
  t0=$SECONDS
  rc=0
  "$exe" "${args[@]}" >"$out/$p.json" 2>"$out/$p.log" || rc=$?
  [[ $rc -eq 0 ]] || echo "bench.sh: $p failed (exit $rc), see $out/$p.log" >&2
  echo "bench.sh: $p took $((SECONDS - t0)) s" >&2
done
[[ $do_run -eq 0 ]] || echo "bench.sh: ran in $((SECONDS - start)) s; JSON in $out" >&2

"$python" - "$out" "${programs[@]}" <<'PY'
import json, math, os, re, sys

out, programs = sys.argv[1], sys.argv[2:]

# (program, benchmark-name regex, counter or "time", unit, goal text, test) — the goals of
# bench/README.md. A counter's figure is as reported; "time" is the real time per iteration.
GOALS = [
    ("workqueue_bench", r"^BM_add_get_done_distinct/", "time/item", "ns/item", "<= 100 ns", lambda v: v <= 100e-9),
    ("informer_bench", r"^BM_InformerWatch(Events_Scripted|Replay_Fake)", "events/s", "events/s", ">= 500k/s", lambda v: v >= 500e3),
    ("informer_bench", r"^BM_InformerWatchReplay_Http", "events/s", "events/s", ">= 100k/s", lambda v: v >= 100e3),
    ("informer_bench", r"^BM_InformerMemoryPerPod", "bytes/pod", "B/pod", "<= 8 KiB", lambda v: v <= 8192),
    ("watch_bench", r"^BM_WatchFanOut(Poll|Threads)/100\b", "deliveries/s", "deliveries/s", ">= 1M/s", lambda v: v >= 1e6),
    ("http_bench", r"^BM_WatchFanOut/100/", "deliveries/s", "deliveries/s", ">= 1M/s", lambda v: v >= 1e6),
    ("apiserver_bench", r"^BM_(create|update|merge_patch)/http/.*threads:4", "ops/s", "writes/s", ">= 30k/s", lambda v: v >= 30e3),
    ("apiserver_bench", r"^BM_(create|update|merge_patch)/inproc/.*threads:1", "ops/s", "writes/s", ">= 100k/s", lambda v: v >= 100e3),
    ("registry_bench", r"^BM_Registry(Create|CreatePod|Update|MergePatch)$", "writes/s", "writes/s", ">= 100k/s", lambda v: v >= 100e3),
    ("fakeclient_bench", r"^BM_FakeClientBuild/configmaps/1000$", "time", "ms", "<= 1 ms", lambda v: v <= 1e-3),
    ("http_bench", r"^BM_EmbeddedServerStartStop", "time", "ms", "<= 5 ms", lambda v: v <= 5e-3),
    ("envtest_bench", r"^BM_StartReadyStop/embedded", "time", "ms", "<= 5 ms", lambda v: v <= 5e-3),
    # No goal, but a time is the figure to show.
    ("fakeclient_bench", r"^BM_FakeClientBuild/", "time", "ms", "", None),
    ("envtest_bench", r"^BM_(StartReadyStop|StartWithCrd)", "time", "ms", "", None),
    ("sim_bench", r"^BM_SimDeployments", "time", "s", "", None),
    ("http_bench", r"^BM_ServeProcessStartToReady", "time", "ms", "", None),
]
# Without a goal: the first of these counters the benchmark reports, else its time.
PREFERRED = ["ops/s", "deliveries/s", "writes/s", "events/s", "gets/s", "items/s", "objects/s",
             "records/s", "applies/s", "reads/s", "time/item"]
SCALE = {"s": 1.0, "ms": 1e-3, "us": 1e-6, "ns": 1e-9}


def seconds(b):
    return b["real_time"] * SCALE[b.get("time_unit", "ns")]


def fmt(v):
    a = abs(v)
    if a >= 1e6:
        return f"{v / 1e6:.2f}M"
    if a >= 1e4:
        return f"{v / 1e3:.1f}k"
    if a >= 100:
        return f"{v:.0f}"
    return f"{v:.3g}"


def figure(b, counter, unit):
    """(value in the counter's own unit, printed value, printed unit)."""
    if counter == "time":
        v = seconds(b)
        return v, fmt(v / SCALE[unit]), unit
    v = b[counter]
    if counter == "time/item":  # kInvert: seconds per item
        return v, fmt(v * 1e9), "ns/item"
    return v, fmt(v), unit


rows = []
for p in programs:
    path = os.path.join(out, p + ".json")
    try:
        with open(path) as f:
            doc = json.load(f)
    except (OSError, ValueError):
        rows.append((p, "(no result)", "", "", "", ""))
        continue
    benches = doc.get("benchmarks", [])
    # Medians when there were repetitions, the single run otherwise.
    if any(b.get("run_type") == "aggregate" for b in benches):
        benches = [b for b in benches if b.get("aggregate_name") == "median"]
    for b in benches:
        name = b.get("run_name", b["name"])
        if b.get("error_occurred"):
            rows.append((p, name, "error: " + b.get("error_message", ""), "", "", ""))
            continue
        goals = [g for g in GOALS if g[0] == p and re.search(g[1], name)]
        if goals:
            shown_counters = set()
            for _, _, counter, unit, text, ok in goals:
                if (counter != "time" and counter not in b) or counter in shown_counters:
                    continue
                shown_counters.add(counter)
                v, shown, u = figure(b, counter, unit)
                rows.append((p, name, shown, u, text, "" if ok is None else "met" if ok(v) else "MISSED"))
            continue
        counter = next((c for c in PREFERRED if c in b), None)
        if counter is None:
            unit = b.get("time_unit", "ns")
            rows.append((p, name, fmt(b["real_time"]), unit, "", ""))
        else:
            _, shown, u = figure(b, counter, counter)
            rows.append((p, name, shown, u, "", ""))

head = ("benchmark", "figure", "unit", "goal", "met?")
table = [(f"{p}:{n}", fig, u, g, m) for p, n, fig, u, g, m in rows]
widths = [max(len(r[i]) for r in table + [head]) for i in range(5)]
line = lambda r: "  ".join(c.ljust(w) if i != 1 else c.rjust(w) for i, (c, w) in enumerate(zip(r, widths)))
print(line(head))
print("  ".join("-" * w for w in widths))
for r in table:
    print(line(r))
missed = sum(1 for r in table if r[4] == "MISSED")
met = sum(1 for r in table if r[4] == "met")
print(f"\ngoals: {met} met, {missed} missed (figures from a shared machine: ±20 %)")
PY
