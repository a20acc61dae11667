"""XGBoost reference for bench/gbm: same data file, same settings as the Go side.

Reads the float64 file written by `go run ./bench/gbm gen` (or its first
--rows rows), trains 300 trees (63 leaves, lossguide, lr 0.1, 255 bins,
2 threads, --subsample and --colsample as the Go side's -subsample and
-colsample) on the first 80% of the rows, reports held-out AUC on the rest,
time to train (DMatrix build + boosting), batch predict of all rows and
pred_contribs (TreeSHAP) on 10k rows, as one JSON line.
"""
import argparse
import json
import resource
import time

import numpy as np
import xgboost as xgb
from sklearn.metrics import roc_auc_score

N_COLS = 40
CAT_COLS = {35: 20, 36: 50, 37: 5}

ap = argparse.ArgumentParser()
ap.add_argument("--data", default="/tmp/gbm_bench.bin")
ap.add_argument("--rows", type=int, default=0, help="use the first ROWS rows of the file (0: all)")
ap.add_argument("--train-frac", type=float, default=0.8, help="share of the rows used to train; the rest are held out")
ap.add_argument("--subsample", type=float, default=1.0)
ap.add_argument("--colsample", type=float, default=1.0, help="colsample_bytree")
ap.add_argument("--seed", type=int, default=1)
ap.add_argument("--trees", type=int, default=300)
ap.add_argument("--leaves", type=int, default=63)
ap.add_argument("--shap", type=int, default=10000)
ap.add_argument("--threads", type=int, default=2)
a = ap.parse_args()


def cpu():
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


raw = np.fromfile(a.data, dtype="<f8").reshape(-1, N_COLS + 1)
if a.rows:
    if a.rows > raw.shape[0]:
        raise SystemExit(f"--rows {a.rows}: the data file has {raw.shape[0]} rows")
    raw = raw[: a.rows]
X, y = np.ascontiguousarray(raw[:, :N_COLS]), raw[:, N_COLS]
a.train = int(round(a.train_frac * X.shape[0]))
ft = ["c" if j in CAT_COLS else "q" for j in range(N_COLS)]
params = {
    "objective": "binary:logistic", "tree_method": "hist", "max_bin": 255,
    "grow_policy": "lossguide", "max_leaves": a.leaves, "max_depth": 0,
    "eta": 0.1, "lambda": 1.0, "min_child_weight": 1.0, "nthread": a.threads,
    "max_cat_to_onehot": 1, "seed": a.seed,
    "subsample": a.subsample, "colsample_bytree": a.colsample,
}
c0 = cpu()
t0 = time.perf_counter()
dtrain = xgb.DMatrix(X[: a.train], label=y[: a.train], feature_types=ft, enable_categorical=True, nthread=a.threads)
bst = xgb.train(params, dtrain, num_boost_round=a.trees)
train_sec = time.perf_counter() - t0
train_cpu = cpu() - c0

dall = xgb.DMatrix(X, feature_types=ft, enable_categorical=True, nthread=a.threads)
c0 = cpu()
t0 = time.perf_counter()
pred = bst.predict(dall, output_margin=True)
predict_sec = time.perf_counter() - t0
predict_cpu = cpu() - c0
auc = roc_auc_score(y[a.train:], pred[a.train:])

a.shap = min(a.shap, X.shape[0])
dshap = xgb.DMatrix(X[: a.shap], feature_types=ft, enable_categorical=True, nthread=a.threads)
c0 = cpu()
t0 = time.perf_counter()
contribs = bst.predict(dshap, pred_contribs=True)
shap_sec = time.perf_counter() - t0
shap_cpu = cpu() - c0
err = float(np.max(np.abs(contribs.sum(axis=1) - pred[: a.shap])))

print(json.dumps({
    "impl": "xgboost " + xgb.__version__, "train_sec": train_sec,
    "predict_1m_sec": predict_sec * 1e6 / X.shape[0], "shap_ms_per_row": shap_sec * 1e3 / a.shap,
    "auc_test": auc, "shap_additivity_err": err,
    "train_cpu_sec": train_cpu, "predict_cpu_sec": predict_cpu, "shap_cpu_ms_per_row": shap_cpu * 1e3 / a.shap,
}))
