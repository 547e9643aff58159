#!/usr/bin/env bash
# Load benchmark: Yatagarasu side by side with nginx, on loopback, in bounded time.
#
# Starts an nginx origin that serves files as if it were S3 (it ignores signatures), nginx as a
# tuned proxy_pass reverse proxy, Yatagarasu with a public and a JWT bucket (and a second one with
# the JWT cache off), and later s3proxy as a signature-checking origin; runs every scenario against every contestant; writes raw numbers and
# a Markdown table under bench/results/RUN_ID/; stops everything it started.
#
#   bench/run.sh                 the full run (about 9 minutes on 2 cores)
#   bench/run.sh --quick         short scenarios, to check that everything works
#   bench/run.sh --no-build      use the proxy jar that is already built
#   bench/run.sh --no-install    do not ask apt-get for nginx, wrk and nghttp2-client
#
# Environment (all optional): BENCH_DURATION (seconds per scenario, default 10),
# BENCH_SLOW_DURATION (slow-client scenario, default 40), BENCH_PORT_BASE (default 18480),
# BENCH_WORK (objects and process files, default /tmp/yatagarasu-bench), BENCH_RESULTS (default
# bench/results), BENCH_JAVA_OPTS (Yatagarasu JVM options), BENCH_JFR=1 (record a JFR profile of
# Yatagarasu), BENCH_CONTESTANTS (default "origin nginx yatagarasu yatagarasu_jwt
# yatagarasu_jwt_uncached yatagarasu_epoll nginx_tls yatagarasu_tls_jdk
# yatagarasu_tls_openssl"), BENCH_SERVER_CPUS and
# BENCH_LOAD_CPUS (taskset CPU lists; default 0 and 1 on a machine with 2 or more CPUs),
# BENCH_PIN=0 (no taskset: every process free to use every CPU, nginx with 2 workers),
# BENCH_PACE_MS (pause of each connection between an answer and its next request in the paced
# scenario, default 1).
set -euo pipefail

# shellcheck source=bench/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
parse_options 2,23 'unknown option: %s (expected: --quick, --no-build, --no-install)' "$@"

if [[ $QUICK == 1 ]]; then
  DURATION=${BENCH_DURATION:-3}
  SLOW_DURATION=${BENCH_SLOW_DURATION:-8}
else
  DURATION=${BENCH_DURATION:-10}
  SLOW_DURATION=${BENCH_SLOW_DURATION:-40}
fi
BIG_DURATION=$((DURATION * 3 / 2))
WARMUP=${BENCH_WARMUP:-$DURATION}
PORT_BASE=${BENCH_PORT_BASE:-18480}
WORK=${BENCH_WORK:-/tmp/yatagarasu-bench}
RESULTS=${BENCH_RESULTS:-$ROOT/bench/results}
JAVA_OPTS=${BENCH_JAVA_OPTS:--Xmx128m -XX:+UseSerialGC $(trim_native_heap_option)}
read -r -a CONTESTANTS <<<"${BENCH_CONTESTANTS:-origin nginx yatagarasu yatagarasu_jwt yatagarasu_jwt_uncached yatagarasu_epoll nginx_tls yatagarasu_tls_jdk yatagarasu_tls_openssl}"
SLOW_CLIENTS=64
SLOW_RATE=1M

ORIGIN_PORT=$PORT_BASE
NGINX_PORT=$((PORT_BASE + 1))
YATA_PORT=$((PORT_BASE + 2))
YATA_ADMIN_PORT=$((PORT_BASE + 3))
S3PROXY_PORT=$((PORT_BASE + 4))
JWT_PORT=$((PORT_BASE + 5))
JWT_ADMIN_PORT=$((PORT_BASE + 6))
S3_KEY=bench-access-key
S3_SECRET=bench-secret-key

KIB=1024
MIB=$((1024 * 1024))
GIB=$((1024 * 1024 * 1024))
CLK_TCK=$(getconf CLK_TCK)

RUN_ID=$(date -u +%Y%m%dT%H%M%SZ)
OUT=$RESULTS/$RUN_ID
RAW=$OUT/raw.tsv
mkdir -p "$OUT" "$WORK"
LOG=$OUT/run.log
exec > >(tee -a "$LOG") 2>&1

# ---------------------------------------------------------------------------------------------
# CPU placement: the load generator on one CPU, every server (proxy and origin) on the other, so
# wrk never steals cycles from the process being measured and each proxy shares its CPU with the
# same origin.
# BENCH_PIN=0: no placement at all, as in production: every process may use every CPU, and nginx
# runs 2 workers (Yatagarasu takes one event loop per CPU it may use, so 2 as well on 2 CPUs).
pin_cpus

# ---------------------------------------------------------------------------------------------
install_tools() { install_missing nginx wrk h2load:nghttp2-client; }

build_proxy() {
  S3PROXY_JAR=$ROOT/proxy/target/s3proxy/s3proxy.jar
  build_proxy_jar
  [[ -f $S3PROXY_JAR ]] || die "$S3PROXY_JAR is missing (run without --no-build)"
}

check_ports() {
  check_free_ports BENCH_PORT_BASE "$ORIGIN_PORT" "$NGINX_PORT" "$YATA_PORT" "$YATA_ADMIN_PORT" \
    "$S3PROXY_PORT" "$JWT_PORT" "$JWT_ADMIN_PORT"
  tls_check_ports
}

