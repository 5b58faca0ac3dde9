#!/usr/bin/env bash
# What an explanation costs: serves the committed model and sends one image ROUNDS × PER times to each route,
# the routes taking turns round by round (so load from elsewhere hits them alike). Prints each route's median
# latency (curl, loopback) and the server's CPU time per request (/proc/PID/stat, 10 ms ticks, summed per
# round). Run after `mvn -q -DskipTests package`; give JAR to compare another build (e.g. main's) on the same
# routes.
#
#   scripts/benchmarks/benchmark-explain.sh [IMAGE] [ROUNDS] [PER] [JAR] [ROUTES...]
set -euo pipefail
cd "$(dirname "$0")/../.."
IMG=${1:-../shared/datasets/caltech101/101_ObjectCategories/airplanes/image_0010.jpg}
ROUNDS=${2:-5}
PER=${3:-10}
JAR=${4:-cli/target/image-classifier.jar}
shift $(( $# < 4 ? $# : 4 ))
ROUTES=("$@")
[ ${#ROUTES[@]} -gt 0 ] || ROUTES=(/predict "/predict?explain=true" /predict/heatmap.png)
PORT=${PORT:-8419}
MALLOC_ARENA_MAX=2 java -XX:+UseSerialGC -Xms64m -Xmx2g --enable-native-access=ALL-UNNAMED -jar "$JAR" serve \
  --model=model/classifier.onnx --port="$PORT" >/dev/null 2>&1 &
PID=$!
trap 'kill $PID 2>/dev/null || true' EXIT
until curl -sf "localhost:$PORT/health" >/dev/null; do sleep 0.3; done
cpu() { awk '{print $14 + $15}' "/proc/$PID/stat"; }
declare -A LAT CPU
for route in "${ROUTES[@]}"; do # warm-up, which also makes the explaining session
  for _ in $(seq 10); do curl -s -o /dev/null -F "file=@$IMG" "localhost:$PORT$route"; done
done
for _ in $(seq "$ROUNDS"); do
  for route in "${ROUTES[@]}"; do
    before=$(cpu)
    for _ in $(seq "$PER"); do
      LAT[$route]+="$(curl -s -o /dev/null -w '%{time_total}' -F "file=@$IMG" "localhost:$PORT$route") "
    done
    CPU[$route]=$(( ${CPU[$route]:-0} + $(cpu) - before ))
  done
done
n=$((ROUNDS * PER))
for route in "${ROUTES[@]}"; do
  median=$(echo ${LAT[$route]} | tr ' ' '\n' | sort -n | awk '{a[NR] = $1} END {printf "%.1f", a[int((NR + 1) / 2)] * 1000}')
  printf '%-24s median latency %6s ms   server CPU %6.1f ms/request   (n=%d)\n' "$route" "$median" \
    "$(echo "${CPU[$route]} * 10 / $n" | bc -l)" "$n"
done
