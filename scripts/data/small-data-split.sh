#!/usr/bin/env bash
# A few-shot variant of a split manifest: the first N training images of each class (in manifest order),
# every validation image unchanged, so accuracy stays comparable with the full split.
#
#   scripts/data/small-data-split.sh data/split.csv 5 data/split-5.csv
set -euo pipefail
in=$1 n=$2 out=$3
mkdir -p "$(dirname "$out")"
dir_in=$(cd "$(dirname "$in")" && pwd)
dir_out=$(cd "$(dirname "$out")" && pwd)
awk -F, -v n="$n" -v from="$dir_in" -v to="$dir_out" '
  /^# root: / { root = substr($0, 9); if (root !~ /^\//) root = from "/" root; print "# root: " root; next }
  /^#/ || /^path,label,subset$/ { print; next }
  $NF == "train" { if (++seen[$2] > n) next }
  { print }' "$in" > "$out"
echo "$out: $(grep -c ',train$' "$out") training and $(grep -c ',val$' "$out") validation images"
