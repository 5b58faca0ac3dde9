#!/usr/bin/env bash
# Model swaps under load: `serve` on 127.0.0.1 answers `wrk -c16` on /predict while the served file is replaced
# (written beside it and renamed over it, as `train` writes) and reloaded (POST /admin/models/classifier/reload),
# ten times, alternating two classifier files. Measured in the same run: the steady phase (same load, no swap) and
# the swap phase: non-2xx answers, p99 (and p99.9, max), the server's resident memory (VmRSS sampled every 0.2 s)
# steady / peak / after, and the version each answer names at every swap. Then a truncated copy written over the
# served file in place (as an interrupted `cp` leaves it) with the poll on: never loaded, the old version answers.
# Run on an otherwise idle machine, under the benchmarks' lock:
#   flock /work/bench.lock scripts/benchmarks/benchmark-reload.sh
# Environment: SECOND_MODEL (another classifier file; default: trained once with the reference recipe into
# $REUSE), REUSE (/tmp/benchmark-reload), WARMUP_S (30), STEADY_S (30), SWAP_S (60), SWAPS (10), PORT (18124), IMAGE, JAR.
set -euo pipefail
cd "$(dirname "$0")/../.."
JAR=${JAR:-cli/target/image-classifier.jar}
PORT=${PORT:-18124}
STEADY_S=${STEADY_S:-30}
WARMUP_S=${WARMUP_S:-30}
SWAP_S=${SWAP_S:-60}
SWAPS=${SWAPS:-10}
REUSE=${REUSE:-/tmp/benchmark-reload}
IMAGE=${IMAGE:-../shared/datasets/caltech101/101_ObjectCategories/airplanes/image_0001.jpg}
export IMAGE NO_PROGRESS=1
[ -f "$JAR" ] || { echo "error: $JAR not found; build it first: mvn -q -DskipTests package" >&2; exit 1; }
command -v wrk > /dev/null || { echo "error: wrk is not installed" >&2; exit 1; }

FIRST=model/classifier.onnx
SECOND=${SECOND_MODEL:-$REUSE/model/second.onnx}
if [ ! -f "$SECOND" ]; then
  echo "== a second classifier: the reference recipe on the same backbone (cached features make it quick after the first time)"
  ./image-classifier prepare --data ../shared/datasets/caltech101/101_ObjectCategories --out "$REUSE/data" > /dev/null
  ./image-classifier train --recipe reference --aug-views 0 --split "$REUSE/data/split.csv" \
      --backbone ../shared/models/mobilenetv2-12-int8.onnx --offline --model "$SECOND" --results "$REUSE/results" > /dev/null
fi
sha12() { sha256sum "$1" | cut -c1-12; }
A=$(sha12 "$FIRST"); B=$(sha12 "$SECOND")
[ "$A" != "$B" ] || { echo "error: the two classifier files are the same" >&2; exit 1; }

WORK=$(mktemp -d)
SERVED=$WORK/served/classifier.onnx
mkdir -p "$WORK/served"
cp "$FIRST" "$SERVED"
# As train writes: a temporary file in the same folder, renamed over the served one.
replace() { cp "$1" "$WORK/served/.incoming.onnx" && mv -f "$WORK/served/.incoming.onnx" "$SERVED"; }

# The admin routes always need a bearer token: lock only them, every other route stays open.
export API_TOKENS=benchmark-admin-token API_OPEN_ROUTES='/predict*,/model*,/health,/livez,/readyz,/metrics'
MALLOC_ARENA_MAX=2 java -XX:+UseSerialGC -Xms64m -Xmx2g -XX:+ExitOnOutOfMemoryError --enable-native-access=ALL-UNNAMED \
    -jar "$JAR" serve --host 127.0.0.1 --port "$PORT" --model "classifier=$SERVED" --model-poll-s 0 > "$WORK/server.log" 2>&1 &
