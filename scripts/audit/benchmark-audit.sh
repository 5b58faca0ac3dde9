#!/usr/bin/env bash
# The audit's figures in docs/audit.md and docs/benchmarks.md, on Caltech-101 with MobileNetV2-int8:
# audit of the real split (warm cache: timed), audit of a copy with 3 % of the training labels flipped (precision
# and recall of the flagged images), and training on clean, noisy, and noisy with --exclude-suspects.
#
#   scripts/audit/benchmark-audit.sh [DATASET] [OUT]      (default ../shared/…/101_ObjectCategories, out/audit-bench)
set -euo pipefail
cd "$(dirname "$0")/../.."
data=${1:-../shared/datasets/caltech101/101_ObjectCategories}
out=${2:-out/audit-bench}
backbone=../shared/models/mobilenetv2-12-int8.onnx
ic() { ./image-classifier "$@" --no-progress; }
./image-classifier prepare --data "$data" --out "$out/data" >/dev/null
scripts/audit/noisy-split.sh "$out/data/split.csv" "$out/noisy/split.csv" 0.03 "${FLIP_SEED:-7}"
ic audit --split "$out/data/split.csv" --backbone "$backbone" --out "$out/audit" >/dev/null   # warms the cache
/usr/bin/time -f "audit wall %e s, max RSS %M KB" ./image-classifier audit --split "$out/data/split.csv" --backbone "$backbone" \
  --out "$out/audit" --no-progress
ic audit --split "$out/noisy/split.csv" --backbone "$backbone" --out "$out/noisy-audit" | grep -a "mislabelled"
scripts/audit/score-mislabeled.py "$out/noisy/split.csv.flipped.csv" "$out/noisy-audit/audit.json"
for run in clean noisy excluded; do
  case $run in
    clean) args=(--split "$out/data/split.csv") ;;
    noisy) args=(--split "$out/noisy/split.csv") ;;
    excluded) args=(--split "$out/noisy/split.csv" --exclude-suspects "$out/noisy-audit/audit.json") ;;
  esac
  echo "train $run: $(ic train "${args[@]}" --backbone "$backbone" --model "$out/$run/classifier.onnx" --results "$out/$run" 2>/dev/null \
    | grep -o 'val accuracy [0-9.]*%')"
done
