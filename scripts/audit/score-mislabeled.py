#!/usr/bin/env python3
"""Precision and recall of an audit's "mislabeled" list against the flipped list of noisy-split.sh.

    scripts/audit/score-mislabeled.py out/noisy/split.csv.flipped.csv out/noisy-audit/audit.json
"""
import csv
import json
import sys

flipped = {row["path"] for row in csv.DictReader(open(sys.argv[1], encoding="utf-8"))}
mislabeled = json.load(open(sys.argv[2], encoding="utf-8"))["mislabeled"]
for name, flagged in (("training images", {m["path"] for m in mislabeled if m.get("subset", "train") == "train"}),
                      ("all images", {m["path"] for m in mislabeled})):
    hits = len(flagged & flipped)
    precision = hits / len(flagged) if flagged else float("nan")
    recall = hits / len(flipped) if flipped else float("nan")
    print(f"{name}: flipped {len(flipped)}, flagged {len(flagged)}, both {hits}: precision {precision:.3f}, recall {recall:.3f}")
