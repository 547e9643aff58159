# shellcheck shell=bash disable=SC2034 # the variables set here are the sourcing script's
# Sourced by the bench scripts (never run): what they share. Every function works under
# `set -euo pipefail`. Sourcing it defines the functions below, sets ROOT (the checkout) and
# installs the traps that stop every tracked process on exit (and on Ctrl-C, with status 130).
#
# Options
#   parse_options HELP_LINES UNKNOWN_FORMAT ARG...
#       Sets QUICK=1 (--quick), BUILD=0 (--no-build), INSTALL=0 (--no-install); -h/--help prints
#       the lines HELP_LINES (a sed range such as 2,23) of the script's opening comment, without
#       the "# ", and exits 0. An argument the script takes itself is handed first to a function
#       `script_option ARG` when the script defines one (status 0: taken). COMMON_OPTIONS (default
#       "--quick --no-build --no-install") names the common options the script takes; anything
#       else is printed with the printf format UNKNOWN_FORMAT (its %s: the argument) and exits 2.
# Messages
#   say TEXT...        one line with the UTC time
#   die TEXT...        say "error: TEXT" and exit 1
# Processes
#   track PID          stop PID (and its children) on exit
#   stop_pid PID       SIGTERM, up to STOP_TENTHS tenths of a second (default 50) to exit, SIGKILL
#   stop_all           the EXIT trap: every tracked process and its children at once (SIGCONT
#                      first, for a process stopped on purpose), the same wait, then the function
#                      `script_cleanup` when the script defines one
#   with_children PID  PID and the pids of its children (nginx master and workers), one a line
# Tools, ports, HTTP
#   install_missing COMMAND[:PACKAGE]...  apt-get install (sudo when not root) the packages of the
#                      commands missing, or die when INSTALL=0
#   check_free_ports ENV_NAME PORT...   die when a port is in use ("set ENV_NAME")
#   http_ready URL [TRIES]              0 once URL answers 2xx (-k: self-signed TLS is fine);
#                                       TRIES (default 100) attempts 0.2 s apart, then 1
#   wait_http URL WHAT [TRIES]          the same, dying "WHAT did not answer URL within N s"
# CPU placement
#   pin_cpus           the load generator on one CPU, every server on the other (BENCH_PIN=0: no
#                      placement, nginx with 2 workers; BENCH_SERVER_CPUS and BENCH_LOAD_CPUS: other
#                      CPU lists). Sets PIN, SERVER_CPUS, LOAD_CPUS, NGINX_WORKERS and the command
#                      prefixes ON_SERVERS and ON_LOAD: `"${ON_SERVERS[@]}" cmd &` leaves $! the pid
#                      of cmd itself (taskset execs it), the pid whose CPU and memory are measured.
# The proxy and nginx
#   build_proxy_jar    with BUILD=1, `mvnw package` of the proxy module; sets PROXY_JAR, dies when
#                      the jar is missing
#   nginx_http_head DIR WORKERS ACCESS_LOG  the tuned opening of an nginx.conf, up to the open
#                      `http {` block, with its pid, logs and temporary files in DIR
#                      (ACCESS_LOG "off": `access_log off;`, anything else: no access_log line)
#   start_nginx_in DIR nginx -p DIR -c DIR/nginx.conf in the foreground on the server CPUs,
#                      tracked; $! is its pid afterwards
#   small_origin DIR PORT KEEPALIVE_REQUESTS  nginx (unpinned) serving a fresh 1 KiB random object
#                      as if it were S3, path style: /bucket/1k.bin, from DIR/www; tracked
# Operator benchmarks (tests of operator/…/e2e run by Maven)
#   operator_bench TEST  `mvnw verify` of the operator running only the integration test TEST, its
#                      output in a temporary file; on failure its last 60 lines and exit 1

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD=1
INSTALL=1
QUICK=0
STARTED=()
ON_SERVERS=()
ON_LOAD=()

