#!/usr/bin/env bash
# Soak: Yatagarasu under mixed load for a bounded time while its configuration is swapped, a
# bucket's credentials are rotated and the S3 origin fails; resources sampled every 10 s.
#
#   bench/soak.sh DURATION [--no-build] [--no-install]     DURATION: 90s, 30m, 1h, 72h...
#   bench/soak.sh --report=DIR       analyse the results of an earlier soak in DIR again
#
# Origin: s3proxy (SigV4 checked on every request; objects on disk). Yatagarasu (the jar built from
# this checkout) serves /pub (public), /jwt (RS256 token, a key made by the script), /cached (the
# object cache on) and /extra-a or -b on the main s3proxy, and /rot on a second one whose key rotates.
# Load, all on 127.0.0.1, paced so the soak does not saturate the machine:
#   wrk: 1 KiB GETs on /pub, /jwt, /cached and /rot; 64 KiB ranges of a 64 MiB object; 404s
#   curl: whole 16 MiB downloads (size checked), slow clients (16 MiB at 1 MiB/s each)
# Events:
#   every SOAK_SWAP_EVERY s (30)      PUT /admin/config with the other of two documents
#   every SOAK_ROTATE_EVERY s (300)   credential rotation of /rot: a new s3proxy with a new key on
#                                     the same data, the configuration pushed with it, the old
#                                     s3proxy (old key) stopped
#   every SOAK_FAULT_EVERY s (300)    alternately: the main s3proxy killed and restarted, or
#                                     stalled (SIGSTOP) for SOAK_STALL_SECONDS (8), then SIGCONT
# Every 10 s one CSV row: RSS, heap after a full GC (jcmd GC.run, every 60 s), direct memory,
# threads, file descriptors, connections to S3 and from clients, request and error counters. At the end: a PNG
# of the series (gnuplot), the drift per hour of each after the warm-up, the fd and connection
# counts around each fault, and the errors outside the fault windows.
#
# Environment (all optional): SOAK_PORT_BASE (19400; uses 5 ports), SOAK_WORK
# (/tmp/yatagarasu-soak), SOAK_RESULTS (bench/results), SOAK_JAVA_OPTS (-Xms256m -Xmx256m
# -XX:+AlwaysPreTouch -XX:+UseSerialGC -XX:TrimNativeHeapInterval=60000), SOAK_WARMUP (seconds left out of the drift: 600, or a
# fifth of a shorter run), SOAK_FAULT_GRACE (40: seconds after a fault whose errors count as the
# fault's), SOAK_SWAP_EVERY, SOAK_ROTATE_EVERY, SOAK_FAULT_EVERY, SOAK_STALL_SECONDS,
# SOAK_SAMPLE_EVERY (10), SOAK_GC_EVERY (60).
set -euo pipefail

# shellcheck source=bench/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
DURATION_ARG=
REPORT_DIR=
script_option() {
  case "$1" in
    --report=*) REPORT_DIR=${1#--report=} ;;
    [0-9]*) DURATION_ARG=$1 ;;
    *) return 1 ;;
  esac
}
COMMON_OPTIONS="--no-build --no-install"
parse_options 2,31 'unknown argument: %s (expected: DURATION, --no-build, --no-install)' "$@"
[[ -n $DURATION_ARG || -n $REPORT_DIR ]] || {
  echo "usage: bench/soak.sh DURATION [--no-build] [--no-install]   (e.g. 90s, 30m, 1h, 72h)" >&2
  exit 2
}

# DURATION: a whole number with s, m, h or d (no unit: seconds).
to_seconds() {
  local v=$1
  case "$v" in
    *d) echo $((${v%d} * 86400)) ;;
    *h) echo $((${v%h} * 3600)) ;;
    *m) echo $((${v%m} * 60)) ;;
    *s) echo "${v%s}" ;;
    *) echo "$v" ;;
  esac
}
if [[ -n $REPORT_DIR ]]; then
  [[ -f $REPORT_DIR/samples.csv ]] || {
    echo "no samples.csv in $REPORT_DIR" >&2
    exit 2
  }
  DURATION_ARG=$(awk -F, 'NR > 1 {t = $1} END {print t "s"}' "$REPORT_DIR/samples.csv")
fi
DURATION=$(to_seconds "$DURATION_ARG")
if ! [[ $DURATION =~ ^[0-9]+$ ]] || ((DURATION < 30)); then
  echo "DURATION must be at least 30s (got $DURATION_ARG)" >&2
  exit 2
fi

PORT_BASE=${SOAK_PORT_BASE:-19400}
WORK=${SOAK_WORK:-/tmp/yatagarasu-soak}
RESULTS=${SOAK_RESULTS:-$ROOT/bench/results}
# The heap is committed and touched at start (-Xms = -Xmx, AlwaysPreTouch), so RSS does not creep
# up over the first hours as the collector first writes to heap pages it committed long before:
# what RSS still gains is memory outside the heap (the leaks a soak looks for).
# The native heap is trimmed every minute as in the images (lib.sh, trim_native_heap_option).
JAVA_OPTS=${SOAK_JAVA_OPTS:--Xms256m -Xmx256m -XX:+AlwaysPreTouch -XX:+UseSerialGC $(trim_native_heap_option)}
SAMPLE_EVERY=${SOAK_SAMPLE_EVERY:-10}
SWAP_EVERY=${SOAK_SWAP_EVERY:-30}
ROTATE_EVERY=${SOAK_ROTATE_EVERY:-300}
FAULT_EVERY=${SOAK_FAULT_EVERY:-300}
STALL_SECONDS=${SOAK_STALL_SECONDS:-8}
# After a restart the upstream's circuit breaker, opened while S3 was down, stays open for its
# openDuration (30 s by default) once S3 answers again, and answers 503 meanwhile: by design, so
# those seconds belong to the fault.
FAULT_GRACE=${SOAK_FAULT_GRACE:-40}
if [[ -n ${SOAK_WARMUP:-} ]]; then
  WARMUP=$SOAK_WARMUP