# The objects are generated once and kept in $WORK between runs.
OBJECTS=$WORK/objects
make_objects() {
  mkdir -p "$OBJECTS/data"
  chmod 755 "$WORK" "$OBJECTS" "$OBJECTS/data"
  local name size
  for spec in 1k.bin:$KIB 1m.bin:$MIB 256m.bin:$((256 * MIB)) 1g.bin:$GIB; do
    name=${spec%%:*}
    size=${spec#*:}
    if [[ ! -f $OBJECTS/data/$name || $(stat -c %s "$OBJECTS/data/$name") != "$size" ]]; then
      say "generating $name ($size bytes of random data)"
      head -c "$size" /dev/urandom >"$OBJECTS/data/$name.tmp"
      mv "$OBJECTS/data/$name.tmp" "$OBJECTS/data/$name"
    fi
    chmod 644 "$OBJECTS/data/$name"
  done
}

# ---------------------------------------------------------------------------------------------
# nginx, as the origin and as the reference proxy. Both share one tuned http block.
nginx_http_common() { nginx_http_head "$WORK/nginx-$1" "$NGINX_WORKERS" off; }

start_nginx() {
  start_nginx_in "$WORK/nginx-$1"
  eval "PID_$1=$!"
}

start_origin() {
  mkdir -p "$WORK/nginx-origin"
  {
    nginx_http_common origin
    cat <<EOF
  open_file_cache max=64 inactive=60s;
  server {
    listen 127.0.0.1:$ORIGIN_PORT backlog=4096;
    root $OBJECTS;
    location / {}
  }
}
EOF
  } >"$WORK/nginx-origin/nginx.conf.tmp"
  mv "$WORK/nginx-origin/nginx.conf.tmp" "$WORK/nginx-origin/nginx.conf"
  start_nginx origin
  wait_http "http://127.0.0.1:$ORIGIN_PORT/data/1k.bin" "the nginx origin"
}

# ---------------------------------------------------------------------------------------------
# Contestants. Each is a set of functions named contestant_NAME_*:
#   contestant_NAME_start      start its processes (track every pid), wait until it answers
#   contestant_NAME_url        the base URL under which /1k.bin, /1m.bin, ... are found
#   contestant_NAME_pids       the pids whose CPU and memory count as the contestant's
#   contestant_NAME_headers    optional: extra request headers, one "Name: value" per line
#   contestant_NAME_warmup     optional: seconds of warm-up traffic before measuring (default 3)
#   contestant_NAME_scenarios  optional: the scenarios it takes part in (default: every one, and
#                              the slow clients)
# A new contestant (a JWT bucket, say) defines these functions and is added to CONTESTANTS or
# BENCH_CONTESTANTS; every scenario and table picks it up, with its ratio to nginx.

contestant_origin_start() { :; }
contestant_origin_url() { echo "http://127.0.0.1:$ORIGIN_PORT/data"; }
contestant_origin_pids() { :; }

# nginx_proxy_conf NAME LISTEN [SERVER_LINES]: nginx.conf of nginx as a tuned proxy_pass reverse
# proxy of the origin, listening on LISTEN, SERVER_LINES added to its server block.
nginx_proxy_conf() {
  nginx_http_common "$1"
  cat <<EOF
  upstream origin {
    server 127.0.0.1:$ORIGIN_PORT;
    keepalive 256;
    keepalive_requests 1000000;
    keepalive_timeout 60s;
  }
  server {
    listen $2 backlog=4096;${3:+
$3}
    location / {
      proxy_pass http://origin;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_buffering on;
      proxy_buffer_size 64k;
      proxy_buffers 16 64k;
      proxy_busy_buffers_size 128k;
      proxy_max_temp_file_size 0;
      proxy_connect_timeout 2s;
      proxy_read_timeout 30s;
    }
  }
}
EOF
}

contestant_nginx_start() {
  mkdir -p "$WORK/nginx-proxy"
  nginx_proxy_conf proxy "127.0.0.1:$NGINX_PORT" >"$WORK/nginx-proxy/nginx.conf"
  start_nginx proxy
  wait_http "http://127.0.0.1:$NGINX_PORT/data/1k.bin" "nginx proxy_pass"
}
contestant_nginx_url() { echo "http://127.0.0.1:$NGINX_PORT/data"; }
contestant_nginx_pids() { with_children "$PID_proxy"; }

YATA_PID=
start_yatagarasu() {
  [[ -n $YATA_PID ]] && return 0
  make_jwt
  {
    jwt_config "$YATA_PORT" "$YATA_ADMIN_PORT"
    cat <<EOF
  - name: s3proxy
    pathPrefix: /s3
    s3:
      bucket: bench
      region: us-east-1
      endpoint: http://127.0.0.1:$S3PROXY_PORT
      pathStyle: true
      credentials:
        accessKeyId: $S3_KEY
        secretAccessKey: $S3_SECRET
    auth:
      type: public
EOF
  } >"$WORK/yatagarasu.yaml"
  local jfr=()
  if [[ ${BENCH_JFR:-0} == 1 ]]; then
    jfr=("-XX:StartFlightRecording=filename=$OUT/yatagarasu.jfr,settings=profile,dumponexit=true")
  fi
  # shellcheck disable=SC2086 # JAVA_OPTS is a list of options
  "${ON_SERVERS[@]}" java $JAVA_OPTS "${jfr[@]}" -jar "$PROXY_JAR" --config "$WORK/yatagarasu.yaml" \
    >"$OUT/yatagarasu.log" 2>&1 &
  YATA_PID=$!
  track "$YATA_PID"
  wait_http "http://127.0.0.1:$YATA_ADMIN_PORT/ready" "Yatagarasu"
}
contestant_yatagarasu_start() { start_yatagarasu; }
contestant_yatagarasu_url() { echo "http://127.0.0.1:$YATA_PORT/data"; }
contestant_yatagarasu_pids() { echo "$YATA_PID"; }
# A JVM compiles its hot paths while serving: on one CPU that takes about 30 s of load.
jvm_warmup() { if [[ $QUICK == 1 ]]; then echo 10; else echo 30; fi; }
contestant_yatagarasu_warmup() { jvm_warmup; }

# The JWT contestants: a bucket on the same origin that requires an RS256 token (2048-bit key, a
# static key in the configuration). "jwt" sends one token on every request, so after the first
# request it is a cache hit; "jwt_uncached" is a second proxy started with the verified-token cache
# off (-Dyatagarasu.jwt.cacheSize=0), so every request pays a full RS256 verification.
JWT_TOKEN=
b64url() { openssl base64 -A | tr '+/' '-_' | tr -d '='; }
make_jwt() {
  [[ -n $JWT_TOKEN ]] && return 0
  command -v openssl >/dev/null || die "openssl is needed to make the benchmark's JWT"
  openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$WORK/jwt-key.pem" 2>/dev/null
  openssl pkey -in "$WORK/jwt-key.pem" -pubout -out "$WORK/jwt-public.pem"
  local header payload signature
  header=$(printf '{"alg":"RS256","typ":"JWT","kid":"bench"}' | b64url)
  payload=$(printf '{"iss":"https://issuer.bench.local","sub":"bench","aud":"bench","exp":%d}' \
    $(($(date +%s) + 86400)) | b64url)
  signature=$(printf '%s.%s' "$header" "$payload" |
    openssl dgst -sha256 -sign "$WORK/jwt-key.pem" -binary | b64url)
  JWT_TOKEN="$header.$payload.$signature"
}

