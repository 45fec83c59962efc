#!/usr/bin/env bash
# The live server under different JVM options, side by side: sample-client bench against sample-db-server started
# with each set of options, in an order that rotates from run to run, each on a fresh database; then per set the
# median and [min..max] of the throughput, of the server's CPU time per transaction (all its threads, JIT and
# collector included: the fairer figure when the machine is shared), and of the CPU other processes took during
# each run (others-cpu.sh), with a warning naming every run where that exceeded OTHERS_CPU_MAX cores. For choosing
# the launcher's defaults.
# A set may start with the path of the java to run the server with (default: $JAVA, or java; the client runs on
# java). In a set, %STATIC% is replaced by a static class-data archive (-Xshare:dump) of the classes a live run of
# 2,000 transactions loads with the set's other options, and %AOT% by an AOT cache (JDK 24 or newer:
# -XX:AOTMode=record, then create) trained the same way, each made once per set before the measurements.
#
# Usage: benchmarks/live-options.sh RUNS N C PRESET CLIENT-JAR SERVER-JAR LABEL="JVM OPTIONS" [LABEL="..." ...]
set -euo pipefail
if [ $# -lt 7 ]; then
  sed -n '2,14p' "$0" >&2
  exit 2
fi
runs="$1"; n="$2"; c="$3"; preset="$4"; client="$(realpath "$5")"; jar="$(realpath "$6")"; shift 6
sets=("$@")
default_java="${JAVA:-java}"
# shellcheck source=benchmarks/others-cpu.sh
. "$(dirname "$0")/others-cpu.sh"
# shellcheck source=benchmarks/option-sets.sh
. "$(dirname "$0")/option-sets.sh"
work="$(mktemp -d -t streamreplay-options.XXXXXX)"
results="$work/results.tsv"
: > "$results"

live() { # N java options... -> prints "tps server-cpu-ms others"
  local count="$1" java="$2"; shift 2
  local dir="$work/run"
  rm -rf "$dir" && mkdir -p "$dir"
  java -jar "$client" bench --print-schema > "$dir/kv.ovsschema"
  (cd "$dir" && java -jar "$jar" create kv.db kv.ovsschema > /dev/null)
  (cd "$dir" && exec "$java" "$@" -jar "$jar" kv.db --remote=punix:"$dir/db.sock" --control="$dir/ctl" \
    --log-file=server.log > server.out 2>&1) &
  local pid=$!
  for _ in $(seq 300); do [ -S "$dir/db.sock" ] && [ -S "$dir/ctl" ] && break; sleep 0.1; done
  local start server_start summary others server_ms
  start="$(cpu_mark)"
  server_start="$(cpu_mark "$pid")"
  summary="$(java -jar "$client" bench --server=unix:"$dir/db.sock" --preset="$preset" -n "$count" \
    --connections "$c" --monitors=1 --json --no-progress)"
  server_ms="$(cpu_own "$server_start" "$(cpu_mark "$pid")")"
  others="$(cpu_others "$start" "$(cpu_mark)")"
  java -jar "$client" control --target="$dir/ctl" exit > /dev/null
  wait "$pid"
  python3 -c 'import json,sys; s=json.loads(sys.argv[1]); assert s["errors"]==0, s; print(s["transactions_per_second"], sys.argv[2], sys.argv[3])' \
    "$summary" "$server_ms" "$others"
}

echo "making the class-data archives (once per set, not measured)..." >&2
for ((i = 0; i < ${#sets[@]}; i++)); do
  split_set "${sets[i]}" "$i"
  dir="$work/set-$i"
  mkdir -p "$dir"
  case "${sets[i]}" in
    *%STATIC%*)
      live 2000 "$java" "${bare[@]}" -XX:DumpLoadedClassList="$dir/classes.lst" > /dev/null
      "$java" "${bare[@]}" -Xshare:dump -XX:SharedClassListFile="$dir/classes.lst" \
        -XX:SharedArchiveFile="$dir/static.jsa" -Xlog:cds=off -cp "$jar" > "$dir/dump.out" 2>&1 ;;
  esac
  case "${sets[i]}" in
    *%AOT%*)
      live 2000 "$java" "${bare[@]}" -XX:AOTMode=record -XX:AOTConfiguration="$dir/aot.conf" > /dev/null
      "$java" "${bare[@]}" -XX:AOTMode=create -XX:AOTConfiguration="$dir/aot.conf" -XX:AOTCache="$dir/cache.aot" \
        -cp "$jar" > "$dir/aot.out" 2>&1 ;;
  esac
done

echo "machine: $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg), $("$default_java" -version 2>&1 | head -1)"
echo "workload: $preset preset, N=$n, C=$c (+1 monitor), $runs rounds; work directory $work"
for ((r = 0; r < runs; r++)); do
  for ((i = 0; i < ${#sets[@]}; i++)); do
    k=$(( (i + r) % ${#sets[@]} ))
    split_set "${sets[k]}" "$k"
    # shellcheck disable=SC2086
    read -r tps server_ms others < <(live "$n" "$java" $options)
    printf '%s\t%s\t%s\t%s\t%s\n' "$label" "$tps" "$others" "$((r + 1))" "$server_ms" >> "$results"
    printf 'round %d %-12s %8.0f tx/s, server CPU %s ms (others: %s cores)\n' "$((r + 1))" "$label" "$tps" \
      "$server_ms" "$others" >&2
  done
done

python3 - "$results" "$OTHERS_CPU_MAX" "$n" <<'PY'
import statistics, sys
rows = [line.split("\t") for line in open(sys.argv[1]).read().splitlines()]
print("| options | transactions/s | server CPU µs/transaction | others, cores |")
print("| --- | --- | --- | --- |")
for label in dict.fromkeys(r[0] for r in rows):
    tps = [float(r[1]) for r in rows if r[0] == label]
    others = [float(r[2]) for r in rows if r[0] == label]
    cpu = [float(r[4]) * 1000 / int(sys.argv[3]) for r in rows if r[0] == label]
    print(f"| {label} | {statistics.median(tps):,.0f} [{min(tps):,.0f}..{max(tps):,.0f}] |"
          f" {statistics.median(cpu):.1f} [{min(cpu):.1f}..{max(cpu):.1f}] |"
          f" {statistics.median(others):.2f} [{min(others):.2f}..{max(others):.2f}] |")
disturbed = [f"{r[0]} round {r[3]} ({float(r[2]):.2f})" for r in rows if float(r[2]) > float(sys.argv[2])]
if disturbed:
    print(f"WARNING: other processes took more than {sys.argv[2]} cores during " + ", ".join(disturbed)
          + ": those runs shared the machine and are slower than it can do")
PY
