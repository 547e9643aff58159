#!/usr/bin/env bash
# The first thing to run: builds the demo (./mvnw fetches Maven; only a JDK 17+ is needed), then
# starts two local S3 stores with sample objects and the proxy in front of them, and prints curl
# commands to try. Ctrl-C stops everything. Options: --port N, --admin-port N, --help.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")"

if ! command -v java >/dev/null 2>&1; then
  echo "demo.sh needs a JDK 17 or newer on the PATH (java not found)" >&2
  exit 1
fi

./mvnw -B -q -DskipTests -pl demo -am package
exec java -jar demo/target/yatagarasu-demo.jar "$@"
