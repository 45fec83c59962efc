#!/usr/bin/env bash
# The cost of stream-proxy, side by side with a direct connection, in one run: Open vSwitch's ovsdb-server as the
# upstream, sample-client bench as the client, directly and through the proxy (and through the proxy recording),
# in alternating order, at each connection count. Prints per configuration the medians and the spread (min..max)
# of throughput and request latency, the latency the proxy adds (p50, p99: proxy minus direct, pair by pair) and the
# throughput ratio, with the CPU other processes took during the runs (others-cpu.sh) and a warning naming every run
# where that exceeded OTHERS_CPU_MAX cores. Each run starts ovsdb-server afresh on an empty database, so that no run
# inherits the rows of the one before. Builds what it needs; installs Open vSwitch when missing.
#
# Usage: benchmarks/proxy-overhead.sh [RUNS [TRANSACTIONS [CONNECTIONS [WORK-DIR]]]]
#   RUNS          pairs of runs per configuration (default 5)
#   TRANSACTIONS  transactions per bench run (default 20000)
#   CONNECTIONS   comma-separated connection counts (default 1,8)
#   WORK-DIR      where the database, logs and recording go (default: a temporary directory)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
# shellcheck source=benchmarks/others-cpu.sh
. "$root/benchmarks/others-cpu.sh"
runs="${1:-5}"
transactions="${2:-20000}"
connections="${3:-1,8}"
work="${4:-$(mktemp -d -t proxy-overhead.XXXXXX)}"
mkdir -p "$work"

sudo=""
if [ "$(id -u)" != 0 ]; then sudo="sudo -n"; fi
if [ ! -x /usr/sbin/ovsdb-server ] || ! command -v ovsdb-tool > /dev/null; then
  echo "installing openvswitch-switch and openvswitch-common..." >&2
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq openvswitch-switch openvswitch-common > /dev/null
fi
echo "building..." >&2
(cd "$root" && mvn -q -B -ntp -DskipTests -pl stream-proxy,sample-client -am package) 2>&1 \
  | sed 's/\x1b\[[0-9;]*m//g' >&2  # Maven 3.8 prints colour resets even in batch mode

client=(java -jar "$root/sample-client/target/sample-client.jar")
proxy=(java -Xmx256m -jar "$root/stream-proxy/target/stream-proxy.jar")
cd "$work"
pids=()
cleanup() { for pid in "${pids[@]}"; do kill "$pid" 2> /dev/null || true; done; }
trap cleanup EXIT

"${client[@]}" bench --print-schema > kv.ovsschema
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
ovsdb=""
fresh_server() {  # (re)starts ovsdb-server on an empty database: every run starts from the same state
  if [ -n "$ovsdb" ]; then kill "$ovsdb"; wait "$ovsdb" 2> /dev/null || true; fi
  rm -f kv.db && ovsdb-tool create kv.db kv.ovsschema
  /usr/sbin/ovsdb-server kv.db --remote="ptcp:$port:127.0.0.1" --unixctl="$work/ovsdb.ctl" --no-chdir \
    --log-file="$work/ovsdb.log" 2> ovsdb.err &
  ovsdb=$!
  pids+=($ovsdb)
  for _ in $(seq 100); do
    if (exec 3<> "/dev/tcp/127.0.0.1/$port") 2> /dev/null; then return; fi
    sleep 0.05
  done
  echo "ovsdb-server did not start:" >&2; cat ovsdb.err >&2; exit 1
}
fresh_server

start_proxy() {  # NAME EXTRA-ARGS...: starts a proxy in front of ovsdb-server
  local name="$1"; shift
  "${proxy[@]}" --listen=ptcp:0:127.0.0.1 --upstream="tcp:127.0.0.1:$port" --control="$work/$name.ctl" "$@" \
    > "$name.out" 2> "$name.log" &
  pids+=($!)
}
proxy_port() {  # NAME: waits for the proxy to listen; prints its port
  for _ in $(seq 100); do
    if grep -q "listening, forwarding" "$1.log"; then
      sed -n 's/.*ptcp:\([0-9]*\):127.0.0.1: listening.*/\1/p' "$1.log"; return
    fi
    sleep 0.1
  done
  echo "the proxy $1 did not start:" >&2; cat "$1.log" >&2; exit 1
}
start_proxy proxy
start_proxy recording --replay-record="$work/recording"
plain=$(proxy_port proxy)
recording=$(proxy_port recording)
sleep 0.5

