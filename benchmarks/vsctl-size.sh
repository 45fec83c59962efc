#!/usr/bin/env bash
# Recording size of an ovs-vsctl workload: Open vSwitch's own ovs-vsctl (each command a connection that reads the
# schema, monitors what it needs and commits one transaction) against sample-db-server serving the Open_vSwitch
# schema, recorded with each given set of options. Prints, per label, the replay files' bytes and events.
#
# Usage: benchmarks/vsctl-size.sh BRIDGES PORTS LABEL=SERVER-JAR[::OPTION...] [...]
set -euo pipefail
if [ $# -lt 3 ]; then
  sed -n '2,6p' "$0" >&2
  exit 2
fi
bridges="$1"; ports="$2"; shift 2
schema=/usr/share/openvswitch/vswitch.ovsschema
work="$(mktemp -d -t streamreplay-vsctl.XXXXXX)"
echo "machine: $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg); $bridges bridges of $ports ports"
for spec in "$@"; do
  label="${spec%%=*}"; rest="${spec#*=}"; jar="${rest%%::*}"; options=()
  if [ "$rest" != "$jar" ]; then IFS=' ' read -r -a options <<< "${rest#*::}"; fi
  dir="$work/$label"; mkdir -p "$dir"
  (cd "$dir" && java -jar "$jar" create conf.db "$schema" > /dev/null)
  (cd "$dir" && exec java -jar "$jar" conf.db --remote=punix:"$dir/db.sock" --control="$dir/ctl" \
    --replay-record="$dir/recording" "${options[@]}" > server.out 2>&1) &
  pid=$!
  for _ in $(seq 300); do [ -S "$dir/db.sock" ] && [ -S "$dir/ctl" ] && break; sleep 0.1; done
  db="--db=unix:$dir/db.sock"
  commands=0
  ovs-vsctl "$db" --no-wait init; commands=$((commands + 1))
  for ((b = 0; b < bridges; b++)); do
    ovs-vsctl "$db" --no-wait add-br "br$b" -- set bridge "br$b" external_ids:owner=bench
    commands=$((commands + 1))
    for ((p = 0; p < ports; p++)); do
      ovs-vsctl "$db" --no-wait add-port "br$b" "br$b-p$p" -- set interface "br$b-p$p" type=internal \
        -- set port "br$b-p$p" tag=$((p + 1))
      ovs-vsctl "$db" list-ports "br$b" > /dev/null
      commands=$((commands + 2))
    done
    ovs-vsctl "$db" show > /dev/null; commands=$((commands + 1))
  done
  java -jar "${CLIENT_JAR:-$(dirname "$jar")/../../sample-client/target/sample-client.jar}" control \
    --target="$dir/ctl" exit > /dev/null
  wait "$pid"
  files="$(cat "$dir"/recording/*.srr | wc -c)"
  nfiles="$(ls "$dir"/recording/*.srr | wc -l)"
  printf '%-12s %d ovs-vsctl commands: replay files %d B in %d files (%.0f B per command)\n' "$label" "$commands" \
    "$files" "$nfiles" "$(echo "$files / $commands" | bc -l)"
done
rm -rf "$work"