SERVER=$!
SAMPLER=
cleanup() {
  kill "$SERVER" 2>/dev/null || true
  if [ -n "$SAMPLER" ]; then kill "$SAMPLER" 2>/dev/null || true; fi
  wait "$SERVER" 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT
URL=http://127.0.0.1:$PORT
for _ in $(seq 1 120); do curl -fs "$URL/readyz" > /dev/null 2>&1 && break; sleep 0.5; done
curl -fs "$URL/readyz" > /dev/null || { echo "error: the server did not become ready" >&2; cat "$WORK/server.log" >&2; exit 1; }

# Resident memory every 0.2 s: "<seconds since epoch> <KiB>".
( while kill -0 "$SERVER" 2>/dev/null; do
    echo "$(date +%s.%N) $(awk '/^VmRSS/ { print $2 }' /proc/"$SERVER"/status)"; sleep 0.2
  done ) > "$WORK/rss.txt" &
SAMPLER=$!
rss_between() { awk -v a="$1" -v b="$2" '$1 >= a && $1 <= b && $2 > 0 { print $2 }' "$WORK/rss.txt" | sort -n | tail -1; }
load() { wrk -t2 -c16 -d"$1"s --timeout 10s -s scripts/benchmarks/wrk-reload.lua "$URL/predict"; }
# The Java heap's committed size (MiB) now: the part of RSS that is the JVM's heap, not the models' native memory.
heap_mib() { curl -s "$URL/metrics" | awk 'index($0, "jvm_memory_committed_bytes{area=\"heap\"") == 1 { sum += $NF } END { printf "%d", sum / 1048576 }'; }
field() { sed -n "s/.*RESULT.* $2=\([0-9.]*\).*/\1/p" "$1"; }
now() { date +%s.%N; }

echo "== warm-up (${WARMUP_S} s: the JIT and the heap settle first, so that their growth is not taken for the swaps)"
load "$WARMUP_S" > /dev/null

echo "== steady: wrk -t2 -c16 -d${STEADY_S}s, no swap"
t0=$(now); load "$STEADY_S" > "$WORK/steady.txt"; t1=$(now)
grep -E "RESULT|VERSION" "$WORK/steady.txt"
STEADY_RSS=$(rss_between "$t0" "$t1"); STEADY_HEAP=$(heap_mib)

echo "== swaps: wrk -t2 -c16 -d${SWAP_S}s, $SWAPS reloads alternating the two files"
t2=$(now)
load "$SWAP_S" > "$WORK/swaps.txt" &
WRK=$!
interval=$(awk -v s="$SWAP_S" -v n="$SWAPS" 'BEGIN { printf "%.2f", s / (n + 1) }')
switched=0
for i in $(seq 1 "$SWAPS"); do
  sleep "$interval"
  if [ $((i % 2)) -eq 1 ]; then file=$SECOND; want=$B; else file=$FIRST; want=$A; fi
  replace "$file"
  took=$(curl -s -o "$WORK/reload.json" -w "%{http_code} %{time_total}" -X POST -H "Authorization: Bearer $API_TOKENS" "$URL/admin/models/classifier/reload")
  got=$(curl -s -D - -o /dev/null -F "file=@$IMAGE" "$URL/predict" | tr -d '\r' | awk -F': ' 'tolower($1) == "x-model-version" { print $2 }')
  [ "$got" = "$want" ] && switched=$((switched + 1))
  echo "swap $i: reload ${took% *} in ${took#* } s, next answer version $got (expected $want)"
done
wait "$WRK"
t3=$(now)
grep -E "RESULT|VERSION" "$WORK/swaps.txt"
PEAK_RSS=$(rss_between "$t2" "$t3"); SWAP_HEAP=$(heap_mib)

echo "== after: wrk -t2 -c16 -d${STEADY_S}s, no swap"
t4=$(now); load "$STEADY_S" > "$WORK/after.txt"; t5=$(now)
grep -E "RESULT" "$WORK/after.txt"
AFTER_RSS=$(rss_between "$t4" "$t5"); AFTER_HEAP=$(heap_mib)
MODEL_MIB=$(curl -s "$URL/metrics" | awk '/^model_memory_bytes/ { printf "%d", $2 / 1048576 }')

echo "== a truncated copy over the served file, in place (the poll on, via a second server)"
kill "$SERVER"; wait "$SERVER" 2>/dev/null || true
cp "$FIRST" "$SERVED"
MALLOC_ARENA_MAX=2 java -XX:+UseSerialGC -Xms64m -Xmx2g --enable-native-access=ALL-UNNAMED -jar "$JAR" serve --host 127.0.0.1 \
    --port "$PORT" --model "classifier=$SERVED" --model-poll-s 1 > "$WORK/server2.log" 2>&1 &
SERVER=$!
for _ in $(seq 1 120); do curl -fs "$URL/readyz" > /dev/null 2>&1 && break; sleep 0.5; done
size=$(stat -c %s "$SECOND")
head -c $((size / 2)) "$SECOND" > "$SERVED"   # in place: same file, cut short
sleep 4
truncated_version=$(curl -s -D - -o /dev/null -F "file=@$IMAGE" "$URL/predict" | tr -d '\r' | awk -F': ' 'tolower($1) == "x-model-version" { print $2 }')
truncated_error=$(curl -s "$URL/models/classifier" | sed -n 's/.*"last_error":{"detail":"\([^"]*\)".*/\1/p')
failed_loads=$(curl -s "$URL/metrics" | awk '/^model_loads_total\{.*outcome="failed"/ { print $2 }')

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }'; }
echo
echo "| Measure (wrk -t2 -c16, /predict) | Steady (${STEADY_S} s) | ${SWAPS} swaps (${SWAP_S} s) | After (${STEADY_S} s) | Goal |"
echo "|---|---|---|---|---|"
echo "| requests / non-2xx / socket errors | $(field "$WORK/steady.txt" requests) / $(field "$WORK/steady.txt" non2xx) / $(field "$WORK/steady.txt" socket_errors) | $(field "$WORK/swaps.txt" requests) / $(field "$WORK/swaps.txt" non2xx) / $(field "$WORK/swaps.txt" socket_errors) | $(field "$WORK/after.txt" requests) / $(field "$WORK/after.txt" non2xx) / $(field "$WORK/after.txt" socket_errors) | 0 non-2xx |"
echo "| requests/s | $(field "$WORK/steady.txt" rps) | $(field "$WORK/swaps.txt" rps) | $(field "$WORK/after.txt" rps) | |"
echo "| p50 / p99 / p99.9 / max ms | $(field "$WORK/steady.txt" p50_ms) / $(field "$WORK/steady.txt" p99_ms) / $(field "$WORK/steady.txt" p999_ms) / $(field "$WORK/steady.txt" max_ms) | $(field "$WORK/swaps.txt" p50_ms) / $(field "$WORK/swaps.txt" p99_ms) / $(field "$WORK/swaps.txt" p999_ms) / $(field "$WORK/swaps.txt" max_ms) | $(field "$WORK/after.txt" p50_ms) / $(field "$WORK/after.txt" p99_ms) / $(field "$WORK/after.txt" p999_ms) / $(field "$WORK/after.txt" max_ms) | |"
echo "| p99 ÷ steady p99 | 1.00 | $(ratio "$(field "$WORK/swaps.txt" p99_ms)" "$(field "$WORK/steady.txt" p99_ms)") | $(ratio "$(field "$WORK/after.txt" p99_ms)" "$(field "$WORK/steady.txt" p99_ms)") | swaps ≤ 3 |"
echo "| server RSS, MiB (max of 0.2 s samples) | $((STEADY_RSS / 1024)) | peak $((PEAK_RSS / 1024)) ($(ratio "$PEAK_RSS" "$STEADY_RSS") ×) | $((AFTER_RSS / 1024)) ($(ratio "$AFTER_RSS" "$STEADY_RSS") ×) | peak ≤ 2 ×, after within 10 % |"
echo "| Java heap committed at the end, MiB | $STEADY_HEAP | $SWAP_HEAP | $AFTER_HEAP | |"
echo "| RSS − heap (native: ONNX Runtime, JVM), MiB | $((STEADY_RSS / 1024 - STEADY_HEAP)) | peak ≤ $((PEAK_RSS / 1024 - STEADY_HEAP)) | $((AFTER_RSS / 1024 - AFTER_HEAP)) ($(ratio "$((AFTER_RSS / 1024 - AFTER_HEAP))" "$((STEADY_RSS / 1024 - STEADY_HEAP))") ×) | |"
echo "| model_memory_bytes of the serving version, MiB | | | $MODEL_MIB | |"
echo "| answers naming the new version right after each swap | | $switched of $SWAPS | | all |"
echo
echo "Truncated copy in place: the next answer came from version $truncated_version (expected $A, the old one); failed loads: ${failed_loads:-0}; status: ${truncated_error:-none}"
