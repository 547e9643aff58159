#!/usr/bin/env bash
# How long a proxy pod that turns Ready runs an older configuration generation: the real operator
# against the fabric8 mock API server, real proxies on 127.0.0.x (operator/…/e2e/ReadyToCurrentBench).
# A pod's container restarts from an older mounted snapshot while its pushes back off, then the Pod
# turns Ready; timed from that Pod status update until the pod runs the current generation.
# Usage: bench/ready-to-current.sh [rounds, default 30]
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

export YATAGARASU_BENCH_ROUNDS="${1:-30}"
# shellcheck source=bench/lib.sh
source bench/lib.sh
operator_bench ReadyToCurrentBench
cat operator/target/bench/ready-to-current.txt
