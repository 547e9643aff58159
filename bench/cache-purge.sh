#!/usr/bin/env bash
# How long a fleet-wide cache purge takes: the real operator against the fabric8 mock API server,
# real proxies on 127.0.0.x with the cache on, filled from a real s3proxy
# (operator/…/e2e/CachePurgeBench). Timed from just before the S3ProxyCachePurge is created until
# its status shows Complete=True, for a fleet of 3 pods and one of 10.
# Usage: bench/cache-purge.sh [rounds per fleet size, default 20]
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

export YATAGARASU_BENCH_ROUNDS="${1:-20}"
# shellcheck source=bench/lib.sh
source bench/lib.sh
operator_bench CachePurgeBench
cat operator/target/bench/cache-purge.txt
echo "machine: $(nproc) CPUs, load average $(cut -d' ' -f1-3 /proc/loadavg)"