parse_options() {
  local help_lines=$1 unknown=$2 arg
  shift 2
  local common=" ${COMMON_OPTIONS:---quick --no-build --no-install} "
  for arg in "$@"; do
    if declare -F script_option >/dev/null && script_option "$arg"; then
      continue
    fi
    case "$arg" in
      -h | --help)
        sed -n "${help_lines}p" "$0" | sed 's/^# \{0,1\}//'
        exit 0
        ;;
    esac
    if [[ $common == *" $arg "* ]]; then
      case "$arg" in
        --quick) QUICK=1 ;;
        --no-build) BUILD=0 ;;
        --no-install) INSTALL=0 ;;
      esac
      continue
    fi
    # shellcheck disable=SC2059 # the format is the caller's
    printf "$unknown\n" "$arg" >&2
    exit 2
  done
}

# The option the images run with (Dockerfile.proxy): every minute the JVM hands the native memory
# it freed back to the system (malloc_trim), so transient peaks (the JIT compiling new code paths
# after an S3 outage, pooled chunks freed) do not stay in RSS. Empty for a java older than 17.0.9,
# which does not know it.
trim_native_heap_option() {
  if java -XX:TrimNativeHeapInterval=60000 -version >/dev/null 2>&1; then
    echo "-XX:TrimNativeHeapInterval=60000"
  fi
}

say() { printf '%s %s\n' "$(date -u +%H:%M:%S)" "$*"; }
die() {
  say "error: $*"
  exit 1
}

track() { STARTED+=("$1"); }

stop_pid() {
  kill -TERM "$1" 2>/dev/null || true
  for _ in $(seq 1 "${STOP_TENTHS:-50}"); do
    kill -0 "$1" 2>/dev/null || return 0
    sleep 0.1
  done
  kill -KILL "$1" 2>/dev/null || true
}

# A process and its descendants, children first.
process_tree() {
  local pid=$1 child
  for child in $(pgrep -P "$pid" 2>/dev/null || true); do process_tree "$child"; done
  echo "$pid"
}

