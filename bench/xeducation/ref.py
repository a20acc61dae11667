#!/usr/bin/python3
"""Reference models on the exact matrices leadscore used (bench/xeducation).

Reads DIR/linear_{train,test}.csv and DIR/tree_{train,test}.csv written by
main.go (label in the last column), fits scikit-learn's LogisticRegression
(lbfgs, default C=1) on the standardised one-hot encoding and XGBoost
(tree_method=hist, default settings; categorical codes as pandas categories)
on the tree encoding, and prints held-out ROC AUC, log loss and expected
calibration error (10 equal-width bins, the definition leadscore uses).
"""
import json
import sys
import time

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import log_loss, roc_auc_score, average_precision_score


def load(path):
    m = np.genfromtxt(path, delimiter=",", skip_header=1)
    return m[:, :-1], m[:, -1]


def ece(y, p, bins=10):
    idx = np.minimum((p * bins).astype(int), bins - 1)
    total = 0.0
    for b in range(bins):
        sel = idx == b
        if sel.any():
            total += sel.sum() * abs(p[sel].mean() - y[sel].mean())
    return total / len(y)


def report(name, y, p, seconds):
    return {"model": name, "roc_auc": roc_auc_score(y, p), "pr_auc": average_precision_score(y, p),
            "log_loss": log_loss(y, np.clip(p, 1e-15, 1 - 1e-15)), "ece": ece(y, p), "fit_seconds": seconds}


def main(d):
    out = []
    Xtr, ytr = load(f"{d}/linear_train.csv")
    Xte, yte = load(f"{d}/linear_test.csv")
    t0 = time.time()
    lr = LogisticRegression(max_iter=10000, tol=1e-8).fit(Xtr, ytr)
    out.append(report("sklearn LogisticRegression", yte, lr.predict_proba(Xte)[:, 1], time.time() - t0))

    import xgboost as xgb
    meta = json.load(open(f"{d}/leadscore.json"))
    cats = set(meta.get("tree_categorical_columns", []))
    Xtr, ytr = load(f"{d}/tree_train.csv")
    Xte, yte = load(f"{d}/tree_test.csv")
    try:
        import pandas as pd
        def frame(X):
            df = pd.DataFrame(X, columns=[f"f{j}" for j in range(X.shape[1])])
            for j in cats:
                df[f"f{j}"] = df[f"f{j}"].astype("category")
            return df
        ftr, fte = frame(Xtr), frame(Xte)
        # The same category set on both sides.
        for j in cats:
            c = f"f{j}"
            allc = sorted(set(ftr[c].dropna()) | set(fte[c].dropna()))
            ftr[c] = ftr[c].cat.set_categories(allc)
            fte[c] = fte[c].cat.set_categories(allc)
        kw = {"enable_categorical": True}
        name = "XGBoost hist (native categorical)"
    except ImportError:
        ftr, fte, kw = Xtr, Xte, {}
        name = "XGBoost hist (codes as numbers)"
    t0 = time.time()
    m = xgb.XGBClassifier(tree_method="hist", n_jobs=2, **kw).fit(ftr, ytr)
    out.append(report(name, yte, m.predict_proba(fte)[:, 1], time.time() - t0))
    print(json.dumps(out, indent=2))


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "bench-out/xeducation")
