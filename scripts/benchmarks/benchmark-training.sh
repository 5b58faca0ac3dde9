#!/usr/bin/env bash
# Training benchmark: cold-cache `prepare` + `train` on Caltech-101 with MobileNetV2-int8 (accuracy, wall
# time, peak RSS), the reference recipe on the same cached features, and ResNet-50 feature extraction speed on a
# five-class subset. Run on an otherwise idle machine after `mvn -q -DskipTests package`.
#
#   scripts/benchmarks/benchmark-training.sh [DATA_DIR] [MODELS_DIR]
set -euo pipefail
cd "$(dirname "$0")/../.."
DATA=${1:-../shared/datasets/caltech101/101_ObjectCategories}
MODELS=${2:-../shared/models}
# The launcher: the same JVM settings users get (serial GC, bounded heap).
OUT=$(mktemp -d)
trap 'rm -rf "$OUT"' EXIT
export NO_PROGRESS=1
run() { /usr/bin/time -f "%e s wall, %M KiB peak RSS" ./image-classifier "$@"; }

echo "== prepare + train (default recipe, MobileNetV2-int8, empty feature cache)"
start=$(date +%s.%N)
run prepare --data "$DATA" --out "$OUT/data"
run train --split "$OUT/data/split.csv" --backbone "$MODELS/mobilenetv2-12-int8.onnx" --offline \
    --model "$OUT/model/classifier.onnx" --results "$OUT/results" --cache-dir "$OUT/cache"
echo "prepare + train: $(awk -v a="$start" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }') s"

echo "== reference recipe on the same centre-crop features (cached)"
run train --recipe reference --aug-views 0 --split "$OUT/data/split.csv" --backbone "$MODELS/mobilenetv2-12-int8.onnx" \
    --offline --model "$OUT/model/seed.onnx" --results "$OUT/results-seed" --cache-dir "$OUT/cache"

echo "== the classifier file alone in ONNX Runtime (evaluate) and with flip test-time augmentation"
run evaluate --model "$OUT/model/classifier.onnx" --split "$OUT/data/split.csv" --results "$OUT/eval" --no-progress
run evaluate --tta --model "$OUT/model/classifier.onnx" --split "$OUT/data/split.csv" --results "$OUT/eval-tta" --no-progress

echo "== ResNet-50 (random weights) on five classes: 2048-d features, extraction speed"
mkdir -p "$OUT/five"
for c in accordion anchor ant barrel bass; do ln -s "$(realpath "$DATA/$c")" "$OUT/five/$c"; done
run prepare --data "$OUT/five" --out "$OUT/five-data"
run train --split "$OUT/five-data/split.csv" --backbone "$MODELS/resnet50-random-init.onnx" --offline \
    --model "$OUT/model/resnet50.onnx" --results "$OUT/results-resnet" --cache-dir "$OUT/cache"
