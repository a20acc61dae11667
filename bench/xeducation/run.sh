#!/usr/bin/env bash
# Side-by-side on the real xeducation export: leadscore (logistic, gbm) versus
# scikit-learn LogisticRegression and XGBoost on the same split and encoding.
# Needs ../shared/datasets and Debian's python3-sklearn python3-xgboost
# python3-pandas. Run from the repository root: bash bench/xeducation/run.sh
set -euo pipefail
# Further arguments go to bench/xeducation, e.g. generated data:
#   go run ./cmd/leadscore generate --leads 20000 --out /tmp/gen
#   bash bench/xeducation/run.sh bench-out/generated -data /tmp/gen/leads.csv \
#     -events /tmp/gen/events.csv -outcomes /tmp/gen/outcomes.csv
out=${1:-bench-out/xeducation}
shift || true
mkdir -p "$out"
go run ./bench/xeducation -out "$out" "$@" > /dev/null
/usr/bin/python3 bench/xeducation/ref.py "$out" > "$out.ref.json"
/usr/bin/python3 - "$out" <<'PY'
import json, sys
d = sys.argv[1]
ours = json.load(open(f"{d}/leadscore.json"))["metrics"]
ref = json.load(open(f"{d}.ref.json"))
print("| model | ROC AUC | PR AUC | log loss | ECE |")
print("|---|---|---|---|---|")
for name, key in [("leadscore logistic", "logistic"), ("leadscore gbm", "gbm")]:
    m = ours[key]
    print(f"| {name} | {m['roc_auc']:.4f} | {m['pr_auc']:.4f} | {m['log_loss']:.4f} | {m['ece']:.4f} |")
for r in ref:
    print(f"| {r['model']} | {r['roc_auc']:.4f} | {r['pr_auc']:.4f} | {r['log_loss']:.4f} | {r['ece']:.4f} |")
PY
