#!/usr/bin/env bash
# End-to-end comparison of sample-db-server and Open vSwitch's ovsdb-server on the bench presets: live,
# recording and replay, side by side, medians with their range over several runs in alternating order, the CPU
# other processes took during each run (others-cpu.sh) and a warning naming every run where that exceeded
# OTHERS_CPU_MAX cores. Builds what it needs and installs Open vSwitch (and GNU time) when missing.
#
# Usage: benchmarks/e2e.sh [RUNS [SIZES [CONNECTIONS [PRESETS [WORK-DIR]]]]]
#   RUNS         runs per server and configuration (default 5)
#   SIZES        comma-separated transaction counts (default 20000,200000)
#   CONNECTIONS  comma-separated connection counts (default 1,8)
#   PRESETS      comma-separated bench presets (default standard,uuid)
#   WORK-DIR     where databases and recordings go (default: a temporary directory)
# SERVERS=ours (or ovs) in the environment runs one server only, for sizes where the other takes hours.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
runs="${1:-5}"
sizes="${2:-20000,200000}"
connections="${3:-1,8}"
presets="${4:-standard,uuid}"
work="${5:-$(mktemp -d -t streamreplay-e2e.XXXXXX)}"

sudo=""
if [ "$(id -u)" != 0 ]; then sudo="sudo -n"; fi
if [ ! -x /usr/sbin/ovsdb-server ] || ! command -v ovsdb-tool > /dev/null || [ ! -x /usr/bin/time ]; then
  echo "installing openvswitch-switch, openvswitch-common and time..." >&2
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq openvswitch-switch openvswitch-common time > /dev/null
fi

echo "building..." >&2
(cd "$root" && mvn -q -B -ntp -DskipTests -pl benchmarks,sample-db-server,sample-client -am package) 2>&1 \
  | sed 's/\x1b\[[0-9;]*m//g' >&2  # Maven 3.8 prints colour resets even in batch mode

echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.1f GB", $2 / 1048576}' /proc/meminfo)," \
  "$(java -version 2>&1 | head -1), $(/usr/sbin/ovsdb-server --version | head -1)"
echo "work directory: $work"
echo "load average at the start: $(cut -d' ' -f1-3 /proc/loadavg)"
exec java -cp "$root/benchmarks/target/benchmarks.jar" io.streamreplay.benchmarks.EndToEnd \
  "$root/sample-db-server/target/sample-db-server.jar" "$root/sample-client/target/sample-client.jar" \
  "$work" "$runs" "$sizes" "$connections" "$presets" "${SERVERS:-ours,ovs}" "$root/benchmarks/others-cpu.sh"
