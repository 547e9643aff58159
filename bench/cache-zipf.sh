#!/usr/bin/env bash
# Cache benchmark on a skewed workload, and the proxy's RSS while its cache evicts.
#
# Part 1, hit ratio: a catalogue of 10,000 objects of 1 to 64 KiB (random bytes, sizes uniform,
# seed 42) served by an nginx origin that logs every request; a request sequence drawn from a Zipf
# distribution (s = 1.0: the k-th most popular object is asked k times less often than the first)
# over the catalogue; a cache budget of 10% of the catalogue's bytes. The same sequence is replayed
# (wrk, bench/lua/zipf.lua, 16 connections) against Yatagarasu with the cache on and nginx with
# proxy_cache (max_size = the budget; its cache manager removes the least recently used entries),
# each starting cold, and through an exact byte-bounded LRU simulation (ZipfWorkload lru). S3
# requests are counted at the origin (its access log lines during the replay); hit ratio is
# 1 - origin requests / requests.
#
# Part 2, memory: Yatagarasu with a cache budget of BENCH_RSS_MAX_SIZE (default 96 MiB, a third of
# the catalogue) while clients cycle through the whole catalogue for BENCH_RSS_SECONDS, its RSS
# (/proc/PID/status VmRSS) and the cache's bytes held (GET /admin/cache) sampled every second;
# then the same load on the same proxy with the cache off, for its usual footprint.
#
#   bench/cache-zipf.sh               full: 200,000 requests, 120 s of eviction (about 10 minutes)
#   bench/cache-zipf.sh --quick       50,000 requests, 30 s of eviction
#   bench/cache-zipf.sh --no-build    use the proxy jar that is already built
#   bench/cache-zipf.sh --no-install  do not ask apt-get for nginx and wrk
#   bench/cache-zipf.sh --rss-only    part 2 alone
#
# Environment (all optional): BENCH_PORT_BASE (default 18500; eight ports from there), BENCH_WORK
# (default /tmp/yatagarasu-bench; the catalogue is kept in BENCH_WORK/zipf-catalogue between runs),
# BENCH_RESULTS (default bench/results), BENCH_ZIPF_S (1.0), BENCH_ZIPF_OBJECTS (10000),
# BENCH_ZIPF_REQUESTS, BENCH_ZIPF_SEED (42), BENCH_ZIPF_CONNECTIONS (16), BENCH_ZIPF_BUDGET_PERCENT
# (10), BENCH_RSS_MAX_SIZE (bytes, default 100663296), BENCH_RSS_SECONDS, BENCH_JAVA_OPTS (default
# "-Xmx128m -XX:+UseSerialGC -XX:MaxDirectMemorySize=512m"), BENCH_PIN, BENCH_SERVER_CPUS and
# BENCH_LOAD_CPUS (CPU placement, as in bench/run.sh).
set -euo pipefail

# shellcheck source=bench/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
RSS_ONLY=0
script_option() { [[ $1 == --rss-only ]] && RSS_ONLY=1; }
parse_options 2,31 'unknown option: %s (expected: --quick, --no-build, --no-install, --rss-only)' "$@"

if [[ $QUICK == 1 ]]; then
  REQUESTS=${BENCH_ZIPF_REQUESTS:-50000}
  RSS_SECONDS=${BENCH_RSS_SECONDS:-30}
else
  REQUESTS=${BENCH_ZIPF_REQUESTS:-200000}
  RSS_SECONDS=${BENCH_RSS_SECONDS:-120}
fi
ZIPF_S=${BENCH_ZIPF_S:-1.0}
OBJECTS_N=${BENCH_ZIPF_OBJECTS:-10000}
SEED=${BENCH_ZIPF_SEED:-42}
CONNS=${BENCH_ZIPF_CONNECTIONS:-16}
BUDGET_PERCENT=${BENCH_ZIPF_BUDGET_PERCENT:-10}
RSS_MAX_SIZE=${BENCH_RSS_MAX_SIZE:-100663296}
PORT_BASE=${BENCH_PORT_BASE:-18500}
WORK=${BENCH_WORK:-/tmp/yatagarasu-bench}
RESULTS=${BENCH_RESULTS:-$ROOT/bench/results}
JAVA_OPTS=${BENCH_JAVA_OPTS:--Xmx128m -XX:+UseSerialGC -XX:MaxDirectMemorySize=512m}

