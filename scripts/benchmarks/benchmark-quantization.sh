#!/usr/bin/env bash
# Quantization benchmark (issue 12): int8 against float on the two backbones it is judged on.
#  1. accuracy: a Caltech-101 classifier on ../shared/models/mobilenetv2-float.onnx (the real pretrained weights
#     as a float network), quantized with the defaults; quantization.json has float/int8 top-1, agreement and
#     ONNX Runtime's own speed of both files;
#  2. speed: ResNet-50 (random weights: structure and speed only) with a head trained on five classes,
#     quantized, then ONNX Runtime alone at batch 1 and 8 (quantization.json) and the server at concurrency 16
#     (bench: req/s, latency, peak RSS), fp32 and int8 one after the other; file sizes.
# Run after `mvn -q -DskipTests package`, on an otherwise idle machine; figures drift between machines, so
# compare the ratios of one run.
#
#   scripts/benchmarks/benchmark-quantization.sh [DATA_DIR] [MODELS_DIR] [OUT_DIR]
set -euo pipefail
cd "$(dirname "$0")/../.."
DATA=${1:-../shared/datasets/caltech101/101_ObjectCategories}
MODELS=${2:-../shared/models}
OUT=${3:-$(mktemp -d)}
mkdir -p "$OUT"
export NO_PROGRESS=1
run() { /usr/bin/time -f "%e s wall, %M KiB peak RSS" ./image-classifier "$@"; }
size() { stat -c %s "$1" | awk -v f="$1" '{ printf "%s: %.1f MB\n", f, $1 / 1e6 }'; }

echo "== MobileNetV2 float: train on Caltech-101 (default recipe), quantize (defaults), compare"
run prepare --data "$DATA" --out "$OUT/data"
run train --split "$OUT/data/split.csv" --backbone "$MODELS/mobilenetv2-float.onnx" --offline \
    --model "$OUT/mobilenet/float.onnx" --results "$OUT/mobilenet/results" --cache-dir "$OUT/cache"
run quantize --model "$OUT/mobilenet/float.onnx" --split "$OUT/data/split.csv" \
    --out "$OUT/mobilenet/int8.onnx" --results "$OUT/mobilenet/results"
cat "$OUT/mobilenet/results/quantization.json"; echo
size "$OUT/mobilenet/float.onnx"; size "$OUT/mobilenet/int8.onnx"

echo "== ResNet-50 (random weights): a five-class head, quantized (--force: the answers of random weights mean nothing)"
mkdir -p "$OUT/five"
for c in accordion anchor ant barrel bass; do ln -sfn "$(realpath "$DATA/$c")" "$OUT/five/$c"; done
run prepare --data "$OUT/five" --out "$OUT/five-data"
run train --split "$OUT/five-data/split.csv" --backbone "$MODELS/resnet50-random-init.onnx" --offline \
    --model "$OUT/resnet50/fp32.onnx" --results "$OUT/resnet50/results" --cache-dir "$OUT/cache"
run quantize --force --speed-s 10 --model "$OUT/resnet50/fp32.onnx" --split "$OUT/five-data/split.csv" \
    --out "$OUT/resnet50/int8.onnx" --results "$OUT/resnet50/results"
cat "$OUT/resnet50/results/quantization.json"; echo
size "$OUT/resnet50/fp32.onnx"; size "$OUT/resnet50/int8.onnx"

echo "== ResNet-50 in ONNX Runtime alone, taking turns: the project's options (no spinning), then ONNX Runtime's default spinning"
for spin in nospin spin; do
  java -cp cli/target/image-classifier.jar scripts/benchmarks/OrtAloneSpeed.java $spin "$OUT/resnet50/fp32.onnx" "$OUT/resnet50/int8.onnx"
done

echo "== ResNet-50 served, concurrency 16: fp32 then int8"
IMAGE="$DATA/airplanes/image_0001.jpg"
for precision in fp32 int8; do
  run bench --model "$OUT/resnet50/$precision.onnx" --image "$IMAGE" --concurrency 16 --duration-s 20 \
      --json "$OUT/resnet50/bench-$precision.json"
done
