#!/usr/bin/env bash
# Throughput of 1 KiB GETs through Yatagarasu with and without a configuration pushed through
# PUT /admin/config every 100 ms (two documents alternating, so every push builds and swaps a
# snapshot). Origin: nginx serving files as if it were S3. Needs wrk, nginx, curl (run.sh installs
# them) and a built proxy jar. Usage: bench/swap-under-load.sh [seconds per run, default 15]
# Environment: BENCH_PORT_BASE (default 18700; that port and the next two).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

DURATION="${1:-15}"
P=${BENCH_PORT_BASE:-18700}
# shellcheck source=bench/lib.sh
source bench/lib.sh
# shellcheck source=bench/origin.sh
source bench/origin.sh swap "$P"

echo "swap-token-0123456789abcdef" > "$WORK/token"
doc() { # $1 = generation suffix letter for the second bucket's name
  cat <<JSON
{"server":{"listen":"127.0.0.1:$((P + 1))"},"admin":{"listen":"127.0.0.1:$((P + 2))","tokenFile":"$WORK/token"},
 "logging":{"accessLog":false},
 "buckets":[{"name":"b","pathPrefix":"/b","s3":{"bucket":"bucket","region":"us-east-1","endpoint":"http://127.0.0.1:$P",
   "credentials":{"accessKeyId":"k","secretAccessKey":"s"}},"auth":{"type":"public"}},
  {"name":"other-$1","pathPrefix":"/other","s3":{"bucket":"other","region":"us-east-1","endpoint":"http://127.0.0.1:$P",
   "credentials":{"accessKeyId":"k","secretAccessKey":"s"}},"auth":{"type":"public"}}]}
JSON
}
doc a > "$WORK/a.json"; doc b > "$WORK/b.json"
java -Xmx256m -jar "$JAR" --config "$WORK/a.json" > "$WORK/proxy.log" 2>&1 & track $!
http_ready "http://127.0.0.1:$((P + 2))/ready" 50 || true

URL=http://127.0.0.1:$((P + 1))/b/1k.bin
status=$(curl -s -o "$WORK/sample" -w '%{http_code}' "$URL")
if [ "$status" != 200 ]; then echo "GET $URL answered $status: $(cat "$WORK/sample")" >&2; exit 1; fi
wrk -t1 -c64 -d10s "$URL" > /dev/null   # warm-up (JIT)
echo "== without swaps"
wrk -t1 -c64 -d"${DURATION}s" --latency "$URL" | tee "$WORK/base.txt"

echo "== with a swap every 100 ms"
(
  gen=2; end=$((SECONDS + DURATION + 1))
  while [ $SECONDS -lt $end ]; do
    f=$([ $((gen % 2)) -eq 0 ] && echo b || echo a)
    curl -fs -X PUT -H "Authorization: Bearer $(cat "$WORK/token")" -H "X-Config-Generation: $gen" \
      --data-binary @"$WORK/$f.json" "http://127.0.0.1:$((P + 2))/admin/config" > /dev/null
    gen=$((gen + 1)); sleep 0.1
  done
  echo "$((gen - 2)) swaps" > "$WORK/swaps.txt"
) & SWAPPER=$!
wrk -t1 -c64 -d"${DURATION}s" --latency "$URL" | tee "$WORK/swap.txt"
wait "$SWAPPER"
cat "$WORK/swaps.txt"
curl -fs "http://127.0.0.1:$((P + 2))/metrics" | grep -E '^yatagarasu_config_applies_total|^yatagarasu_requests_seconds_count\{bucket="b",method="GET",status="5xx"' || true
echo "== without swaps again"
wrk -t1 -c64 -d"${DURATION}s" --latency "$URL" | tee "$WORK/after.txt"
base=$(awk '/Requests\/sec/ {s += $2; n++} END {printf "%.0f", s / n}' "$WORK/base.txt" "$WORK/after.txt")
swap=$(awk '/Requests\/sec/ {print $2}' "$WORK/swap.txt")
echo "requests/s without swaps: $base, with swaps: $swap, ratio: $(awk -v a="$swap" -v b="$base" 'BEGIN {printf "%.3f", a / b}')"
grep -E "Non-2xx|Socket errors" "$WORK/base.txt" "$WORK/swap.txt" "$WORK/after.txt" || echo "no errors, no non-2xx answers"