ORIGIN_PORT=$PORT_BASE
NGINX_PORT=$((PORT_BASE + 1))
YATA_PORT=$((PORT_BASE + 2))
YATA_ADMIN_PORT=$((PORT_BASE + 3))

RUN_ID=$(date -u +%Y%m%dT%H%M%SZ)
OUT=$RESULTS/cache-zipf-$RUN_ID
CATALOGUE=$WORK/zipf-catalogue
mkdir -p "$OUT" "$WORK"
exec > >(tee -a "$OUT/run.log") 2>&1

# shellcheck disable=SC2317 # called by stop_all on exit
script_cleanup() { if [[ -n ${NGINX_CACHE_DIR:-} ]]; then rm -rf "$NGINX_CACHE_DIR"; fi; }

# The load generator on one CPU and the servers on the other, as in bench/run.sh.
pin_cpus

rss_kib() { awk '/^VmRSS:/ {print $2}' "/proc/$1/status" 2>/dev/null || echo 0; }

# ---------------------------------------------------------------------------------------------
install_missing nginx wrk
build_proxy_jar
# shellcheck disable=SC2046 # a list of ports
check_free_ports BENCH_PORT_BASE $(seq "$PORT_BASE" $((PORT_BASE + 7)))
LOAD_BEFORE="$(cut -d' ' -f1-3 /proc/loadavg)"
say "results in $OUT; load average before: $LOAD_BEFORE"

say "catalogue: $OBJECTS_N objects of 1-64 KiB, $REQUESTS requests, Zipf s=$ZIPF_S, seed $SEED"
java "$ROOT/bench/src/main/java/io/yatagarasu/bench/ZipfWorkload.java" generate "$CATALOGUE" \
  "$OBJECTS_N" "$REQUESTS" "$ZIPF_S" "$SEED"
chmod -R a+rX "$WORK"
CATALOGUE_BYTES=$(awk -F'\t' '{s += $2} END {printf "%d", s}' "$CATALOGUE/sizes.tsv")
BUDGET=$((CATALOGUE_BYTES * BUDGET_PERCENT / 100))
DISTINCT=$(sort -u "$CATALOGUE/sequence.txt" | wc -l)
say "catalogue $CATALOGUE_BYTES bytes; budget $BUDGET bytes ($BUDGET_PERCENT%); $DISTINCT distinct objects asked"

# ---------------------------------------------------------------------------------------------
# nginx: the origin (one access log line per request) and the caching reverse proxy.
nginx_head() { nginx_http_head "$WORK/nginx-zipf-$1" 1 -; }
start_nginx() { start_nginx_in "$WORK/nginx-zipf-$1"; }

ORIGIN_LOG=$WORK/nginx-zipf-origin/access.log
mkdir -p "$WORK/nginx-zipf-origin"
: >"$ORIGIN_LOG"
{
  nginx_head origin
  cat <<EOF
  log_format uri '\$request_method \$uri \$status';
  access_log $ORIGIN_LOG uri;
  server {
    listen 127.0.0.1:$ORIGIN_PORT backlog=4096;
    root $CATALOGUE;
    location / {}
  }
}
EOF
} >"$WORK/nginx-zipf-origin/nginx.conf"
start_nginx origin
wait_http "http://127.0.0.1:$ORIGIN_PORT/zipf/o00000.bin" "the nginx origin"
origin_requests() { grep -c ' /zipf/' "$ORIGIN_LOG" || true; }

# nginx's cache on tmpfs when there is one.
if [[ -d /dev/shm && -w /dev/shm ]]; then
  NGINX_CACHE_DIR=$(mktemp -d /dev/shm/yatagarasu-nginx-cache-XXXXXX)
else
  NGINX_CACHE_DIR=$(mktemp -d "$WORK/nginx-cache-XXXXXX")
