# shellcheck shell=bash
# Sourced by bench/run.sh: the TLS, HTTP/2 and transport contestants and their scenarios.
#
#   nginx_tls               nginx proxy_pass behind `listen ... ssl http2` (the reference of the
#                           TLS and HTTP/2 scenarios)
#   yatagarasu_tls_jdk      Yatagarasu with TLS on the data listener, server.tls.provider: jdk
#   yatagarasu_tls_openssl  the same with server.tls.provider: openssl (BoringSSL)
#   yatagarasu_epoll        Yatagarasu over plain HTTP with server.transport: epoll, the
#                           transport a pod runs where seccomp refuses io_uring (the `yatagarasu`
#                           contestant runs auto: io_uring where the kernel allows it, else epoll)
#   yatagarasu_io_uring     the same with server.transport: io_uring (only when BENCH_CONTESTANTS
#                           names it)
#   yatagarasu_nio          the same with server.transport: nio (only when BENCH_CONTESTANTS
#                           names it)
#
# All of them use one EC P-256 certificate made here with openssl. Scenarios:
#   tls-1KiB            1 KiB over HTTPS, keep-alive, 64 connections (wrk)
#   tls-handshake-1KiB  1 KiB over HTTPS with `Connection: close`: a new connection and TLS
#                       handshake for every request, 16 connections (wrk)
#   h2-1KiB             1 KiB over HTTP/2 (h2load, 16 connections, 10 streams each)
# The epoll, io_uring and nio contestants take part in the 1KiB scenarios (16, 64 and 256
# connections).

NGINX_TLS_PORT=$((PORT_BASE + 30))
TLS_JDK_PORT=$((PORT_BASE + 31))
TLS_JDK_ADMIN_PORT=$((PORT_BASE + 32))
TLS_OPENSSL_PORT=$((PORT_BASE + 33))
TLS_OPENSSL_ADMIN_PORT=$((PORT_BASE + 34))
URING_PORT=$((PORT_BASE + 35))
URING_ADMIN_PORT=$((PORT_BASE + 36))
NIO_PORT=$((PORT_BASE + 37))
NIO_ADMIN_PORT=$((PORT_BASE + 38))
EPOLL_PORT=$((PORT_BASE + 39))
EPOLL_ADMIN_PORT=$((PORT_BASE + 40))
TLS_SCENARIOS="tls-1KiB tls-handshake-1KiB h2-1KiB"
H2_CONNECTIONS=16
H2_STREAMS=10

tls_check_ports() {
  local port
  for port in "$NGINX_TLS_PORT" "$TLS_JDK_PORT" "$TLS_JDK_ADMIN_PORT" "$TLS_OPENSSL_PORT" \
    "$TLS_OPENSSL_ADMIN_PORT" "$URING_PORT" "$URING_ADMIN_PORT" "$NIO_PORT" "$NIO_ADMIN_PORT" \
    "$EPOLL_PORT" "$EPOLL_ADMIN_PORT"; do
    if ss -Hltn "sport = :$port" | grep -q .; then
      die "port $port is in use (set BENCH_PORT_BASE)"
    fi
  done
}

TLS_CERT=
make_tls_cert() {
  [[ -n $TLS_CERT ]] && return 0
  command -v openssl >/dev/null || die "openssl is needed to make the benchmark's certificate"
  mkdir -p "$WORK/tls"
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 \
    -subj "/CN=localhost" -addext "subjectAltName=IP:127.0.0.1,DNS:localhost" \
    -keyout "$WORK/tls/ec.key.tmp" -out "$WORK/tls/ec.crt" 2>/dev/null
  # PKCS#8, which both TLS providers of the proxy read.
  openssl pkcs8 -topk8 -nocrypt -in "$WORK/tls/ec.key.tmp" -out "$WORK/tls/ec.key"
  rm -f "$WORK/tls/ec.key.tmp"
  TLS_CERT=$WORK/tls/ec.crt
}

contestant_nginx_tls_start() {
  make_tls_cert
  mkdir -p "$WORK/nginx-tls"
  nginx_proxy_conf tls "127.0.0.1:$NGINX_TLS_PORT ssl http2" "    ssl_certificate $WORK/tls/ec.crt;
    ssl_certificate_key $WORK/tls/ec.key;
    ssl_protocols TLSv1.2 TLSv1.3;" >"$WORK/nginx-tls/nginx.conf"
  start_nginx tls
  wait_http "https://127.0.0.1:$NGINX_TLS_PORT/data/1k.bin" "nginx with TLS"
}
contestant_nginx_tls_url() { echo "https://127.0.0.1:$NGINX_TLS_PORT/data"; }
contestant_nginx_tls_pids() { with_children "$PID_tls"; }
contestant_nginx_tls_scenarios() { echo "$TLS_SCENARIOS"; }

