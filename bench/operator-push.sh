#!/usr/bin/env bash
# The operator's latency figures and their targets. The tests behind them (ConfigRendererScaleTest,
# DistributionScaleIT, RotationIT) assert only behaviour in `./mvnw verify`: every pod ends on the
# new credentials, no pod refuses a snapshot, no request fails outside the switch. They print their
# times as `FIGURE name value` lines; this script runs them, collects the figures and compares them
# with the targets below. Usage: bench/operator-push.sh [--no-build]
# Exit 0 when every target is met, 1 when one is missed, 2 when a figure is missing.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

OUT="$(mktemp -d /tmp/yatagarasu-operator-push.XXXXXX)"
LOG="$OUT/mvn.log"
OFFLINE=()
if [ "${1:-}" = "--no-build" ]; then OFFLINE=(-o); fi

# name, target in ms (the figure must be below it), what it is
TARGETS=(
  "operator.render1000.warm.ms 1000 render of 1,000 buckets, warm, best of 5"
  "operator.rotation.median.ms 1000 Secret update -> 3/3 pods on the new credentials, median of 50"
  "operator.rotation.p99.ms 1000 same, p99 (with 50 samples, the slowest)"
  "operator.push1000.median.ms 2000 change of 1,000 buckets rendered and pushed to 10 pods, median of 10"
  "operator.rotation-under-load.ms 2000 Secret update -> 3/3 pods serving with the new key, under load"
)

echo "== running the operator's scale tests (a few minutes; output in $LOG)"
./mvnw -B "${OFFLINE[@]}" -pl operator -am verify \
  -Dtest=ConfigRendererScaleTest -Dsurefire.failIfNoSpecifiedTests=false \
  -Dit.test='DistributionScaleIT,RotationIT' -Dfailsafe.failIfNoSpecifiedTests=false \
  -Dspotless.check.skip=true >"$LOG" 2>&1 || {
  echo "the tests failed: see $LOG" >&2
  exit 1
}

status=0
printf '%-34s %10s %10s  %s\n' figure measured target result
for line in "${TARGETS[@]}"; do
  read -r name target what <<<"$line"
  value="$(grep -E "^FIGURE $name " "$LOG" | tail -1 | awk '{print $3}')"
  if [ -z "$value" ]; then
    printf '%-34s %10s %10s  %s\n' "$name" "-" "< $target" "MISSING ($what)"
    status=2
    continue
  fi
  if awk -v v="$value" -v t="$target" 'BEGIN { exit !(v < t) }'; then
    result=met
  else
    result=MISSED
    [ "$status" -eq 0 ] && status=1
  fi
  printf '%-34s %10s %10s  %s (%s)\n' "$name" "$value ms" "< $target" "$result" "$what"
done
echo "machine: $(nproc) CPUs, load average $(cut -d' ' -f1-3 /proc/loadavg), $(java -version 2>&1 | head -1)"
exit "$status"