fi
chmod 777 "$NGINX_CACHE_DIR"
mkdir -p "$WORK/nginx-zipf-cache"
{
  nginx_head cache
  cat <<EOF
  access_log off;
  proxy_cache_path $NGINX_CACHE_DIR levels=1:2 keys_zone=zipf:16m max_size=$BUDGET inactive=60m use_temp_path=off;
  upstream origin {
    server 127.0.0.1:$ORIGIN_PORT;
    keepalive 256;
  }
  server {
    listen 127.0.0.1:$NGINX_PORT backlog=4096;
    location = /__end { return 204; }
    location / {
      proxy_pass http://origin;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_cache zipf;
      proxy_cache_lock on;
      proxy_cache_valid 200 10m;
      add_header X-Cache \$upstream_cache_status;
    }
  }
}
EOF
} >"$WORK/nginx-zipf-cache/nginx.conf"

# yata_config CACHE_ENABLED MAX_SIZE: one public bucket /zipf on the origin.
echo "zipf-bench-admin-token" >"$WORK/zipf-admin-token"
yata_config() {
  cat <<EOF
# Written by bench/cache-zipf.sh.
server:
  listen: 127.0.0.1:$YATA_PORT
admin:
  listen: 127.0.0.1:$YATA_ADMIN_PORT
  tokenFile: $WORK/zipf-admin-token
logging:
  format: json
  accessLog: false
cache:
  enabled: $1
  maxSize: $2
buckets:
  - name: zipf
    pathPrefix: /zipf
    s3:
      bucket: zipf
      region: us-east-1
      endpoint: http://127.0.0.1:$ORIGIN_PORT
      pathStyle: true
      credentials:
        accessKeyId: bench-origin-key
        secretAccessKey: bench-origin-secret
    auth:
      type: public
    cache:
      ttl: 10m
EOF
}
YATA_PID=
start_yatagarasu() {
  yata_config "$1" "$2" >"$WORK/yatagarasu-zipf.yaml"
  # shellcheck disable=SC2086 # JAVA_OPTS is a list of options
  "${ON_SERVERS[@]}" java $JAVA_OPTS -jar "$PROXY_JAR" --config "$WORK/yatagarasu-zipf.yaml" \
    >>"$OUT/yatagarasu.log" 2>&1 &
  YATA_PID=$!
  track "$YATA_PID"
  wait_http "http://127.0.0.1:$YATA_ADMIN_PORT/ready" "Yatagarasu"
}
admin_cache() {
  curl -fsS --max-time 5 -H "Authorization: Bearer zipf-bench-admin-token" \
    "http://127.0.0.1:$YATA_ADMIN_PORT/admin/cache"
}

# ---------------------------------------------------------------------------------------------
# Part 1: the same sequence through each cache, cold.
ZIPF_TSV=$OUT/zipf.tsv
printf 'contestant\trequests\torigin_requests\thit_ratio\torigin_drop\tx_cache_hits\tstatus_errors\trps\tp50_us\tp95_us\tp99_us\theld_max_bytes\n' >"$ZIPF_TSV"

# What each cache holds: Yatagarasu's own count (bodies, headers and bookkeeping), and the bytes of
# nginx's cache files.
cache_bytes() { { admin_cache 2>/dev/null || true; } | grep -o '"bytes":[0-9]*' | head -1 | cut -d: -f2 || true; }
held_yatagarasu_cache() { cache_bytes; }
# du exits 1 when nginx's cache manager removes a file under it; its total is still printed.
held_nginx_cache() { { du -sb "$NGINX_CACHE_DIR" 2>/dev/null || true; } | cut -f1; }

