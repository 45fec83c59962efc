#!/usr/bin/env bash
# The live server under different JVM options, side by side: sample-client bench against sample-db-server started
# with each set of options, in an order that rotates from run to run, each on a fresh database; then per set the
# median and [min..max] of the throughput, and the load average seen. For choosing the launcher's defaults.
# In a set, %STATIC% is replaced by a static class-data archive (-Xshare:dump) of the classes a live run loads,
# made once before the measurements.
#
# Usage: benchmarks/live-options.sh RUNS N C PRESET CLIENT-JAR SERVER-JAR LABEL="JVM OPTIONS" [LABEL="..." ...]
set -euo pipefail
if [ $# -lt 7 ]; then
  sed -n '2,8p' "$0" >&2
  exit 2
fi
runs="$1"; n="$2"; c="$3"; preset="$4"; client="$(realpath "$5")"; jar="$(realpath "$6")"; shift 6
sets=("$@")
work="$(mktemp -d -t streamreplay-options.XXXXXX)"
results="$work/results.tsv"
: > "$results"

live() { # N options... -> prints "tps load"
  local count="$1"; shift
  local dir="$work/run"
  rm -rf "$dir" && mkdir -p "$dir"
  java -jar "$client" bench --print-schema > "$dir/kv.ovsschema"
  (cd "$dir" && java -jar "$jar" create kv.db kv.ovsschema > /dev/null)
  (cd "$dir" && exec java "$@" -jar "$jar" kv.db --remote=punix:"$dir/db.sock" --control="$dir/ctl" \
    --log-file=server.log > server.out 2>&1) &
  local pid=$!
  for _ in $(seq 300); do [ -S "$dir/db.sock" ] && [ -S "$dir/ctl" ] && break; sleep 0.1; done
  local before summary after
  before="$(cut -d' ' -f1 /proc/loadavg)"
  summary="$(java -jar "$client" bench --server=unix:"$dir/db.sock" --preset="$preset" -n "$count" \
    --connections "$c" --monitors=1 --json --no-progress)"
  after="$(cut -d' ' -f1 /proc/loadavg)"
  java -jar "$client" control --target="$dir/ctl" exit > /dev/null
  wait "$pid"
  python3 -c 'import json,sys; s=json.loads(sys.argv[1]); assert s["errors"]==0, s; print(s["transactions_per_second"], max(float(sys.argv[2]), float(sys.argv[3])))' \
    "$summary" "$before" "$after"
}

echo "making the class-data archive (once, not measured)..." >&2
live 2000 -XX:DumpLoadedClassList="$work/classes.lst" > /dev/null
java -Xshare:dump -XX:SharedClassListFile="$work/classes.lst" -XX:SharedArchiveFile="$work/static.jsa" \
  -Xlog:cds=off -cp "$jar" > "$work/dump.out" 2>&1

echo "machine: $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg), $(java -version 2>&1 | head -1)"
echo "workload: $preset preset, N=$n, C=$c (+1 monitor), $runs rounds; work directory $work"
for ((r = 0; r < runs; r++)); do
  for ((i = 0; i < ${#sets[@]}; i++)); do
    entry="${sets[(i + r) % ${#sets[@]}]}"
    label="${entry%%=*}"
    options="${entry#*=}"
    options="${options//%STATIC%/$work/static.jsa}"
    # shellcheck disable=SC2086
    read -r tps load < <(live "$n" $options)
    printf '%s\t%s\t%s\n' "$label" "$tps" "$load" >> "$results"
    printf 'round %d %-12s %8.0f tx/s (load average %s)\n' "$((r + 1))" "$label" "$tps" "$load" >&2
  done
done

python3 - "$results" <<'PY'
import statistics, sys
rows = [line.split("\t") for line in open(sys.argv[1]).read().splitlines()]
print("| options | transactions/s | load average |")
print("| --- | --- | --- |")
for label in dict.fromkeys(r[0] for r in rows):
    tps = [float(r[1]) for r in rows if r[0] == label]
    load = [float(r[2]) for r in rows if r[0] == label]
    print(f"| {label} | {statistics.median(tps):,.0f} [{min(tps):,.0f}..{max(tps):,.0f}] |"
          f" {statistics.median(load):.2f} [{min(load):.2f}..{max(load):.2f}] |")
PY
