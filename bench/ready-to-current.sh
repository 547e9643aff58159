#!/usr/bin/env bash
# How long a proxy pod that turns Ready runs an older configuration generation: the real operator
# against the fabric8 mock API server, real proxies on 127.0.0.x (operator/…/e2e/ReadyToCurrentBench).
# A pod's container restarts from an older mounted snapshot while its pushes back off, then the Pod
# turns Ready; timed from that Pod status update until the pod runs the current generation.
# Usage: bench/ready-to-current.sh [rounds, default 30]
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

export YATAGARASU_BENCH_ROUNDS="${1:-30}"
LOG=$(mktemp /tmp/ready-to-current.XXXXXX.log)
if ! ./mvnw -B -pl operator -am verify -Dit.test=ReadyToCurrentBench \
    -Dfailsafe.failIfNoSpecifiedTests=false -Dtest=NONE -Dsurefire.failIfNoSpecifiedTests=false \
    > "$LOG" 2>&1; then
  tail -n 60 "$LOG" >&2
  echo "the benchmark failed; the whole build output is in $LOG" >&2
  exit 1
fi
cat operator/target/bench/ready-to-current.txt
rm -f "$LOG"
