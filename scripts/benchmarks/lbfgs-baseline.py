#!/usr/bin/env python3
"""Reference point for the head trainer: multinomial L2 logistic regression fitted by L-BFGS (scipy) on the
very features `train` cached, with the regularisation strength C chosen on a stratified 10 % hold-out of
the TRAINING images (then refit on all of them), as a tuned scikit-learn LogisticRegression would be.

Needs numpy and scipy (a development comparison, not part of the product):

  python3 scripts/benchmarks/lbfgs-baseline.py SPLIT.csv CACHE_DIR/features[/BACKBONE/PREPROCESSING] [C ...]
"""
import csv, glob, hashlib, os, sys
import numpy as np
from scipy.optimize import minimize
from scipy.special import logsumexp

def read_split(path):
    """The split manifest: '# key: value' comment lines, then RFC 4180 CSV rows path,label,subset."""
    rows, root = [], None
    with open(path, encoding="utf-8", newline="") as f:
        body = []
        for line in f:
            if line.startswith("# root: "):
                root = line[8:].rstrip("\r\n")
            elif not line.startswith("#"):
                body.append(line)
    for record in csv.reader(body):
        if record and record != ["path", "label", "subset"]:
            rows.append(tuple(record))
    root = root if os.path.isabs(root) else os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(path)), root))
    return root, rows

def feature(cache, file):
    sha = hashlib.sha256(open(file, "rb").read()).hexdigest()
    hits = glob.glob(os.path.join(cache, sha[:2], sha + ".center.f32")) \
        or glob.glob(os.path.join(cache, "*", "*", sha[:2], sha + ".center.f32"))
    if not hits:
        raise SystemExit("no cached centre feature for %s: run `train` with this cache first" % file)
    if len(hits) > 1:
        raise SystemExit("%s has features under several backbones or framings; pass one folder, "
                         "CACHE_DIR/features/BACKBONE/PREPROCESSING (the chosen framing's is the largest)" % cache)
    values = np.fromfile(hits[0], dtype="<f4")
    # header: magic and width, then a checksum ("FEA2"), then the entry's 32-byte key ("FEA3")
    magic = values[:1].view("<u4")[0]
    return values[11:] if magic == 0x46454133 else values[3:] if magic == 0x46454132 else values[2:]

def fit(x, y, classes, c):
    n, d = x.shape
    onehot = np.eye(classes)[y]
    def loss(theta):
        w = theta[:d * classes].reshape(d, classes); b = theta[d * classes:]
        z = x @ w + b
        lse = logsumexp(z, axis=1)
        p = np.exp(z - lse[:, None])
        value = (lse - (z * onehot).sum(1)).sum() / n + 0.5 / (c * n) * (w * w).sum()
        g = (p - onehot) / n
        return value, np.concatenate([(x.T @ g + w / (c * n)).ravel(), g.sum(0)])
    theta = minimize(loss, np.zeros(d * classes + classes), jac=True, method="L-BFGS-B", options={"maxiter": 500}).x
    return theta[:d * classes].reshape(d, classes), theta[d * classes:]

def main():
    split, cache = sys.argv[1], sys.argv[2]
    grid = [float(c) for c in sys.argv[3:]] or [0.01, 0.03, 0.1, 0.3, 1.0, 3.0]
    root, rows = read_split(split)
    labels = sorted({r[1] for r in rows})
    index = {l: i for i, l in enumerate(labels)}
    train = [(feature(cache, os.path.join(root, p)), index[l]) for p, l, s in rows if s == "train"]
    val = [(feature(cache, os.path.join(root, p)), index[l]) for p, l, s in rows if s == "val"]
    xt, yt = np.array([f for f, _ in train]), np.array([l for _, l in train])
    xv, yv = np.array([f for f, _ in val]), np.array([l for _, l in val])
    rng = np.random.default_rng(42)
    held = np.zeros(len(yt), bool)
    for c in range(len(labels)):
        members = np.flatnonzero(yt == c)
        if len(members) >= 2:
            held[rng.permutation(members)[:max(1, round(0.1 * len(members)))]] = True
    scores = {}
    for c in grid:
        w, b = fit(xt[~held], yt[~held], len(labels), c)
        z = xt[held] @ w + b
        scores[c] = (logsumexp(z, axis=1) - z[np.arange(held.sum()), yt[held]]).mean()
        wv, bv = fit(xt, yt, len(labels), c)
        acc = ((xv @ wv + bv).argmax(1) == yv).mean()
        print("C=%-6g hold-out loss %.4f   val top-1 %.2f %%" % (c, scores[c], 100 * acc), flush=True)
    best = min(scores, key=scores.get)
    w, b = fit(xt, yt, len(labels), best)
    print("chosen on the hold-out: C=%g -> val top-1 %.2f %% (%d train, %d val images)"
          % (best, 100 * ((xv @ w + b).argmax(1) == yv).mean(), len(yt), len(yv)))

if __name__ == "__main__":
    main()