# shellcheck disable=SC2317 # called by the EXIT trap
stop_all() {
  local pids=() pid p
  for pid in "${STARTED[@]}"; do
    kill -CONT "$pid" 2>/dev/null || true
    while read -r p; do pids+=("$p"); done < <(process_tree "$pid")
  done
  if ((${#pids[@]} > 0)); then
    kill -TERM "${pids[@]}" 2>/dev/null || true
    local alive=1
    for _ in $(seq 1 "${STOP_TENTHS:-50}"); do
      alive=0
      for pid in "${pids[@]}"; do kill -0 "$pid" 2>/dev/null && alive=1; done
      [[ $alive == 0 ]] && break
      sleep 0.1
    done
    [[ $alive == 0 ]] || kill -KILL "${pids[@]}" 2>/dev/null || true
  fi
  if declare -F script_cleanup >/dev/null; then script_cleanup || true; fi
  return 0
}
trap stop_all EXIT
trap 'exit 130' INT TERM

with_children() {
  echo "$1"
  pgrep -P "$1" || true
}

install_missing() {
  local missing=() spec
  for spec in "$@"; do
    command -v "${spec%%:*}" >/dev/null || missing+=("${spec#*:}")
  done
  ((${#missing[@]} == 0)) && return 0
  [[ $INSTALL == 1 ]] || die "missing ${missing[*]} (run without --no-install, or install them)"
  local sudo=
  [[ $(id -u) == 0 ]] || sudo=sudo
  say "installing ${missing[*]} from Debian"
  $sudo apt-get update -qq
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
}

check_free_ports() {
  local name=$1 port
  shift
  for port in "$@"; do
    if ss -Hltn "sport = :$port" | grep -q .; then die "port $port is in use (set $name)"; fi
  done
}

http_ready() {
  local url=$1 tries=${2:-100}
  for _ in $(seq 1 "$tries"); do
    curl -fksS -o /dev/null --max-time 1 "$url" 2>/dev/null && return 0
    sleep 0.2
  done
  return 1
}

wait_http() {
  local tries=${3:-100}
  http_ready "$1" "$tries" || die "$2 did not answer $1 within $((tries / 5)) s"
}

pin_cpus() {
  PIN=${BENCH_PIN:-1}
  NGINX_WORKERS=1
  if [[ $PIN == 0 ]]; then
    SERVER_CPUS=
    LOAD_CPUS=
    NGINX_WORKERS=$(($(nproc) >= 2 ? 2 : 1))
  elif [[ -n ${BENCH_SERVER_CPUS:-} || -n ${BENCH_LOAD_CPUS:-} ]]; then
    SERVER_CPUS=${BENCH_SERVER_CPUS:?set both BENCH_SERVER_CPUS and BENCH_LOAD_CPUS}
    LOAD_CPUS=${BENCH_LOAD_CPUS:?set both BENCH_SERVER_CPUS and BENCH_LOAD_CPUS}
  elif (($(nproc) >= 2)); then
    SERVER_CPUS=0
    LOAD_CPUS=1
  else
    SERVER_CPUS=
    LOAD_CPUS=
  fi
  ON_SERVERS=()
  ON_LOAD=()
  if [[ -n $SERVER_CPUS ]]; then
    ON_SERVERS=(taskset -c "$SERVER_CPUS")
    ON_LOAD=(taskset -c "$LOAD_CPUS")
  fi
}

build_proxy_jar() {
  PROXY_JAR=$ROOT/proxy/target/yatagarasu-proxy.jar
  if [[ $BUILD == 1 ]]; then
    say "building the proxy"
    (cd "$ROOT" && ./mvnw -B -q -DskipTests -pl proxy -am package)
  fi
  [[ -f $PROXY_JAR ]] || die "$PROXY_JAR is missing (run without --no-build)"
}

nginx_http_head() {
  local dir=$1 workers=$2 access_log=$3
  cat <<EOF
worker_processes $workers;
pid $dir/nginx.pid;
error_log $dir/error.log warn;
events {
  worker_connections 8192;
  multi_accept on;
}
http {
EOF
  [[ $access_log != off ]] || echo "  access_log off;"
  cat <<EOF
  default_type application/octet-stream;
  sendfile on;
  tcp_nopush on;
  tcp_nodelay on;
  keepalive_timeout 65s;
  keepalive_requests 1000000;
  client_body_temp_path $dir/client_body;
  proxy_temp_path $dir/proxy;
  fastcgi_temp_path $dir/fastcgi;
  uwsgi_temp_path $dir/uwsgi;
  scgi_temp_path $dir/scgi;
EOF
}

start_nginx_in() {
  local dir=$1
  "${ON_SERVERS[@]}" nginx -p "$dir" -e "$dir/error.log" -c "$dir/nginx.conf" -g 'daemon off;' &
  track $!
}

small_origin() {
  local dir=$1 port=$2 keepalive=$3
  rm -rf "$dir/www"
  mkdir -p "$dir/www/bucket"
  head -c 1024 /dev/urandom >"$dir/www/bucket/1k.bin"
  chmod -R a+rX "$dir" # nginx workers run as an unprivileged user
  cat >"$dir/nginx.conf" <<NGINX
worker_processes 1;
pid $dir/nginx.pid;
error_log $dir/nginx-error.log;
events { worker_connections 4096; }
http {
  access_log off;
  server { listen 127.0.0.1:$port; root $dir/www; keepalive_requests $keepalive; }
}
NGINX
  nginx -c "$dir/nginx.conf" -p "$dir" -g 'daemon off;' &
  track $!
}

operator_bench() {
  local log
  log=$(mktemp "/tmp/$1.XXXXXX.log")
  if ! (cd "$ROOT" && ./mvnw -B -pl operator -am verify -Dit.test="$1" \
    -Dfailsafe.failIfNoSpecifiedTests=false -Dtest=NONE -Dsurefire.failIfNoSpecifiedTests=false) \
    >"$log" 2>&1; then
    tail -n 60 "$log" >&2
    echo "the benchmark failed; the whole build output is in $log" >&2
    exit 1
  fi
  rm -f "$log"
}
