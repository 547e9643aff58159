#!/usr/bin/env bash
# What tracing costs on 1 KiB GETs: the same proxy and origin with tracing off, on at 1% sampling
# and on at 100%, alternating rounds. Spans go to a collector stand-in (nginx answering 200 to
# every OTLP/HTTP export). Origin: nginx serving files as if it were S3. Needs wrk, nginx, curl
# and a built proxy jar. Usage: bench/tracing-overhead.sh [seconds per run, default 10]
# Environment: BENCH_PORT_BASE (default 18810; the ports from there to 18 above it).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

DURATION="${1:-10}"
P=${BENCH_PORT_BASE:-18810}
# shellcheck source=bench/lib.sh
source bench/lib.sh
# shellcheck source=bench/origin.sh
source bench/origin.sh tracing "$P"

cat > "$WORK/collector.conf" <<NGINX
worker_processes 1;
pid $WORK/collector.pid;
error_log $WORK/collector-error.log;
events { worker_connections 1024; }
http {
  access_log off;
  client_max_body_size 16m;
  server { listen 127.0.0.1:$((P + 9)); location / { return 200; } }
}
NGINX
nginx -c "$WORK/collector.conf" -p "$WORK" -g 'daemon off;' & track $!

TRACING="tracing: { enabled: true, endpoint: \"http://127.0.0.1:$((P + 9))/v1/traces\", samplingRatio: RATIO }"
proxy_yaml 0 "" > "$WORK/off.yaml"
proxy_yaml 1 "${TRACING/RATIO/0.01}" > "$WORK/on1.yaml"
proxy_yaml 2 "${TRACING/RATIO/1}" > "$WORK/on100.yaml"
NAMES=(off on1 on100)
start_proxies "${NAMES[@]}"
for round in 1 2; do
  for i in 0 1 2; do
    echo "round $round ${NAMES[$i]}: $(requests_per_second "$i" "$DURATION") requests/s"
  done
done