# jwt_config DATA_PORT ADMIN_PORT: a public bucket (/data) and a JWT bucket (/jwt) on the origin.
jwt_config() {
  cat <<EOF
# Written by bench/run.sh. The access log is off for the benchmark.
server:
  listen: 127.0.0.1:$1
admin:
  listen: 127.0.0.1:$2
logging:
  format: json
  accessLog: false
# Idle connections to the origin are kept as long as nginx_proxy_conf keeps its upstream ones
# (keepalive_timeout 60s).
upstream:
  idleConnectionTimeout: 60s
jwt:
  issuers:
    - name: bench
      issuer: https://issuer.bench.local
      audiences: [bench]
      keys:
        - kid: bench
          algorithm: RS256
          publicKey: \${file:$WORK/jwt-public.pem}
buckets:
  - name: data
    pathPrefix: /data
    s3:
      bucket: data
      region: us-east-1
      endpoint: http://127.0.0.1:$ORIGIN_PORT
      pathStyle: true
      credentials:
        accessKeyId: bench-origin-key
        secretAccessKey: bench-origin-secret
    auth:
      type: public
  - name: jwt
    pathPrefix: /jwt
    s3:
      bucket: data
      region: us-east-1
      endpoint: http://127.0.0.1:$ORIGIN_PORT
      pathStyle: true
      credentials:
        accessKeyId: bench-origin-key
        secretAccessKey: bench-origin-secret
    auth:
      type: jwt
EOF
}

JWT_SCENARIOS="1KiB"
contestant_yatagarasu_jwt_start() { start_yatagarasu; }
contestant_yatagarasu_jwt_url() { echo "http://127.0.0.1:$YATA_PORT/jwt"; }
contestant_yatagarasu_jwt_pids() { echo "$YATA_PID"; }
contestant_yatagarasu_jwt_headers() { echo "Authorization: Bearer $JWT_TOKEN"; }
contestant_yatagarasu_jwt_warmup() { echo 10; }
contestant_yatagarasu_jwt_scenarios() { echo "$JWT_SCENARIOS"; }

JWT_UNCACHED_PID=
contestant_yatagarasu_jwt_uncached_start() {
  make_jwt
  jwt_config "$JWT_PORT" "$JWT_ADMIN_PORT" >"$WORK/yatagarasu-jwt-uncached.yaml"
  # shellcheck disable=SC2086 # JAVA_OPTS is a list of options
  "${ON_SERVERS[@]}" java $JAVA_OPTS -Dyatagarasu.jwt.cacheSize=0 -jar "$PROXY_JAR" \
    --config "$WORK/yatagarasu-jwt-uncached.yaml" >"$OUT/yatagarasu-jwt-uncached.log" 2>&1 &
  JWT_UNCACHED_PID=$!
  track "$JWT_UNCACHED_PID"
  wait_http "http://127.0.0.1:$JWT_ADMIN_PORT/ready" "Yatagarasu (JWT cache off)"
}
contestant_yatagarasu_jwt_uncached_url() { echo "http://127.0.0.1:$JWT_PORT/jwt"; }
contestant_yatagarasu_jwt_uncached_pids() { echo "$JWT_UNCACHED_PID"; }
contestant_yatagarasu_jwt_uncached_headers() { echo "Authorization: Bearer $JWT_TOKEN"; }
contestant_yatagarasu_jwt_uncached_warmup() { jvm_warmup; }
contestant_yatagarasu_jwt_uncached_scenarios() { echo "$JWT_SCENARIOS"; }

# ---------------------------------------------------------------------------------------------
# Cache contestants: nginx with proxy_cache and a Yatagarasu with its object cache on, both in front
# of the same origin. They take part only in the cache scenarios (cached-1KiB, and cached-1KiB-paced
# at a request rate below what either can do), where every request
# after the first is answered from the cache, and are compared with each other (nginx_cache is
# their reference). Added to the default contestants; BENCH_CONTESTANTS picks them by name.
CACHE_SCENARIOS="cached-1KiB cached-1KiB-paced"
# The paced scenario: 32 connections, each waiting PACE_MS between an answer and its next request.
PACE_CONNECTIONS=32
PACE_MS=${BENCH_PACE_MS:-1}
NGINX_CACHE_PORT=$((PORT_BASE + 20))
YATA_CACHE_PORT=$((PORT_BASE + 21))
YATA_CACHE_ADMIN_PORT=$((PORT_BASE + 22))
CACHE_REFERENCE=nginx_cache
if [[ -z ${BENCH_CONTESTANTS:-} ]]; then
  CONTESTANTS+=(nginx_cache yatagarasu_cache yatagarasu_cache_epoll)
fi

check_cache_port() {
  if ss -Hltn "sport = :$1" | grep -q .; then
    die "port $1 is in use (set BENCH_PORT_BASE)"
  fi
}

