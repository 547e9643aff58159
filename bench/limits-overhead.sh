#!/usr/bin/env bash
# What rate limiting costs on 1 KiB GETs: the same proxy and origin with generous limits (global,
# per bucket, per client address: never reached) and without any, alternating A/B/A/B. The circuit
# breaker is always on. Origin: nginx serving files as if it were S3. Needs wrk, nginx, curl and a
# built proxy jar. Usage: bench/limits-overhead.sh [seconds per run, default 10]
# Environment: BENCH_PORT_BASE (default 18710; the ports from there to 12 above it).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

DURATION="${1:-10}"
P=${BENCH_PORT_BASE:-18710}
# shellcheck source=bench/lib.sh
source bench/lib.sh
# shellcheck source=bench/origin.sh
source bench/origin.sh limits "$P"

config() { # $1 = port offset, $2 = rate limit sections or empty
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
$3
YAML
}
config 0 "" "" > "$WORK/plain.yaml"
config 1 "rateLimits: { global: { requestsPerSecond: 1000000, burst: 1000000 }, perClientIp: { requestsPerSecond: 1000000, burst: 1000000 } }" \
  "    rateLimit: { requestsPerSecond: 1000000, burst: 1000000 }" > "$WORK/limited.yaml"
for name in plain limited; do
  java -Xmx256m -jar "$JAR" --config "$WORK/$name.yaml" > "$WORK/$name.log" 2>&1 & track $!
done
for port in $((P + 11)) $((P + 12)); do
  http_ready "http://127.0.0.1:$port/ready" 50 || true
done
for port in $((P + 1)) $((P + 2)); do
  [ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/b/1k.bin")" = 200 ] || { echo "port $port does not serve" >&2; exit 1; }
  wrk -t1 -c64 -d10s "http://127.0.0.1:$port/b/1k.bin" > /dev/null   # warm-up (JIT)
done
for round in 1 2; do
  for name in plain limited; do
    port=$([ "$name" = plain ] && echo $((P + 1)) || echo $((P + 2)))
    rps=$(wrk -t1 -c64 -d"${DURATION}s" "http://127.0.0.1:$port/b/1k.bin" | awk '/Requests\/sec/ {print $2}')
    echo "round $round $name: $rps requests/s"
  done
done
