#!/usr/bin/env bash
# JDK and garbage collector matrix: Yatagarasu serving 1 KiB objects from an nginx origin at 16, 64
# and 256 connections (wrk, keep-alive), with each JDK found (the default `java` and a Temurin 25)
# and each collector (Serial, Parallel, G1, ZGC), configurations alternated round by round so that
# a change in machine load spreads over all of them. Writes requests/s and p99 per configuration
# (the median over the rounds) as a Markdown table; stops everything it started.
#
#   bench/gc-matrix.sh                 3 rounds of 15 s per point (about 40 minutes)
#   bench/gc-matrix.sh --quick         1 round of 3 s per point, to check that it works
#   bench/gc-matrix.sh --no-build      use the proxy jar that is already built
#   bench/gc-matrix.sh --no-install    do not ask apt-get for nginx and wrk
#
# Environment (all optional): GC_JAVAS (java executables; default `java` and every
# /usr/lib/jvm/temurin-*/bin/java), GC_COLLECTORS (default "serial parallel g1 zgc"),
# GC_CONNECTIONS (default "16 64 256"), GC_ROUNDS (default 3), GC_DURATION (seconds per point,
# default 15), GC_WARMUP (seconds of load before measuring each JVM, default 30),
# GC_HEAP (default -Xms256m -Xmx256m), GC_MAX_SECONDS (no new configuration starts after this
# long, default 3600), BENCH_PIN=0 (no taskset), BENCH_PORT_BASE (default 18580), BENCH_WORK
# (default /tmp/yatagarasu-gc-matrix), BENCH_RESULTS (default bench/results).
#
# ZGC is generational ZGC where the JDK has it: -XX:+UseZGC -XX:+ZGenerational on 21 to 23,
# -XX:+UseZGC alone on 24 and later (the only mode left); on 17 it is the single-generation ZGC.
set -euo pipefail

# shellcheck source=bench/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
parse_options 2,24 'unknown option: %s (expected: --quick, --no-build, --no-install)' "$@"

if [[ $QUICK == 1 ]]; then
  ROUNDS=${GC_ROUNDS:-1}
  DURATION=${GC_DURATION:-3}
  WARMUP=${GC_WARMUP:-5}
else
  ROUNDS=${GC_ROUNDS:-3}
  DURATION=${GC_DURATION:-15}
  WARMUP=${GC_WARMUP:-30}
fi
read -r -a COLLECTORS <<<"${GC_COLLECTORS:-serial parallel g1 zgc}"
read -r -a CONNECTIONS <<<"${GC_CONNECTIONS:-16 64 256}"
HEAP=${GC_HEAP:--Xms256m -Xmx256m}
MAX_SECONDS=${GC_MAX_SECONDS:-3600}
PORT_BASE=${BENCH_PORT_BASE:-18580}
WORK=${BENCH_WORK:-/tmp/yatagarasu-gc-matrix}
RESULTS=${BENCH_RESULTS:-$ROOT/bench/results}
ORIGIN_PORT=$PORT_BASE
PROXY_PORT=$((PORT_BASE + 1))
ADMIN_PORT=$((PORT_BASE + 2))

if [[ -n ${GC_JAVAS:-} ]]; then
  read -r -a JAVAS <<<"$GC_JAVAS"
else
  JAVAS=(java)
  for candidate in /usr/lib/jvm/temurin-*/bin/java; do
    [[ -x $candidate ]] && JAVAS+=("$candidate")
  done
fi

RUN_ID=$(date -u +%Y%m%dT%H%M%SZ)
OUT=$RESULTS/gc-matrix-$RUN_ID
RAW=$OUT/raw.tsv
mkdir -p "$OUT" "$WORK"
exec > >(tee -a "$OUT/run.log") 2>&1

# A JVM gets 10 s to exit.
STOP_TENTHS=100
pin_cpus

# The JDK's major version (17, 21, 25).
java_major() {
  "$1" -XshowSettings:properties -version 2>&1 |
    sed -n 's/^ *java.specification.version = //p' | head -1
}

# gc_flags JAVA COLLECTOR: the JVM options of a collector on that JDK.
gc_flags() {
  local major
  major=$(java_major "$1")
  case "$2" in
    serial) echo "-XX:+UseSerialGC" ;;
    parallel) echo "-XX:+UseParallelGC" ;;
    g1) echo "-XX:+UseG1GC" ;;
    zgc)
      if ((major >= 21 && major < 24)); then
        echo "-XX:+UseZGC -XX:+ZGenerational"
      else
        echo "-XX:+UseZGC"
      fi
      ;;
    *) die "unknown collector $2 (expected: serial, parallel, g1, zgc)" ;;
  esac
}

