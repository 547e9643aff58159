# Sourced by the small load scripts: a work directory cleaned on exit, the proxy jar, and nginx
# serving a 1 KiB object as if it were S3 (path style: /bucket/1k.bin).
# Usage: source bench/origin.sh NAME ORIGIN_PORT   (sets WORK, JAR, PIDS)

WORK="$(mktemp -d "/tmp/yatagarasu-$1-XXXXXX")"
PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$WORK"; }
trap cleanup EXIT

JAR=proxy/target/yatagarasu-proxy.jar
[ -f "$JAR" ] || ./mvnw -B -q -DskipTests -pl proxy -am package

mkdir -p "$WORK/www/bucket" && head -c 1024 /dev/urandom > "$WORK/www/bucket/1k.bin"
chmod -R a+rX "$WORK"   # nginx workers run as an unprivileged user
cat > "$WORK/nginx.conf" <<NGINX
worker_processes 1;
pid $WORK/nginx.pid;
error_log $WORK/nginx-error.log;
events { worker_connections 4096; }
http {
  access_log off;
  server { listen 127.0.0.1:$2; root $WORK/www; keepalive_requests 100000; }
}
NGINX
nginx -c "$WORK/nginx.conf" -p "$WORK" -g 'daemon off;' & PIDS+=($!)
