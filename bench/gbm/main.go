// Command gbm benchmarks models/gbm against XGBoost on one synthetic data
// set: "gen" writes it, "run" trains, predicts and explains with gbm and
// prints the timings as JSON. bench/gbm/run.sh runs both sides.
package main

import (
	"bufio"
	"encoding/binary"
	"encoding/json"
	"flag"
	"fmt"

	"math"
	"math/rand/v2"
	"os"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/leadscore/leadscore/features"
	"github.com/leadscore/leadscore/models/gbm"
)

// Layout of the data file: rows of nCols float64 features followed by the
// label, little-endian, no header. Columns 35..37 are categorical codes.
const nCols = 40

var catCols = map[int]int{35: 20, 36: 50, 37: 5}

// catOrder lists catCols' keys in order, so generation is deterministic.
var catOrder = []int{35, 36, 37}

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: gbm gen|run [flags]")
		os.Exit(2)
	}
	var err error
	switch os.Args[1] {
	case "gen":
		err = gen(os.Args[2:])
	case "run":
		err = run(os.Args[2:])
	default:
		err = fmt.Errorf("unknown command %q, want gen or run", os.Args[1])
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "gbm bench:", err)
		os.Exit(1)
	}
}

// gen writes rows of a seeded logistic problem: informative, interacting,
// noisy, partly missing and categorical columns.
func gen(args []string) error {
	fs := flag.NewFlagSet("gen", flag.ExitOnError)
	rows := fs.Int("rows", 1000000, "rows")
	out := fs.String("out", "/tmp/gbm_bench.bin", "output file")
	seed := fs.Uint64("seed", 1, "seed")
	fs.Parse(args)
	f, err := os.Create(*out)
	if err != nil {
		return err
	}
	defer f.Close()
	w := bufio.NewWriterSize(f, 1<<20)
	rng := rand.New(rand.NewPCG(*seed, 42))
	catEff := map[int][]float64{}
	for _, c := range catOrder {
		k := catCols[c]
		e := make([]float64, k)
		for i := range e {
			e[i] = rng.NormFloat64() * 0.6
		}
		catEff[c] = e
	}
	row := make([]float64, nCols+1)
	buf := make([]byte, 8*(nCols+1))
	for range *rows {
		for j := range nCols {
			row[j] = rng.NormFloat64()
		}
		m := -1.0
		for j := range 10 { // informative, some nonlinear
			c := 0.6 / float64(1+j%4)
			switch j % 3 {
			case 0:
				m += c * row[j]
			case 1:
				m += c * math.Tanh(2*row[j])
			default:
				m += c * (math.Abs(row[j]) - 0.8)
			}
		}
		m += 0.5*row[10]*row[11] + 0.4*float64(btoi(row[12] > 0 && row[13] > 0.5)) - 0.3*row[14]*row[0]
		for j := 30; j < 35; j++ { // partly missing; missingness carries signal
			if rng.IntN(5) == 0 {
				row[j] = math.NaN()
				m += 0.15
			} else {
				m += 0.2 * row[j]
			}
		}
		for _, c := range catOrder {
			code := rng.IntN(catCols[c])
			row[c] = float64(code)
			m += catEff[c][code]
		}
		row[38] = row[0] + 0.5*rng.NormFloat64()
		row[39] = math.Round(row[1]*4) / 4 // few distinct values
		row[nCols] = 0
		if rng.Float64() < 1/(1+math.Exp(-m)) {
			row[nCols] = 1
		}
		for j, v := range row {
			binary.LittleEndian.PutUint64(buf[8*j:], math.Float64bits(v))
		}
		if _, err := w.Write(buf); err != nil {
			return err
		}
	}
	return w.Flush()
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}

// load reads the data file into a matrix and labels.
func load(path string) (*features.Matrix, []float64, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, nil, err
	}
	rows := len(b) / (8 * (nCols + 1))
	cols := make([]features.ColumnInfo, nCols)
	for j := range cols {
		cols[j] = features.ColumnInfo{Name: "f" + strconv.Itoa(j), Source: "f" + strconv.Itoa(j)}
		if k, ok := catCols[j]; ok {
			cols[j].Categorical, cols[j].Categories = true, k
		}
	}
	X := features.NewMatrix(rows, cols)
	y := make([]float64, rows)
	for i := range rows {
		for j := range nCols + 1 {
			v := math.Float64frombits(binary.LittleEndian.Uint64(b[8*(i*(nCols+1)+j):]))
			if j == nCols {
				y[i] = v
			} else {
				X.Data[i*nCols+j] = v
			}
		}
	}
	return X, y, nil
}

// cpuTime returns the user+system CPU seconds the process has used.
func cpuTime() float64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return float64(ru.Utime.Nano()+ru.Stime.Nano()) / 1e9
}

// peakRSS returns the process's peak resident set size (VmHWM) in bytes.
func peakRSS() int64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return -1
	}
	for _, line := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(line, "VmHWM:") {
			f := strings.Fields(line)
			kb, _ := strconv.ParseInt(f[1], 10, 64)
			return kb << 10
		}
	}
	return -1
}

