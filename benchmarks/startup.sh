#!/usr/bin/env bash
# Where a replay's start-up goes: replays one recording RUNS times with each set of JVM options, in an order that
# rotates from run to run, and prints per set the median and [min..max] of the JVM's uptime (milliseconds from
# process start) at each milestone, read from the class-loading log (-Xlog:class+load with wall time and uptime)
# and the server's first replayed log line:
#   main        the application's main class is loaded (the JVM has started)
#   logging     Logback is configured (the first Picocli class loads next)
#   options     Picocli has parsed the command line
#   recording   the recording's manifest is read
#   first event the first replayed event is logged
#   exit        the process has exited (wall time)
#   cpu         the CPU time the replay took, all its threads (others-cpu.sh; 10 ms resolution): what to compare
#               when other processes shared the machine
# "A=options" sets are word-split; a set may start with the path of the java to run it (default: $JAVA, or java).
# A placeholder in a set is replaced by a class-data archive the script makes once for that set, from one replay of
# the recording with the set's other options: a dynamic one (-XX:ArchiveClassesAtExit) for %ARCHIVE%, a static one
# (-Xshare:dump from the loaded-class list) for %STATIC%, and an AOT cache (JDK 24 or newer: -XX:AOTMode=record, then
# -XX:AOTMode=create, as bin/sample-db-server makes it) for %AOT%.
# Beside each set: the CPU other processes took during its runs, in cores (others-cpu.sh), and a warning naming
# every run where that exceeded OTHERS_CPU_MAX.
#
# Usage: benchmarks/startup.sh RUNS RECORDING-DIR PRISTINE-DB SERVER-JAR LABEL="JVM OPTIONS" [LABEL="..." ...]
set -euo pipefail
if [ $# -lt 5 ]; then
  sed -n '2,22p' "$0" >&2
  exit 2
fi
runs="$1"; recording="$(realpath "$2")"; pristine="$(realpath "$3")"; jar="$(realpath "$4")"; shift 4
sets=("$@")
default_java="${JAVA:-java}"
# shellcheck source=benchmarks/others-cpu.sh
. "$(dirname "$0")/others-cpu.sh"
# shellcheck source=benchmarks/option-sets.sh
. "$(dirname "$0")/option-sets.sh"
work="$(mktemp -d -t streamreplay-startup.XXXXXX)"
results="$work/results.tsv"
: > "$results"

replay() { # java options... (the replay of the recording in $work/run)
  local java="$1"; shift
  rm -rf "$work/run" && mkdir -p "$work/run" && cp "$pristine" "$work/run/kv.db"
  # The recorded command line's paths are replaced by the recording's: a replay needs no server socket.
  (cd "$work/run" && "$java" "$@" -jar "$jar" kv.db --replay="$recording" --log-file=server.log > out.txt 2>&1)
}

echo "making the class-data archives (once per set, not measured)..." >&2
for ((i = 0; i < ${#sets[@]}; i++)); do
  split_set "${sets[i]}" "$i"
  dir="$work/set-$i"
  mkdir -p "$dir"
  case "${sets[i]}" in
    *%ARCHIVE%*)
      replay "$java" "${bare[@]}" -Xlog:cds=off -Xlog:cds+dynamic=off -XX:ArchiveClassesAtExit="$dir/dynamic.jsa" ;;
  esac
  case "${sets[i]}" in
    *%STATIC%*)
      replay "$java" "${bare[@]}" -XX:DumpLoadedClassList="$dir/classes.lst"
      "$java" "${bare[@]}" -Xshare:dump -XX:SharedClassListFile="$dir/classes.lst" \
        -XX:SharedArchiveFile="$dir/static.jsa" -Xlog:cds=off -cp "$jar" > "$dir/dump.out" 2>&1 ;;
  esac
  case "${sets[i]}" in
    *%AOT%*)
      replay "$java" "${bare[@]}" -XX:AOTMode=record -XX:AOTConfiguration="$dir/aot.conf"
      "$java" "${bare[@]}" -XX:AOTMode=create -XX:AOTConfiguration="$dir/aot.conf" -XX:AOTCache="$dir/cache.aot" \
        -cp "$jar" > "$dir/aot.out" 2>&1 ;;
  esac
done

ms() { # ISO timestamp -> epoch milliseconds
  date -d "$1" +%s%3N
}

for ((r = 0; r < runs; r++)); do
  for ((i = 0; i < ${#sets[@]}; i++)); do
    k=$(( (i + r) % ${#sets[@]} ))
    split_set "${sets[k]}" "$k"
    mark="$(cpu_mark)"
    start="$(date +%s%3N)"
    # shellcheck disable=SC2086
    replay "$java" $options -Xlog:class+load:file="$work/classes.log":time,uptime
    end="$(date +%s%3N)"
    mark_end="$(cpu_mark)"
    others="$(cpu_others "$mark" "$mark_end")"
    log="$work/classes.log"
    first_line="$(head -1 "$log")"
    jvm_start=$(( $(ms "$(echo "$first_line" | cut -d'[' -f2 | cut -d']' -f1)") \
      - $(echo "$first_line" | cut -d'[' -f3 | cut -d's' -f1 | awk '{printf "%d", $1 * 1000}') ))
    uptime() { # class-name pattern -> uptime in ms when it first loaded
      grep -m1 "$1" "$log" | cut -d'[' -f3 | cut -d's' -f1 | awk '{printf "%d", $1 * 1000}'
    }
    event="$(grep -m1 'replayed:' "$work/run/out.txt" | cut -c1-23)"
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$label" "$(uptime '\] io.streamreplay.dbserver.SampleDbServer ')" \
      "$(uptime '\] picocli.CommandLine ')" "$(uptime 'GroupValidationResult ')" \
      "$(uptime '\] io.streamreplay.replay.Manifest ')" "$(( $(ms "${event}Z") - jvm_start ))" \
      "$(( end - start ))" "$(cpu_own "$mark" "$mark_end")" "$others" "$((r + 1))" >> "$results"
    echo "run $((r + 1))/$runs $label (others: $others cores)" >&2
  done
done

echo "machine: $(nproc) cores, $("$default_java" -version 2>&1 | head -1), load average now $(cut -d' ' -f1-3 /proc/loadavg)"
echo "uptime in ms at each milestone, median [min..max] of $runs runs"
python3 - "$results" "$OTHERS_CPU_MAX" "${sets[@]}" <<'PY'
import statistics, sys
rows = [line.split("\t") for line in open(sys.argv[1]).read().splitlines()]
labels = [s.split("=", 1)[0] for s in sys.argv[3:]]
names = ["main", "logging", "options", "recording", "first event", "exit", "cpu"]
print("| options | " + " | ".join(names) + " | others, cores |")
print("| --- |" + " --- |" * (len(names) + 1))
for label in labels:
    cells = []
    for k in range(len(names)):
        values = [int(r[k + 1]) for r in rows if r[0] == label]
        cells.append(f"{statistics.median(values):.0f} [{min(values)}..{max(values)}]")
    others = [float(r[8]) for r in rows if r[0] == label]
    cells.append(f"{statistics.median(others):.2f} [{min(others):.2f}..{max(others):.2f}]")
    print(f"| {label} | " + " | ".join(cells) + " |")
disturbed = [f"{r[0]} run {r[9]} ({float(r[8]):.2f})" for r in rows if float(r[8]) > float(sys.argv[2])]
if disturbed:
    print(f"WARNING: other processes took more than {sys.argv[2]} cores during " + ", ".join(disturbed)
          + ": those runs shared the machine and are slower than it can do")
PY
