#!/usr/bin/env bash
# A/B comparison of batch prediction: two builds of bench/gbm (e.g. before
# and after a change to models/gbm's prediction code) take turns, ROUNDS
# times, each running `predict` (PASSES passes over ROWS rows of the data
# file on THREADS goroutines, with a model saved by `run -model`). Prints
# every pass's CPU ns per row, then each build's median and minimum and
# the ratios of the minima, lower quartiles and medians (other programs
# on the machine only ever add CPU time: read the minima and quartiles
# first), with the load average before and after.
#
# Usage:
#   bench/gbm/ab.sh MODEL.json BIN_A BIN_B
#   ROUNDS=4 PASSES=3 ROWS=200000 flock /tmp/leadscore-bench.lock bench/gbm/ab.sh ...
set -euo pipefail
[ $# -eq 3 ] || { echo "usage: $0 MODEL.json BIN_A BIN_B" >&2; exit 2; }
MODEL=$1 A=$2 B=$3
DATA=${DATA:-/tmp/gbm_bench.bin}
PY=${PYTHON:-/usr/bin/python3}
ROUNDS=${ROUNDS:-3} PASSES=${PASSES:-3} ROWS=${ROWS:-200000} THREADS=${THREADS:-1} OFFSET=${OFFSET:-0}
TMP=$(mktemp)
trap 'rm -f "$TMP"' EXIT
l0=$(cut -d' ' -f1 /proc/loadavg)
for _ in $(seq "$ROUNDS"); do
	for side in A B; do
		bin=${!side}
		"$bin" predict -data "$DATA" -model "$MODEL" -rows "$ROWS" -offset "$OFFSET" -passes "$PASSES" -threads "$THREADS" |
			sed "s/^/$side /" | tee -a "$TMP"
	done
done
l1=$(cut -d' ' -f1 /proc/loadavg)
"$PY" - "$TMP" "$l0" "$l1" <<'PYEOF'
import json, statistics, sys
runs = {"A": [], "B": []}
mism = {"A": 0, "B": 0}
for line in open(sys.argv[1]):
    side, js = line.split(" ", 1)
    o = json.loads(js)
    runs[side] += o["cpu_ns_per_row"]
    mism[side] += o["mismatches"]
med = {s: statistics.median(v) for s, v in runs.items()}
q1 = {s: statistics.quantiles(v, n=4)[0] for s, v in runs.items()}
lo = {s: min(v) for s, v in runs.items()}
for s, v in runs.items():
    print(f"{s}: CPU ns/row min {lo[s]:.0f} lower quartile {q1[s]:.0f} median {med[s]:.0f} max {max(v):.0f} ({len(v)} passes, {mism[s]} mismatches)")
print(f"B/A: min {lo['B'] / lo['A']:.3f}, lower quartile {q1['B'] / q1['A']:.3f}, median {med['B'] / med['A']:.3f}; load {sys.argv[2]} -> {sys.argv[3]}")
PYEOF