NGINX_CACHE_DIR=
contestant_nginx_cache_start() {
  check_cache_port "$NGINX_CACHE_PORT"
  mkdir -p "$WORK/nginx-cache"
  # The cache itself on tmpfs when there is one; removed on exit.
  if [[ -d /dev/shm && -w /dev/shm ]]; then
    NGINX_CACHE_DIR=$(mktemp -d /dev/shm/yatagarasu-bench-nginx-cache-XXXXXX)
  else
    NGINX_CACHE_DIR=$(mktemp -d "$WORK/nginx-cache/store-XXXXXX")
  fi
  trap 'stop_all; rm -rf "$NGINX_CACHE_DIR"' EXIT
  chmod 777 "$NGINX_CACHE_DIR"
  {
    nginx_http_common cache
    cat <<EOF
  proxy_cache_path $NGINX_CACHE_DIR levels=1:2 keys_zone=bench:16m max_size=1g inactive=60m use_temp_path=off;
  upstream origin {
    server 127.0.0.1:$ORIGIN_PORT;
    keepalive 256;
    keepalive_requests 1000000;
    keepalive_timeout 60s;
  }
  server {
    listen 127.0.0.1:$NGINX_CACHE_PORT backlog=4096;
    location / {
      proxy_pass http://origin;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_cache bench;
      proxy_cache_lock on;
      proxy_cache_valid 200 10m;
      add_header X-Cache \$upstream_cache_status;
      proxy_connect_timeout 2s;
      proxy_read_timeout 30s;
    }
  }
}
EOF
  } >"$WORK/nginx-cache/nginx.conf"
  start_nginx cache
  wait_http "http://127.0.0.1:$NGINX_CACHE_PORT/data/1k.bin" "nginx proxy_cache"
}
contestant_nginx_cache_url() { echo "http://127.0.0.1:$NGINX_CACHE_PORT/data"; }
contestant_nginx_cache_pids() { with_children "$PID_cache"; }
contestant_nginx_cache_scenarios() { echo "$CACHE_SCENARIOS"; }

