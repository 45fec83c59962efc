#!/usr/bin/env bash
# Recording size under hostile segmentation: a client that writes its requests one byte at a time (each byte its own
# send, with GAP_MS between bytes so that the server reads them one by one, or 0 for back to back), against
# sample-db-server recording with each given set of options. Prints, per build and options, the bytes the server
# received, the replay files' bytes, and their ratio.
#
# Usage: benchmarks/trickle-size.sh REQUESTS GAP_MS LABEL=SERVER-JAR[::OPTION...] [...]
#   e.g. benchmarks/trickle-size.sh 20 1 v3=sample-db-server/target/sample-db-server.jar \
#          v3-zstd=sample-db-server/target/sample-db-server.jar::--replay-record-compress=zstd
set -euo pipefail
if [ $# -lt 3 ]; then
  sed -n '2,9p' "$0" >&2
  exit 2
fi
requests="$1"; gap="$2"; shift 2
root="$(cd "$(dirname "$0")/.." && pwd)"
client="${CLIENT_JAR:-$root/sample-client/target/sample-client.jar}"
work="$(mktemp -d -t streamreplay-trickle.XXXXXX)"
echo "machine: $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg); $requests requests, ${gap} ms between bytes"
for spec in "$@"; do
  label="${spec%%=*}"; rest="${spec#*=}"; jar="${rest%%::*}"; options=()
  if [ "$rest" != "$jar" ]; then IFS=' ' read -r -a options <<< "${rest#*::}"; fi
  dir="$work/$label"; mkdir -p "$dir"
  java -jar "$client" bench --print-schema > "$dir/kv.ovsschema"
  (cd "$dir" && java -jar "$jar" create kv.db kv.ovsschema > /dev/null)
  (cd "$dir" && exec java -jar "$jar" kv.db --remote=punix:"$dir/db.sock" --control="$dir/ctl" \
    --replay-record="$dir/recording" "${options[@]}" > server.out 2>&1) &
  pid=$!
  for _ in $(seq 300); do [ -S "$dir/db.sock" ] && [ -S "$dir/ctl" ] && break; sleep 0.1; done
  sent="$(python3 - "$dir/db.sock" "$requests" "$gap" <<'PY'
import json, socket, sys, time
path, requests, gap = sys.argv[1], int(sys.argv[2]), float(sys.argv[3]) / 1000
s = socket.socket(socket.AF_UNIX)
s.connect(path)
s.settimeout(30)
total = 0
for i in range(requests):
    request = json.dumps({"id": i, "method": "transact", "params": ["kvdb", {"op": "insert", "table": "kv",
                          "row": {"name": "trickle-%d" % i, "value": i}}]}).encode()
    for b in request:
        s.send(bytes([b]))
        total += 1
        if gap:
            time.sleep(gap)
    reply = b""
    while reply.count(b"{") == 0 or reply.count(b"{") != reply.count(b"}"):
        reply += s.recv(65536)
s.close()
print(total)
PY
)"
  java -jar "$client" control --target="$dir/ctl" exit > /dev/null
  wait "$pid"
  files="$(cat "$dir"/recording/*.srr | wc -c)"
  stream="$(cat "$dir"/recording/*-unix-*.srr | wc -c)"
  python3 -c 'import sys; l,s,f,st=sys.argv[1:]; s,f,st=int(s),int(f),int(st); print(f"{l:<12} received {s:>7} B  replay files {f:>8} B  ({f/s:5.1f} B per byte)  the client stream file {st:>8} B ({st/s:5.1f} B per byte)")' \
    "$label" "$sent" "$files" "$stream"
done
rm -rf "$work"
