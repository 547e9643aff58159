#!/usr/bin/env bash
# Bytes allocated per request, end to end: a proxy in front of an nginx origin serving a 1 KiB
# object as if it were S3, driven by wrk; Java Flight Recorder's per-thread allocation totals
# (jdk.ThreadAllocationStatistics, taken when a recording starts and when it stops) around a
# measured wrk run, divided by the requests wrk counted. Once the hot path is compiled, allocation
# per request does not depend on how busy the machine is: builds measured at different times compare.
#
#   bench/alloc.sh                         the proxy jar of this checkout (built if missing)
#   bench/alloc.sh main=/path/to.jar b=other.jar   any number of NAME=JAR contestants, in turn
#   bench/alloc.sh --no-install            do not ask apt-get for nginx and wrk
#   bench/alloc.sh --profile               also print the top allocation sites (JFR samples)
#
# Scenarios, each a fresh proxy (public bucket, JVM -Xmx128m -XX:+UseSerialGC as in bench/run.sh):
# "get" (cache off, access log off), "get+log" (cache off, access log on, written to a file) and
# "hit" (cache on, every request a cache hit, access log off). Each proxy is warmed up first, in
# rounds of ALLOC_WARMUP seconds (default 10) until it served ALLOC_WARMUP_REQUESTS (default
# 200000), so the JIT has compiled the hot path; the measured run lasts long enough for
# ALLOC_REQUESTS (default 100000) at the warm-up's rate, at least ALLOC_SECONDS (default 10).
# What the proxy allocates while idle (ALLOC_IDLE_SECONDS, default 5, recorded right after) is
# subtracted at the same rate; it is printed as idle-bytes/s.
# Environment: those, ALLOC_SCENARIOS (default "get get+log hit"), BENCH_PORT_BASE (default
# 19200), BENCH_WORK (default /tmp/yatagarasu-alloc), BENCH_JAVA_OPTS. Prints one line per
# contestant and scenario; recordings stay in BENCH_WORK.
set -euo pipefail
# shellcheck source=bench/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$ROOT"

PROFILE=0
CONTESTANTS=()
script_option() {
  case "$1" in
    --profile) PROFILE=1 ;;
    *=*) CONTESTANTS+=("$1") ;;
    *) return 1 ;;
  esac
}
COMMON_OPTIONS=--no-install
parse_options 2,23 'unknown argument: %s (expected NAME=JAR, --no-install, --profile)' "$@"

SECONDS_RUN=${ALLOC_SECONDS:-10}
WARMUP=${ALLOC_WARMUP:-10}
WARMUP_REQUESTS=${ALLOC_WARMUP_REQUESTS:-200000}
REQUESTS=${ALLOC_REQUESTS:-100000}
IDLE_SECONDS=${ALLOC_IDLE_SECONDS:-5}
read -r -a SCENARIOS <<<"${ALLOC_SCENARIOS:-get get+log hit}"
PORT_BASE=${BENCH_PORT_BASE:-19200}
WORK=${BENCH_WORK:-/tmp/yatagarasu-alloc}
JAVA_OPTS=${BENCH_JAVA_OPTS:--Xmx128m -XX:+UseSerialGC}
ORIGIN_PORT=$PORT_BASE
PROXY_PORT=$((PORT_BASE + 1))
ADMIN_PORT=$((PORT_BASE + 2))