# start_yatagarasu_cache NAME PORT ADMIN_PORT [SERVER_YAML]: the contestant NAME, a Yatagarasu with
# its object cache on and SERVER_YAML (more lines of the server section, such as a transport);
# sets PID_NAME.
start_yatagarasu_cache() {
  local name=$1 port=$2 admin_port=$3 server_yaml=${4:-} file
  file=$WORK/${name//_/-}.yaml
  check_cache_port "$port"
  check_cache_port "$admin_port"
  make_jwt
  {
    jwt_config "$port" "$admin_port"
    printf 'cache:\n  enabled: true\n  maxSize: 256MiB\n'
  } >"$file"
  # Every bucket: the default cache settings, with the freshness nginx_cache gets.
  sed -i 's/^    auth:$/    cache:\n      ttl: 10m\n    auth:/' "$file"
  if [[ -n $server_yaml ]]; then
    awk -v more="$server_yaml" '{print} /^  listen: / && !done {print more; done = 1}' "$file" \
      >"$file.tmp" && mv "$file.tmp" "$file"
  fi
  # shellcheck disable=SC2086 # JAVA_OPTS is a list of options
  "${ON_SERVERS[@]}" java $JAVA_OPTS -jar "$PROXY_JAR" --config "$file" >"$OUT/${name//_/-}.log" 2>&1 &
  printf -v "PID_$name" '%s' "$!"
  track "$!"
  wait_http "http://127.0.0.1:$admin_port/ready" "Yatagarasu ($name)"
}
contestant_yatagarasu_cache_start() {
  start_yatagarasu_cache yatagarasu_cache "$YATA_CACHE_PORT" "$YATA_CACHE_ADMIN_PORT"
}
contestant_yatagarasu_cache_url() { echo "http://127.0.0.1:$YATA_CACHE_PORT/data"; }
contestant_yatagarasu_cache_pids() { echo "$PID_yatagarasu_cache"; }
contestant_yatagarasu_cache_warmup() { jvm_warmup; }
contestant_yatagarasu_cache_scenarios() { echo "$CACHE_SCENARIOS"; }

# The same with server.transport named: epoll, the transport a pod runs where seccomp refuses
# io_uring (yatagarasu_cache runs auto: io_uring where the kernel allows it), and io_uring;
# yatagarasu_cache_epoll runs by default beside yatagarasu_cache, the io_uring one only when
# BENCH_CONTESTANTS names it.
# cache_transport_contestant TRANSPORT PORT ADMIN_PORT: defines yatagarasu_cache_TRANSPORT.
cache_transport_contestant() {
  local t=$1 port=$2 admin=$3
  eval "contestant_yatagarasu_cache_${t}_start() {
    start_yatagarasu_cache yatagarasu_cache_$t $port $admin '  transport: $t'
  }
  contestant_yatagarasu_cache_${t}_url() { echo http://127.0.0.1:$port/data; }
  contestant_yatagarasu_cache_${t}_pids() { echo \"\$PID_yatagarasu_cache_${t}\"; }
  contestant_yatagarasu_cache_${t}_warmup() { jvm_warmup; }
  contestant_yatagarasu_cache_${t}_scenarios() { echo \"\$CACHE_SCENARIOS\"; }"
}
cache_transport_contestant epoll $((PORT_BASE + 23)) $((PORT_BASE + 24))
cache_transport_contestant io_uring $((PORT_BASE + 25)) $((PORT_BASE + 26))

# cache_scenario SCENARIO CONNECTIONS OBJECT SECONDS: only the contestants that name the scenario.
cache_scenario() {
  local name
  say "scenario $1: $3 at $2 connections, $4 s each (cached)"
  for name in "${CONTESTANTS[@]}"; do
    [[ " $(call "$name" scenarios) " == *" $1 "* ]] || continue
    run_wrk "$1" "$2" "$name" "$3" "$4"
    cache_check "$name" "$3"
    sleep 1
  done
}

# cache_check CONTESTANT OBJECT: the answer carries X-Cache: HIT (the figures are of cache hits).
cache_check() {
  local status
  status=$({ curl -fsS -o /dev/null -D - --max-time 5 "$(call "$1" url)/$2" || true; } |
    tr -d '\r' | sed -n 's/^[Xx]-[Cc]ache: //p')
  [[ $status == HIT ]] || say "  $1: X-Cache is '${status:-absent}', not HIT"
}

cache_scenarios() {
  local joined=0 name
  for name in "${CONTESTANTS[@]}"; do
    [[ " $(call "$name" scenarios) " == *" cached-1KiB "* ]] && joined=1
  done
  [[ $joined == 1 ]] || return 0
  cache_scenario cached-1KiB 16 1k.bin "$DURATION"
  cache_scenario cached-1KiB 64 1k.bin "$DURATION"
  cache_scenario cached-1KiB 256 1k.bin "$DURATION"
  BENCH_PACE_MS=$PACE_MS cache_scenario cached-1KiB-paced "$PACE_CONNECTIONS" 1k.bin "$DURATION"
}

# The cache section of results.md: absolute figures with p95 (from each wrk output's RESULT line),
# and each cache contestant's ratios to nginx_cache.
write_cache_markdown() {
  local md=$OUT/results.md rows=$OUT/cache.tsv
  grep -q '^cached-' "$RAW" || return 0
  : >"$rows"
  local scenario conns name p95 wcpu rest
  while IFS=$'\t' read -r scenario conns name rest; do
    [[ $scenario == cached-* ]] || continue
    p95=$(sed -n 's/^RESULT .*p95_us=\([0-9]*\).*/\1/p' "$OUT/wrk-$scenario-c$conns-$name.txt")
    wcpu=$(sed -n 's/^LOADGEN .*share=\([0-9.]*\).*/\1/p' "$OUT/wrk-$scenario-c$conns-$name.txt")
    printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$scenario" "$conns" "$name" "$rest" "${p95:--}" "${wcpu:--}" \
      >>"$rows"
  done <"$RAW"
  {
    echo
    echo "## Cached GETs"
    echo
    echo "nginx with \`proxy_cache\` (cache on tmpfs, \`proxy_cache_lock on\`, \`proxy_cache_valid 200 10m\`, access log off) and Yatagarasu with its object cache on (\`maxSize: 256MiB\`, bucket \`ttl: 10m\`), both in front of the same origin; every measured request is a cache hit (\`X-Cache: HIT\` checked after each run)."
    echo
    echo "| scenario | conns | contestant | req/s | p50 ms | p95 ms | p99 ms | p99.9 ms | errors | proxy CPU µs/req | wrk CPU |"
    echo "|---|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|"
    # Columns of cache.tsv: those of raw.tsv, then p95_us and the load generator's CPU share.
    awk -F'\t' '{printf "| %s | %s | %s | %s | %.2f | %s | %.2f | %.2f | %s | %s | %s |\n", $1, $2, $3, $6,
      $9 / 1000, ($17 == "-" ? "-" : sprintf("%.2f", $17 / 1000)), $10 / 1000, $11 / 1000, $12, $15,
      ($18 == "-" ? "-" : sprintf("%.0f%%", $18 * 100))}' "$rows"
    echo
    echo "Ratios to $CACHE_REFERENCE (req/s: higher is better; latency and CPU: lower is better):"
    echo
    echo "| scenario | conns | ratio | req/s | p50 | p95 | p99 | proxy CPU/req |"
    echo "|---|---:|---|---:|---:|---:|---:|---:|"
    awk -F'\t' -v ref="$CACHE_REFERENCE" '
      function ratio(a, b) { return (b + 0 > 0 && a != "-") ? sprintf("%.2f", a / b) : "-" }
      { key = $1 SUBSEP $2; row[key, $3] = $0; if (!(key in seen)) { seen[key] = 1; order[++n] = key }
        if (!(($3) in named)) { named[$3] = 1; names[++m] = $3 } }
      END {
        for (i = 1; i <= n; i++) {
          key = order[i]
          if (!((key, ref) in row)) continue
          split(row[key, ref], r, "\t")
          for (j = 1; j <= m; j++) {
            c = names[j]
            if (c == ref || !((key, c) in row)) continue
            split(row[key, c], x, "\t")
            printf "| %s | %s | %s / %s | %s | %s | %s | %s | %s |\n", x[1], x[2], c, ref,
              ratio(x[6], r[6]), ratio(x[9], r[9]), ratio(x[17], r[17]), ratio(x[10], r[10]),
              ratio(x[15], r[15])
          }
        }
      }' "$rows"
  } >>"$md"
  cp "$md" "$RESULTS/latest.md"
}

# joins CONTESTANT SCENARIO: whether the contestant takes part in the scenario.
joins() {
  local only
  only=$(call "$1" scenarios)
  # TLS and HTTP/2 scenarios only for the contestants that name them (bench/run-tls.sh).
  if [[ $2 == tls-* || $2 == h2-* ]]; then
    [[ " $only " == *" $2 "* ]]
    return
  fi
  [[ -z $only || " $only " == *" $2 "* ]]
}

# TLS, HTTP/2 and transport contestants and scenarios.
# shellcheck source=bench/run-tls.sh
source "$ROOT/bench/run-tls.sh"

# The contestant that every other one is compared with (nginx with TLS in the TLS and HTTP/2
# scenarios, where plain nginx does not take part).
REFERENCE=nginx
TLS_REFERENCE=nginx_tls

call() {
  local fn="contestant_$1_$2"
  shift 2
  if declare -F "$fn" >/dev/null; then "$fn" "$@"; fi
}

# ---------------------------------------------------------------------------------------------
# Measurement.
cpu_ticks() {
  local total=0 pid t
  for pid in "$@"; do
    [[ -r /proc/$pid/stat ]] || continue
    # Fields after "pid (comm) ": utime and stime are the 12th and 13th.
    t=$(sed 's/^.*) //' "/proc/$pid/stat" | awk '{print $12 + $13}')
    total=$((total + t))
  done
  echo "$total"
}

rss_kib() {
  local total=0 pid r
  for pid in "$@"; do
    r=$(awk '/^VmRSS:/ {print $2}' "/proc/$pid/status" 2>/dev/null || echo 0)
    total=$((total + ${r:-0}))
  done
  echo "$total"
}

# Java heap in use (KiB): survivor, eden and old generation, from jstat.
heap_kib() {
  jstat -gc "$1" 2>/dev/null | awk 'NR == 2 {printf "%d\n", $3 + $4 + $6 + $8}' || true
}

printf 'scenario\tconnections\tcontestant\trequests\tseconds\trps\tbytes\tgib_per_s\tp50_us\tp99_us\tp999_us\terrors\tproxy_cpu_s\torigin_cpu_s\tproxy_cpu_us_per_req\torigin_cpu_us_per_req\n' >"$RAW"

# run_wrk SCENARIO CONNECTIONS CONTESTANT OBJECT SECONDS [TIMEOUT]
run_wrk() {
  local scenario=$1 conns=$2 name=$3 object=$4 seconds=$5 timeout=${6:-10s}
  local url header_args=() line proxy_pids origin_pids
  url="$(call "$name" url)/$object"
  while IFS= read -r line; do
    [[ -n $line ]] && header_args+=(-H "$line")
  done < <(call "$name" headers)
  # A header of the scenario itself (Connection: close for the handshake scenario).
  [[ -n ${SCENARIO_HEADER:-} ]] && header_args+=(-H "$SCENARIO_HEADER")
  read -r -a proxy_pids <<<"$(call "$name" pids | tr '\n' ' ')"
  read -r -a origin_pids <<<"$(with_children "$ORIGIN_PID_FOR_CPU" | tr '\n' ' ')"
  local p0 o0 p1 o1 out=$OUT/wrk-$scenario-c$conns-$name.txt
  p0=$(cpu_ticks "${proxy_pids[@]}")
  o0=$(cpu_ticks "${origin_pids[@]}")
  local w0 w1
  children_cpu_s >"$OUT/.w0"
  "${ON_LOAD[@]}" wrk -t1 -c"$conns" -d"${seconds}s" --timeout "$timeout" -s "$ROOT/bench/lua/report.lua" \
    "${header_args[@]}" "$url" >"$out" 2>&1 || true
  children_cpu_s >"$OUT/.w1"
  w0=$(<"$OUT/.w0")
  w1=$(<"$OUT/.w1")
  # The load generator's own CPU: a wrk near 100% of its CPU measures its own queueing too.
  awk -v a="$w0" -v b="$w1" -v d="$seconds" 'BEGIN {printf "LOADGEN cpu_s=%.2f share=%.2f\n", b - a, (b - a) / d}' >>"$out"
  p1=$(cpu_ticks "${proxy_pids[@]}")
  o1=$(cpu_ticks "${origin_pids[@]}")
  line=$(grep '^RESULT ' "$out" || true)
  if [[ -z $line ]]; then
    say "  $name: wrk produced no result (see $out)"
    return 0
  fi
  # The RESULT line is integer key=value words, printed by bench/lua/report.lua.
  local requests duration_us bytes errors_connect errors_read errors_write errors_status \
    errors_timeout p50_us p99_us p999_us max_us
  eval "${line#RESULT }"
  local errors=$((errors_connect + errors_read + errors_write + errors_status + errors_timeout))
  awk -v s="$scenario" -v c="$conns" -v n="$name" -v r="$requests" -v d="$duration_us" \
    -v b="$bytes" -v p50="$p50_us" -v p99="$p99_us" -v p999="$p999_us" -v e="$errors" \
    -v pt=$((p1 - p0)) -v ot=$((o1 - o0)) -v hz="$CLK_TCK" -v np="${#proxy_pids[@]}" \
    'BEGIN {
      sec = d / 1e6; rps = r / sec; gib = b / sec / 1073741824
      pcs = pt / hz; ocs = ot / hz
      pcpu = (np > 0 && r > 0) ? sprintf("%.1f", pcs * 1e6 / r) : "-"
      ocpu = (r > 0) ? sprintf("%.1f", ocs * 1e6 / r) : "-"
      printf "%s\t%s\t%s\t%d\t%.2f\t%.1f\t%d\t%.3f\t%d\t%d\t%d\t%d\t%s\t%.2f\t%s\t%s\n",
        s, c, n, r, sec, rps, b, gib, p50, p99, p999, e, (np > 0 ? sprintf("%.2f", pcs) : "-"),
        ocs, pcpu, ocpu
    }' >>"$RAW"
  local share
  share=$(sed -n 's/^LOADGEN .*share=\([0-9.]*\).*/\1/p' "$out")
  tail -n 1 "$RAW" | awk -F'\t' -v w="${share:--}" '{if (w != "-") w = sprintf("%.0f%%", w * 100); printf "  %-12s %8s req/s  %7.3f GiB/s  p50 %6.2f ms  p99 %7.2f ms  p99.9 %7.2f ms  errors %s  CPU/req proxy %s us origin %s us  wrk CPU %s\n",
    $3, $6, $8, $9 / 1000, $10 / 1000, $11 / 1000, $12, $15, $16, w}'
}

