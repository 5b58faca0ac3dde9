#!/usr/bin/env python3
"""Makes the L-BFGS head's test fixture (library/src/test/resources/lbfgs/): the cached backbone features of the
first 10 training images of 4 Caltech-101 classes, and the optimum of the L2-penalised multinomial logistic
regression on them found by scipy in double precision (tight tolerances), for LbfgsTrainerTest to match.

  python3 scripts/benchmarks/lbfgs-fixture.py SPLIT.csv CACHE_DIR/features/BACKBONE/PREPROCESSING OUT_DIR
"""
import importlib.util, json, os, sys
import numpy as np
from scipy.optimize import minimize
from scipy.special import logsumexp

spec = importlib.util.spec_from_file_location("baseline", os.path.join(os.path.dirname(__file__), "lbfgs-baseline.py"))
baseline = importlib.util.module_from_spec(spec)
spec.loader.exec_module(baseline)

CLASSES = ["airplanes", "ant", "camera", "watch"]
PER_CLASS = 10
LAMBDA = 1e-2

def main():
    split, cache, out = sys.argv[1:4]
    root, rows = baseline.read_split(split)
    x, y, paths = [], [], []
    for c, name in enumerate(CLASSES):
        picked = [p for p, l, s in rows if l == name and s == "train"][:PER_CLASS]
        for p in picked:
            x.append(baseline.feature(cache, os.path.join(root, p)))
            y.append(c)
            paths.append(p)
    x, y = np.array(x, dtype=np.float32), np.array(y)
    n, d = x.shape
    k = len(CLASSES)
    onehot = np.eye(k)[y]
    xd = x.astype(np.float64)
    def loss(theta):
        w = theta[:d * k].reshape(d, k); b = theta[d * k:]
        z = xd @ w + b
        lse = logsumexp(z, axis=1)
        p = np.exp(z - lse[:, None])
        value = (lse - (z * onehot).sum(1)).mean() + LAMBDA / 2 * (w * w).sum()
        g = (p - onehot) / n
        return value, np.concatenate([(xd.T @ g + LAMBDA * w).ravel(), g.sum(0)])
    result = minimize(loss, np.zeros(d * k + k), jac=True, method="L-BFGS-B",
                      options={"maxiter": 20000, "gtol": 1e-12, "ftol": 1e-15, "maxcor": 20})
    os.makedirs(out, exist_ok=True)
    x.astype("<f4").tofile(os.path.join(out, "features.f32"))
    result.x.astype("<f8").tofile(os.path.join(out, "optimum.f64"))
    json.dump({"classes": CLASSES, "images": paths, "labels": y.tolist(), "dim": d, "lambda": LAMBDA,
               "loss": result.fun, "gradient_max": float(np.abs(result.jac).max()), "iterations": int(result.nit),
               "made_by": "scripts/benchmarks/lbfgs-fixture.py (scipy L-BFGS-B, float64)"},
              open(os.path.join(out, "fixture.json"), "w"), indent=1)
    print("loss %.10f, |grad| %.2e after %d iterations" % (result.fun, np.abs(result.jac).max(), result.nit))

if __name__ == "__main__":
    main()
