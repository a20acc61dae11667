// Command gbm benchmarks models/gbm against XGBoost on one synthetic data
// set: "gen" writes it, "run" trains, predicts and explains with gbm and
// prints the timings as JSON. bench/gbm/run.sh runs both sides. "predict"
// times batch prediction alone with a saved model, pass after pass, for
// A/B comparisons of the prediction code (bench/gbm/ab.sh).
package main

import (
	"bufio"
	"encoding/json"
	"flag"
	"fmt"
	"math"
	"os"
	"runtime"
	"time"

	"github.com/leadscore/leadscore/bench/suite"
	"github.com/leadscore/leadscore/datasets/synth"
	"github.com/leadscore/leadscore/features"
	"github.com/leadscore/leadscore/internal/cputime"
	"github.com/leadscore/leadscore/metrics"
	"github.com/leadscore/leadscore/models/gbm"
)

// The data file and its generator live in datasets/synth (synth.WriteGBM,
// ReadGBM), shared with `leadscore bench gbm`.

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: gbm gen|run|predict [flags]")
		os.Exit(2)
	}
	var err error
	switch os.Args[1] {
	case "gen":
		err = gen(os.Args[2:])
	case "run":
		err = run(os.Args[2:])
	case "predict":
		err = predict(os.Args[2:])
	default:
		err = fmt.Errorf("unknown command %q, want gen, run or predict", os.Args[1])
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "gbm bench:", err)
		os.Exit(1)
	}
}

