#!/usr/bin/env bash
# Accuracy over split seeds (issue 17): the default recipe on Caltech-101 with MobileNetV2-int8 for each seed's
# own 80/20 split, sharing one feature cache (so after the first seed only what a new split needs is computed).
# Prints each seed's chosen framing and validation top-1.
#
#   scripts/benchmarks/benchmark-seeds.sh [DATA_DIR] [MODELS_DIR] [SEEDS...]   (default seeds: 1 2 3 4 5 6 7)
set -euo pipefail
cd "$(dirname "$0")/../.."
DATA=${1:-../shared/datasets/caltech101/101_ObjectCategories}
MODELS=${2:-../shared/models}
shift $(( $# > 2 ? 2 : $# ))
SEEDS=${*:-1 2 3 4 5 6 7}
OUT=$(mktemp -d)
CACHE=${CACHE_DIR:-$OUT/cache}  # CACHE_DIR=cache reuses the features an earlier train computed
trap 'rm -rf "$OUT"' EXIT
export NO_PROGRESS=1
for seed in $SEEDS; do
  ./image-classifier prepare --data "$DATA" --out "$OUT/data-$seed" --seed "$seed" > /dev/null
  ./image-classifier train --split "$OUT/data-$seed/split.csv" --backbone "$MODELS/mobilenetv2-12-int8.onnx" --offline \
      --model "$OUT/model-$seed.onnx" --results "$OUT/results-$seed" --cache-dir "$CACHE" > "$OUT/train-$seed.log" 2>&1
  python3 -c "import json,sys; m=json.load(open(sys.argv[1])); print(f'seed {sys.argv[2]}: framing {m[\"framing\"][\"chosen\"]}, val top-1 {100*m[\"accuracy\"]:.2f} %')" \
      "$OUT/results-$seed/metrics.json" "$seed"
done
