#!/usr/bin/env bash
# Spark train vs local train on the same split (issue 20): both are the library's Trainer, Spark computing the
# features on its executors. On the full Caltech-101 split with MobileNetV2-int8 it prints, for each, the framing
# chosen, the weight decay chosen and the validation accuracy (they must choose the same and land within 0.2
# points), and times a second local train on the same images (features and heads read back from the cache).
# Run after `mvn -q -DskipTests package`; about 15 minutes on 2 cores.
#
#   scripts/benchmarks/benchmark-spark-parity.sh [DATA_DIR] [MODELS_DIR] [WORK_DIR]
set -euo pipefail
cd "$(dirname "$0")/../.."
DATA=${1:-../shared/datasets/caltech101/101_ObjectCategories}
MODELS=${2:-../shared/models}
WORK=${3:-$(mktemp -d)}
BACKBONE="$MODELS/mobilenetv2-12-int8.onnx"
export NO_PROGRESS=1
timed() { /usr/bin/time -f "  (%e s wall, %M KiB peak RSS)" "$@"; }
facts() {
  python3 -c 'import json,sys; m=json.load(open(sys.argv[1]));
print("  framing %s (%s), weight decay %s, val accuracy %.2f%%" % (m["framing"]["chosen"], ", ".join(
  "%s %.4f" % (c["framing"], c["holdout_loss"]) for c in m["framing"]["candidates"]), m["regularization"]["weight_decay"],
  100 * m["accuracy"]))' "$1"
}

echo "== split: $WORK/data/split.csv"
./image-classifier prepare --data "$DATA" --out "$WORK/data" | tail -1

echo "== local train, empty feature cache"
timed ./image-classifier train --split "$WORK/data/split.csv" --backbone "$BACKBONE" --offline \
    --model "$WORK/local/classifier.onnx" --results "$WORK/local" --cache-dir "$WORK/cache" 2>&1 | grep -E "Framing:|Trained|wall"
facts "$WORK/local/metrics.json"

echo "== local train again, same images and settings (features and heads from the cache)"
timed ./image-classifier train --split "$WORK/data/split.csv" --backbone "$BACKBONE" --offline \
    --model "$WORK/local-again/classifier.onnx" --results "$WORK/local-again" --cache-dir "$WORK/cache" 2>&1 | grep -E "Trained|wall"
facts "$WORK/local-again/metrics.json"

echo "== Spark train (embedded, local[*]): features on the executors"
timed ./image-classifier-spark train --split "$WORK/data/split.csv" --backbone "$BACKBONE" --features "$WORK/spark/features" \
    --model "$WORK/spark/classifier.onnx" --results "$WORK/spark" 2>&1 | grep -E "Trained on Spark|Framing:|wall"
facts "$WORK/spark/metrics.json"
