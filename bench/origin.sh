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