echo "machine: $(nproc) cores, $(java -version 2>&1 | head -1), $(/usr/sbin/ovsdb-server --version | head -1)"
echo "work directory: $work; $runs runs of $transactions transactions per configuration"
results="$work/results.jsonl"
: > "$results"
for c in ${connections//,/ }; do
  for run in $(seq "$runs"); do
    # Alternate which goes first, so that neither always runs on a warmer server.
    if [ $((run % 2)) = 1 ]; then order="direct proxy recording"; else order="recording proxy direct"; fi
    for mode in $order; do
      case "$mode" in
        direct) target="tcp:127.0.0.1:$port" ;;
        proxy) target="tcp:127.0.0.1:$plain" ;;
        recording) target="tcp:127.0.0.1:$recording" ;;
      esac
      fresh_server
      start="$(cpu_mark)"
      out=$("${client[@]}" bench "$target" -n "$transactions" --connections "$c" --json --no-progress)
      others="$(cpu_others "$start" "$(cpu_mark)")"
      echo "{\"mode\":\"$mode\",\"connections\":$c,\"run\":$run,\"others\":$others,\"result\":$out}" \
        >> "$results"
    done
  done
done

python3 - "$results" "$OTHERS_CPU_MAX" <<'PYTHON'
import json, statistics, sys
rows = [json.loads(line) for line in open(sys.argv[1])]
def runs(mode, c):
    return sorted((r for r in rows if r["mode"] == mode and r["connections"] == c), key=lambda r: r["run"])
def spread(values, fmt):
    return (fmt % statistics.median(values)) + " (" + (fmt % min(values)) + ".." + (fmt % max(values)) + ")"
errors = sum(r["result"]["errors"] for r in rows)
print()
print("%-11s %5s  %-26s %-24s %-24s %-20s" % ("mode", "conns", "transactions/s", "p50 ms", "p99 ms",
                                             "others, cores"))
for c in sorted({r["connections"] for r in rows}):
    for mode in ("direct", "proxy", "recording"):
        rs = runs(mode, c)
        print("%-11s %5d  %-26s %-24s %-24s %-20s" % (mode, c,
              spread([r["result"]["transactions_per_second"] for r in rs], "%.0f"),
              spread([r["result"]["latency_ms"]["p50"] for r in rs], "%.3f"),
              spread([r["result"]["latency_ms"]["p99"] for r in rs], "%.3f"),
              spread([r["others"] for r in rs], "%.2f")))
print()
print("cost against a direct connection, pair by pair: median (min..max)")
for c in sorted({r["connections"] for r in rows}):
    direct = runs("direct", c)
    for mode in ("proxy", "recording"):
        rs = runs(mode, c)
        p50 = [(p["result"]["latency_ms"]["p50"] - d["result"]["latency_ms"]["p50"]) * 1000 for p, d in zip(rs, direct)]
        p99 = [(p["result"]["latency_ms"]["p99"] - d["result"]["latency_ms"]["p99"]) * 1000 for p, d in zip(rs, direct)]
        ratio = [p["result"]["transactions_per_second"] / d["result"]["transactions_per_second"] for p, d in zip(rs, direct)]
        print("%-9s %d connection(s): added latency p50 %s us, p99 %s us; throughput ratio %s" % (mode, c,
              spread(p50, "%.0f"), spread(p99, "%.0f"), spread(ratio, "%.3f")))
print()
print("failed transactions in all runs: %d" % errors)
disturbed = ["%s C=%d run %d (%.2f)" % (r["mode"], r["connections"], r["run"], r["others"]) for r in rows
             if r["others"] > float(sys.argv[2])]
if disturbed:
    print("WARNING: other processes took more than %s cores during %s: those runs shared the machine and are"
          " slower than it can do" % (sys.argv[2], ", ".join(disturbed)))
PYTHON
