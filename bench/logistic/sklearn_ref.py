#!/usr/bin/env python3
"""Fit scikit-learn's LogisticRegression(solver="lbfgs") on a logistic-bench
data file and compare it with models/logistic's result.

Usage: sklearn_ref.py DATA OURS_JSON [--repeat N]

Objectives. models/logistic minimises
    (1/n) sum_i logloss_i + (lambda/2) ||beta||^2          (intercept free)
and scikit-learn 1.2's lbfgs minimises
    sum_i logloss_i + 1/(2C) ||beta||^2                    (intercept free),
which is n times ours when C = 1/(lambda n): same minimiser.

Tolerance. Ours stops when the Euclidean norm of the gradient of its
(mean-scaled) objective is <= tol. scikit-learn passes tol to scipy's
L-BFGS-B as gtol, a bound on the max-abs gradient of its (sum-scaled)
objective, so the matching value is tol_sklearn = tol * n (scipy may also stop
earlier on its relative function-change test, ftol ~ 2.2e-9). To show where
each solver stopped, both solutions' gradient norms are reported in our
objective's scale.

Times are of the fit call only (not reading the file): wall seconds and the
process CPU seconds (all threads) over the fit, best of --repeat runs.
"""
import argparse
import json
import time

import numpy as np
from scipy.special import expit
from sklearn import __version__ as sklearn_version
from sklearn.linear_model import LogisticRegression


def read(path):
    with open(path, "rb") as f:
        head = f.read(24)
        if head[:8] != b"LSBENCH1":
            raise SystemExit(f"{path} is not a logistic-bench data file")
        n, p = (int(v) for v in np.frombuffer(head[8:], dtype="<i8"))
        X = np.fromfile(f, dtype="<f8", count=n * p).reshape(n, p)
        y = np.fromfile(f, dtype="<f8", count=n)
    return X, y


def grad_norm(X, y, lam, intercept, w):
    """Euclidean norm of the gradient of our objective at (intercept, w)."""
    r = expit(X @ w + intercept) - y
    g = np.concatenate(([r.mean()], X.T @ r / len(y) + lam * w))
    return float(np.linalg.norm(g))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("data")
    ap.add_argument("ours")
    ap.add_argument("--repeat", type=int, default=1)
    args = ap.parse_args()

    with open(args.ours) as f:
        ours = json.load(f)
    X, y = read(args.data)
    n = len(y)
    lam, tol = ours["lambda"], ours["tol"]
    C = 1.0 / (lam * n)

    best_wall, best_cpu, clf = float("inf"), float("inf"), None
    for _ in range(max(1, args.repeat)):
        clf = LogisticRegression(solver="lbfgs", C=C, tol=tol * n, max_iter=100000)
        w0, c0 = time.perf_counter(), time.process_time()
        clf.fit(X, y)
        best_wall = min(best_wall, time.perf_counter() - w0)
        best_cpu = min(best_cpu, time.process_time() - c0)

    sk_w, sk_b = clf.coef_.ravel(), float(clf.intercept_[0])
    our_w, our_b = np.asarray(ours["weights"]), ours["intercept"]
    diff = float(max(np.max(np.abs(sk_w - our_w)), abs(sk_b - our_b)))
    out = {
        "rows": n,
        "cols": X.shape[1],
        "lambda": lam,
        "C": C,
        "tol_ours": tol,
        "tol_sklearn": tol * n,
        "sklearn_version": sklearn_version,
        "ours_seconds": ours["seconds"],
        "ours_cpu_seconds": ours.get("cpu_seconds"),
        "ours_iterations": ours["iterations"],
        "sklearn_seconds": best_wall,
        "sklearn_cpu_seconds": best_cpu,
        "sklearn_iterations": int(clf.n_iter_[0]),
        "ratio_sklearn_over_ours": best_wall / ours["seconds"],
        "coef_max_abs_diff": diff,
        "grad_norm_ours": grad_norm(X, y, lam, our_b, our_w),
        "grad_norm_sklearn": grad_norm(X, y, lam, sk_b, sk_w),
    }
    print(json.dumps(out, indent=2))
    print(
        f"summary: {n}x{X.shape[1]} lambda={lam:g}: ours {ours['seconds']:.3f} s wall"
        f" ({ours.get('cpu_seconds', float('nan')):.3f} s CPU, {ours['iterations']} iterations),"
        f" sklearn lbfgs {best_wall:.3f} s wall ({best_cpu:.3f} s CPU, {out['sklearn_iterations']} iterations),"
        f" sklearn/ours wall {out['ratio_sklearn_over_ours']:.2f}x,"
        f" coef max|diff| {diff:.2e}, |grad| ours {out['grad_norm_ours']:.1e} sklearn {out['grad_norm_sklearn']:.1e}"
    )


if __name__ == "__main__":
    main()
