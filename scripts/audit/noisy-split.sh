#!/usr/bin/env bash
# A copy of a split manifest with a share of its TRAINING labels flipped at random (seeded), and the list of
# flipped images beside it (<out>.flipped.csv), for measuring the audit's label-error detection.
# Needs `mvn -q -DskipTests package` (the library's test-jar holds the utility, dev.imageclassifier.NoisySplit).
#
#   scripts/audit/noisy-split.sh data/split.csv out/noisy/split.csv 0.03 7
set -euo pipefail
cd "$(dirname "$0")/../.."
in=$1 out=$2 fraction=${3:-0.03} seed=${4:-7}
mkdir -p "$(dirname "$out")"
java -cp library/target/image-classifier-1.0.0-tests.jar:cli/target/image-classifier.jar dev.imageclassifier.NoisySplit \
  "$in" "$out" "$fraction" "$seed"
