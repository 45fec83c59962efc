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
# "A=options" sets are word-split; %ARCHIVE% in them is replaced by a class-data archive the script makes once
# from one replay of the recording: a dynamic one (-XX:ArchiveClassesAtExit) for %ARCHIVE%, a static one
# (-Xshare:dump from the loaded-class list) for %STATIC%.
#
# Usage: benchmarks/startup.sh RUNS RECORDING-DIR PRISTINE-DB SERVER-JAR LABEL="JVM OPTIONS" [LABEL="..." ...]
set -euo pipefail
if [ $# -lt 5 ]; then
  sed -n '2,16p' "$0" >&2
  exit 2
fi
runs="$1"; recording="$(realpath "$2")"; pristine="$(realpath "$3")"; jar="$(realpath "$4")"; shift 4
sets=("$@")
work="$(mktemp -d -t streamreplay-startup.XXXXXX)"
results="$work/results.tsv"
: > "$results"

replay() { # options... (the replay of the recording in $work/run)
  rm -rf "$work/run" && mkdir -p "$work/run" && cp "$pristine" "$work/run/kv.db"
  # The recorded command line's paths are replaced by the recording's: a replay needs no server socket.
  (cd "$work/run" && java "$@" -jar "$jar" kv.db --replay="$recording" --log-file=server.log > out.txt 2>&1)
}

echo "making the class-data archives (once, not measured)..." >&2
replay -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Xlog:cds=off -Xlog:cds+dynamic=off \
  -XX:ArchiveClassesAtExit="$work/dynamic.jsa"
replay -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -XX:DumpLoadedClassList="$work/classes.lst"
java -Xshare:dump -XX:SharedClassListFile="$work/classes.lst" -XX:SharedArchiveFile="$work/static.jsa" \
  -XX:+UseSerialGC -Xlog:cds=off -cp "$jar" > "$work/dump.out" 2>&1

ms() { # ISO timestamp -> epoch milliseconds
  date -d "$1" +%s%3N
}

for ((r = 0; r < runs; r++)); do
  for ((i = 0; i < ${#sets[@]}; i++)); do
    entry="${sets[(i + r) % ${#sets[@]}]}"
    label="${entry%%=*}"
    options="${entry#*=}"
    options="${options//%ARCHIVE%/$work/dynamic.jsa}"
    options="${options//%STATIC%/$work/static.jsa}"
    start="$(date +%s%3N)"
    # shellcheck disable=SC2086
    replay $options -Xlog:class+load:file="$work/classes.log":time,uptime
    end="$(date +%s%3N)"
    log="$work/classes.log"
    first_line="$(head -1 "$log")"
    jvm_start=$(( $(ms "$(echo "$first_line" | cut -d'[' -f2 | cut -d']' -f1)") \
      - $(echo "$first_line" | cut -d'[' -f3 | cut -d's' -f1 | awk '{printf "%d", $1 * 1000}') ))
    uptime() { # class-name pattern -> uptime in ms when it first loaded
      grep -m1 "$1" "$log" | cut -d'[' -f3 | cut -d's' -f1 | awk '{printf "%d", $1 * 1000}'
    }
    event="$(grep -m1 'replayed:' "$work/run/out.txt" | cut -c1-23)"
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$label" "$(uptime '\] io.streamreplay.dbserver.SampleDbServer ')" \
      "$(uptime '\] picocli.CommandLine ')" "$(uptime 'GroupValidationResult ')" \
      "$(uptime '\] io.streamreplay.replay.Manifest ')" "$(( $(ms "${event}Z") - jvm_start ))" \
      "$(( end - start ))" >> "$results"
    echo "run $((r + 1))/$runs $label (load average $(cut -d' ' -f1 /proc/loadavg))" >&2
  done
done

echo "machine: $(nproc) cores, $(java -version 2>&1 | head -1), load average now $(cut -d' ' -f1-3 /proc/loadavg)"
echo "uptime in ms at each milestone, median [min..max] of $runs runs"
python3 - "$results" "${sets[@]}" <<'PY'
import statistics, sys
rows = [line.split("\t") for line in open(sys.argv[1]).read().splitlines()]
labels = [s.split("=", 1)[0] for s in sys.argv[2:]]
names = ["main", "logging", "options", "recording", "first event", "exit"]
print("| options | " + " | ".join(names) + " |")
print("| --- |" + " --- |" * len(names))
for label in labels:
    cells = []
    for k in range(len(names)):
        values = [int(r[k + 1]) for r in rows if r[0] == label]
        cells.append(f"{statistics.median(values):.0f} [{min(values)}..{max(values)}]")
    print(f"| {label} | " + " | ".join(cells) + " |")
PY