start_origin() {
  mkdir -p "$WORK/origin/data"
  [[ -f $WORK/origin/data/1k.bin ]] || head -c 1024 /dev/urandom >"$WORK/origin/data/1k.bin"
  chmod -R a+rX "$WORK/origin"
  cat >"$WORK/origin/nginx.conf" <<EOF
worker_processes 1;
pid $WORK/origin/nginx.pid;
error_log $WORK/origin/error.log warn;
events { worker_connections 8192; }
http {
  access_log off;
  keepalive_requests 1000000;
  client_body_temp_path $WORK/origin/tmp;
  proxy_temp_path $WORK/origin/tmp;
  fastcgi_temp_path $WORK/origin/tmp;
  uwsgi_temp_path $WORK/origin/tmp;
  scgi_temp_path $WORK/origin/tmp;
  open_file_cache max=64 inactive=60s;
  server {
    listen 127.0.0.1:$ORIGIN_PORT backlog=4096;
    root $WORK/origin;
    location / {}
  }
}
EOF
  start_nginx_in "$WORK/origin"
  http_ready "http://127.0.0.1:$ORIGIN_PORT/data/1k.bin" 150 || die "the nginx origin did not start"
  cat >"$WORK/yatagarasu.yaml" <<EOF
server:
  listen: 127.0.0.1:$PROXY_PORT
admin:
  listen: 127.0.0.1:$ADMIN_PORT
logging:
  accessLog: false
buckets:
  - name: data
    pathPrefix: /data
    s3:
      bucket: data
      region: us-east-1
      endpoint: http://127.0.0.1:$ORIGIN_PORT
      pathStyle: true
      credentials: { accessKeyId: bench-origin-key, secretAccessKey: bench-origin-secret }
    auth:
      type: public
EOF
}

# measure JAVA COLLECTOR ROUND: one JVM, warmed up, then every connection count.
measure() {
  local java=$1 gc=$2 round=$3 flags major label pid conns out line
  flags=$(gc_flags "$java" "$gc")
  major=$(java_major "$java")
  label="java$major-$gc"
  say "round $round: $label ($flags)"
  # shellcheck disable=SC2086 # HEAP and flags are lists of options
  "${ON_SERVERS[@]}" "$java" $HEAP $flags -jar "$PROXY_JAR" --config "$WORK/yatagarasu.yaml" \
    >"$OUT/yatagarasu-$label-r$round.log" 2>&1 &
  pid=$!
  track "$pid"
  if ! http_ready "http://127.0.0.1:$ADMIN_PORT/ready" 150; then
    say "  $label did not start (see $OUT/yatagarasu-$label-r$round.log)"
    stop_pid "$pid"
    return 0
  fi
  "${ON_LOAD[@]}" wrk -t1 -c256 -d"${WARMUP}s" "http://127.0.0.1:$PROXY_PORT/data/1k.bin" \
    >/dev/null 2>&1 || true
  for conns in "${CONNECTIONS[@]}"; do
    out=$OUT/wrk-$label-c$conns-r$round.txt
    "${ON_LOAD[@]}" wrk -t1 -c"$conns" -d"${DURATION}s" -s "$ROOT/bench/lua/report.lua" \
      "http://127.0.0.1:$PROXY_PORT/data/1k.bin" >"$out" 2>&1 || true
    line=$(grep '^RESULT ' "$out" || true)
    if [[ -z $line ]]; then
      say "  c$conns: no result (see $out)"
      continue
    fi
    local requests duration_us bytes errors_connect errors_read errors_write errors_status \
      errors_timeout p50_us p99_us p999_us max_us
    eval "${line#RESULT }"
    awk -v l="$label" -v j="$major" -v g="$gc" -v c="$conns" -v r="$round" -v n="$requests" \
      -v d="$duration_us" -v p50="$p50_us" -v p99="$p99_us" -v p999="$p999_us" \
      -v e=$((errors_connect + errors_read + errors_write + errors_status + errors_timeout)) \
      -v load="$(cut -d' ' -f1 /proc/loadavg)" \
      'BEGIN { printf "%s\t%s\t%s\t%s\t%s\t%.1f\t%d\t%d\t%d\t%d\t%s\n", l, j, g, c, r, n / (d / 1e6), p50, p99, p999, e, load }' \
      >>"$RAW"
    tail -n 1 "$RAW" | awk -F'\t' '{printf "  c%-4s %9s req/s  p99 %7.2f ms  errors %s  load %s\n", $4, $6, $8 / 1000, $10, $11}'
  done
  stop_pid "$pid"
}

