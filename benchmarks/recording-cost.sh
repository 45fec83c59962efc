#!/usr/bin/env bash
# What recording costs, for one or more builds of sample-db-server side by side: the standard workload run live
# and recorded by each build, in an order that rotates from run to run, then per build the medians (with min and
# max) of live and recorded throughput, of the recording overhead (each recorded run against the live run of the
# same build and round) and of the recording's bytes per transaction. Use it to compare two builds' recording
# formats (build the older one in a worktree of its own). Beside each build: the CPU other processes took during its
# runs, in cores (others-cpu.sh), and a warning naming every run where that exceeded OTHERS_CPU_MAX.
#
# Usage: benchmarks/recording-cost.sh RUNS N C CLIENT-JAR LABEL=SERVER-JAR[::OPTION ...] [...]
#   RUNS  rounds (each runs every build live and recorded); N transactions; C connections; OPTIONs after '::' are
#   given to the recorded run (such as --replay-record-compress=zstd), so one build can be compared with itself
set -euo pipefail
if [ $# -lt 5 ]; then
  sed -n '2,12p' "$0" >&2
  exit 2
fi
runs="$1"; n="$2"; c="$3"; client="$4"; shift 4
builds=("$@")
# shellcheck source=benchmarks/others-cpu.sh
. "$(dirname "$0")/others-cpu.sh"
work="$(mktemp -d -t streamreplay-cost.XXXXXX)"
results="$work/results.tsv"
: > "$results"

run_server() { # jar dir record(0|1) [recording option ...] -> prints "elapsed_seconds tps recording_bytes others"
  local jar="$1" dir="$2" record="$3"
  shift 3
  rm -rf "$dir" && mkdir -p "$dir"
  java -jar "$client" bench --print-schema > "$dir/kv.ovsschema"
  (cd "$dir" && java -jar "$jar" create kv.db kv.ovsschema > /dev/null)
  local extra=()
  if [ "$record" = 1 ]; then extra=(--replay-record="$dir/recording" "$@"); fi
  (cd "$dir" && exec java -jar "$jar" kv.db --remote=punix:"$dir/db.sock" --control="$dir/ctl" \
    --log-file=server.log "${extra[@]}" > server.out 2>&1) &
  local pid=$!
  for _ in $(seq 300); do [ -S "$dir/db.sock" ] && [ -S "$dir/ctl" ] && break; sleep 0.1; done
  local summary start others
  start="$(cpu_mark)"
  summary="$(java -jar "$client" bench --server=unix:"$dir/db.sock" --preset=standard -n "$n" \
    --connections "$c" --monitors=1 --json --no-progress)"
  others="$(cpu_others "$start" "$(cpu_mark)")"
  java -jar "$client" control --target="$dir/ctl" exit > /dev/null
  wait "$pid"
  local bytes=0
  if [ "$record" = 1 ]; then bytes="$(du -sb "$dir/recording" | cut -f1)"; fi
  python3 -c 'import json,sys; s=json.loads(sys.argv[1]); assert s["errors"]==0, s; print(s["elapsed_seconds"], s["transactions_per_second"], sys.argv[2], sys.argv[3])' \
    "$summary" "$bytes" "$others"
}

echo "machine: $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg), $(java -version 2>&1 | head -1)"
echo "workload: standard preset, N=$n, C=$c, $runs rounds; work directory $work"
for ((r = 0; r < runs; r++)); do
  count=${#builds[@]}
  for ((i = 0; i < count; i++)); do
    spec="${builds[$(( (i + r) % count ))]}"
    label="${spec%%=*}"; rest="${spec#*=}"; jar="${rest%%::*}"; options=()
    if [ "$rest" != "$jar" ]; then IFS=' ' read -r -a options <<< "${rest#*::}"; fi
    read -r live_s live_tps _ live_others < <(run_server "$jar" "$work/$label" 0)
    read -r rec_s rec_tps bytes rec_others < <(run_server "$jar" "$work/$label" 1 "${options[@]}")
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$label" "$live_tps" "$rec_tps" "$live_s" "$rec_s" "$bytes" \
      "$live_others" "$rec_others" "$((r + 1))" >> "$results"
    printf 'round %d %-10s live %8.0f tx/s  recorded %8.0f tx/s  recording %d bytes (others: %s, %s cores)\n' \
      "$((r + 1))" "$label" "$live_tps" "$rec_tps" "$bytes" "$live_others" "$rec_others" >&2
  done
done

python3 - "$results" "$n" "$OTHERS_CPU_MAX" <<'EOF'
import statistics, sys
rows = [line.split("\t") for line in open(sys.argv[1]).read().splitlines()]
n = int(sys.argv[2])
def stat(values, fmt):
    return f"{fmt(statistics.median(values))} [{fmt(min(values))}..{fmt(max(values))}]"
print(f"{'build':<10} {'live tx/s':>26} {'recorded tx/s':>26} {'overhead':>24} {'bytes/tx':>22}"
      f" {'others, cores':>20}")
for label in dict.fromkeys(r[0] for r in rows):
    mine = [r for r in rows if r[0] == label]
    live = [float(r[1]) for r in mine]
    rec = [float(r[2]) for r in mine]
    overhead = [float(r[4]) / float(r[3]) * 100 - 100 for r in mine]
    size = [int(r[5]) / n for r in mine]
    others = [float(r[k]) for r in mine for k in (6, 7)]
    print(f"{label:<10} {stat(live, lambda v: f'{v:.0f}'):>26} {stat(rec, lambda v: f'{v:.0f}'):>26}"
          f" {stat(overhead, lambda v: f'{v:+.1f} %'):>24} {stat(size, lambda v: f'{v:.1f}'):>22}"
          f" {stat(others, lambda v: f'{v:.2f}'):>20}")
limit = float(sys.argv[3])
disturbed = [f"{r[0]} round {r[8]} {kind} ({float(r[k]):.2f})" for r in rows
             for kind, k in (("live", 6), ("recorded", 7)) if float(r[k]) > limit]
if disturbed:
    print(f"WARNING: other processes took more than {sys.argv[3]} cores during " + ", ".join(disturbed)
          + ": those runs shared the machine and are slower than it can do")
EOF