# replay NAME BASE_URL: the sequence once; what the cache holds sampled every second.
replay() {
  local name=$1 base=$2 before after out line held held_max=0 ticks=0
  out=$OUT/wrk-zipf-$name.txt
  before=$(origin_requests)
  local marker=$WORK/zipf-done-$name
  rm -f "$marker"
  BENCH_ZIPF_SEQUENCE=$CATALOGUE/sequence.txt BENCH_ZIPF_PREFIX=/zipf/ BENCH_ZIPF_END=/__end \
    BENCH_ZIPF_DONE_FILE=$marker "${ON_LOAD[@]}" wrk -t1 -c"$CONNS" -d900s --timeout 10s \
    -s "$ROOT/bench/lua/zipf.lua" "$base" >"$out" 2>&1 &
  local wrk_pid=$!
  track "$wrk_pid"
  while kill -0 "$wrk_pid" 2>/dev/null && [[ ! -f $marker ]]; do
    if ((ticks++ % 10 == 0)); then
      held=$("held_$name")
      ((${held:-0} > held_max)) && held_max=$held
    fi
    sleep 0.1
  done
  kill -INT "$wrk_pid" 2>/dev/null || true
  wait "$wrk_pid" 2>/dev/null || true
  held=$("held_$name")
  ((${held:-0} > held_max)) && held_max=$held
  sleep 1
  after=$(origin_requests)
  line=$(grep '^ZIPF ' "$out" || true)
  [[ -n $line ]] || die "wrk produced no result for $name (see $out)"
  # shellcheck disable=SC2034 # set by the eval below; not all of them are reported
  local requests answered hit miss other status_errors duration_us p50_us p95_us p99_us
  eval "${line#ZIPF }"
  ((answered == requests)) || say "  $name: only $answered of $requests answered"
  awk -v n="$name" -v r="$requests" -v o=$((after - before)) -v h="$hit" -v e="$status_errors" \
    -v d="$duration_us" -v p50="$p50_us" -v p95="$p95_us" -v p99="$p99_us" -v hm="$held_max" 'BEGIN {
      printf "%s\t%d\t%d\t%.4f\t%.1f%%\t%d\t%d\t%.0f\t%d\t%d\t%d\t%d\n", n, r, o, 1 - o / r,
        100 * (1 - o / r), h, e, r / (d / 1e6), p50, p95, p99, hm }' >>"$ZIPF_TSV"
  tail -n 1 "$ZIPF_TSV" | awk -F'\t' '{printf "  %-16s %d requests, %d at the origin: hit ratio %s, %s fewer S3 requests (X-Cache hits %d, errors %d); held at most %d bytes\n", $1, $2, $3, $4, $5, $6, $7, $12}'
}

NGINX_CACHE_BYTES=-
part1() {
  say "part 1: Yatagarasu, cache budget $BUDGET bytes"
  start_yatagarasu true "$BUDGET"
  replay yatagarasu_cache "http://127.0.0.1:$YATA_PORT"
  admin_cache >"$OUT/yatagarasu-admin-cache.json" || true
  say "  GET /admin/cache: $(cat "$OUT/yatagarasu-admin-cache.json")"
  stop_pid "$YATA_PID"

  say "part 1: nginx proxy_cache, max_size $BUDGET bytes"
  start_nginx cache
  wait_http "http://127.0.0.1:$NGINX_PORT/__end" "nginx proxy_cache"
  replay nginx_cache "http://127.0.0.1:$NGINX_PORT"
  NGINX_CACHE_BYTES=$(held_nginx_cache)
  say "  nginx cache directory after the replay: $NGINX_CACHE_BYTES bytes"

  say "part 1: exact LRU over the same sequence, budget $BUDGET bytes (bodies only)"
  LRU_LINE=$(java "$ROOT/bench/src/main/java/io/yatagarasu/bench/ZipfWorkload.java" lru "$CATALOGUE" "$BUDGET")
  say "  $LRU_LINE"
  (
    eval "${LRU_LINE#LRU }"
    # shellcheck disable=SC2154 # requests and misses: set by the eval
    awk -v r="$requests" -v m="$misses" -v b="$BUDGET" 'BEGIN {
      printf "lru_simulation\t%d\t%d\t%.4f\t%.1f%%\t%d\t0\t-\t-\t-\t-\t<= %d\n", r, m, 1 - m / r,
        100 * (1 - m / r), r - m, b }' >>"$ZIPF_TSV"
  )
}
if [[ $RSS_ONLY == 0 ]]; then part1; fi

