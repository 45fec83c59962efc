#!/usr/bin/env bash
# A large recorded workload driven with replay-tool drive: Open vSwitch's ovsdb-server recorded through stream-proxy
# while ovs-vsctl adds three bridges, ovsdb-client monitors the bench's table and sample-client bench runs its
# standard workload with monitors, then the recording driven against a fresh ovsdb-server and a fresh
# sample-db-server (each started from copies of the databases as they were before the workload), at the recorded
# pace and as fast as each answers. Prints the recording's size and plan, then each drive's report; every drive must
# end with no divergence (exit status 0), and the CPU other processes took during it (others-cpu.sh), with a warning
# above OTHERS_CPU_MAX cores. Builds what it needs.
#
# Usage: benchmarks/drive-large.sh [TRANSACTIONS [CONNECTIONS [WORK-DIR]]]
#   TRANSACTIONS  transactions of the bench (default 50000)
#   CONNECTIONS   its connections (default 8; it also opens 2 monitors)
#   WORK-DIR      where the databases, logs and recording go (default: a temporary directory)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
# shellcheck source=benchmarks/others-cpu.sh
. "$root/benchmarks/others-cpu.sh"
transactions="${1:-50000}"
connections="${2:-8}"
work="${3:-$(mktemp -d -t drive-large.XXXXXX)}"
mkdir -p "$work"
echo "building..." >&2
(cd "$root" && mvn -q -B -ntp -DskipTests -pl replay-tool,stream-proxy,sample-client,sample-db-server -am package) \
  2>&1 | sed 's/\x1b\[[0-9;]*m//g' >&2  # Maven 3.8 prints colour resets even in batch mode

client=(java -jar "$root/sample-client/target/sample-client.jar")
proxy=(java -Xmx256m -jar "$root/stream-proxy/target/stream-proxy.jar")
server=(java -jar "$root/sample-db-server/target/sample-db-server.jar")
tool=(java -jar "$root/replay-tool/target/replay-tool.jar")
cd "$work"
pids=()
cleanup() { for pid in "${pids[@]}"; do kill "$pid" 2> /dev/null || true; done; }
trap cleanup EXIT
await() { for _ in $(seq 300); do [ -S "$1" ] && return 0; sleep 0.1; done; echo "no socket $1" >&2; exit 2; }
others_since() { # START-MARK [PID...] -> prints the others' share since the mark, warns above OTHERS_CPU_MAX
  local others
  others="$(cpu_others "$1" "$(cpu_mark "$$" "${@:2}")")"
  echo "others: $others cores"
  if cpu_disturbed "$others"; then
    echo "WARNING: other processes took more than $OTHERS_CPU_MAX cores: this drive shared the machine"
  fi
}

"${client[@]}" bench --print-schema > kv.ovsschema
ovsdb-tool create conf.pristine.db /usr/share/openvswitch/vswitch.ovsschema
ovsdb-tool create kv.pristine.db kv.ovsschema

ovs() { # DIR: a fresh ovsdb-server in DIR on DIR/db.sock
  mkdir -p "$1" && cp conf.pristine.db "$1"/conf.db && cp kv.pristine.db "$1"/kv.db
  ovsdb-server "$1"/conf.db "$1"/kv.db --remote=punix:"$PWD/$1"/db.sock --unixctl="$PWD/$1"/ovsdb.ctl \
    --pidfile="$PWD/$1"/ovsdb.pid --detach --no-chdir --log-file="$PWD/$1"/ovsdb.log
}

ovs recorded
"${proxy[@]}" --listen=punix:"$PWD"/proxy.sock --upstream=unix:"$PWD"/recorded/db.sock --protocol=jsonrpc \
  --replay-record=recording --control="$PWD"/proxy.ctl --log-file=proxy.log 2> proxy.console &
pids+=($!)
await proxy.sock
db=--db=unix:"$PWD"/proxy.sock
ovs-vsctl "$db" --no-wait init
ovsdb-client monitor unix:"$PWD"/proxy.sock kvdb kv name value > monitor.out &
pids+=($!)
for bridge in br0 br1 br2; do ovs-vsctl "$db" --no-wait add-br $bridge; done
"${client[@]}" bench --server=unix:"$PWD"/proxy.sock --preset=standard -n "$transactions" \
  --connections="$connections" --monitors=2 --no-progress
kill "${pids[1]}"
ovs-appctl -t "$PWD"/proxy.ctl exit
wait "${pids[0]}" || true
ovs-appctl -t "$PWD"/recorded/ovsdb.ctl exit
echo "recording: $(du -sb recording | cut -f1) bytes"
"${tool[@]}" drive recording --dry-run | tail -2

for pace in real max; do
  ovs "ovs-$pace"
  echo "== ovsdb-server, --pace=$pace"
  ovsdb="$(cat "ovs-$pace"/ovsdb.pid)"  # detached: outside this script's process tree
  start="$(cpu_mark "$$" "$ovsdb")"
  /usr/bin/time -f "wall %e s, drive's peak RSS %M KiB" "${tool[@]}" drive recording \
    --target=unix:"$PWD/ovs-$pace"/db.sock --pace=$pace --no-progress
  others_since "$start" "$ovsdb"
  ovs-appctl -t "$PWD/ovs-$pace"/ovsdb.ctl exit

  mkdir -p "sample-$pace" && cp conf.pristine.db "sample-$pace"/conf.db && cp kv.pristine.db "sample-$pace"/kv.db
  "${server[@]}" "sample-$pace"/conf.db "sample-$pace"/kv.db --remote=punix:"$PWD/sample-$pace"/db.sock \
    --control="$PWD/sample-$pace"/ctl --log-file="sample-$pace"/server.log 2> "sample-$pace"/console &
  pids+=($!)
  await "sample-$pace"/db.sock
  echo "== sample-db-server, --pace=$pace"
  start="$(cpu_mark)"
  /usr/bin/time -f "wall %e s, drive's peak RSS %M KiB" "${tool[@]}" drive recording \
    --target=unix:"$PWD/sample-$pace"/db.sock --pace=$pace --no-progress
  others_since "$start"
  "${client[@]}" control -t "$PWD/sample-$pace"/ctl exit
done
