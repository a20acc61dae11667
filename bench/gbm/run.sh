#!/usr/bin/env bash
# Side-by-side benchmark of models/gbm against XGBoost (python3-xgboost 1.7,
# Debian) on one seeded synthetic data set (40 columns: informative,
# interacting, noisy, 20% missing, 3 categorical), as a matrix: the first
# 10,000, 100,000 and 1,000,000 rows, each with row and column sampling off
# and with leadscore's default sampling (80% of rows, 50% of columns per
# tree; XGBoost's subsample and colsample_bytree). Every cell trains 300
# trees of at most 63 leaves (XGBoost: lossguide, max_depth 0), learning
# rate 0.1, 255 bins, 2 threads on the first 80% of its rows, measures the
# held-out ROC AUC on the other 20%, predicts all its rows and explains
# min(rows, 10,000) of them with TreeSHAP. Both sides run one after the
# other in the same command; the machine's load average is recorded with
# every run. Prints one JSON line per run and two Markdown tables of the
# matrix (fit and AUC; predict and TreeSHAP), each figure as "leadscore /
# XGBoost / XGBoost divided by leadscore" in wall and CPU time.
#
# Usage (from the module root):
#   bench/gbm/run.sh [data-file]
#   ROWS="10000 100000" SAMPLING=default bench/gbm/run.sh   # some cells
# RESULTS=FILE keeps the JSON lines (default: a temporary file); TREES=N
# trains N trees instead of 300 (a quick check, not the benchmark).
set -euo pipefail
cd "$(dirname "$0")/../.."
DATA=${1:-/tmp/gbm_bench.bin}
PY=${PYTHON:-/usr/bin/python3}
ROWS=${ROWS:-"10000 100000 1000000"}
SAMPLING=${SAMPLING:-"off default"}
TREES=${TREES:-300}
TMP=$(mktemp -d)
BIN=$TMP/gbmbench
RESULTS=${RESULTS:-$TMP/results.jsonl}
go build -o "$BIN" ./bench/gbm
max_rows=$(for r in $ROWS; do echo "$r"; done | sort -n | tail -1)
if [ ! -s "$DATA" ] || [ "$(( $(stat -c %s "$DATA") / 328 ))" -lt "$max_rows" ]; then
	"$BIN" gen -rows "$max_rows" -out "$DATA"
fi
load() { cut -d' ' -f1 /proc/loadavg; }
: >"$RESULTS"
for rows in $ROWS; do
	for s in $SAMPLING; do
		case $s in
		off) sub=1 col=1 ;;
		default) sub=0.8 col=0.5 ;;
		*) echo "SAMPLING: $s: expected off or default" >&2; exit 2 ;;
		esac
		l0=$(load)
		ours=$(/usr/bin/time -f '%M' -o "$TMP/rss" "$BIN" run -data "$DATA" -rows "$rows" -trees "$TREES" -subsample "$sub" -colsample "$col")
		l1=$(load)
		theirs=$("$PY" bench/gbm/xgb_ref.py --data "$DATA" --rows "$rows" --trees "$TREES" --subsample "$sub" --colsample "$col")
		l2=$(load)
		for side in ours theirs; do
			"$PY" -c 'import json, sys
o = json.loads(sys.argv[1])
o.update(rows=int(sys.argv[2]), sampling=sys.argv[3], load_before=float(sys.argv[4]), load_after=float(sys.argv[5]), side=sys.argv[6])
if sys.argv[6] == "ours":
    o["peak_rss_bytes"] = int(sys.argv[7]) * 1024
print(json.dumps(o))' "${!side}" "$rows" "$s" \
				"$([ $side = ours ] && echo "$l0" || echo "$l1")" "$([ $side = ours ] && echo "$l1" || echo "$l2")" \
				"$side" "$(cat "$TMP/rss")" | tee -a "$RESULTS"
		done
	done
done
"$PY" - "$RESULTS" <<'PYEOF'
import json, sys
runs = [json.loads(l) for l in open(sys.argv[1])]
cells = {}
for r in runs:
    cells.setdefault((r["rows"], r["sampling"]), {})[r["side"]] = r
def r3(o, x, key, scale=1.0, fmt="{:.2f}"):
    a, b = o[key] * scale, x[key] * scale
    return f"{fmt.format(a)} / {fmt.format(b)} / {b / a:.2f}x"

print()
print("| rows | sampling | fit wall s (ours / xgb / ratio) | fit CPU s (ours / xgb / ratio) | held-out AUC (ours / xgb / diff) | load (ours; xgb) |")
print("|---|---|---|---|---|---|")
for (rows, s), c in sorted(cells.items(), key=lambda kv: (kv[0][0], kv[0][1] != "off")):
    o, x = c["ours"], c["theirs"]
    print(f"| {rows:,} | {s} | {r3(o, x, 'train_sec')} | {r3(o, x, 'train_cpu_sec')} "
          f"| {o['auc_test']:.4f} / {x['auc_test']:.4f} / {o['auc_test'] - x['auc_test']:+.4f} "
          f"| {o['load_before']:.1f}-{o['load_after']:.1f}; {x['load_before']:.1f}-{x['load_after']:.1f} |")
print()
print("| rows | sampling | predict wall s per 1M rows | predict CPU s per 1M rows | TreeSHAP wall ms per row | TreeSHAP CPU ms per row |")
print("|---|---|---|---|---|---|")
for (rows, s), c in sorted(cells.items(), key=lambda kv: (kv[0][0], kv[0][1] != "off")):
    o, x = c["ours"], c["theirs"]
    print(f"| {rows:,} | {s} | {r3(o, x, 'predict_1m_sec')} | {r3(o, x, 'predict_cpu_sec', 1e6 / rows)} "
          f"| {r3(o, x, 'shap_ms_per_row', fmt='{:.3f}')} | {r3(o, x, 'shap_cpu_ms_per_row', fmt='{:.3f}')} |")
print()
print("ratios: XGBoost / leadscore for times, leadscore - XGBoost for AUC; peak RSS of our runs (the whole data file is read):",
      ", ".join(f"{rows:,} {s}: {c['ours']['peak_rss_bytes'] / 2**30:.2f} GiB" for (rows, s), c in sorted(cells.items(), key=lambda kv: (kv[0][0], kv[0][1] != "off"))))
PYEOF