# ---------------------------------------------------------------------------------------------
# Part 2: RSS while the whole catalogue cycles through a smaller cache; then without a cache.
RSS_TSV=$OUT/rss.tsv
printf 'cache\tsecond\trss_kib\tcache_bytes\n' >"$RSS_TSV"
# cycle CACHE_LABEL: RSS_SECONDS of load, sampled every second.
cycle() {
  local label=$1 start=$SECONDS bytes
  BENCH_CYCLE_OBJECTS=$OBJECTS_N BENCH_ZIPF_PREFIX=/zipf/ "${ON_LOAD[@]}" wrk -t1 -c"$CONNS" \
    -d"${RSS_SECONDS}s" --timeout 10s -s "$ROOT/bench/lua/cycle.lua" "http://127.0.0.1:$YATA_PORT" \
    >"$OUT/wrk-cycle-$label.txt" 2>&1 &
  local wrk_pid=$!
  track "$wrk_pid"
  while kill -0 "$wrk_pid" 2>/dev/null; do
    bytes=$(cache_bytes)
    printf '%s\t%d\t%s\t%s\n' "$label" $((SECONDS - start)) "$(rss_kib "$YATA_PID")" "${bytes:--}" >>"$RSS_TSV"
    sleep 1
  done
  wait "$wrk_pid" 2>/dev/null || true
}
rss_summary() {
  awk -F'\t' -v l="$1" 'NR > 1 && $1 == l {
      n++; if (n == 1) first = $3; last = $3; if ($3 > max) max = $3
      if ($4 != "-" && $4 > bmax) bmax = $4
    }
    END { printf "%s\t%.1f\t%.1f\t%.1f\t%.1f\n", l, first / 1024, max / 1024, last / 1024, bmax / 1048576 }' \
    "$RSS_TSV"
}

say "part 2: Yatagarasu with maxSize $RSS_MAX_SIZE bytes, $OBJECTS_N objects cycled for $RSS_SECONDS s"
start_yatagarasu true "$RSS_MAX_SIZE"
cycle on
admin_cache >"$OUT/yatagarasu-rss-admin-cache.json" || true
stop_pid "$YATA_PID"
say "part 2: the same proxy and load with the cache off"
start_yatagarasu false "$RSS_MAX_SIZE"
cycle off
stop_pid "$YATA_PID"
{
  printf 'cache\trss_start_mib\trss_max_mib\trss_end_mib\tcache_bytes_max_mib\n'
  rss_summary on
  rss_summary off
} >"$OUT/rss-summary.tsv"

# ---------------------------------------------------------------------------------------------
MD=$OUT/results.md
{
  echo "# Cache on a skewed workload, and RSS under eviction ($RUN_ID)"
  echo
  echo "- Machine: $(nproc) CPUs, kernel $(uname -r); $(java -version 2>&1 | head -1); $(nginx -v 2>&1)"
  echo "- Proxy source: $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)"
  echo "- Load average before: $LOAD_BEFORE; after: $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "- Catalogue: $OBJECTS_N objects, 1-64 KiB uniform, $CATALOGUE_BYTES bytes (seed $SEED)"
  echo "- Sequence: $REQUESTS requests, Zipf s = $ZIPF_S, $DISTINCT distinct objects; wrk 1 thread, $CONNS connections"
  echo "- Cache budget: $BUDGET bytes ($BUDGET_PERCENT% of the catalogue): Yatagarasu cache.maxSize, nginx proxy_cache max_size, LRU simulation"
  echo "- Yatagarasu JVM options: \`$JAVA_OPTS\`"
  echo
  echo "| contestant | requests | S3 (origin) requests | hit ratio | fewer S3 requests | X-Cache HIT | held at most (bytes) | errors | req/s | p50 ms | p95 ms | p99 ms |"
  echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
  awk -F'\t' 'NR > 1 {
      lat = ($9 == "-") ? "- | - | -" : sprintf("%.2f | %.2f | %.2f", $9 / 1000, $10 / 1000, $11 / 1000)
      printf "| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n", $1, $2, $3, $4, $5, $6, $12, $7, $8, lat }' "$ZIPF_TSV"
  echo
  echo "Held at most: Yatagarasu's \`GET /admin/cache\` bytes (bodies, headers and bookkeeping) and the bytes of nginx's cache files (\`du -sb\`), sampled every second during the replay; nginx's cache directory after its replay: $NGINX_CACHE_BYTES bytes."
  echo
  echo "RSS of the proxy while $OBJECTS_N objects cycle through it for $RSS_SECONDS s ($CONNS connections), cache.maxSize $RSS_MAX_SIZE bytes:"
  echo
  echo "| cache | RSS start MiB | RSS max MiB | RSS end MiB | cache bytes held max MiB |"
  echo "|---|---:|---:|---:|---:|"
  awk -F'\t' 'NR > 1 {printf "| %s | %s | %s | %s | %s |\n", $1, $2, $3, $4, ($1 == "off" ? "-" : $5)}' "$OUT/rss-summary.tsv"
} >"$MD"
cp "$MD" "$RESULTS/latest-cache-zipf.md"
cat "$MD"
say "wrote $MD"
