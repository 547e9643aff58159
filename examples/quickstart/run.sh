#!/usr/bin/env bash
# The Kubernetes quick start, end to end, on a local kind cluster:
#   examples/quickstart/run.sh
# Needs docker, kind, kubectl and helm on the PATH. It builds both images from this checkout,
# loads them into the cluster, installs the chart, starts MinIO with sample objects, creates a
# fleet with a public and a JWT bucket, fetches objects through a port-forward, rotates the S3
# credentials and waits for the new generation to be programmed on every proxy pod.
# Environment: KIND_CLUSTER (default yatagarasu-quickstart), QUICKSTART_PORT (default 8080),
# SKIP_BUILD=1 to reuse images built before. The cluster is left running; remove it with
#   kind delete cluster --name yatagarasu-quickstart
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
CLUSTER=${KIND_CLUSTER:-yatagarasu-quickstart}
PORT=${QUICKSTART_PORT:-8080}
BASE="http://127.0.0.1:$PORT"
NS=quickstart
TAG=quickstart

step() { printf '\n==> %s\n' "$*"; }
fail() { printf 'quickstart: %s\n' "$*" >&2; exit 1; }

for tool in docker kind kubectl helm curl; do
  command -v "$tool" >/dev/null || fail "$tool is not on the PATH"
done

step "kind cluster $CLUSTER"
if ! kind get clusters | grep -qx "$CLUSTER"; then
  kind create cluster --name "$CLUSTER" --wait 120s
fi
kubectl config use-context "kind-$CLUSTER" >/dev/null

if [ "${SKIP_BUILD:-0}" != 1 ]; then
  step "build the images from $ROOT"
  docker build -f "$ROOT/Dockerfile.proxy" -t "yatagarasu-proxy:$TAG" "$ROOT"
  docker build -f "$ROOT/Dockerfile.operator" -t "yatagarasu-operator:$TAG" "$ROOT"
fi
step "load the images into the cluster"
kind load docker-image --name "$CLUSTER" "yatagarasu-proxy:$TAG" "yatagarasu-operator:$TAG"

step "install the chart (CRDs and operator) into namespace $NS"
helm upgrade --install yatagarasu "$ROOT/charts/yatagarasu" \
  --namespace "$NS" --create-namespace -f "$HERE/values.yaml" --wait --timeout 5m
kubectl -n "$NS" rollout status deployment/yatagarasu --timeout 5m

step "MinIO with sample objects (the seed Job)"
kubectl apply -f "$HERE/minio.yaml"
kubectl -n "$NS" rollout status deployment/minio --timeout 5m
kubectl -n "$NS" wait --for=condition=complete job/minio-seed --timeout 5m

step "credentials, the fleet and two buckets"
kubectl apply -f "$HERE/credentials.yaml" -f "$HERE/proxy.yaml" -f "$HERE/buckets.yaml"
kubectl -n "$NS" wait s3pc/edge --for=condition=Programmed --timeout 5m
kubectl -n "$NS" rollout status deployment/edge --timeout 5m
kubectl -n "$NS" get s3pc,s3pb

step "port-forward service/edge to $BASE"
kubectl -n "$NS" port-forward service/edge "$PORT:80" >/dev/null &
FORWARD=$!
trap 'kill $FORWARD 2>/dev/null || true' EXIT
for _ in $(seq 1 60); do
  curl -s -o /dev/null "$BASE/" && break
  sleep 1
done

step "requests"
set -x
curl -fsS "$BASE/public/hello.txt"
curl -fsS -H "Authorization: Bearer $(cat "$HERE/jwt/token.jwt")" "$BASE/reports/2026/summary.csv"
curl -sS -o /dev/null -w '%{http_code}\n' "$BASE/reports/2026/summary.csv"
set +x
status=$(curl -sS -o /dev/null -w '%{http_code}' "$BASE/reports/2026/summary.csv")
[ "$status" = 401 ] || fail "a request without a token answered $status (expected: 401)"

step "rotate the S3 credentials"
before=$(kubectl -n "$NS" get s3pc edge -o jsonpath='{.status.configGeneration}')
kubectl apply -f "$HERE/credentials-rotated.yaml"
programmed=""
for _ in $(seq 1 120); do
  generation=$(kubectl -n "$NS" get s3pc edge -o jsonpath='{.status.configGeneration}')
  programmed=$(kubectl -n "$NS" get s3pc edge \
    -o jsonpath='{.status.conditions[?(@.type=="Programmed")].status} {.status.conditions[?(@.type=="Programmed")].message}')
  if [ "$generation" -gt "$before" ] && [[ "$programmed" == "True "*"at generation $generation "* ]]; then
    break
  fi
  sleep 1
done
[ "$generation" -gt "$before" ] || fail "the generation stayed at $before after the rotation"
echo "generation $before -> $generation; Programmed: $programmed"
kubectl -n "$NS" get s3pc,s3pb
curl -fsS "$BASE/public/hello.txt"

step "done"
echo "The cluster keeps running. Try the requests above against $BASE after:"
echo "  kubectl -n $NS port-forward service/edge $PORT:80"
echo "Remove everything with: kind delete cluster --name $CLUSTER"
