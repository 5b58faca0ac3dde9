#!/usr/bin/env bash
# Spark `classify` on embedded local[2] against the local path (`evaluate`: the library's ImageClassifier on
# both cores) on the same 1,736 validation images of the Caltech-101 split: first alternating in one JVM
# (`image-classifier-spark bench`: images/s and CPU ms per image; the first Spark round is cold), then each as
# its own process, start-up included. Run after `mvn -q -DskipTests package`.
#
#   scripts/benchmarks/benchmark-spark.sh [DATA_DIR] [ROUNDS]
set -euo pipefail
cd "$(dirname "$0")/../.."
DATA=${1:-../shared/datasets/caltech101/101_ObjectCategories}
ROUNDS=${2:-2}
MODEL=${MODEL:-model/classifier.onnx}
OUT=$(mktemp -d)
trap 'rm -rf "$OUT"' EXIT
export NO_PROGRESS=1

./image-classifier prepare --data "$DATA" --out "$OUT/data" >/dev/null
# The split's validation images, copied into one folder (the Spark job reads a folder or glob).
ROOT=$(sed -n 's/^# root: //p' "$OUT/data/split.csv")
awk -F, '$3 == "val" { print $1 }' "$OUT/data/split.csv" | while read -r path; do
  mkdir -p "$OUT/val/$(dirname "$path")"
  cp "$OUT/data/$ROOT/$path" "$OUT/val/$path"
done
echo "Validation images: $(find "$OUT/val" -type f | wc -l)"

echo "== in one JVM: Spark classify (first round cold) and the local path, alternating"
./image-classifier-spark bench --master 'local[2]' --split "$OUT/data/split.csv" --model "$MODEL" --rounds "$ROUNDS" "$OUT/val" \
  2> >(grep -vE "WARN|incubator" >&2)

echo "== separate processes, as users run them: start-up included"
/usr/bin/time -f "%e s from JVM start to exit, CPU %U s user + %S s system, %M KiB peak RSS" \
  ./image-classifier evaluate --model "$MODEL" --split "$OUT/data/split.csv" --results "$OUT/eval" --no-progress
/usr/bin/time -f "%e s from JVM start to exit, CPU %U s user + %S s system, %M KiB peak RSS" \
  ./image-classifier-spark classify --master 'local[2]' --model "$MODEL" "$OUT/val" -o "$OUT/labels" \
  2> >(grep -vE "WARN|incubator" >&2)