# children_cpu_s: user + system seconds of this shell's finished children (bash's `times`).
children_cpu_s() {
  # A builtin with a redirection runs in this shell; in a pipe it would run in a subshell, which
  # has no finished children of its own.
  times >"$OUT/.times"
  awk 'NR == 2 {
    t = 0
    for (i = 1; i <= 2; i++) { split($i, p, "m"); sub("s", "", p[2]); t += p[1] * 60 + p[2] }
    printf "%.3f\n", t
  }' "$OUT/.times"
}

# scenario SCENARIO CONNECTIONS OBJECT SECONDS [TIMEOUT]: every contestant in turn.
scenario() {
  local name
  say "scenario $1: $3 at $2 connections, $4 s each"
  for name in "${CONTESTANTS[@]}"; do
    joins "$name" "$1" || continue
    run_wrk "$1" "$2" "$name" "$3" "$4" "${5:-10s}"
    sleep 1
  done
}

# slow_clients CONTESTANT: SLOW_CLIENTS downloads of the 1 GiB object, each paced at SLOW_RATE,
# for SLOW_DURATION seconds; the contestant's RSS (and Java heap) sampled every 2 s.
slow_clients() {
  local name=$1 url pids samples=$OUT/slow-clients-$name.tsv i
  url="$(call "$name" url)/1g.bin"
  read -r -a pids <<<"$(call "$name" pids | tr '\n' ' ')"
  ((${#pids[@]} > 0)) || return 0
  say "scenario slow-clients: $SLOW_CLIENTS x 1 GiB at $SLOW_RATE/s each, $SLOW_DURATION s, $name"
  local header_args=() line
  while IFS= read -r line; do
    [[ -n $line ]] && header_args+=(-H "$line")
  done < <(call "$name" headers)
  printf 'second\trss_kib\theap_kib\n' >"$samples"
  local clients=()
  for i in $(seq 1 "$SLOW_CLIENTS"); do
    "${ON_LOAD[@]}" curl -s -o /dev/null --limit-rate "$SLOW_RATE" --max-time "$SLOW_DURATION" \
      "${header_args[@]}" "$url" &
    clients+=($!)
    track $!
  done
  local start=$SECONDS heap
  for i in $(seq 0 2 "$SLOW_DURATION"); do
    heap=-
    if [[ $name == yatagarasu* ]]; then heap=$(heap_kib "${pids[0]}"); fi
    printf '%d\t%d\t%s\n' $((SECONDS - start)) "$(rss_kib "${pids[@]}")" "${heap:--}" >>"$samples"
    sleep 2
  done
  for i in "${clients[@]}"; do
    wait "$i" 2>/dev/null || true
  done
  awk -F'\t' -v n="$name" 'NR > 1 {
      if (NR == 2) first = $2; last = $2; if ($2 > max) max = $2
      if ($3 != "-" && $3 > hmax) hmax = $3
    }
    END { printf "  %-12s RSS start %.0f MiB, max %.0f MiB, end %.0f MiB; heap max %s\n",
      n, first / 1024, max / 1024, last / 1024, (hmax > 0 ? sprintf("%.0f MiB", hmax / 1024) : "-") }' \
    "$samples" | tee -a "$OUT/slow-clients-summary.txt"
}

# ---------------------------------------------------------------------------------------------
# The s3proxy origin: SigV4 checked on every request, objects in memory.
start_s3proxy() {
  cat >"$WORK/s3proxy.conf" <<EOF
s3proxy.authorization=aws-v4
s3proxy.endpoint=http://127.0.0.1:$S3PROXY_PORT
s3proxy.identity=$S3_KEY
s3proxy.credential=$S3_SECRET
jclouds.provider=transient
EOF
  "${ON_SERVERS[@]}" java -Xmx512m -XX:+UseSerialGC -jar "$S3PROXY_JAR" --properties "$WORK/s3proxy.conf" \
    >"$OUT/s3proxy.log" 2>&1 &
  S3PROXY_PID=$!
  track "$S3PROXY_PID"
  local sign=(--aws-sigv4 "aws:amz:us-east-1:s3" --user "$S3_KEY:$S3_SECRET"
    -H "x-amz-content-sha256: UNSIGNED-PAYLOAD")
  for _ in $(seq 1 100); do
    if curl -fsS -o /dev/null --max-time 1 "${sign[@]}" -X PUT \
      "http://127.0.0.1:$S3PROXY_PORT/bench" 2>/dev/null; then
      break
    fi
    sleep 0.2
  done
  local object
  for object in 1k.bin 1m.bin; do
    curl -fsS -o /dev/null --max-time 30 "${sign[@]}" -T "$OBJECTS/data/$object" \
      "http://127.0.0.1:$S3PROXY_PORT/bench/$object" || die "cannot upload $object to s3proxy"
  done
  wait_http "http://127.0.0.1:$YATA_PORT/s3/1k.bin" "Yatagarasu in front of s3proxy"
}
contestant_yatagarasu_s3proxy_url() { echo "http://127.0.0.1:$YATA_PORT/s3"; }
contestant_yatagarasu_s3proxy_pids() { echo "$YATA_PID"; }

# ---------------------------------------------------------------------------------------------
# Markdown.
write_markdown() {
  local md=$OUT/results.md
  {
    echo "# Load benchmark $RUN_ID"
    echo
    echo "- Machine: $(nproc) CPUs, $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1), kernel $(uname -r)"
    echo "- $(java -version 2>&1 | head -1); $(nginx -v 2>&1); $(wrk -v 2>&1 | head -1 | cut -d' ' -f1-2)"
    echo "- Proxy source: $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || cat "$ROOT/COMMIT" 2>/dev/null || echo unknown)"
    echo "- Load before the run: $LOAD_BEFORE"
    if [[ -n $SERVER_CPUS ]]; then
      echo "- CPU placement (taskset): servers (proxy and origin) on CPU $SERVER_CPUS, load generator on CPU $LOAD_CPUS"
    elif [[ $PIN == 0 ]]; then
      echo "- CPU placement: none (BENCH_PIN=0): every process free to use all $(nproc) CPUs"
    else
      echo "- CPU placement: none (fewer than 2 CPUs)"
    fi
    echo "- Yatagarasu JVM options: \`$JAVA_OPTS\`; access log off; nginx: $NGINX_WORKERS worker(s) each, access_log off"
    echo "- TLS scenarios: one EC P-256 certificate for every contestant; HTTP/2: h2load, $H2_CONNECTIONS connections x $H2_STREAMS streams"
    echo "- wrk: 1 thread; $DURATION s per small-object scenario, $BIG_DURATION s for 256 MiB; warm-up at 256, 64 and 16 connections before measuring (and with a new connection per request, and over HTTP/2, before those scenarios)"
    echo "- CPU/req: user + system time of the contestant's processes (/proc/PID/stat) over the run, divided by requests; origin CPU likewise for the origin"
    echo
    echo "| scenario | conns | contestant | req/s | GiB/s | p50 ms | p99 ms | p99.9 ms | errors | proxy CPU µs/req | origin CPU µs/req |"
    echo "|---|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|"
    awk -F'\t' 'NR > 1 {printf "| %s | %s | %s | %s | %.3f | %.2f | %.2f | %.2f | %s | %s | %s |\n",
      $1, $2, $3, $6, $8, $9 / 1000, $10 / 1000, $11 / 1000, $12, $15, $16}' "$RAW"
    echo
    echo "Ratios to nginx proxy_pass, with TLS in the tls-* and h2-* scenarios (req/s and GiB/s: higher is better; latency and CPU: lower is better):"
    echo
    echo "| scenario | conns | ratio | req/s | GiB/s | p50 | p99 | p99.9 | proxy CPU/req |"
    echo "|---|---:|---|---:|---:|---:|---:|---:|---:|"
    awk -F'\t' -v plain_ref="$REFERENCE" -v tls_ref="$TLS_REFERENCE" '
      function ratio(a, b) { return (b + 0 > 0 && a != "-") ? sprintf("%.2f", a / b) : "-" }
      NR > 1 { key = $1 SUBSEP $2; row[key, $3] = $0; if (!(key in seen)) { seen[key] = 1; order[++n] = key }
               if (!(($3) in named)) { named[$3] = 1; names[++m] = $3 } }
      END {
        for (i = 1; i <= n; i++) {
          key = order[i]
          ref = ((key, plain_ref) in row) ? plain_ref : tls_ref
          if (!((key, ref) in row)) continue
          split(row[key, ref], r, "\t")
          for (j = 1; j <= m; j++) {
            c = names[j]
            if (c == ref || c == "origin" || !((key, c) in row)) continue
            split(row[key, c], x, "\t")
            printf "| %s | %s | %s / %s | %s | %s | %s | %s | %s | %s |\n", x[1], x[2], c, ref,
              ratio(x[6], r[6]), ratio(x[8], r[8]), ratio(x[9], r[9]), ratio(x[10], r[10]),
              ratio(x[11], r[11]), ratio(x[15], r[15])
          }
        }
      }' "$RAW"
    if [[ -f $OUT/slow-clients-summary.txt ]]; then
      echo
      echo "Slow clients: $SLOW_CLIENTS concurrent downloads of the 1 GiB object, each paced at $SLOW_RATE/s (curl --limit-rate), $SLOW_DURATION s; RSS of the contestant's processes sampled every 2 s (raw samples in slow-clients-*.tsv):"
      echo
      sed 's/^ */- /' "$OUT/slow-clients-summary.txt"
    fi
  } >"$md"
  cp "$md" "$RESULTS/latest.md"
  say "wrote $md (and $RESULTS/latest.md); raw numbers in $RAW"
}

# ---------------------------------------------------------------------------------------------
main() {
  local began=$SECONDS name
  LOAD_BEFORE="$(cut -d' ' -f1-3 /proc/loadavg) (1/5/15 min load average)"
  say "run $RUN_ID; results in $OUT"
  say "load average before: $LOAD_BEFORE"
  if [[ -n $SERVER_CPUS ]]; then
    say "taskset: servers on CPU $SERVER_CPUS, load generator on CPU $LOAD_CPUS"
  fi
  install_tools
  build_proxy
  check_ports
  make_objects
  start_origin
  ORIGIN_PID_FOR_CPU=$PID_origin
  for name in "${CONTESTANTS[@]}"; do
    call "$name" start
  done
  for name in "${CONTESTANTS[@]}"; do
    local warm
    warm=$(call "$name" warmup)
    warm=${warm:-3}
    say "warm-up $name: $warm s"
    local header_args=() line
    while IFS= read -r line; do
      [[ -n $line ]] && header_args+=(-H "$line")
    done < <(call "$name" headers)
    # At the largest connection count, so every connection pool is as full as it will get.
    "${ON_LOAD[@]}" wrk -t1 -c256 -d"${warm}s" "${header_args[@]}" "$(call "$name" url)/1k.bin" \
      >/dev/null 2>&1 || true
    local more=$((warm / 3 > 3 ? warm / 3 : 3))
    # Then at the other connection counts, a third as long each: the measured runs close and open
    # connections, and a JVM that has never seen that recompiles its event loop's hot methods in
    # the first measured seconds (the C2 compiler then takes CPU from the event loop and the
    # 16-connection p99 triples; see docs/benchmarks.md#warm-up-with-connection-churn).
    local conns
    for conns in 64 16; do
      "${ON_LOAD[@]}" wrk -t1 -c"$conns" -d"${more}s" "${header_args[@]}" "$(call "$name" url)/1k.bin" \
        >/dev/null 2>&1 || true
    done
    # A new TLS connection per request runs code no keep-alive request does (the engine's set-up,
    # the handshake, the channel's pipeline): the JIT took about 30 s of such traffic to compile
    # it, and without this the C2 compiler used half of the proxy's CPU in the measured seconds.
    if joins "$name" tls-handshake-1KiB; then
      "${ON_LOAD[@]}" wrk -t1 -c16 -d"${warm}s" -H "Connection: close" "${header_args[@]}" \
        "$(call "$name" url)/1k.bin" >/dev/null 2>&1 || true
    fi
    # HTTP/2 likewise (the codec, the stream channels): about 16 s of h2load before C2 was done.
    if joins "$name" h2-1KiB; then
      "${ON_LOAD[@]}" timeout $((warm + 30)) h2load -t1 -c"$H2_CONNECTIONS" -m"$H2_STREAMS" \
        -D "$warm" "$(call "$name" url)/1k.bin" >/dev/null 2>&1 || true
    fi
    # Then the paths of the larger objects and of range requests (206).
    if joins "$name" 1MiB; then
      "${ON_LOAD[@]}" wrk -t1 -c16 -d"${more}s" "${header_args[@]}" "$(call "$name" url)/1m.bin" \
        >/dev/null 2>&1 || true
    fi
    if joins "$name" range-1MiB-of-1GiB; then
      BENCH_RANGE_OBJECT_BYTES=$GIB BENCH_RANGE_BYTES=$MIB "${ON_LOAD[@]}" wrk -t1 -c16 \
        -d"${more}s" -s "$ROOT/bench/lua/report.lua" "${header_args[@]}" \
        "$(call "$name" url)/1g.bin" >/dev/null 2>&1 || true
    fi
  done

  scenario 1KiB 16 1k.bin "$DURATION"
  scenario 1KiB 64 1k.bin "$DURATION"
  scenario 1KiB 256 1k.bin "$DURATION"
  tls_scenarios
  scenario 1MiB 16 1m.bin "$DURATION"
  scenario 256MiB 8 256m.bin "$BIG_DURATION" 60s
  BENCH_RANGE_OBJECT_BYTES=$GIB BENCH_RANGE_BYTES=$MIB \
    scenario range-1MiB-of-1GiB 16 1g.bin "$DURATION"

  cache_scenarios

  for name in "${CONTESTANTS[@]}"; do
    joins "$name" slow-clients && slow_clients "$name"
  done

  if [[ " ${CONTESTANTS[*]} " == *" yatagarasu "* ]]; then
    say "s3proxy origin (SigV4 checked): only Yatagarasu can sign, so it runs alone"
    start_s3proxy
    ORIGIN_PID_FOR_CPU=$S3PROXY_PID
    "${ON_LOAD[@]}" wrk -t1 -c16 -d"${WARMUP}s" "$(contestant_yatagarasu_s3proxy_url)/1k.bin" >/dev/null 2>&1 || true
    run_wrk s3proxy-1KiB 64 yatagarasu_s3proxy 1k.bin "$DURATION"
    run_wrk s3proxy-1MiB 16 yatagarasu_s3proxy 1m.bin "$DURATION"
  fi

  write_markdown
  write_cache_markdown
  say "done in $((SECONDS - began)) s"
}

main
