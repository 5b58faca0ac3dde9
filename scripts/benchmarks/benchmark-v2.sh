#!/usr/bin/env bash
# The Open Inference Protocol's cost beside /predict: serves the committed model and loads each route with
# wrk -c16 in turns, ROUNDS pairs of (predict, v2 binary), the order swapped every other pair, then v2 JSON once,
# so that load from elsewhere and drift hit them alike; prints requests/s per run and the ratio v2 binary / predict
# over all pairs, and the server's CPU time per request of each (steadier than throughput on a shared machine).
# Under the shared lock: flock /work/bench.lock scripts/benchmarks/benchmark-v2.sh. Run after
# `mvn -q -DskipTests package`.
#
#   scripts/benchmarks/benchmark-v2.sh [IMAGE] [SECONDS per run] [JAR] [ROUNDS]
set -euo pipefail
cd "$(dirname "$0")/../.."
IMG=${1:-../shared/datasets/caltech101/101_ObjectCategories/airplanes/image_0010.jpg}
SECONDS_PER_RUN=${2:-12}
JAR=${3:-cli/target/image-classifier.jar}
ROUNDS=${4:-3}
PORT=${PORT:-8421}
MALLOC_ARENA_MAX=2 java -XX:+UseSerialGC -Xms64m -Xmx1g --enable-native-access=ALL-UNNAMED -jar "$JAR" serve \
  --model=model/classifier.onnx --port="$PORT" >/dev/null 2>&1 &
PID=$!
trap 'kill $PID 2>/dev/null || true' EXIT
until curl -sf "localhost:$PORT/readyz" >/dev/null; do sleep 0.3; done
PREDICT=(-s scripts/benchmarks/wrk-predict.lua "http://127.0.0.1:$PORT/predict")
V2=(-s scripts/benchmarks/wrk-v2-binary.lua "http://127.0.0.1:$PORT/v2/models/classifier/infer")
cpu() { awk '{print $14 + $15}' "/proc/$PID/stat"; } # the server's CPU time, in 10 ms ticks
declare -A CPU_TICKS REQUESTS
run() { # label, wrk args...; prints "label req/s p99 non2xx CPU/request", leaves req/s in RPS (no subshell: it counts)
  local label=$1; shift
  local before; before=$(cpu)
  local out; out=$(IMAGE="$IMG" wrk -t2 -c16 -d"${SECONDS_PER_RUN}s" --latency "$@")
  local ticks=$(( $(cpu) - before ))
  local rps p99 bad n
  rps=$(awk '/Requests\/sec/ {print $2}' <<<"$out")
  p99=$(awk '$1 == "99%" {print $2}' <<<"$out")
  bad=$(awk '/Non-2xx/ {print $5}' <<<"$out")
  n=$(awk '/requests in/ {print $1}' <<<"$out")
  CPU_TICKS[$label]=$(( ${CPU_TICKS[$label]:-0} + ticks )); REQUESTS[$label]=$(( ${REQUESTS[$label]:-0} + n ))
  printf '%-14s %9s req/s   p99 %8s   non-2xx %s   server CPU %5.2f ms/request\n' "$label" "$rps" "$p99" "${bad:-0}" \
    "$(echo "$ticks * 10 / $n" | bc -l)" >&2
  RPS=$rps
}
IMAGE="$IMG" wrk -t2 -c16 -d3s "${PREDICT[@]}" >/dev/null # warm-up of both routes
IMAGE="$IMG" wrk -t2 -c16 -d3s "${V2[@]}" >/dev/null
echo "image $(basename "$IMG") ($(stat -c %s "$IMG") bytes), wrk -t2 -c16, ${SECONDS_PER_RUN} s per run, $(date -u +%FT%TZ)" >&2
P=0; V=0
for round in $(seq "$ROUNDS"); do
  if (( round % 2 )); then
    run predict "${PREDICT[@]}"; p=$RPS; run v2-binary "${V2[@]}"; v=$RPS
  else
    run v2-binary "${V2[@]}"; v=$RPS; run predict "${PREDICT[@]}"; p=$RPS
  fi
  P=$(echo "$P + $p" | bc -l); V=$(echo "$V + $v" | bc -l)
done
JSON=1 run v2-json-base64 "${V2[@]}"
echo "v2 binary / predict over $ROUNDS pairs: throughput $(echo "$V / $P" | bc -l | xargs printf '%.3f'), server CPU per request $(echo \
  "(${CPU_TICKS[v2-binary]} / ${REQUESTS[v2-binary]}) / (${CPU_TICKS[predict]} / ${REQUESTS[predict]})" | bc -l | xargs printf '%.3f')" >&2
