# shellcheck shell=bash
# Sourced by the small load scripts (after bench/lib.sh): a work directory removed on exit, the
# proxy jar (built when missing), and nginx serving a 1 KiB object as if it were S3 (path style:
# /bucket/1k.bin).
# Usage: source bench/origin.sh NAME ORIGIN_PORT   (sets WORK and JAR)

WORK="$(mktemp -d "/tmp/yatagarasu-$1-XXXXXX")"
# shellcheck disable=SC2317 # called by stop_all on exit
script_cleanup() { rm -rf "$WORK"; }

JAR=proxy/target/yatagarasu-proxy.jar
[ -f "$JAR" ] || build_proxy_jar

small_origin "$WORK" "$2" 100000

ORIGIN_PORT=$2

# proxy_yaml N [TOP_LEVEL_YAML] [BUCKET_YAML]: the configuration of proxy N (0, 1, ...): data port
# ORIGIN_PORT + 1 + N, admin port ORIGIN_PORT + 11 + N, one public bucket /b on the origin.
proxy_yaml() {
  cat <<YAML
server: { listen: "127.0.0.1:$((ORIGIN_PORT + 1 + $1))" }
admin: { listen: "127.0.0.1:$((ORIGIN_PORT + 11 + $1))" }
logging: { accessLog: false }
${2:-}
buckets:
  - name: b
    pathPrefix: /b
    s3: { bucket: bucket, region: us-east-1, endpoint: "http://127.0.0.1:$ORIGIN_PORT", credentials: { accessKeyId: k, secretAccessKey: s } }
    auth: { type: public }
${3:-}
YAML
}

# start_proxies NAME...: proxy N runs $WORK/NAME.yaml (the N-th name, written with proxy_yaml N),
# its output in $WORK/NAME.log; once each serves /b/1k.bin, 10 s of load warms it up (JIT).
start_proxies() {
  local name i port
  for name in "$@"; do
    java -Xmx256m -jar "$JAR" --config "$WORK/$name.yaml" >"$WORK/$name.log" 2>&1 &
    track $!
  done
  for i in $(seq 0 $(($# - 1))); do
    http_ready "http://127.0.0.1:$((ORIGIN_PORT + 11 + i))/ready" 50 || true
  done
  for i in $(seq 0 $(($# - 1))); do
    port=$((ORIGIN_PORT + 1 + i))
    [ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/b/1k.bin")" = 200 ] || { echo "port $port does not serve" >&2; exit 1; }
    wrk -t1 -c64 -d10s "http://127.0.0.1:$port/b/1k.bin" >/dev/null
  done
}

# requests_per_second N SECONDS: wrk's requests/s on proxy N's /b/1k.bin (64 connections).
requests_per_second() {
  wrk -t1 -c64 -d"$2s" "http://127.0.0.1:$((ORIGIN_PORT + 1 + $1))/b/1k.bin" | awk '/Requests\/sec/ {print $2}'
}
