#!/usr/bin/env bash
# Paired A/B of batch prediction in one process: the models/gbm of git
# revision REV (A, copied under another import path) against the working
# tree's (B), pass by pass in ABBA order on one thread, each pass
# PredictMargins over ROWS rows of the data file with a model saved by
# `bench/gbm run -model`, timed in thread CPU time. Prints both sides'
# minimum and median CPU ns per row and the median (and quartiles) of the
# pairs' B/A ratios, which cancel the machine's drift between passes, and
# counts rows whose margins differ between A and B or from Model.Margin.
#
# Usage (from the module root):
#   bench/gbm/abpair.sh REV MODEL.json
#   ROWS=50000 ROUNDS=40 flock /tmp/leadscore-bench.lock bench/gbm/abpair.sh main /tmp/m.json
# The copy and the driver live in _abpair/ (ignored by ./... patterns),
# removed on exit.
set -euo pipefail
[ $# -eq 2 ] || { echo "usage: $0 REV MODEL.json" >&2; exit 2; }
REV=$1 MODEL=$2
DATA=${DATA:-/tmp/gbm_bench.bin}
ROWS=${ROWS:-50000} ROUNDS=${ROUNDS:-30} OFFSET=${OFFSET:-0}
cd "$(dirname "$0")/../.."
DIR=_abpair
[ ! -e "$DIR" ] || { echo "$DIR exists: remove it first" >&2; exit 1; }
trap 'rm -rf "$DIR"' EXIT
mkdir -p "$DIR/base"
for f in $(git ls-tree --name-only "$REV" models/gbm/ | grep '\.\(go\|s\)$' | grep -v '_test\.go$'); do
	git show "$REV:$f" >"$DIR/base/$(basename "$f")"
done
cat >"$DIR/main.go" <<'GOEOF'
// The driver of bench/gbm/abpair.sh: the models/gbm of a revision (base)
// against the working tree's, pass by pass in one process.
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"math"
	"os"
	"runtime"
	"slices"
	"syscall"

	"github.com/leadscore/leadscore/bench/suite"
	gbm "github.com/leadscore/leadscore/models/gbm"
	base "github.com/leadscore/leadscore/_abpair/base"
)

func fail(err error) {
	fmt.Fprintln(os.Stderr, "abpair:", err)
	os.Exit(1)
}

func threadCPU() float64 {
	var ru syscall.Rusage
	syscall.Getrusage(1, &ru) // RUSAGE_THREAD
	return float64(ru.Utime.Nano()+ru.Stime.Nano()) / 1e9
}

func main() {
	data := flag.String("data", "/tmp/gbm_bench.bin", "")
	model := flag.String("model", "", "")
	rows := flag.Int("rows", 50000, "")
	offset := flag.Int("offset", 0, "")
	rounds := flag.Int("rounds", 20, "")
	flag.Parse()
	runtime.LockOSThread()
	b, err := os.ReadFile(*model)
	if err != nil {
		fail(err)
	}
	ma, mb := new(base.Model), new(gbm.Model)
	if err := json.Unmarshal(b, ma); err != nil {
		fail(fmt.Errorf("read model %s: %w", *model, err))
	}
	if err := json.Unmarshal(b, mb); err != nil {
		fail(fmt.Errorf("read model %s: %w", *model, err))
	}
	X, _, err := suite.ReadGBM(*data)
	if err != nil {
		fail(err)
	}
	if *offset < 0 || *rows < 1 || *offset+*rows > X.Rows {
		fail(fmt.Errorf("OFFSET %d ROWS %d: the data file has %d rows", *offset, *rows, X.Rows))
	}
	X = suite.Rows(X, *offset, *offset+*rows)
	oa, ob := make([]float64, X.Rows), make([]float64, X.Rows)
	ma.PredictMargins(X, oa, 1)
	mb.PredictMargins(X, ob, 1)
	mis := 0
	for i := range oa {
		if math.Float64bits(oa[i]) != math.Float64bits(ob[i]) {
			mis++
		}
	}
	for i := 0; i < X.Rows; i += 13 {
		if math.Float64bits(mb.Margin(X.Row(i))) != math.Float64bits(ob[i]) {
			mis++
		}
	}
	runtime.GC()
	var ta, tb, ratios []float64
	pa := func() float64 { c := threadCPU(); ma.PredictMargins(X, oa, 1); return (threadCPU() - c) * 1e9 / float64(X.Rows) }
	pb := func() float64 { c := threadCPU(); mb.PredictMargins(X, ob, 1); return (threadCPU() - c) * 1e9 / float64(X.Rows) }
	for r := range *rounds {
		var a, bb float64
		if r%2 == 0 {
			a = pa()
			bb = pb()
		} else {
			bb = pb()
			a = pa()
		}
		ta, tb, ratios = append(ta, a), append(tb, bb), append(ratios, bb/a)
	}
	med := func(v []float64) float64 { w := slices.Clone(v); slices.Sort(w); return w[len(w)/2] }
	q1 := func(v []float64) float64 { w := slices.Clone(v); slices.Sort(w); return w[len(w)/4] }
	q3 := func(v []float64) float64 { w := slices.Clone(v); slices.Sort(w); return w[3*len(w)/4] }
	fmt.Printf("CPU ns per row: A min %.0f median %.0f | B min %.0f median %.0f | B/A: of the minima %.3f, pairs' median %.3f (quartiles %.3f-%.3f) | rows differing %d\n",
		slices.Min(ta), med(ta), slices.Min(tb), med(tb), slices.Min(tb)/slices.Min(ta), med(ratios), q1(ratios), q3(ratios), mis)
}
GOEOF
go build -o "$DIR/ab" "./$DIR"
l0=$(cut -d' ' -f1 /proc/loadavg)
"$DIR/ab" -data "$DATA" -model "$MODEL" -rows "$ROWS" -offset "$OFFSET" -rounds "$ROUNDS"
echo "load $l0 -> $(cut -d' ' -f1 /proc/loadavg)"
