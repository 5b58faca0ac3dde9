#!/usr/bin/env bash
# Large-photo benchmark: the Caltech-101 validation images as ~12-megapixel phone-sized JPEGs (upscaled with
# Pillow's antialiased filter, mild sensor-like noise, quality 92), then, every path measured in the same run:
#   - the committed model's accuracy (`evaluate`) on the original images and on the large photos, and, image by
#     image, on the large photos decoded at full size (the exact path), reduced through libjpeg-turbo and reduced
#     in pure Java: each path's top-1 accuracy and agreement with the exact path (DecodePathAgreement, beside the
#     decoder's tests: it measures internal paths);
#   - `train` feature extraction (cold cache, MobileNetV2-int8) over a folder of the large photos: images/s.
# Run after `mvn -q -DskipTests package` (which also compiles the test classes), on an otherwise idle machine. Making the photos takes 15-60 minutes on
# 2 cores; they are kept in WORK_DIR and reused.
#
#   scripts/benchmarks/benchmark-large-photos.sh [DATA_DIR] [MODELS_DIR] [WORK_DIR]
set -euo pipefail
cd "$(dirname "$0")/../.."
DATA=${1:-../shared/datasets/caltech101/101_ObjectCategories}
MODELS=${2:-../shared/models}
WORK=${3:-${TMPDIR:-/tmp}/image-classifier-large-photos}
# The library with its dependencies (benchmarks/target/classpath.txt, written by `package`), the benchmark programs and
# the library's test classes (DecodePathAgreement).
CP="benchmarks/target/classes:library/target/test-classes:library/target/classes:$(cat benchmarks/target/classpath.txt)"
export NO_PROGRESS=1
mkdir -p "$WORK"
run() { /usr/bin/time -f "  (%e s wall, %M KiB peak RSS)" ./image-classifier "$@"; }

echo "== split and large photos in $WORK"
./image-classifier prepare --data "$DATA" --out "$WORK/original" | tail -1
java -cp "$CP" dev.imageclassifier.benchmarks.LargeValidationSet "$WORK/original/split.csv" "$WORK/large" 12 | tail -1

echo "== the committed model (MobileNetV2-int8) on the originals, then on the large photos along each decoding path"
run evaluate --split "$WORK/original/split.csv" --results "$WORK/eval-original" --no-progress
java -Xmx2g -cp "$CP" dev.imageclassifier.vision.DecodePathAgreement model/classifier.onnx "$WORK/large/split.csv"
run evaluate --split "$WORK/large/split.csv" --results "$WORK/eval-large" --no-progress

echo "== train feature extraction over a folder of the large photos (cold cache), reduced then exact"
./image-classifier prepare --data "$WORK/large" --out "$WORK/large-train" | tail -1
for path in reduced exact; do
  rm -rf "$WORK/cache-$path"
  env $([ "$path" = exact ] && echo EXACT_PREPROCESSING=true) /usr/bin/time -f "  (%e s wall, %M KiB peak RSS)" \
    ./image-classifier train --split "$WORK/large-train/split.csv" --backbone "$MODELS/mobilenetv2-12-int8.onnx" --offline \
    --model "$WORK/model-$path.onnx" --results "$WORK/results-$path" --cache-dir "$WORK/cache-$path" 2>&1 \
    | grep -E "Features:|val accuracy|wall" | sed "s/^/$path: /"
done
