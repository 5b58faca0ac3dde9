#!/usr/bin/env bash
# Preprocessing speed, every measure in one run on the same files: the library's preprocessing (one thread, median
# per image: bench's PreprocessingSpeed, default path and --exact-preprocessing), Pillow's (pillow_preprocess.py:
# draft + antialiased bilinear resize + normalise with numpy, the same framing), the server's timing_ms.preprocess
# (this build, and BEFORE_JAR's when given), and ONNX Runtime alone on the same model (OrtAloneSpeed, batch 1 and 8),
# on a small Caltech JPEG, a 4032x3024 ~2 MB JPEG made from it, and every JPEG of ../shared/datasets/photos.
# Run after `mvn -q -DskipTests package`, under the shared lock on a shared machine:
#
#   flock /work/bench.lock scripts/benchmarks/benchmark-preprocessing.sh [MODEL] [WORK_DIR]
#   BEFORE_JAR=/path/to/older/image-classifier.jar flock /work/bench.lock scripts/benchmarks/benchmark-preprocessing.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
MODEL=${1:-model/classifier.onnx}
WORK=${2:-${TMPDIR:-/tmp}/image-classifier-preprocessing}
REPEATS=${REPEATS:-100}
PY=/usr/bin/python3 # Debian's, with python3-pil and python3-numpy
SMALL=../shared/datasets/caltech101/101_ObjectCategories/airplanes/image_0001.jpg
mkdir -p "$WORK"
LARGE=$WORK/photo-4032x3024.jpg
[ -f "$LARGE" ] || $PY scripts/benchmarks/pillow_preprocess.py photo "$SMALL" "$LARGE"
mapfile -t PHOTOS < <(find ../shared/datasets/photos -name '*.jpg' | sort)
FRAMING=$(grep -ao '"framing":"[a-z-]*"' "$MODEL" | head -1 | cut -d'"' -f4)
CP="benchmarks/target/classes:library/target/classes:$(cat benchmarks/target/classpath.txt)"
JVM=(-XX:+UseSerialGC -Xms64m -Xmx2g --enable-native-access=ALL-UNNAMED)

# "<name> <kind> <ms> <file>" lines for the small JPEG (REPEATS runs), the large one and each photo (REPEATS/5)
measure() { # measure NAME COMMAND... (the command takes REPEATS FILE... last)
  local name=$1; shift
  "$@" "$REPEATS" "$SMALL" | sed "s/^/$name small /"
  "$@" $((REPEATS / 5)) "$LARGE" "${PHOTOS[@]}" | awk -v n="$name" -v large="$LARGE" \
    '$2 == large {print n, "large", $0; next} {print n, "photo", $0}'
}
# The exact path decodes every photo at full size (≈ 0.1 s for 12 MP): the small and the large JPEG only.
measure_exact() {
  local run=(env EXACT_PREPROCESSING=true java "${JVM[@]}" -cp "$CP" dev.imageclassifier.benchmarks.PreprocessingSpeed "$MODEL")
  "${run[@]}" "$REPEATS" "$SMALL" | sed "s/^/exact small /"
  "${run[@]}" 10 "$LARGE" | sed "s/^/exact large /"
}

serve_and_measure() { # serve_and_measure NAME JAR
  local port; port=$($PY -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  MALLOC_ARENA_MAX=2 java "${JVM[@]}" -jar "$2" serve --model "$MODEL" --port "$port" > "$WORK/$1.log" 2>&1 &
  local pid=$!
  for _ in $(seq 120); do curl -sf "localhost:$port/health" > /dev/null && break; sleep 0.5; done
  measure "$1" $PY scripts/benchmarks/pillow_preprocess.py server "http://localhost:$port"
  kill "$pid"; wait "$pid" 2>/dev/null || true
}

{
  measure library java "${JVM[@]}" -cp "$CP" dev.imageclassifier.benchmarks.PreprocessingSpeed "$MODEL"
  measure_exact
  measure pillow $PY scripts/benchmarks/pillow_preprocess.py pillow "$FRAMING"
  serve_and_measure server "${AFTER_JAR:-cli/target/image-classifier.jar}"
  [ -n "${BEFORE_JAR:-}" ] && serve_and_measure server-before "$BEFORE_JAR"
} 2> >(grep -v "^SLF4J" >&2) > "$WORK/times.txt"
ORT=$(java -cp "${AFTER_JAR:-cli/target/image-classifier.jar}" scripts/benchmarks/OrtAloneSpeed.java nospin "$MODEL" 2>/dev/null | tail -2)

echo "== $(date -u +%F) $(nproc) cores, model $MODEL (framing $FRAMING), median ms per image; photos: sum over ${#PHOTOS[@]} files"
awk '{t[$1" "$2] += $3; names[$1] = 1}
  END {
    printf "%-14s %10s %10s %12s\n", "", "small JPEG", "12 MP JPEG", "photos (sum)"
    for (n in names) printf "%-14s %10.2f %10.2f %12.1f\n", n, t[n" small"], t[n" large"], t[n" photo"]
    for (n in names) if (n != "pillow") printf "%-14s %10.2f %10.2f %12s\n", n "/pillow", t[n" small"] / t["pillow small"],
      t[n" large"] / t["pillow large"], t[n" photo"] ? sprintf("%.2f", t[n" photo"] / t["pillow photo"]) : "-"
  }' "$WORK/times.txt"
echo "ONNX Runtime alone on $MODEL (last round):"
echo "$ORT"