write_markdown() {
  local md=$OUT/results.md
  {
    echo "# JDK and GC matrix $RUN_ID"
    echo
    echo "- Machine: $(nproc) CPUs, $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1), kernel $(uname -r)"
    echo "- Load average before: $LOAD_BEFORE; after: $(cut -d' ' -f1-3 /proc/loadavg)"
    if ((${#ON_SERVERS[@]} > 0)); then
      echo "- taskset: proxy and origin on CPU $SERVER_CPUS, wrk on CPU $LOAD_CPUS"
    else
      echo "- no CPU placement (BENCH_PIN=0 or one CPU)"
    fi
    echo "- 1 KiB GET through Yatagarasu (access log off) from an nginx origin; wrk 1 thread, keep-alive; $DURATION s per point after $WARMUP s of warm-up per JVM; heap \`$HEAP\`"
    echo "- $ROUNDS round(s), configurations alternated within each round; figures are the median over the rounds (raw: raw.tsv)"
    echo
    local header="| JDK | GC |" rule="|---|---|" c
    for c in "${CONNECTIONS[@]}"; do
      header+=" req/s c$c | p99 ms c$c |"
      rule+="---:|---:|"
    done
    echo "$header"
    echo "$rule"
    awk -F'\t' -v conns="${CONNECTIONS[*]}" '
      function median(list,   n, a, i, j, t) {
        n = split(list, a, ",")
        for (i = 2; i <= n; i++) { t = a[i]; for (j = i - 1; j >= 1 && a[j] + 0 > t + 0; j--) a[j + 1] = a[j]; a[j + 1] = t }
        return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
      }
      NR > 1 {
        key = $2 SUBSEP $3
        if (!(key in seen)) { seen[key] = 1; order[++k] = key; jdk[key] = $2; gc[key] = $3 }
        rps[key, $4] = rps[key, $4] (rps[key, $4] == "" ? "" : ",") $6
        p99[key, $4] = p99[key, $4] (p99[key, $4] == "" ? "" : ",") $8
      }
      END {
        nc = split(conns, cs, " ")
        for (i = 1; i <= k; i++) {
          key = order[i]
          printf "| %s | %s |", jdk[key], gc[key]
          for (j = 1; j <= nc; j++) {
            if ((key, cs[j]) in rps) printf " %.0f | %.2f |", median(rps[key, cs[j]]), median(p99[key, cs[j]]) / 1000
            else printf " - | - |"
          }
          printf "\n"
        }
      }' "$RAW"
  } >"$md"
  say "wrote $md"
  cat "$md"
}

main() {
  local began=$SECONDS round java gc
  LOAD_BEFORE="$(cut -d' ' -f1-3 /proc/loadavg)"
  say "gc matrix $RUN_ID; results in $OUT; load average $LOAD_BEFORE"
  install_missing nginx wrk
  build_proxy_jar
  check_free_ports BENCH_PORT_BASE "$ORIGIN_PORT" "$PROXY_PORT" "$ADMIN_PORT"
  for java in "${JAVAS[@]}"; do
    say "JDK $(java_major "$java"): $java"
  done
  printf 'label\tjdk\tgc\tconnections\tround\trps\tp50_us\tp99_us\tp999_us\terrors\tload1\n' >"$RAW"
  start_origin
  for round in $(seq 1 "$ROUNDS"); do
    # Alternate: odd rounds walk the configurations forwards, even rounds backwards.
    local configs=() i
    for java in "${JAVAS[@]}"; do
      for gc in "${COLLECTORS[@]}"; do
        configs+=("$java|$gc")
      done
    done
    if ((round % 2 == 0)); then
      local reversed=()
      for ((i = ${#configs[@]} - 1; i >= 0; i--)); do reversed+=("${configs[i]}"); done
      configs=("${reversed[@]}")
    fi
    for i in "${configs[@]}"; do
      if ((SECONDS - began > MAX_SECONDS)); then
        say "GC_MAX_SECONDS ($MAX_SECONDS s) reached: no new configuration"
        break 2
      fi
      measure "${i%%|*}" "${i#*|}" "$round"
    done
  done
  write_markdown
  say "done in $((SECONDS - began)) s"
}

main
