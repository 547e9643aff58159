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

proxy_yaml 0 "" "" > "$WORK/plain.yaml"
proxy_yaml 1 "rateLimits: { global: { requestsPerSecond: 1000000, burst: 1000000 }, perClientIp: { requestsPerSecond: 1000000, burst: 1000000 } }" \
  "    rateLimit: { requestsPerSecond: 1000000, burst: 1000000 }" > "$WORK/limited.yaml"
start_proxies plain limited
for round in 1 2; do
  for name in plain limited; do
    n=$([ "$name" = plain ] && echo 0 || echo 1)
    echo "round $round $name: $(requests_per_second "$n" "$DURATION") requests/s"
  done
done
