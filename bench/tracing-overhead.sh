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

config() { # $1 = port offset, $2 = tracing section or empty
  cat <<YAML
server: { listen: "127.0.0.1:$((P + 1 + $1))" }
admin: { listen: "127.0.0.1:$((P + 11 + $1))" }
logging: { accessLog: false }
$2
buckets:
  - name: b
    pathPrefix: /b
    s3: { bucket: bucket, region: us-east-1, endpoint: "http://127.0.0.1:$P", credentials: { accessKeyId: k, secretAccessKey: s } }
    auth: { type: public }
YAML
}
TRACING="tracing: { enabled: true, endpoint: \"http://127.0.0.1:$((P + 9))/v1/traces\", samplingRatio: RATIO }"
config 0 "" > "$WORK/off.yaml"
config 1 "${TRACING/RATIO/0.01}" > "$WORK/on1.yaml"
config 2 "${TRACING/RATIO/1}" > "$WORK/on100.yaml"
NAMES=(off on1 on100)
for i in 0 1 2; do
  java -Xmx256m -jar "$JAR" --config "$WORK/${NAMES[$i]}.yaml" > "$WORK/${NAMES[$i]}.log" 2>&1 & track $!
done
for i in 0 1 2; do
  http_ready "http://127.0.0.1:$((P + 11 + i))/ready" 50 || true
done
for i in 0 1 2; do
  port=$((P + 1 + i))
  [ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/b/1k.bin")" = 200 ] || { echo "port $port does not serve" >&2; exit 1; }
  wrk -t1 -c64 -d10s "http://127.0.0.1:$port/b/1k.bin" > /dev/null   # warm-up (JIT)
done
for round in 1 2; do
  for i in 0 1 2; do
    rps=$(wrk -t1 -c64 -d"${DURATION}s" "http://127.0.0.1:$((P + 1 + i))/b/1k.bin" | awk '/Requests\/sec/ {print $2}')
    echo "round $round ${NAMES[$i]}: $rps requests/s"
  done
done