elif ((DURATION >= 3000)); then
  WARMUP=600
else
  WARMUP=$((DURATION / 5))
fi

DATA_PORT=$PORT_BASE
ADMIN_PORT=$((PORT_BASE + 1))
S3_PORT=$((PORT_BASE + 2))
ROT_PORTS=($((PORT_BASE + 3)) $((PORT_BASE + 4)))
S3_KEY=soak-access-key
S3_SECRET=soak-secret-key
BUCKET=soak

if [[ -n $REPORT_DIR ]]; then
  OUT=$(cd "$REPORT_DIR" && pwd)
  RUN_ID=$(basename "$OUT")
  mkdir -p "$WORK"
else
  RUN_ID=soak-$(date -u +%Y%m%dT%H%M%SZ)
  OUT=$RESULTS/$RUN_ID
  mkdir -p "$OUT" "$WORK"
  exec > >(tee -a "$OUT/soak.log") 2>&1
fi

install_tools() { install_missing wrk gnuplot:gnuplot-nox curl openssl jq; }

build_proxy() {
  # A jar already built is used as it is.
  [[ ! -f $ROOT/proxy/target/yatagarasu-proxy.jar ]] || BUILD=0
  build_proxy_jar
  SOURCE_COMMIT=$(git -C "$ROOT" log -1 --format=%h -- proxy config 2>/dev/null || echo unknown)
  SOURCE_COMMIT="$SOURCE_COMMIT (last commit touching proxy/ or config/ when the soak started)"
  # The soak runs copies of the jar and of the wrk script, so a build or an edit in the checkout
  # during a long soak does not change what runs.
  cp "$PROXY_JAR" "$WORK/yatagarasu-proxy.jar"
  PROXY_JAR=$WORK/yatagarasu-proxy.jar
  cp "$ROOT/bench/lua/soak.lua" "$WORK/soak.lua"
  S3PROXY_JAR=$ROOT/proxy/target/s3proxy/s3proxy.jar
  if [[ ! -f $S3PROXY_JAR ]]; then
    S3PROXY_JAR=${HOME}/.m2/repository/org/gaul/s3proxy/4.1.0/s3proxy-4.1.0-jar-with-dependencies.jar
  fi
  [[ -f $S3PROXY_JAR ]] || die "no s3proxy jar (build the proxy module once: it fetches it)"
}

check_ports() { check_free_ports SOAK_PORT_BASE "$DATA_PORT" "$ADMIN_PORT" "$S3_PORT" "${ROT_PORTS[@]}"; }