install_missing nginx wrk jq
if [[ ${#CONTESTANTS[@]} == 0 ]]; then
  [ -f proxy/target/yatagarasu-proxy.jar ] || build_proxy_jar
  CONTESTANTS=("yatagarasu=proxy/target/yatagarasu-proxy.jar")
fi

mkdir -p "$WORK"
rm -f "$WORK"/*.jfr "$WORK"/*.yaml "$WORK"/*.log "$WORK"/*.wrk
small_origin "$WORK" "$ORIGIN_PORT" 1000000

config() { # $1 = scenario
  local log=false cache=false
  [[ $1 == get+log ]] && log=true
  [[ $1 == hit ]] && cache=true
  cat <<YAML
server: { listen: "127.0.0.1:$PROXY_PORT" }
admin: { listen: "127.0.0.1:$ADMIN_PORT" }
logging: { accessLog: $log }
$([[ $cache == true ]] && echo "cache: { enabled: true }")
buckets:
  - name: b
    pathPrefix: /b
    s3: { bucket: bucket, region: us-east-1, endpoint: "http://127.0.0.1:$ORIGIN_PORT", credentials: { accessKeyId: k, secretAccessKey: s } }
    auth: { type: public }
$([[ $cache == true ]] && echo "    cache: { ttl: 1h }")
YAML
}

# Sums, over every thread but JFR's own, the bytes allocated between the first and the last
# jdk.ThreadAllocationStatistics event of a recording; prints "all eventloop" byte counts.
allocated() {
  jfr print --json --events jdk.ThreadAllocationStatistics "$1" | jq -r '
    [.recording.events[].values | {t: .thread.javaThreadId, n: (.thread.javaName // ""), a: .allocated}]
    | map(select(.n | startswith("JFR ") | not)) | group_by(.t)
    | map({n: .[0].n, d: ((map(.a) | max) - (map(.a) | min))})
    | "\(map(.d) | add) \(map(select(.n | test("-io-"))) | map(.d) | add // 0)"'
}

# The top allocation sites by sampled bytes: class @ first frame outside the JDK < first frame of
# Yatagarasu. A thread's first sample weighs everything it allocated before the recording: dropped.
profile() {
  jfr print --json --stack-depth 40 --events jdk.ObjectAllocationSample "$1" | jq -r '
    [.recording.events[].values] | group_by(.eventThread.javaThreadId)
    | map(sort_by(.startTime) | .[1:]) | add
    | map({w: .weight, c: .objectClass.name,
        f: ([(.stackTrace.frames // [])[] | "\(.method.type.name).\(.method.name)"]
            | (map(select(test("^(java|jdk|sun)[./]") | not)) | .[0] // "?") + " < "
              + (map(select(test("^io[./]yatagarasu"))) | .[0] // "?"))})
    | (map(.w) | add) as $total | group_by("\(.c) @ \(.f)")
    | map({k: "\(.[0].c) @ \(.[0].f)", w: (map(.w) | add)}) | sort_by(-.w) | .[:30][]
    | "\(.w * 1000 / $total | floor / 10)%  \(.k)"'
}

echo "contestant scenario requests bytes/request eventloop-bytes/request non-2xx idle-bytes/s (load average: $(cut -d' ' -f1-3 /proc/loadavg))"
for contestant in "${CONTESTANTS[@]}"; do
  name=${contestant%%=*}
  jar=${contestant#*=}
  for scenario in "${SCENARIOS[@]}"; do
    run="$WORK/$name-$scenario"
    config "$scenario" >"$run.yaml"
    # shellcheck disable=SC2086
    java $JAVA_OPTS -jar "$jar" --config "$run.yaml" >"$run.log" 2>&1 &
    pid=$!
    track "$pid"
    http_ready "http://127.0.0.1:$ADMIN_PORT/ready" 150 || true
    url="http://127.0.0.1:$PROXY_PORT/b/1k.bin"
    [ "$(curl -s -o /dev/null -w '%{http_code}' "$url")" = 200 ] || { echo "$name does not serve $url" >&2; exit 1; }
    # Warm-up by count, not time: on a busy machine a fixed time may serve too few requests for
    # the JIT to compile the hot path, and interpreted code allocates what compiled code does not.
    warmed=0
    rate=1
    for _ in $(seq 1 30); do
      done_now=$(wrk -t1 -c64 -d"${WARMUP}s" "$url" | awk '/requests in/ {print $1}')
      warmed=$((warmed + done_now))
      rate=$((done_now / WARMUP + 1))
      [ "$warmed" -ge "$WARMUP_REQUESTS" ] && break
    done
    # Long enough for ALLOC_REQUESTS at the warm-up's rate, so fixed background allocation
    # (timers, metrics) weighs little per request.
    seconds=$(((REQUESTS + rate - 1) / rate))
    seconds=$((seconds < SECONDS_RUN ? SECONDS_RUN : seconds > 300 ? 300 : seconds))
    jcmd "$pid" JFR.start name=alloc settings=profile filename="$run.jfr" >/dev/null
    wrk -t1 -c64 -d"${seconds}s" "$url" >"$run.wrk"
    jcmd "$pid" JFR.stop name=alloc >/dev/null
    # What the proxy allocates with no request at all (timers, metrics, JFR's periodic events),
    # over IDLE_SECONDS, is taken off at the same rate: it is not the requests' doing.
    jcmd "$pid" JFR.start name=idle settings=profile filename="$run-idle.jfr" >/dev/null
    sleep "$IDLE_SECONDS"
    jcmd "$pid" JFR.stop name=idle >/dev/null
    kill "$pid" && wait "$pid" 2>/dev/null || true
    requests=$(awk '/requests in/ {print $1}' "$run.wrk")
    non2xx=$(awk '/Non-2xx/ {print $NF}' "$run.wrk")
    read -r all loop < <(allocated "$run.jfr")
    read -r idle_all idle_loop < <(allocated "$run-idle.jfr")
    all=$((all - idle_all * seconds / IDLE_SECONDS))
    loop=$((loop - idle_loop * seconds / IDLE_SECONDS))
    echo "$name $scenario $requests $((all / requests)) $((loop / requests)) ${non2xx:-0}" \
      "$((idle_all / IDLE_SECONDS))"
    if [[ $PROFILE == 1 ]]; then profile "$run.jfr" | sed 's/^/    /'; fi
  done
done
