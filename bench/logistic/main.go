// Command logistic-bench times models/logistic against scikit-learn on one
// shared data file. It has two subcommands:
//
//	gen -rows N -cols P -seed S -out FILE   write a seeded synthetic problem
//	fit -data FILE -lambda L -tol T -out J  fit it and write timing and coefficients as JSON
//
// The data file is little-endian: the 8-byte magic "LSBENCH1", int64 rows,
// int64 cols, then rows*cols float64 features (row-major) and rows float64
// labels. Columns are standardised exactly (mean 0, population sd 1), as the
// linear encoding of features.Matrix is. bench/logistic/run.sh drives both
// sides; sklearn_ref.py reads the same file.
package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"math"
	"os"
	"runtime/pprof"
	"time"

	"github.com/leadscore/leadscore/bench/suite"
	"github.com/leadscore/leadscore/datasets/synth"
	"github.com/leadscore/leadscore/internal/cputime"
	"github.com/leadscore/leadscore/models/logistic"
)

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: logistic-bench gen|fit [flags]")
		os.Exit(2)
	}
	var err error
	switch os.Args[1] {
	case "gen":
		err = gen(os.Args[2:])
	case "fit":
		err = fit(os.Args[2:])
	default:
		err = fmt.Errorf("unknown subcommand %q; use gen or fit", os.Args[1])
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "logistic-bench:", err)
		os.Exit(1)
	}
}

// gen writes synth.LogisticMatrix's rows: correlated Gaussian features
// (each column mixes its own draw with a shared factor), standardised, and
// labels from a logistic model with coefficients beta_j = (-1)^j *
// 1.5/(1+j/4) and intercept -1.5.
func gen(args []string) error {
	fs := flag.NewFlagSet("gen", flag.ContinueOnError)
	rows := fs.Int("rows", 1_000_000, "rows")
	cols := fs.Int("cols", 40, "columns")
	seed := fs.Uint64("seed", 1, "random seed")
	out := fs.String("out", "", "output file")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *out == "" || *rows < 2 || *cols < 1 {
		return errors.New("gen needs -out, -rows >= 2 and -cols >= 1")
	}
	X, y := synth.LogisticMatrix(*rows, *cols, *seed)
	f, err := os.Create(*out)
	if err != nil {
		return err
	}
	if err := synth.WriteLogistic(f, X, y); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// fitResult is what fit writes for sklearn_ref.py to compare against.
type fitResult struct {
	Seconds    float64   `json:"seconds"`     // wall time of the fastest fit
	CPUSeconds float64   `json:"cpu_seconds"` // process CPU time (all threads) of the fastest fit
	Rows       int       `json:"rows"`
	Cols       int       `json:"cols"`
	Lambda     float64   `json:"lambda"`
	Tol        float64   `json:"tol"`
	Threads    int       `json:"threads"`
	Intercept  float64   `json:"intercept"`
	Weights    []float64 `json:"weights"`
	Iterations int       `json:"iterations"`
	Converged  bool      `json:"converged"`
}

func fit(args []string) error {
	fs := flag.NewFlagSet("fit", flag.ContinueOnError)
	data := fs.String("data", "", "data file from gen")
	lambda := fs.Float64("lambda", 1e-4, "L2 penalty strength (Fit's objective)")
	tol := fs.Float64("tol", 1e-8, "gradient-norm tolerance")
	threads := fs.Int("threads", 0, "goroutines (0 = GOMAXPROCS)")
	repeat := fs.Int("repeat", 1, "fit this many times and report the fastest")
	out := fs.String("out", "", "JSON output file (default stdout)")
	cpuProfile := fs.String("cpuprofile", "", "write a CPU profile of the fits to this file")
	if err := fs.Parse(args); err != nil {
		return err
	}
	X, y, err := suite.ReadLogistic(*data)
	if err != nil {
		return err
	}
	if *cpuProfile != "" {
		f, err := os.Create(*cpuProfile)
		if err != nil {
			return err
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return err
		}
		defer pprof.StopCPUProfile()
	}
	best, bestCPU := math.Inf(1), math.Inf(1)
	var m *logistic.Model
	for range max(1, *repeat) {
		start, cpu := time.Now(), cputime.Used()
		m, err = logistic.Fit(X, y, nil, logistic.Options{Lambda: *lambda, Tol: *tol, Threads: *threads})
		if err != nil {
			return err
		}
		best = math.Min(best, time.Since(start).Seconds())
		bestCPU = math.Min(bestCPU, (cputime.Used() - cpu).Seconds())
	}
	res := fitResult{Seconds: best, CPUSeconds: bestCPU, Rows: X.Rows, Cols: X.Cols, Lambda: *lambda, Tol: *tol, Threads: *threads,
		Intercept: m.Intercept, Weights: m.Weights, Iterations: m.Iterations, Converged: m.Converged}
	b, err := json.MarshalIndent(res, "", "  ")
	if err != nil {
		return err
	}
	if *out == "" {
		_, err = os.Stdout.Write(append(b, '\n'))
		return err
	}
	return os.WriteFile(*out, b, 0o644)
}