# ---------------------------------------------------------------------------------------------
# s3proxy: one data directory shared by every instance; each instance checks one identity.
S3DATA=$WORK/s3data
OBJECTS=$WORK/objects
make_objects() {
  mkdir -p "$OBJECTS"
  local spec name size
  for spec in 1k.bin:1024 16m.bin:$((16 << 20)) 64m.bin:$((64 << 20)); do
    name=${spec%%:*}
    size=${spec#*:}
    if [[ ! -f $OBJECTS/$name || $(stat -c %s "$OBJECTS/$name") != "$size" ]]; then
      head -c "$size" /dev/urandom >"$OBJECTS/$name"
    fi
  done
}

# start_s3proxy PORT KEY SECRET: starts an instance and prints its pid (the caller tracks it).
start_s3proxy() {
  local port=$1 key=$2 secret=$3 conf=$WORK/s3proxy-$1.conf
  cat >"$conf" <<EOF
s3proxy.authorization=aws-v4
s3proxy.endpoint=http://127.0.0.1:$port
s3proxy.identity=$key
s3proxy.credential=$secret
jclouds.provider=filesystem-nio2
jclouds.filesystem.basedir=$S3DATA
EOF
  LOG_LEVEL=warn java -Xmx256m -XX:+UseSerialGC -jar "$S3PROXY_JAR" --properties "$conf" \
    >>"$OUT/s3proxy-$port.log" 2>&1 &
  echo $!
}

# s3_answers PORT KEY SECRET: whether the instance answers a signed request.
s3_answers() {
  curl -fsS -o /dev/null --max-time 5 --aws-sigv4 "aws:amz:us-east-1:s3" --user "$2:$3" \
    -H "x-amz-content-sha256: UNSIGNED-PAYLOAD" "http://127.0.0.1:$1/$BUCKET/1k.bin" 2>/dev/null
}

wait_s3proxy() {
  local i
  for i in $(seq 1 300); do
    curl -s -o /dev/null --max-time 1 "http://127.0.0.1:$1/" 2>/dev/null && return 0
    sleep 0.2
  done
  die "s3proxy on port $1 did not answer within 60 s"
}

upload_objects() {
  local sign=(--aws-sigv4 "aws:amz:us-east-1:s3" --user "$S3_KEY:$S3_SECRET"
    -H "x-amz-content-sha256: UNSIGNED-PAYLOAD")
  curl -sS -o /dev/null --max-time 10 "${sign[@]}" -X PUT "http://127.0.0.1:$S3_PORT/$BUCKET" ||
    die "cannot create the bucket"
  local name
  for name in 1k.bin 16m.bin 64m.bin; do
    curl -fsS -o /dev/null --max-time 120 "${sign[@]}" -T "$OBJECTS/$name" \
      "http://127.0.0.1:$S3_PORT/$BUCKET/$name" || die "cannot upload $name"
  done
}

# ---------------------------------------------------------------------------------------------
# The JWT: an RS256 token signed by a key made here, valid for the whole run.
b64url() { openssl base64 -A | tr '+/' '-_' | tr -d '='; }
make_jwt() {
  openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$WORK/jwt-key.pem" 2>/dev/null
  openssl pkey -in "$WORK/jwt-key.pem" -pubout -out "$WORK/jwt-public.pem"
  local header payload signature
  header=$(printf '{"alg":"RS256","typ":"JWT","kid":"soak"}' | b64url)
  payload=$(printf '{"iss":"https://issuer.soak.local","sub":"soak","aud":"soak","exp":%d}' \
    $((EPOCHSECONDS + DURATION + 3600)) | b64url)
  signature=$(printf '%s.%s' "$header" "$payload" |
    openssl dgst -sha256 -sign "$WORK/jwt-key.pem" -binary | b64url)
  JWT_TOKEN="$header.$payload.$signature"
}

# ---------------------------------------------------------------------------------------------
# The configuration: two variants (a and b) that differ in an extra bucket and the cache TTL, and
# the /rot bucket on the current rotating s3proxy with its current key.
ADMIN_TOKEN=soak-admin-token-0123456789abcdef
GENERATION=1
ROT_INDEX=0
ROT_KEY=rot-key-0
ROT_SECRET=rot-secret-0
VARIANT=a

bucket_json() { # NAME PREFIX PORT KEY SECRET AUTH CACHE_JSON
  printf '{"name":"%s","pathPrefix":"%s","s3":{"bucket":"%s","region":"us-east-1","endpoint":"http://127.0.0.1:%s","pathStyle":true,"credentials":{"accessKeyId":"%s","secretAccessKey":"%s"}},"auth":{"type":"%s"},"cache":%s}' \
    "$1" "$2" "$BUCKET" "$3" "$4" "$5" "$6" "$7"
}

config_json() {
  local ttl=60s
  [[ $VARIANT == b ]] && ttl=90s
  cat <<EOF
{"generation":$GENERATION,
 "server":{"listen":"127.0.0.1:$DATA_PORT"},
 "admin":{"listen":"127.0.0.1:$ADMIN_PORT","tokenFile":"$WORK/admin-token"},
 "logging":{"format":"json","accessLog":false},
 "cache":{"enabled":true,"maxSize":"64MiB"},
 "jwt":{"issuers":[{"name":"soak","issuer":"https://issuer.soak.local","audiences":["soak"],
   "keys":[{"kid":"soak","algorithm":"RS256","publicKey":$(jq -Rs . <"$WORK/jwt-public.pem")}]}]},
 "buckets":[
  $(bucket_json pub /pub "$S3_PORT" "$S3_KEY" "$S3_SECRET" public '{"enabled":false}'),
  $(bucket_json jwt /jwt "$S3_PORT" "$S3_KEY" "$S3_SECRET" jwt '{"enabled":false}'),
  $(bucket_json cached /cached "$S3_PORT" "$S3_KEY" "$S3_SECRET" public "{\"enabled\":true,\"ttl\":\"$ttl\"}"),
  $(bucket_json rot /rot "${ROT_PORTS[$ROT_INDEX]}" "$ROT_KEY" "$ROT_SECRET" public '{"enabled":false}'),
  $(bucket_json "extra-$VARIANT" "/extra-$VARIANT" "$S3_PORT" "$S3_KEY" "$S3_SECRET" public '{"enabled":false}')
 ]}
EOF
}

# push_config: PUT the current document; logs and counts a refusal.
PUSH_FAILURES=0
push_config() {
  GENERATION=$((GENERATION + 1))
  config_json >"$WORK/config-push.json"
  local status
  status=$(curl -s -o "$WORK/push-answer.txt" -w '%{http_code}' --max-time 10 -X PUT \
    -H "Authorization: Bearer $ADMIN_TOKEN" -H "X-Config-Generation: $GENERATION" \
    -H 'Content-Type: application/json' --data-binary @"$WORK/config-push.json" \
    "http://127.0.0.1:$ADMIN_PORT/admin/config" || echo 000)
  if [[ $status != 200 ]]; then
    PUSH_FAILURES=$((PUSH_FAILURES + 1))
    say "configuration push (generation $GENERATION) answered $status: $(head -c 300 "$WORK/push-answer.txt")"
    return 1
  fi
}

PROXY_PID=
start_proxy() {
  printf '%s\n' "$ADMIN_TOKEN" >"$WORK/admin-token"
  chmod 600 "$WORK/admin-token"
  config_json >"$WORK/config.json"
  # shellcheck disable=SC2086 # JAVA_OPTS is a list of options
  java $JAVA_OPTS -jar "$PROXY_JAR" --config "$WORK/config.json" >"$OUT/yatagarasu.log" 2>&1 &
  PROXY_PID=$!
  track "$PROXY_PID"
  local i
  for i in $(seq 1 150); do
    curl -fs -o /dev/null --max-time 1 "http://127.0.0.1:$ADMIN_PORT/ready" 2>/dev/null && return 0
    kill -0 "$PROXY_PID" 2>/dev/null || die "Yatagarasu exited (see $OUT/yatagarasu.log)"
    sleep 0.2
  done
  die "Yatagarasu was not ready within 30 s"
}

# ---------------------------------------------------------------------------------------------
# Load. Each generator loops until END and appends one line per wrk run (10 s) or curl request to
# $OUT/load.tsv: generator, start and end (epoch s), requests, expected answers, other answers,
# transport errors.
LOAD=$OUT/load.tsv
END=0

wrk_loop() { # NAME CONNECTIONS DELAY_MS URL [wrk args...] (extra SOAK_* variables in the environment)
  local name=$1 conns=$2 delay=$3 url=$4
  shift 4
  local out=$WORK/wrk-$name.txt start now left line
  while :; do
    now=$EPOCHSECONDS
    left=$((END - now))
    ((left >= 2)) || break
    ((left > 10)) && left=10
    start=$now
    SOAK_DELAY_MS=$delay wrk -t1 -c"$conns" -d"${left}s" --timeout 30s -s "$WORK/soak.lua" \
      "$@" "$url" >"$out" 2>&1 || true
    line=$(grep '^SOAK ' "$out" || true)
    if [[ -z $line ]]; then
      printf '%s\t%d\t%d\t0\t0\t0\t1\n' "$name" "$start" "$EPOCHSECONDS" >>"$LOAD"
      sleep 1
      continue
    fi
    local requests ok unexpected errors_connect errors_read errors_write errors_timeout
    eval "${line#SOAK }"
    printf '%s\t%d\t%d\t%d\t%d\t%d\t%d\n' "$name" "$start" "$EPOCHSECONDS" "$requests" "$ok" \
      "$unexpected" $((errors_connect + errors_read + errors_write + errors_timeout)) >>"$LOAD"
  done
}

curl_loop() { # NAME PAUSE_S EXPECTED_BYTES URL [curl args...]
  local name=$1 pause=$2 bytes=$3 url=$4
  shift 4
  local start result code size rc
  while ((EPOCHSECONDS < END - 2)); do
    start=$EPOCHSECONDS
    rc=0
    result=$(curl -s -o /dev/null -w '%{http_code} %{size_download}' --max-time 120 "$@" "$url") || rc=$?
    code=${result%% *}
    size=${result##* }
    if [[ $rc == 0 && $code == 200 && $size == "$bytes" ]]; then
      printf '%s\t%d\t%d\t1\t1\t0\t0\n' "$name" "$start" "$EPOCHSECONDS" >>"$LOAD"
    elif [[ $rc == 0 ]]; then
      printf '%s\t%d\t%d\t1\t0\t1\t0\n' "$name" "$start" "$EPOCHSECONDS" >>"$LOAD"
    else
      printf '%s\t%d\t%d\t1\t0\t0\t1\n' "$name" "$start" "$EPOCHSECONDS" >>"$LOAD"
    fi
    sleep "$pause"
  done
}

GEN_PIDS=()
gen() {
  track "$1"
  GEN_PIDS+=("$1")
}
start_load() {
  local base=http://127.0.0.1:$DATA_PORT
  printf 'generator\tstart\tend\trequests\tok\tunexpected\ttransport_errors\n' >"$LOAD"
  wrk_loop small-pub 8 5 "$base/pub/1k.bin" &
  gen $!
  wrk_loop small-jwt 4 10 "$base/jwt/1k.bin" -H "Authorization: Bearer $JWT_TOKEN" &
  gen $!
  wrk_loop small-cached 4 10 "$base/cached/1k.bin" &
  gen $!
  wrk_loop small-rot 4 10 "$base/rot/1k.bin" &
  gen $!
  SOAK_RANGE_OBJECT_BYTES=$((64 << 20)) SOAK_RANGE_BYTES=65536 \
    wrk_loop range-pub 4 20 "$base/pub/64m.bin" &
  gen $!
  SOAK_MISSING=1 wrk_loop notfound 2 50 "$base/pub/1k.bin" &
  gen $!
  curl_loop large-pub 1 $((16 << 20)) "$base/pub/16m.bin" &
  gen $!
  curl_loop large-cached-bypass 2 $((16 << 20)) "$base/cached/16m.bin" &
  gen $!
  local i
  for i in 1 2 3 4; do
    curl_loop "slow-$i" 1 $((16 << 20)) "$base/pub/16m.bin" --limit-rate 1M &
    gen $!
  done
}

# ---------------------------------------------------------------------------------------------
# Samples.
CSV=$OUT/samples.csv
metric_sum() { # FILE REGEX: the sum of the values of the matching series
  awk -v re="$2" '$0 !~ /^#/ && $1 ~ re {s += $NF} END {printf "%.0f", s}' "$1"
}

# One CSV row. Few processes per sample (curl, ss, one awk; the rest is bash built-ins): on a
# loaded machine every process started waits for a CPU, and a sample must not take seconds.
sample() {
  local now rss=0 threads=0 key value rest heap=0 fds
  now=$EPOCHSECONDS
  while read -r key value rest; do
    case "$key" in
      VmRSS:) rss=$value ;;
      Threads:) threads=$value ;;
    esac
  done <"/proc/$PROXY_PID/status"
  fds=(/proc/"$PROXY_PID"/fd/*)
  read -r load1 _ </proc/loadavg
  if [[ -f $WORK/heap-after-gc ]]; then read -r heap <"$WORK/heap-after-gc" || true; fi
  {
    curl -s --max-time 5 "http://127.0.0.1:$ADMIN_PORT/metrics" 2>/dev/null || true
    echo "#SS"
    ss -Htn state established 2>/dev/null || true
  } | awk -v t=$((now - T0)) -v now="$now" -v load1="$load1" -v rss="$rss" -v heap="$heap" \
    -v threads="$threads" -v fds="${#fds[@]}" -v s3="$S3_PORT" -v r0="${ROT_PORTS[0]}" \
    -v r1="${ROT_PORTS[1]}" -v data="$DATA_PORT" '
    $0 == "#SS" { ss = 1; next }
    ss {
      # Local address, then peer address: a connection to an s3proxy, or from a client to us.
      n = split($3, l, ":"); m = split($4, p, ":")
      if (p[m] == s3 || p[m] == r0 || p[m] == r1) uptcp++
      if (l[n] == data) cltcp++
      next
    }
    /^#/ { next }
    $1 ~ /^jvm_buffer_memory_used_bytes\{.*id="direct"/ { direct += $NF }
    $1 ~ /^netty_allocator_memory_used\{.*memory_type="direct"/ { netty += $NF }
    $1 ~ /^yatagarasu_upstream_connections/ { upc += $NF }
    $1 ~ /^yatagarasu_requests_seconds_count/ { req += $NF
      if ($1 ~ /status="5xx"/) s5 += $NF; if ($1 ~ /status="4xx"/) s4 += $NF }
    $1 ~ /^yatagarasu_upstream_errors_total/ { uperr += $NF }
    $1 ~ /^yatagarasu_config_generation/ { gen = $NF }
    $1 ~ /^jvm_memory_committed_bytes\{.*area="heap"/ { heapc += $NF }
    $1 ~ /^jvm_memory_used_bytes\{.*area="nonheap"/ { nonheap += $NF }
    END {
      printf "%d,%d,%s,%.1f,%.1f,%.2f,%.2f,%d,%d,%d,%d,%d,%d,%d,%d,%d,%d,%.1f,%.1f\n", t, now,
        load1, rss / 1024, heap / 1048576, direct / 1048576, netty / 1048576, threads, fds, upc,
        uptcp, cltcp, req, s5, s4, uperr, gen, heapc / 1048576, nonheap / 1048576
    }' >>"$CSV"
}

# The heap after a full collection (jcmd GC.run, then the heap in use from /metrics), measured
# every SOAK_GC_EVERY s (60) off the sampling loop: starting jcmd costs a second of CPU, which a
# loaded machine would otherwise add to every sample's delay. Each sample takes the latest figure.
GC_EVERY=${SOAK_GC_EVERY:-60}
gc_loop() {
  local m=$WORK/metrics-gc.txt
  while ((EPOCHSECONDS < END)); do
    if jcmd "$PROXY_PID" GC.run >/dev/null 2>&1 &&
      curl -s --max-time 5 "http://127.0.0.1:$ADMIN_PORT/metrics" >"$m" 2>/dev/null; then
      {
        metric_sum "$m" '^jvm_memory_used_bytes\\{.*area="heap"'
        echo
      } >"$WORK/heap-after-gc.tmp"
      mv "$WORK/heap-after-gc.tmp" "$WORK/heap-after-gc"
    fi
    sleep "$GC_EVERY"
  done
}

# ---------------------------------------------------------------------------------------------
# Events, all logged to $OUT/events.tsv (t, epoch, kind, detail); a fault also has an end line.
EVENTS=$OUT/events.tsv
event() {
  local now
  now=$EPOCHSECONDS
  printf '%d\t%d\t%s\t%s\n' $((now - T0)) "$now" "$1" "$2" >>"$EVENTS"
}

S3_PID=
ROT_PID=
STALL_UNTIL=0
RESTARTING=0
FAULTS=0

# The main s3proxy killed and started again; the fault ends when the new process answers (checked
# by fault_check on each turn of the main loop, so sampling goes on meanwhile).
restart_start() {
  event fault-start restart
  kill -TERM "$S3_PID" 2>/dev/null || true
  local i
  for i in $(seq 1 50); do kill -0 "$S3_PID" 2>/dev/null || break; sleep 0.1; done
  kill -KILL "$S3_PID" 2>/dev/null || true
  S3_PID=$(start_s3proxy "$S3_PORT" "$S3_KEY" "$S3_SECRET")
  track "$S3_PID"
  RESTARTING=1
}

stall_start() {
  event fault-start stall
  kill -STOP "$S3_PID" 2>/dev/null || true
  STALL_UNTIL=$((EPOCHSECONDS + STALL_SECONDS))
}

fault_check() {
  local now
  now=$EPOCHSECONDS
  if ((STALL_UNTIL > 0 && now >= STALL_UNTIL)); then
    kill -CONT "$S3_PID" 2>/dev/null || true
    STALL_UNTIL=0
    event fault-end stall
  fi
  if ((RESTARTING == 1)) && curl -s -o /dev/null --max-time 1 "http://127.0.0.1:$S3_PORT/" 2>/dev/null; then
    RESTARTING=0
    event fault-end restart
  fi
}
in_fault() { ((STALL_UNTIL > 0 || RESTARTING == 1)); }

# Credential rotation of /rot. The new key becomes valid first (a second s3proxy on the same data,
# started by rotate_start); once it answers, rotate_check pushes the configuration with the new key
# and endpoint, and only after the proxy has applied it stops the old s3proxy, so the old key is no
# longer accepted anywhere.
ROT_NEXT_PID=
rotate_start() {
  local next=$(((ROT_INDEX + 1) % 2))
  ROT_NEXT_KEY=rot-key-$((GENERATION + 1))
  ROT_NEXT_SECRET=rot-secret-$((GENERATION + 1))-$RANDOM
  ROT_NEXT_PID=$(start_s3proxy "${ROT_PORTS[$next]}" "$ROT_NEXT_KEY" "$ROT_NEXT_SECRET")
  track "$ROT_NEXT_PID"
  ROT_STARTED=$EPOCHSECONDS
}

rotate_check() {
  [[ -n $ROT_NEXT_PID ]] || return 0
  local next=$(((ROT_INDEX + 1) % 2))
  if ! s3_answers "${ROT_PORTS[$next]}" "$ROT_NEXT_KEY" "$ROT_NEXT_SECRET"; then
    if ((EPOCHSECONDS - ROT_STARTED > 240)); then
      say "rotation: the new s3proxy did not answer within 240 s; rotation abandoned"
      kill -TERM "$ROT_NEXT_PID" 2>/dev/null || true
      ROT_NEXT_PID=
      event rotate-failed "$ROT_NEXT_KEY"
    fi
    return 0
  fi
  local old_pid=$ROT_PID old_index=$ROT_INDEX old_key=$ROT_KEY old_secret=$ROT_SECRET
  ROT_INDEX=$next
  ROT_KEY=$ROT_NEXT_KEY
  ROT_SECRET=$ROT_NEXT_SECRET
  ROT_PID=$ROT_NEXT_PID
  ROT_NEXT_PID=
  if push_config; then
    event rotate "key $ROT_KEY on port ${ROT_PORTS[$ROT_INDEX]}"
    kill -TERM "$old_pid" 2>/dev/null || true
    local i
    for i in $(seq 1 100); do kill -0 "$old_pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$old_pid" 2>/dev/null || true
    if s3_answers "${ROT_PORTS[$old_index]}" "$old_key" "$old_secret"; then
      say "rotation: the old key is still accepted"
    fi
  else
    ROT_INDEX=$old_index
    ROT_KEY=$old_key
    ROT_SECRET=$old_secret
    kill -TERM "$ROT_PID" 2>/dev/null || true
    ROT_PID=$old_pid
    event rotate-failed "$ROT_NEXT_KEY"
  fi
}

# ---------------------------------------------------------------------------------------------
report() {
  say "analysing"
  local drift=$OUT/drift.txt faults=$OUT/faults.txt errors=$OUT/errors.txt
  # Drift: least-squares slope of each series over the samples after the warm-up, per hour and
  # as a share of the series' mean.
  awk -F, -v warm="$WARMUP" '
    NR == 1 { for (i = 1; i <= NF; i++) name[i] = $i; next }
    $1 >= warm {
      n++; nf = NF; x = $1 / 3600
      for (i = 4; i <= NF; i++) { if (i > 12 && i < 18) continue; sx[i] += x; sy[i] += $i; sxx[i] += x * x; sxy[i] += x * $i
        if (n == 1) first[i] = $i; last[i] = $i }
    }
    END {
      if (n < 3) { print "too few samples after the warm-up for a drift"; exit }
      printf "drift per hour after a %d s warm-up (%d samples, least-squares slope):\n", warm, n
      printf "%-22s %12s %12s %14s %10s\n", "series", "first", "last", "slope/hour", "%/hour"
      for (i = 4; i <= nf; i++) {
        if (i > 12 && i < 18) continue
        d = n * sxx[i] - sx[i] * sx[i]
        slope = d != 0 ? (n * sxy[i] - sx[i] * sy[i]) / d : 0
        mean = sy[i] / n
        pct = mean != 0 ? sprintf("%.2f", 100 * slope / mean) : "-"
        printf "%-22s %12.2f %12.2f %14.3f %10s\n", name[i], first[i], last[i], slope, pct
      }
    }' "$CSV" | tee "$drift"

  # Around each fault: fds and connections in the last sample before it and the lowest after it
  # (between FAULT_GRACE and FAULT_GRACE + 60 s after it ended).
  awk -F'\t' -v grace="$FAULT_GRACE" -v csv="$CSV" '
    BEGIN { while ((getline line < csv) > 0) { split(line, f, ","); if (f[1] ~ /^[0-9]+$/) {
              n++; st[n] = f[2]; fd[n] = f[9]; up[n] = f[10]; tcp[n] = f[11] } } }
    $3 == "fault-start" { s = $2; kind = $4 }
    $3 == "fault-end" {
      bfd = ""; for (i = 1; i <= n; i++) if (st[i] < s) { bfd = fd[i]; bup = up[i]; btcp = tcp[i] }
      afd = ""; for (i = 1; i <= n; i++) if (st[i] >= $2 + grace && st[i] <= $2 + grace + 60) {
        if (afd == "" || fd[i] < afd) afd = fd[i]
        if (aup == "" || up[i] < aup) aup = up[i]
        if (atcp == "" || tcp[i] < atcp) atcp = tcp[i] }
      if (bfd == "" || afd == "") { printf "%-8s at t=%6d s: not enough samples around it\n", kind, $1; aup = atcp = ""; next }
      back = (afd <= bfd + 2 && aup <= bup + 2 && atcp <= btcp + 2) ? "back" : "NOT BACK"
      printf "%-8s at t=%6d s: fds %s -> %s, upstream connections (metric) %s -> %s, (TCP) %s -> %s: %s\n",
        kind, $1, bfd, afd, bup, aup, btcp, atcp, back
      aup = atcp = ""
    }' "$EVENTS" | tee "$faults"

  # Errors: a line of load.tsv whose time overlaps a fault (from its start to FAULT_GRACE s after
  # its end) counts as the fault's; every other error is unexpected.
  awk -F'\t' -v grace="$FAULT_GRACE" -v events="$EVENTS" '
    BEGIN { while ((getline line < events) > 0) { split(line, f, "\t")
              if (f[3] == "fault-start") fs[++n] = f[2]; if (f[3] == "fault-end") fe[n] = f[2] + grace } }
    NR == 1 { next }
    {
      in_fault = 0
      for (i = 1; i <= n; i++) { e = (i in fe) ? fe[i] : 9999999999; if ($2 <= e && $3 >= fs[i]) in_fault = 1 }
      req[$1] += $4; ok[$1] += $5; bad = $6 + $7
      if (in_fault) fault[$1] += bad; else other[$1] += bad
      treq += $4; tfault += in_fault ? bad : 0; tother += in_fault ? 0 : bad
    }
    END {
      printf "%-20s %12s %12s %16s %12s\n", "generator", "requests", "expected", "errors in faults", "other errors"
      for (g in req) printf "%-20s %12d %12d %16d %12d\n", g, req[g], ok[g], fault[g], other[g]
      printf "%-20s %12d %12s %16d %12d\n", "total", treq, "", tfault, tother
    }' "$LOAD" | tee "$errors"

  plot
}

summary() {
  {
    echo "run $RUN_ID: $DURATION_ARG, $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1) x $(nproc)"
    echo "proxy: built from ${SOURCE_COMMIT:-unknown}, JVM options $JAVA_OPTS, $(java -version 2>&1 | head -1)"
    echo "configuration pushes: $((GENERATION - 1)) (refused or failed: $PUSH_FAILURES); faults: $FAULTS"
    awk -F, 'NR > 1 {s += $3; n++; if ($3 > m) m = $3} END {printf "load average (1 min) during the run: mean %.2f, max %.2f\n", s / n, m}' "$CSV"
    echo "idle before load: $IDLE_BEFORE"
    echo "idle after load:  $IDLE_AFTER"
  } | tee "$OUT/summary.txt"
  say "results in $OUT (samples.csv, drift.txt, faults.txt, errors.txt, soak.png)"
}

plot() {
  local arrows=$WORK/arrows.gp
  awk -F'\t' '$3 == "fault-start" {printf "set arrow from %f, graph 0 to %f, graph 1 nohead lc rgb \"%s\" dt 2\n", $1 / 60, $1 / 60, ($4 == "restart" ? "red" : "orange")}
    $3 == "rotate" {printf "set arrow from %f, graph 0 to %f, graph 1 nohead lc rgb \"gray\" dt 3\n", $1 / 60, $1 / 60}' \
    "$EVENTS" >"$arrows"
  gnuplot <<EOF || say "gnuplot failed"
set terminal pngcairo size 900,900 font ",9"
set output "$OUT/soak.png"
set datafile separator ","
set key outside right top
set xlabel "minutes"
set grid
set multiplot layout 3,1 title "Yatagarasu soak $DURATION_ARG (red: s3proxy restarted, orange: stalled, gray: key rotated)"
load "$arrows"
set ylabel "MiB"
plot "$CSV" every ::1 using (\$1/60):4 with lines title "RSS", "" using (\$1/60):5 with lines title "heap after GC", "" using (\$1/60):6 with lines title "JVM direct", "" using (\$1/60):7 with lines title "Netty direct"
set ylabel "count"
plot "$CSV" every ::1 using (\$1/60):8 with lines title "threads", "" using (\$1/60):9 with lines title "fds", "" using (\$1/60):10 with lines title "S3 connections", "" using (\$1/60):12 with lines title "client connections"
set ylabel "per sample"
set y2tics
p = 0
plot "$CSV" every ::1 using (\$1/60):(d = \$14 - p, p = \$14, column(0) <= 1 ? 0 : d) with lines title "5xx answers (proxy)", "" every ::1 using (\$1/60):3 axes x1y2 with lines title "load average (right)"
unset multiplot
EOF
}

idle_counts() {
  sleep 3
  local m=$WORK/metrics-idle.txt
  curl -s --max-time 5 "http://127.0.0.1:$ADMIN_PORT/metrics" >"$m" 2>/dev/null || : >"$m"
  printf 'threads %s, fds %s, S3 connections %s' \
    "$(awk '/^Threads:/ {print $2}' "/proc/$PROXY_PID/status")" \
    "$(find "/proc/$PROXY_PID/fd" -mindepth 1 -maxdepth 1 | wc -l)" \
    "$(metric_sum "$m" '^yatagarasu_upstream_connections')"
}

# ---------------------------------------------------------------------------------------------
main() {
  say "soak $RUN_ID for $DURATION_ARG ($DURATION s); results in $OUT"
  say "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
  install_tools
  build_proxy
  check_ports
  make_objects
  rm -rf "$S3DATA"
  mkdir -p "$S3DATA"
  S3_PID=$(start_s3proxy "$S3_PORT" "$S3_KEY" "$S3_SECRET")
  track "$S3_PID"
  ROT_PID=$(start_s3proxy "${ROT_PORTS[0]}" "$ROT_KEY" "$ROT_SECRET")
  track "$ROT_PID"
  wait_s3proxy "$S3_PORT"
  wait_s3proxy "${ROT_PORTS[0]}"
  upload_objects
  local i
  for i in $(seq 1 30); do
    s3_answers "${ROT_PORTS[0]}" "$ROT_KEY" "$ROT_SECRET" && break
    ((i < 30)) || die "the rotating s3proxy does not serve the objects"
    sleep 1
  done
  make_jwt
  start_proxy
  # Every bucket answers before the load starts (a cold s3proxy on a loaded machine can take
  # seconds to answer its first requests, so each gets a minute).
  local url
  for url in pub/1k.bin cached/1k.bin rot/1k.bin jwt/1k.bin; do
    local auth=()
    [[ $url == jwt/* ]] && auth=(-H "Authorization: Bearer $JWT_TOKEN")
    for i in $(seq 1 6); do
      curl -fsS -o /dev/null --max-time 10 "${auth[@]}" "http://127.0.0.1:$DATA_PORT/$url" && break
      ((i < 6)) || die "GET /$url failed"
    done
  done
  IDLE_BEFORE=$(idle_counts)

  printf 'time_s,epoch,load1,rss_mib,heap_after_gc_mib,jvm_direct_mib,netty_direct_mib,threads,fds,upstream_connections,upstream_tcp,client_tcp,requests_total,status_5xx_total,status_4xx_total,upstream_errors_total,config_generation,heap_committed_mib,nonheap_used_mib\n' >"$CSV"
  printf 't\tepoch\tevent\tdetail\n' >"$EVENTS"
  T0=$EPOCHSECONDS
  END=$((T0 + DURATION))
  gc_loop &
  GC_LOOP_PID=$!
  track "$GC_LOOP_PID"
  start_load
  say "load started; sampling every $SAMPLE_EVERY s until $(date -u -d "@$END" +%H:%M:%S) UTC"
  local next_sample=$T0 next_swap=$((T0 + SWAP_EVERY)) next_rotate=$((T0 + ROTATE_EVERY))
  local next_fault=$((T0 + FAULT_EVERY / 2)) now
  while :; do
    now=$EPOCHSECONDS
    ((now < END)) || break
    fault_check
    rotate_check
    # A late turn (a loaded machine) skips the slots it missed rather than catching up in a burst.
    if ((now >= next_sample)); then
      sample
      while ((next_sample <= now)); do next_sample=$((next_sample + SAMPLE_EVERY)); done
    fi
    if ((now >= next_swap)); then
      if [[ $VARIANT == a ]]; then VARIANT=b; else VARIANT=a; fi
      push_config && event swap "generation $GENERATION variant $VARIANT"
      while ((next_swap <= now)); do next_swap=$((next_swap + SWAP_EVERY)); done
    fi
    if ((now >= next_rotate && now + 90 < END)) && [[ -z $ROT_NEXT_PID ]]; then
      rotate_start
      while ((next_rotate <= now)); do next_rotate=$((next_rotate + ROTATE_EVERY)); done
    fi
    if ((now >= next_fault && now + 90 < END)) && ! in_fault; then
      FAULTS=$((FAULTS + 1))
      if ((FAULTS % 2 == 1)); then restart_start; else stall_start; fi
      say "fault $FAULTS: $(tail -n 1 "$EVENTS" | cut -f3-)"
      while ((next_fault <= now)); do next_fault=$((next_fault + FAULT_EVERY)); done
    fi
    sleep 1
  done
  # Faults still open end here (a stalled s3proxy is resumed), so the counts after the load are
  # those of a healthy origin.
  STALL_UNTIL=$((STALL_UNTIL > 0 ? 1 : 0))
  for _ in $(seq 1 120); do
    fault_check
    in_fault || break
    sleep 1
  done
  say "load ends; waiting for the generators"
  # shellcheck disable=SC2046 # one pid per word
  kill -TERM $(process_tree "$GC_LOOP_PID") 2>/dev/null || true
  wait_generators
  sleep 15
  IDLE_AFTER=$(idle_counts)
  report
  summary
}

wait_generators() {
  # A generator stops by itself within its last wrk run or curl download.
  local pid i
  for pid in "${GEN_PIDS[@]}"; do
    for i in $(seq 1 130); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 1
    done
  done
}

# Everything above is read before main runs, and "exit" on the same line keeps bash from reading
# further: editing this file while a soak runs does not change the running soak.
if [[ -n $REPORT_DIR ]]; then report; else main; fi; exit