# start_yatagarasu_with NAME DATA_PORT ADMIN_PORT SERVER_YAML: one more proxy with the public and
# JWT buckets, SERVER_YAML (lines indented for the server block) added to its server settings.
start_yatagarasu_with() {
  local name=$1 port=$2 admin=$3 server=$4 scheme=http
  make_jwt
  jwt_config "$port" "$admin" |
    awk -v extra="$server" '{ print } /^  listen: / && !done { printf "%s\n", extra; done = 1 }' \
      >"$WORK/yatagarasu-$name.yaml"
  [[ $server == *"tls:"* ]] && scheme=https
  # shellcheck disable=SC2086 # JAVA_OPTS is a list of options
  "${ON_SERVERS[@]}" java $JAVA_OPTS -jar "$PROXY_JAR" --config "$WORK/yatagarasu-$name.yaml" \
    >"$OUT/yatagarasu-$name.log" 2>&1 &
  eval "PID_yatagarasu_$name=$!"
  track $!
  wait_http "http://127.0.0.1:$admin/ready" "Yatagarasu ($name)"
  wait_http "$scheme://127.0.0.1:$port/data/1k.bin" "Yatagarasu ($name) data listener"
}

tls_server_yaml() {
  printf '  tls:\n    certificateFile: %s\n    privateKeyFile: %s\n    provider: %s\n' \
    "$WORK/tls/ec.crt" "$WORK/tls/ec.key" "$1"
}

contestant_yatagarasu_tls_jdk_start() {
  make_tls_cert
  start_yatagarasu_with tls_jdk "$TLS_JDK_PORT" "$TLS_JDK_ADMIN_PORT" "$(tls_server_yaml jdk)"
}
contestant_yatagarasu_tls_jdk_url() { echo "https://127.0.0.1:$TLS_JDK_PORT/data"; }
contestant_yatagarasu_tls_jdk_pids() { echo "$PID_yatagarasu_tls_jdk"; }
contestant_yatagarasu_tls_jdk_warmup() { jvm_warmup; }
contestant_yatagarasu_tls_jdk_scenarios() { echo "$TLS_SCENARIOS"; }

contestant_yatagarasu_tls_openssl_start() {
  make_tls_cert
  start_yatagarasu_with tls_openssl "$TLS_OPENSSL_PORT" "$TLS_OPENSSL_ADMIN_PORT" \
    "$(tls_server_yaml openssl)"
  grep -q 'provider=openssl' "$OUT/yatagarasu-tls_openssl.log" ||
    die "Yatagarasu did not start with the OpenSSL provider (see $OUT/yatagarasu-tls_openssl.log)"
}
contestant_yatagarasu_tls_openssl_url() { echo "https://127.0.0.1:$TLS_OPENSSL_PORT/data"; }
contestant_yatagarasu_tls_openssl_pids() { echo "$PID_yatagarasu_tls_openssl"; }
contestant_yatagarasu_tls_openssl_warmup() { jvm_warmup; }
contestant_yatagarasu_tls_openssl_scenarios() { echo "$TLS_SCENARIOS"; }