func run(args []string) error {
	fs := flag.NewFlagSet("run", flag.ExitOnError)
	data := fs.String("data", "/tmp/gbm_bench.bin", "data file from gen")
	ntrain := fs.Int("train", 800000, "training rows (the rest are held out)")
	trees := fs.Int("trees", 300, "trees")
	leaves := fs.Int("leaves", 63, "max leaves")
	shapRows := fs.Int("shap", 10000, "rows explained with TreeSHAP")
	threads := fs.Int("threads", 2, "threads")
	cpuprof := fs.String("cpuprofile", "", "write a CPU profile of training here")
	modelPath := fs.String("model", "", "load the model from this JSON file instead of training when it exists, else save the trained model there (the train figures then read 0)")
	predProf := fs.String("predictprofile", "", "write a CPU profile of prediction and TreeSHAP here")
	fs.Parse(args)
	X, y, err := load(*data)
	if err != nil {
		return err
	}
	if *ntrain >= X.Rows {
		return fmt.Errorf("train rows %d >= data rows %d", *ntrain, X.Rows)
	}
	sub := func(lo, hi int) *features.Matrix {
		return &features.Matrix{Rows: hi - lo, Cols: X.Cols, Data: X.Data[lo*X.Cols : hi*X.Cols], Columns: X.Columns}
	}
	tr := sub(0, *ntrain)
	p := gbm.DefaultParams()
	p.Trees, p.Leaves, p.LearningRate, p.Bins, p.Threads = *trees, *leaves, 0.1, 255, *threads
	p.EarlyStopping, p.MinChildWeight, p.MinDataInLeaf, p.Lambda = 0, 1, 20, 1
	runtime.GC()
	var stopProf func()
	if *cpuprof != "" {
		stopProf, err = startProfile(*cpuprof)
		if err != nil {
			return err
		}
	}
	c0 := cpuTime()
	t0 := time.Now()
	m, loaded, err := trainOrLoad(*modelPath, tr, y[:*ntrain], p)
	if err != nil {
		return err
	}
	trainSec := time.Since(t0).Seconds()
	trainCPU := cpuTime() - c0
	if loaded {
		trainSec, trainCPU = 0, 0
	}
	if stopProf != nil {
		stopProf()
	}
	rssTrain := peakRSS()
	if *predProf != "" {
		stop, err := startProfile(*predProf)
		if err != nil {
			return err
		}
		defer stop()
	}

	pred := make([]float64, X.Rows)
	t0 = time.Now()
	c1 := cpuTime()
	m.PredictMargins(X, pred, *threads)
	predSec := time.Since(t0).Seconds()
	predCPU := cpuTime() - c1
	aucTest := auc(pred[*ntrain:], y[*ntrain:])
	// Batch prediction must equal the plain per-row walk bit for bit.
	mismatches, checked := 0, 0
	for i := 0; i < X.Rows; i += 97 {
		if math.Float64bits(m.Margin(X.Row(i))) != math.Float64bits(pred[i]) {
			mismatches++
		}
		checked++
	}

	ns := min(*shapRows, X.Rows)
	phi := make([]float64, ns*X.Cols)
	c2 := cpuTime()
	t0 = time.Now()
	m.SHAPMatrix(sub(0, ns), phi, *threads)
	shapSec := time.Since(t0).Seconds()
	shapCPU := cpuTime() - c2

	res := map[string]any{
		"impl": "leadscore/gbm", "train_sec": trainSec, "predict_1m_sec": predSec * 1e6 / float64(X.Rows),
		"shap_ms_per_row": shapSec * 1e3 / float64(ns), "auc_test": aucTest, "peak_rss_train_bytes": rssTrain,
		"trees": m.NumTrees(), "nodes": len(m.Feature),
		"train_cpu_sec": trainCPU, "predict_cpu_sec": predCPU, "shap_cpu_ms_per_row": shapCPU * 1e3 / float64(ns),
		"predict_rows_checked": checked, "predict_mismatches": mismatches,
	}
	return json.NewEncoder(os.Stdout).Encode(res)
}

// trainOrLoad reads the model at path when path names an existing file;
// otherwise it trains one and, when path is set, saves it there.
func trainOrLoad(path string, X *features.Matrix, y []float64, p gbm.Params) (*gbm.Model, bool, error) {
	if path != "" {
		if b, err := os.ReadFile(path); err == nil {
			m := new(gbm.Model)
			if err := json.Unmarshal(b, m); err != nil {
				return nil, false, err
			}
			return m, true, nil
		}
	}
	m, err := gbm.Train(X, y, nil, nil, nil, nil, p)
	if err != nil || path == "" {
		return m, false, err
	}
	b, err := json.Marshal(m)
	if err != nil {
		return nil, false, err
	}
	return m, false, os.WriteFile(path, b, 0o644)
}

// auc is the area under the ROC curve of scores s for labels y (ties
// averaged).
func auc(s, y []float64) float64 {
	idx := make([]int, len(s))
	for i := range idx {
		idx[i] = i
	}
	slices.SortFunc(idx, func(a, b int) int {
		if s[a] < s[b] {
			return -1
		}
		if s[a] > s[b] {
			return 1
		}
		return 0
	})
	var pos, neg, sum float64
	for r := 0; r < len(idx); {
		q := r
		for q < len(idx) && s[idx[q]] == s[idx[r]] {
			q++
		}
		mid := float64(r+q+1) / 2
		for k := r; k < q; k++ {
			if y[idx[k]] == 1 {
				sum += mid
				pos++
			} else {
				neg++
			}
		}
		r = q
	}
	return (sum - pos*(pos+1)/2) / (pos * neg)
}
