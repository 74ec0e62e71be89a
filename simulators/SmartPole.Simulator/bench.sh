#!/usr/bin/env bash
# Load benchmark: the Release simulator against a local Debian Mosquitto, under /usr/bin/time -v.
# Usage: simulators/SmartPole.Simulator/bench.sh [simulator flags…]
#   e.g. bench.sh --interval 0 --rate 1000000 --poles 100 --poles-per-connection 10 --duration 30s
#        bench.sh --city bench --poles 100000 --poles-per-connection 1000 --interval 10s --duration 60s --qos 1
# Prints the simulator's output, its summary JSON, and the CPU and peak memory /usr/bin/time measured.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
work="$(mktemp -d)"
trap 'kill "${broker_pid:-}" 2>/dev/null || true; rm -rf "$work"' EXIT

port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
printf 'listener %s 127.0.0.1\nallow_anonymous true\nmax_connections -1\nlog_dest none\n' "$port" > "$work/mosquitto.conf"
/usr/sbin/mosquitto -c "$work/mosquitto.conf" & broker_pid=$!
for _ in $(seq 50); do (exec 3<>/dev/tcp/127.0.0.1/"$port") 2>/dev/null && break; sleep 0.1; done

dotnet build -c Release "$here" -o "$work/bin" > "$work/build.log" || { cat "$work/build.log"; exit 1; }
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
ulimit -n 20000 2>/dev/null || true
/usr/bin/time -v -o "$work/time.txt" dotnet "$work/bin/SmartPole.Simulator.dll" \
  --broker "mqtt://127.0.0.1:$port" --summary "$work/summary.json" "$@" || true
cat "$work/summary.json"
grep -E 'Elapsed|User time|System time|Percent of CPU|Maximum resident' "$work/time.txt"
echo "mosquitto: $(ps -o %cpu=,rss= -p "$broker_pid") (%CPU over its life, RSS kB)"
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