# transport_contestant TRANSPORT PORT ADMIN_PORT: defines the contestant yatagarasu_TRANSPORT, the
# plain Yatagarasu with server.transport: TRANSPORT, in the 1KiB scenarios.
transport_contestant() {
  local t=$1 port=$2 admin=$3
  eval "contestant_yatagarasu_${t}_start() {
    start_yatagarasu_with $t $port $admin '  transport: $t'
  }
  contestant_yatagarasu_${t}_url() { echo http://127.0.0.1:$port/data; }
  contestant_yatagarasu_${t}_pids() { echo \"\$PID_yatagarasu_${t}\"; }
  contestant_yatagarasu_${t}_warmup() { jvm_warmup; }
  contestant_yatagarasu_${t}_scenarios() { echo 1KiB; }"
}
transport_contestant io_uring "$URING_PORT" "$URING_ADMIN_PORT"
transport_contestant epoll "$EPOLL_PORT" "$EPOLL_ADMIN_PORT"
transport_contestant nio "$NIO_PORT" "$NIO_ADMIN_PORT"

# run_h2load SCENARIO CONNECTIONS CONTESTANT OBJECT SECONDS: like run_wrk, with h2load over
# HTTP/2 (H2_STREAMS concurrent streams per connection); latency percentiles come from h2load's
# per-request log.
run_h2load() {
  local scenario=$1 conns=$2 name=$3 object=$4 seconds=$5
  local url line proxy_pids origin_pids out=$OUT/h2load-$scenario-c$conns-$name.txt
  local log=$OUT/h2load-$scenario-c$conns-$name.log
  url="$(call "$name" url)/$object"
  read -r -a proxy_pids <<<"$(call "$name" pids | tr '\n' ' ')"
  read -r -a origin_pids <<<"$(with_children "$ORIGIN_PID_FOR_CPU" | tr '\n' ' ')"
  local p0 o0 p1 o1
  p0=$(cpu_ticks "${proxy_pids[@]}")
  o0=$(cpu_ticks "${origin_pids[@]}")
  # timeout: h2load waits for every stream it started, and one lost answer would hang it.
  "${ON_LOAD[@]}" timeout $((seconds + 30)) h2load -t1 -c"$conns" -m"$H2_STREAMS" -D "$seconds" \
    --warm-up-time=1 --log-file="$log" "$url" >"$out" 2>&1 || true
  p1=$(cpu_ticks "${proxy_pids[@]}")
  o1=$(cpu_ticks "${origin_pids[@]}")
  local done_line traffic_line finished
  done_line=$(grep '^requests: ' "$out" || true)
  finished=$(grep '^finished in ' "$out" || true)
  traffic_line=$(grep '^traffic: ' "$out" || true)
  if [[ -z $done_line || -z $finished || ! -s $log ]]; then
    say "  $name: h2load produced no result (see $out)"
    return 0
  fi
  local succeeded failed errored timeout bytes measured
  measured=$(sed -E 's/^finished in ([0-9.]+)s.*/\1/' <<<"$finished")
  succeeded=$(sed -E 's/.* ([0-9]+) succeeded.*/\1/' <<<"$done_line")
  failed=$(sed -E 's/.* ([0-9]+) failed.*/\1/' <<<"$done_line")
  errored=$(sed -E 's/.* ([0-9]+) errored.*/\1/' <<<"$done_line")
  timeout=$(sed -E 's/.* ([0-9]+) timeout.*/\1/' <<<"$done_line")
  bytes=$(sed -E 's/^traffic: [^(]*\(([0-9]+)\).*/\1/' <<<"$traffic_line")
  # Requests and rate: those h2load counts after its warm-up; latencies: its per-request log.
  cut -f3 "$log" | sort -n >"$log.sorted"
  awk -F'\t' -v s="$scenario" -v c="$conns" -v n="$name" -v b="${bytes:-0}" \
    -v e=$((failed + errored + timeout)) -v sec="$measured" -v sorted="$log.sorted" -v r="$succeeded" \
    -v pt=$((p1 - p0)) -v ot=$((o1 - o0)) -v hz="$CLK_TCK" -v np="${#proxy_pids[@]}" \
    'BEGIN {
      while ((getline v < sorted) > 0) lat[++k] = v
      rps = r / sec; gib = b / sec / 1073741824
      p50 = lat[int(k * 0.50) > 0 ? int(k * 0.50) : 1]
      p99 = lat[int(k * 0.99) > 0 ? int(k * 0.99) : 1]
      p999 = lat[int(k * 0.999) > 0 ? int(k * 0.999) : 1]
      pcs = pt / hz; ocs = ot / hz
      pcpu = (np > 0 && r > 0) ? sprintf("%.1f", pcs * 1e6 / r) : "-"
      ocpu = (r > 0) ? sprintf("%.1f", ocs * 1e6 / r) : "-"
      printf "%s\t%s\t%s\t%d\t%.2f\t%.1f\t%d\t%.3f\t%d\t%d\t%d\t%d\t%s\t%.2f\t%s\t%s\n",
        s, c, n, r, sec, rps, b, gib, p50, p99, p999, e, (np > 0 ? sprintf("%.2f", pcs) : "-"),
        ocs, pcpu, ocpu
    }' >>"$RAW"
  rm -f "$log.sorted"
  tail -n 1 "$RAW" | awk -F'\t' '{printf "  %-12s %8s req/s  p50 %6.2f ms  p99 %7.2f ms  p99.9 %7.2f ms  errors %s  CPU/req proxy %s us\n",
    $3, $6, $9 / 1000, $10 / 1000, $11 / 1000, $12, $15}'
  [[ $succeeded -gt 0 ]] || say "  $name: no request succeeded over HTTP/2 (see $out)"
}

# The TLS and HTTP/2 scenarios, for the contestants that list them.
tls_scenarios() {
  local name any=0
  for name in "${CONTESTANTS[@]}"; do
    joins "$name" tls-1KiB && any=1
  done
  [[ $any == 1 ]] || return 0
  scenario tls-1KiB 64 1k.bin "$DURATION"
  SCENARIO_HEADER="Connection: close" scenario tls-handshake-1KiB 16 1k.bin "$DURATION"
  say "scenario h2-1KiB: 1k.bin over HTTP/2 at $H2_CONNECTIONS connections x $H2_STREAMS streams, $DURATION s each"
  for name in "${CONTESTANTS[@]}"; do
    joins "$name" h2-1KiB || continue
    # HTTP/2 takes other code paths than HTTP/1.1: a few seconds to compile them first.
    "${ON_LOAD[@]}" timeout 40 h2load -t1 -c"$H2_CONNECTIONS" -m"$H2_STREAMS" -D 5 \
      "$(call "$name" url)/1k.bin" >/dev/null 2>&1 || true
    run_h2load h2-1KiB "$H2_CONNECTIONS" "$name" 1k.bin "$DURATION"
    sleep 1
  done
}
