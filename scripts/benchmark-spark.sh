#!/usr/bin/env bash
# Spark `classify` on embedded local[2] against the local path (`evaluate`: the library's ImageClassifier on
# both cores) on the same 1,736 validation images of the Caltech-101 split, alternating, in one run. Prints
# each side's images/s and the Spark job's start-up time. Run after `mvn -q -DskipTests package`.
#
#   scripts/benchmark-spark.sh [DATA_DIR] [ROUNDS]
set -euo pipefail
cd "$(dirname "$0")/.."
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

for round in $(seq "$ROUNDS"); do
  echo "== round $round: local path (image-classifier evaluate)"
  ./image-classifier evaluate --model "$MODEL" --split "$OUT/data/split.csv" --results "$OUT/eval" --no-progress
  echo "== round $round: Spark local[2] (image-classifier-spark classify)"
  /usr/bin/time -f "%e s from JVM start to exit, %M KiB peak RSS" \
    ./image-classifier-spark classify --master 'local[2]' --model "$MODEL" "$OUT/val" -o "$OUT/labels-$round"
done