// gen writes the seeded data file (synth.WriteGBM): a logistic problem
// with informative, interacting, noisy, partly missing and categorical
// columns.
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
	w := bufio.NewWriterSize(f, 1<<20)
	if err := synth.WriteGBM(w, *rows, *seed); err != nil {
		f.Close()
		return err
	}
	if err := w.Flush(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

func cpuTime() float64 { return cputime.Used().Seconds() }

func run(args []string) error {
	fs := flag.NewFlagSet("run", flag.ExitOnError)
	data := fs.String("data", "/tmp/gbm_bench.bin", "data file from gen")
	nrows := fs.Int("rows", 0, "use the first rows rows of the data file (0: all)")
	trainFrac := fs.Float64("train-frac", 0.8, "share of the rows used to train (the rest are held out)")
	subsample := fs.Float64("subsample", 1, "share of rows sampled per tree (XGBoost's subsample)")
	colsample := fs.Float64("colsample", 1, "share of columns sampled per tree (XGBoost's colsample_bytree)")
	gossTop := fs.Float64("goss-top", 0, "GOSS: share of rows with the largest gradients kept per tree (leadscore only; needs -subsample 1)")
	gossOther := fs.Float64("goss-other", 0, "GOSS: share of the other rows drawn per tree")
	seed := fs.Int64("seed", 1, "seed of the row and column sampling (XGBoost's seed)")
	trees := fs.Int("trees", 300, "trees")
	leaves := fs.Int("leaves", 63, "max leaves")
	shapRows := fs.Int("shap", 10000, "rows explained with TreeSHAP")
	threads := fs.Int("threads", 2, "threads")
	cpuprof := fs.String("cpuprofile", "", "write a CPU profile of training here")
	modelPath := fs.String("model", "", "load the model from this JSON file instead of training when it exists, else save the trained model there (the train figures then read 0)")
	predProf := fs.String("predictprofile", "", "write a CPU profile of prediction and TreeSHAP here")
	fs.Parse(args)
	X, y, err := suite.ReadGBM(*data)
	if err != nil {
		return err
	}
	if *nrows > 0 {
		if *nrows > X.Rows {
			return fmt.Errorf("-rows %d: the data file has %d rows; write a larger one with gen -rows", *nrows, X.Rows)
		}
		X, y = suite.Rows(X, 0, *nrows), y[:*nrows]
	}
	ntrain := int(math.Round(*trainFrac * float64(X.Rows)))
	if ntrain < 1 || ntrain >= X.Rows {
		return fmt.Errorf("-train-frac %v leaves %d of %d rows to train: want at least one row on each side", *trainFrac, ntrain, X.Rows)
	}
	tr := suite.Rows(X, 0, ntrain)
	// XGBoost's settings in xgb_ref.py, with the same row and column
	// sampling.
	p := suite.GBMParams(*trees, *leaves, *threads)
	p.Subsample, p.ColSample = *subsample, *colsample
	p.GOSSTop, p.GOSSOther = *gossTop, *gossOther
	p.Seed = *seed
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
	m, loaded, err := trainOrLoad(*modelPath, tr, y[:ntrain], p)
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
	rssTrain := suite.PeakRSS()
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
	aucTest := metrics.ROCAUC(y[ntrain:], pred[ntrain:], nil)
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
	// The model builds its TreeSHAP tables once, on the first explanation:
	// timed apart, so that the per-row figures are those of a model in use.
	c2 := cpuTime()
	m.SHAP(X.Row(0), phi[:X.Cols])
	shapTablesCPU := cpuTime() - c2
	c2 = cpuTime()
	t0 = time.Now()
	m.SHAPMatrix(suite.Rows(X, 0, ns), phi, *threads)
	shapSec := time.Since(t0).Seconds()
	shapCPU := cpuTime() - c2

	res := map[string]any{
		"impl": "leadscore/gbm", "train_sec": trainSec, "predict_1m_sec": predSec * 1e6 / float64(X.Rows),
		"shap_ms_per_row": shapSec * 1e3 / float64(ns), "auc_test": aucTest, "peak_rss_train_bytes": rssTrain,
		"trees": m.NumTrees(), "nodes": len(m.Feature),
		"train_cpu_sec": trainCPU, "predict_cpu_sec": predCPU, "shap_cpu_ms_per_row": shapCPU * 1e3 / float64(ns),
		"predict_rows_checked": checked, "predict_mismatches": mismatches,
		"shap_tables_cpu_sec": shapTablesCPU,
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

// predict times Model.PredictMargins alone: the model saved by run -model,
// rows [offset, offset+rows) of the data file, passes passes over them on
// threads goroutines. It prints one JSON line with each pass's CPU and
// wall time in ns per row and the number of rows (one in 97) whose batch
// margin differs from Model.Margin in any bit.
func predict(args []string) error {
	fs := flag.NewFlagSet("predict", flag.ExitOnError)
	data := fs.String("data", "/tmp/gbm_bench.bin", "data file from gen")
	modelPath := fs.String("model", "", "model JSON written by run -model (required)")
	offset := fs.Int("offset", 0, "first row predicted")
	nrows := fs.Int("rows", 200000, "rows predicted per pass")
	passes := fs.Int("passes", 3, "passes over the rows")
	threads := fs.Int("threads", 1, "threads")
	prof := fs.String("cpuprofile", "", "write a CPU profile of the timed passes here")
	fs.Parse(args)
	if *modelPath == "" {
		return fmt.Errorf("predict: -model is required (write one with run -model FILE)")
	}
	b, err := os.ReadFile(*modelPath)
	if err != nil {
		return err
	}
	m := new(gbm.Model)
	if err := json.Unmarshal(b, m); err != nil {
		return fmt.Errorf("read model %s: %w", *modelPath, err)
	}
	X, _, err := suite.ReadGBM(*data)
	if err != nil {
		return err
	}
	if *offset < 0 || *nrows < 1 || *offset+*nrows > X.Rows {
		return fmt.Errorf("-offset %d -rows %d: the data file has %d rows", *offset, *nrows, X.Rows)
	}
	X = suite.Rows(X, *offset, *offset+*nrows)
	out := make([]float64, X.Rows)
	m.PredictMargins(X, out, *threads) // warm: compiled form, caches
	runtime.GC()
	if *prof != "" {
		stop, err := startProfile(*prof)
		if err != nil {
			return err
		}
		defer stop()
	}
	var cpuNs, wallNs []float64
	for range *passes {
		c0, t0 := cpuTime(), time.Now()
		m.PredictMargins(X, out, *threads)
		cpuNs = append(cpuNs, (cpuTime()-c0)*1e9/float64(X.Rows))
		wallNs = append(wallNs, float64(time.Since(t0).Nanoseconds())/float64(X.Rows))
	}
	mismatches := 0
	for i := 0; i < X.Rows; i += 97 {
		if math.Float64bits(m.Margin(X.Row(i))) != math.Float64bits(out[i]) {
			mismatches++
		}
	}
	return json.NewEncoder(os.Stdout).Encode(map[string]any{
		"rows": X.Rows, "threads": *threads, "cpu_ns_per_row": cpuNs, "wall_ns_per_row": wallNs,
		"mismatches": mismatches,
	})
}
