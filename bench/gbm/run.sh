#!/usr/bin/env bash
# Side-by-side benchmark of models/gbm against XGBoost (python3-xgboost 1.7,
# Debian) on one seeded synthetic data set: 1,000,000 rows x 40 columns
# (informative, interacting, noisy, 20% missing, 3 categorical), 300 trees,
# 63 leaves (XGBoost: lossguide, max_depth 0), lr 0.1, 255 bins, 2 threads,
# trained on 800k rows, AUC on the 200k held out; batch prediction of all
# 1M rows; TreeSHAP on 10k rows. Prints both JSON lines and the ratios of
# wall-clock times and, since the machine is shared, of CPU times too.
#
# Usage (from the module root): bench/gbm/run.sh [data-file]
set -euo pipefail
cd "$(dirname "$0")/../.."
DATA=${1:-/tmp/gbm_bench.bin}
PY=${PYTHON:-/usr/bin/python3}
BIN=$(mktemp -d)/gbmbench
go build -o "$BIN" ./bench/gbm
[ -s "$DATA" ] || "$BIN" gen -rows 1000000 -out "$DATA"
echo "load before: $(uptime)" >&2
OURS=$(/usr/bin/time -f '%M' -o "$BIN.rss" "$BIN" run -data "$DATA")
echo "$OURS"
THEIRS=$("$PY" bench/gbm/xgb_ref.py --data "$DATA")
echo "$THEIRS"
echo "load after: $(uptime)" >&2
"$PY" - "$OURS" "$THEIRS" "$(cat "$BIN.rss")" <<'PYEOF'
import json, sys
o, x, rss_kb = json.loads(sys.argv[1]), json.loads(sys.argv[2]), int(sys.argv[3])
rows = [
    ("train (s)", "train_sec", "xgb/ours", x["train_sec"] / o["train_sec"]),
    ("predict 1M rows (s)", "predict_1m_sec", "xgb/ours", x["predict_1m_sec"] / o["predict_1m_sec"]),
    ("TreeSHAP (ms/row)", "shap_ms_per_row", "xgb/ours", x["shap_ms_per_row"] / o["shap_ms_per_row"]),
    ("held-out AUC", "auc_test", "ours-xgb", o["auc_test"] - x["auc_test"]),
    ("train CPU (s)", "train_cpu_sec", "xgb/ours", x["train_cpu_sec"] / o["train_cpu_sec"]),
    ("predict CPU (s)", "predict_cpu_sec", "xgb/ours", x["predict_cpu_sec"] / o["predict_cpu_sec"]),
    ("TreeSHAP CPU (ms/row)", "shap_cpu_ms_per_row", "xgb/ours", x["shap_cpu_ms_per_row"] / o["shap_cpu_ms_per_row"]),
]
print(f"{'metric':<22}{'ours':>12}{'xgboost':>12}{'ratio':>10}")
for name, key, kind, r in rows:
    print(f"{name:<22}{o[key]:>12.4f}{x[key]:>12.4f}{r:>10.3f}  ({kind})")
print(f"peak RSS, our whole run: {rss_kb/1024/1024:.2f} GiB (training alone: {o['peak_rss_train_bytes']/2**30:.2f} GiB)")
PYEOF
