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
	"bufio"
	"encoding/binary"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"os"
	"runtime/pprof"
	"time"

	"github.com/leadscore/leadscore/features"
	"github.com/leadscore/leadscore/models/logistic"
)

const magic = "LSBENCH1"

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

// gen writes rows of correlated Gaussian features (each column mixes its own
// draw with a shared factor), standardised, and labels from a logistic model
// with coefficients beta_j = (-1)^j * 1.5/(1+j/4) and intercept -1.5.
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
	rng := rand.New(rand.NewPCG(*seed, 42))
	n, p := *rows, *cols
	x := make([]float64, n*p)
	for i := range n {
		shared := rng.NormFloat64()
		for j := range p {
			x[i*p+j] = 0.5*shared + rng.NormFloat64()
		}
	}
	for j := range p {
		var mean, ss float64
		for i := range n {
			mean += x[i*p+j]
		}
		mean /= float64(n)
		for i := range n {
			d := x[i*p+j] - mean
			ss += d * d
		}
		sd := math.Sqrt(ss / float64(n))
		for i := range n {
			x[i*p+j] = (x[i*p+j] - mean) / sd
		}
	}
	y := make([]float64, n)
	for i := range n {
		m := -1.5
		for j := range p {
			b := 1.5 / (1 + float64(j)/4)
			if j%2 == 1 {
				b = -b
			}
			m += b * x[i*p+j] / math.Sqrt(float64(p)/4)
		}
		if rng.Float64() < 1/(1+math.Exp(-m)) {
			y[i] = 1
		}
	}
	f, err := os.Create(*out)
	if err != nil {
		return err
	}
	w := bufio.NewWriterSize(f, 1<<20)
	w.WriteString(magic)
	binary.Write(w, binary.LittleEndian, int64(n))
	binary.Write(w, binary.LittleEndian, int64(p))
	buf := make([]byte, 8)
	for _, vs := range [][]float64{x, y} {
		for _, v := range vs {
			binary.LittleEndian.PutUint64(buf, math.Float64bits(v))
			w.Write(buf)
		}
	}
	if err := w.Flush(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// read loads a data file written by gen.
func read(path string) (*features.Matrix, []float64, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, nil, err
	}
	defer f.Close()
	r := bufio.NewReaderSize(f, 1<<20)
	head := make([]byte, 24)
	if _, err := io.ReadFull(r, head); err != nil || string(head[:8]) != magic {
		return nil, nil, fmt.Errorf("%s is not a logistic-bench data file", path)
	}
	n := int(binary.LittleEndian.Uint64(head[8:]))
	p := int(binary.LittleEndian.Uint64(head[16:]))
	cols := make([]features.ColumnInfo, p)
	for j := range cols {
		cols[j] = features.ColumnInfo{Name: fmt.Sprintf("x%d", j), Source: fmt.Sprintf("x%d", j)}
	}
	X := features.NewMatrix(n, cols)
	y := make([]float64, n)
	buf := make([]byte, 8)
	for _, vs := range [][]float64{X.Data, y} {
		for i := range vs {
			if _, err := io.ReadFull(r, buf); err != nil {
				return nil, nil, fmt.Errorf("%s: truncated: %w", path, err)
			}
			vs[i] = math.Float64frombits(binary.LittleEndian.Uint64(buf))
		}
	}
	return X, y, nil
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
	X, y, err := read(*data)
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
		start, cpu := time.Now(), cpuSeconds()
		m, err = logistic.Fit(X, y, nil, logistic.Options{Lambda: *lambda, Tol: *tol, Threads: *threads})
		if err != nil {
			return err
		}
		best = math.Min(best, time.Since(start).Seconds())
		bestCPU = math.Min(bestCPU, cpuSeconds()-cpu)
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
