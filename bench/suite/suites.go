package suite

import (
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"time"

	"github.com/leadscore/leadscore/datasets/synth"
	"github.com/leadscore/leadscore/features"
	"github.com/leadscore/leadscore/internal/atomicfile"
	"github.com/leadscore/leadscore/metrics"
	"github.com/leadscore/leadscore/models"
	"github.com/leadscore/leadscore/models/gbm"
	"github.com/leadscore/leadscore/models/logistic"
	"github.com/leadscore/leadscore/models/rules"
	"github.com/leadscore/leadscore/training"
)

// ensureFile runs write on a temporary name and renames the result to
// path (atomicfile.ReplaceFile), unless path exists already (an input kept
// by an earlier run).
func (r *run) ensureFile(path, what string, write func(tmp string) error) error {
	if _, err := os.Stat(path); err == nil {
		r.logf("reusing %s", path)
		return nil
	}
	r.logf("writing %s", what)
	return atomicfile.ReplaceFile(path, 0o644, write)
}

// minWall is how long a per-item loop runs.
func (r *run) minWall() time.Duration {
	return pick(r, 200*time.Millisecond, time.Second, 3*time.Second)
}

func perSecond(n float64, d time.Duration) float64 {
	if d <= 0 {
		return 0
	}
	return n / d.Seconds()
}

func micros(d time.Duration, n int) float64 { return float64(d.Nanoseconds()) / 1e3 / float64(n) }

// benchRead measures datasets' readers on the lead-like table of
// BenchmarkReadCSV and BenchmarkReadParquet (and, at full size, the
// streaming memory of a 10,000,000-row CSV file as readbench does).
func benchRead(r *run) error {
	rows := pick(r, 20_000, 200_000, 1_000_000)
	reps := pick(r, 1, 2, 3)
	csvPath := r.path(fmt.Sprintf("read-%d.csv", rows))
	pqPath := r.path(fmt.Sprintf("read-%d.parquet", rows))
	if err := r.ensureFile(csvPath, fmt.Sprintf("%s-row CSV", thousands(int64(rows))), func(tmp string) error {
		return synth.WriteLeadTableCSVFile(tmp, rows)
	}); err != nil {
		return err
	}
	if err := r.ensureFile(pqPath, fmt.Sprintf("%s-row Parquet", thousands(int64(rows))), func(tmp string) error {
		return synth.WriteLeadTableParquet(tmp, rows)
	}); err != nil {
		return err
	}
	for _, f := range []struct{ name, path string }{{"csv", csvPath}, {"parquet", pqPath}} {
		st, err := os.Stat(f.path)
		if err != nil {
			return err
		}
		m, err := measure(func() error {
			for range reps {
				n, err := DrainTable(f.path, synth.LeadTableMissing())
				if err != nil {
					return err
				}
				if n != rows {
					return fmt.Errorf("read %d rows of %s, want %d", n, f.path, rows)
				}
			}
			return nil
		})
		if err != nil {
			return err
		}
		total := float64(rows * reps)
		r.add(Result{Suite: "read", Name: f.name,
			Workload:    fmt.Sprintf("%s rows x 10 columns (%s), read %dx", thousands(int64(rows)), formatBytes(st.Size()), reps),
			WallSeconds: m.wall.Seconds(), CPUSeconds: m.cpu.Seconds(),
			Value: perSecond(total, m.wall), Unit: "rows/s", CPUValue: perSecond(total, m.cpu), CPUUnit: "rows/CPU-s",
			PeakRSSBytes: m.rss, Note: fmt.Sprintf("%.2f s per 1M rows", m.wall.Seconds()/total*1e6),
		})
	}
	if r.size != "full" {
		return nil
	}
	// Peak memory while streaming a large file batch by batch.
	const big = 10_000_000
	bigPath := r.path(fmt.Sprintf("read-%d.csv", big))
	if err := r.ensureFile(bigPath, "10,000,000-row CSV (about 760 MB)", func(tmp string) error {
		return synth.WriteLeadTableCSVFile(tmp, big)
	}); err != nil {
		return err
	}
	if !r.keep {
		defer os.Remove(bigPath)
	}
	st, err := os.Stat(bigPath)
	if err != nil {
		return err
	}
	m, err := measure(func() error {
		n, err := DrainTable(bigPath, synth.LeadTableMissing())
		if err == nil && n != big {
			err = fmt.Errorf("read %d rows of %s, want %d", n, bigPath, big)
		}
		return err
	})
	if err != nil {
		return err
	}
	r.add(Result{Suite: "read", Name: "csv-stream", Workload: fmt.Sprintf("10,000,000 rows x 10 columns (%s), read once", formatBytes(st.Size())),
		WallSeconds: m.wall.Seconds(), CPUSeconds: m.cpu.Seconds(),
		Value: perSecond(big, m.wall), Unit: "rows/s", CPUValue: perSecond(big, m.cpu), CPUUnit: "rows/CPU-s", PeakRSSBytes: m.rss})
	return nil
}

// benchGenerate times datasets/synth writing a b2b history with its flat
// file, as BenchmarkGenerate does.
func benchGenerate(r *run) error {
	leads := pick(r, 500, 20_000, 1_000_000)
	out := r.path("generate")
	if err := os.RemoveAll(out); err != nil {
		return err
	}
	defer os.RemoveAll(out) // gigabytes at full size
	var sum *synth.Summary
	m, err := measure(func() error {
		var err error
		sum, err = synth.Generate(synth.Config{Profile: synth.ProfileB2B, Leads: leads, Seed: 1, Flat: true}, out, nil)
		return err
	})
	if err != nil {
		return err
	}
	var evBytes int64
	if st, err := os.Stat(filepath.Join(out, "events.csv")); err == nil {
		evBytes = st.Size()
	}
	r.add(Result{Suite: "generate", Name: "b2b-csv-flat",
		Workload:    fmt.Sprintf("%s leads, %s events (events.csv %s)", thousands(int64(leads)), thousands(sum.Events), formatBytes(evBytes)),
		WallSeconds: m.wall.Seconds(), CPUSeconds: m.cpu.Seconds(),
		Value: perSecond(float64(sum.Events), m.wall), Unit: "events/s", CPUValue: perSecond(float64(sum.Events), m.cpu), CPUUnit: "events/CPU-s",
		Metrics:      map[string]float64{"leads": float64(sum.Leads), "events": float64(sum.Events), "conversion_rate": sum.ConversionRate, "events_csv_bytes": float64(evBytes)},
		PeakRSSBytes: m.rss, Note: fmt.Sprintf("conversion rate %.2f%% (configured 10%%)", 100*sum.ConversionRate),
	})
	return nil
}

// benchFeatures measures event aggregation (in memory and streamed) and
// Spec.TransformLead as features' benchmarks do.
func benchFeatures(r *run) error {
	// Aggregation of a generated history, events in batches of 65,536.
	nLeads := pick(r, 2_000, 20_000, 20_000)
	in := history(11, nLeads, 25)
	events := in.Events.Rows()
	evTable := in.Events
	in.Events = nil
	var d *features.Dataset
	var buildErr error
	n, m := repeat(r.minWall(), func() {
		d, buildErr = features.BuildStreaming(features.Config{}, in, synth.Batches(evTable, 1<<16), false)
	})
	if buildErr != nil {
		return buildErr
	}
	if d.Report.Events != events {
		return fmt.Errorf("aggregated %d events, want %d", d.Report.Events, events)
	}
	r.add(Result{Suite: "features", Name: "aggregate",
		Workload:    fmt.Sprintf("%s leads (%s snapshots), %s events in batches of 65,536, %d runs", thousands(int64(nLeads)), thousands(int64(d.Rows)), thousands(int64(events)), n),
		WallSeconds: m.wall.Seconds(), CPUSeconds: m.cpu.Seconds(),
		Value: perSecond(float64(events*n), m.wall), Unit: "events/s", CPUValue: perSecond(float64(events*n), m.cpu), CPUUnit: "events/CPU-s",
	})

	// A long stream of batches that is never all in memory; at full size
	// also the production shape of BENCHMARKS.md (1M leads, 50M events).
	type shape struct {
		name          string
		leads, events int
	}
	shapes := pick(r,
		[]shape{{"aggregate-stream", 5_000, 200_000}},
		[]shape{{"aggregate-stream", 20_000, 1_000_000}},
		[]shape{{"aggregate-stream", 100_000, 5_000_000}, {"aggregate-stream-1m", 1_000_000, 50_000_000}})
	for _, sh := range shapes {
		if err := benchStream(r, sh.name, sh.leads, sh.events); err != nil {
			return err
		}
	}

	// One lead encoded into the linear and the tree row.
	spec, l, err := transformLeadSetup()
	if err != nil {
		return err
	}
	lin := make([]float64, len(spec.LinearColumns()))
	tree := make([]float64, len(spec.TreeColumns()))
	allocs, _ := allocsOf(func() int {
		n, m = repeat(r.minWall(), func() { spec.TransformLead(l, lin, tree) })
		return n
	})
	r.add(Result{Suite: "features", Name: "transform-lead",
		Workload:    fmt.Sprintf("1 lead, %d events, %d linear + %d tree columns", len(l.Events), len(lin), len(tree)),
		WallSeconds: m.wall.Seconds(), CPUSeconds: m.cpu.Seconds(),
		Value: micros(m.wall, n), Unit: "us/lead", CPUValue: micros(m.cpu, n), CPUUnit: "CPU-us/lead",
		Metrics: map[string]float64{"allocs_per_lead": allocs}, Note: fmt.Sprintf("%.0f allocations per lead", allocs),
	})
	return nil
}

// benchStream aggregates nEvents streamed events into the snapshots of
// nLeads leads and reports events/s and the live heap after the build.
func benchStream(r *run, name string, nLeads, nEvents int) error {
	if nLeads >= 1_000_000 {
		r.logf("streaming %s events into %s leads (a few GB of memory)", thousands(int64(nEvents)), thousands(int64(nLeads)))
	}
	stream := synth.NewEventStream(nLeads, nEvents)
	in := features.Inputs{Leads: stream.Leads, Outcomes: stream.Outcomes}
	var d *features.Dataset
	m, err := measure(func() error {
		var err error
		d, err = features.BuildStreaming(features.Config{}, in, stream.Next(), false)
		if err == nil && d.Report.Events != nEvents {
			err = fmt.Errorf("aggregated %d events, want %d", d.Report.Events, nEvents)
		}
		return err
	})
	if err != nil {
		return err
	}
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	runtime.KeepAlive(d)
	r.add(Result{Suite: "features", Name: name,
		Workload:    fmt.Sprintf("%s leads (%s snapshots), %s events in batches of 65,536", thousands(int64(nLeads)), thousands(int64(d.Rows)), thousands(int64(nEvents))),
		WallSeconds: m.wall.Seconds(), CPUSeconds: m.cpu.Seconds(),
		Value: perSecond(float64(nEvents), m.wall), Unit: "events/s", CPUValue: perSecond(float64(nEvents), m.cpu), CPUUnit: "events/CPU-s",
		Metrics:      map[string]float64{"live_heap_bytes": float64(ms.HeapAlloc)},
		PeakRSSBytes: m.rss, Note: fmt.Sprintf("live heap %s", formatBytes(int64(ms.HeapAlloc))),
	})
	return nil
}

// allocsOf runs fn, which returns how many operations it did, and returns
// the heap allocations and bytes per operation.
func allocsOf(fn func() int) (allocs, bytes float64) {
	var a, b runtime.MemStats
	runtime.ReadMemStats(&a)
	n := fn()
	runtime.ReadMemStats(&b)
	if n == 0 {
		return 0, 0
	}
	return float64(b.Mallocs-a.Mallocs) / float64(n), float64(b.TotalAlloc-a.TotalAlloc) / float64(n)
}

// benchRules evaluates the b2b default sheet on models/rules' 54-event
// lead.
func benchRules(r *run) error {
	sheet, err := rules.Parse(rules.Default("b2b"), "b2b.yaml")
	if err != nil {
		return err
	}
	l := RulesLead()
	var res rules.Result
	var m measured
	var n int
	allocs, bytes := allocsOf(func() int {
		n, m = repeat(r.minWall(), func() { res = sheet.Evaluate(l) })
		return n
	})
	if len(res.Fired) == 0 {
		return errors.New("no rule fired on the benchmark lead")
	}
	r.add(Result{Suite: "rules", Name: "evaluate",
		Workload:    fmt.Sprintf("b2b sheet (%d rules), 1 lead with %d events", len(sheet.RuleNames()), len(l.Events)),
		WallSeconds: m.wall.Seconds(), CPUSeconds: m.cpu.Seconds(),
		Value: micros(m.wall, n), Unit: "us/lead", CPUValue: micros(m.cpu, n), CPUUnit: "CPU-us/lead",
		Metrics: map[string]float64{"allocs_per_lead": allocs, "bytes_per_lead": bytes, "fired": float64(len(res.Fired))},
		Note:    fmt.Sprintf("%d rules fired; %.0f allocations, %.0f B per lead", len(res.Fired), allocs, bytes),
	})
	return nil
}

// benchLogistic fits the L2 logistic regression of bench/logistic/run.sh:
// lambda 1e-4, gradient-norm tolerance 1e-8, best of 3 at full size.
func benchLogistic(r *run) error {
	rows := pick(r, 20_000, 200_000, 1_000_000)
	reps := pick(r, 1, 1, 3)
	const cols, lambda, tol = 40, 1e-4, 1e-8
	r.logf("generating the %s x %d matrix", thousands(int64(rows)), cols)
	X, y := LogisticMatrix(rows, cols, 1)
	var best measured
	var model *logistic.Model
	for i := range reps {
		m, err := measure(func() error {
			var err error
			model, err = logistic.Fit(X, y, nil, logistic.Options{Lambda: lambda, Tol: tol, Threads: r.threads})
			return err
		})
		if err != nil {
			return err
		}
		if i == 0 || m.wall < best.wall {
			best = m
		}
	}
	conv := "converged"
	if !model.Converged {
		conv = "NOT converged"
	}
	r.add(Result{Suite: "logistic", Name: "fit-l2",
		Workload:    fmt.Sprintf("%s x %d, lambda %g, tol %g, best of %d", thousands(int64(rows)), cols, lambda, tol, reps),
		WallSeconds: best.wall.Seconds(), CPUSeconds: best.cpu.Seconds(),
		Value: best.wall.Seconds(), Unit: "s", CPUValue: best.cpu.Seconds(), CPUUnit: "CPU-s",
		Metrics:      map[string]float64{"iterations": float64(model.Iterations)},
		PeakRSSBytes: best.rss, Note: fmt.Sprintf("%d iterations, %s", model.Iterations, conv),
	})
	return nil
}

// benchGBM runs leadscore's side of bench/gbm/run.sh's matrix on its
// seeded data: the first 10,000, 100,000 and 1,000,000 rows at full size
// (300 trees of at most 63 leaves), each with row and column sampling off
// and with the gbm's default sampling (GBMSampling). Every cell trains on
// the first 80% of its rows, measures the held-out ROC AUC on the rest,
// predicts all its rows and explains up to 10,000 of them with TreeSHAP,
// so its figures compare with the XGBoost side of run.sh cell by cell.
func benchGBM(r *run) error {
	sizes := pick(r, []int{2_000}, []int{10_000, 100_000}, []int{10_000, 100_000, 1_000_000})
	trees := pick(r, 20, 100, 300)
	leaves := pick(r, 15, 63, 63)
	shapRows := pick(r, 200, 2_000, 10_000)
	maxRows := slices.Max(sizes)
	r.logf("generating the %s x %d matrix", thousands(int64(maxRows)), synth.GBMCols)
	// Every cell takes the first rows of one matrix, as run.sh takes the
	// first rows of one file.
	X, y := GBMMatrix(maxRows, 1)
	for _, rows := range sizes {
		for _, sampling := range GBMSamplings() {
			if err := r.ctx.Err(); err != nil {
				return err
			}
			if err := r.gbmCell(Rows(X, 0, rows), y[:rows], sampling, trees, leaves, shapRows); err != nil {
				return err
			}
		}
	}
	return nil
}

// gbmCell measures one cell of the gbm matrix on X, y: training on the
// first 80% of the rows with the named sampling, prediction of every row,
// the held-out AUC and TreeSHAP on the first shapRows rows. Results are
// named figure-ROWS-SAMPLING, e.g. train-100k-default.
func (r *run) gbmCell(X *features.Matrix, y []float64, sampling string, trees, leaves, shapRows int) error {
	ntrain := int(math.Round(0.8 * float64(X.Rows)))
	p := GBMParams(trees, leaves, r.threads)
	p.Subsample, p.ColSample = GBMSampling(sampling)
	cell := fmt.Sprintf("%s-%s", shortCount(X.Rows), sampling)
	var model *gbm.Model
	m, err := measure(func() error {
		var err error
		model, err = gbm.Train(Rows(X, 0, ntrain), y[:ntrain], nil, nil, nil, nil, p)
		return err
	})
	if err != nil {
		return err
	}
	r.add(Result{Suite: "gbm", Name: "train-" + cell,
		Workload: fmt.Sprintf("%s x %d, %d trees, %d leaves, 255 bins, subsample %g, colsample %g",
			thousands(int64(ntrain)), X.Cols, trees, leaves, p.Subsample, p.ColSample),
		WallSeconds: m.wall.Seconds(), CPUSeconds: m.cpu.Seconds(),
		Value: m.wall.Seconds(), Unit: "s", CPUValue: m.cpu.Seconds(), CPUUnit: "CPU-s",
		Metrics:      map[string]float64{"trees": float64(model.NumTrees())},
		PeakRSSBytes: m.rss,
	})

	pred := make([]float64, X.Rows)
	m, err = measure(func() error { model.PredictMargins(X, pred, r.threads); return nil })
	if err != nil {
		return err
	}
	scale := 1e6 / float64(X.Rows)
	r.add(Result{Suite: "gbm", Name: "predict-" + cell,
		Workload:    fmt.Sprintf("%s rows, %d trees", thousands(int64(X.Rows)), model.NumTrees()),
		WallSeconds: m.wall.Seconds(), CPUSeconds: m.cpu.Seconds(),
		Value: m.wall.Seconds() * scale, Unit: "s per 1M rows", CPUValue: m.cpu.Seconds() * scale, CPUUnit: "CPU-s per 1M rows",
		Metrics: map[string]float64{"us_per_row": micros(m.wall, X.Rows)},
	})
	auc := metrics.ROCAUC(y[ntrain:], pred[ntrain:], nil)
	r.add(Result{Suite: "gbm", Name: "held-out-auc-" + cell,
		Workload: fmt.Sprintf("%s held-out rows", thousands(int64(X.Rows-ntrain))),
		Value:    auc, Unit: "ROC AUC",
	})

	ns := min(shapRows, X.Rows)
	phi := make([]float64, ns*X.Cols)
	// The model builds its TreeSHAP tables on its first explanation: timed
	// apart, as bench/gbm does, so that the per-row figure is a model's in
	// use.
	m, err = measure(func() error { model.SHAP(X.Row(0), phi[:X.Cols]); return nil })
	if err != nil {
		return err
	}
	r.add(Result{Suite: "gbm", Name: "treeshap-tables-" + cell,
		Workload:    fmt.Sprintf("%d trees, once per model", model.NumTrees()),
		WallSeconds: m.wall.Seconds(), CPUSeconds: m.cpu.Seconds(),
		Value: m.wall.Seconds(), Unit: "s", CPUValue: m.cpu.Seconds(), CPUUnit: "CPU-s",
	})
	m, err = measure(func() error { model.SHAPMatrix(Rows(X, 0, ns), phi, r.threads); return nil })
	if err != nil {
		return err
	}
	r.add(Result{Suite: "gbm", Name: "treeshap-" + cell,
		Workload:    fmt.Sprintf("%s rows, %d trees", thousands(int64(ns)), model.NumTrees()),
		WallSeconds: m.wall.Seconds(), CPUSeconds: m.cpu.Seconds(),
		Value: m.wall.Seconds() * 1e3 / float64(ns), Unit: "ms/row", CPUValue: m.cpu.Seconds() * 1e3 / float64(ns), CPUUnit: "CPU-ms/row",
	})
	return nil
}

// shortCount writes n as 2k, 100k or 1M.
func shortCount(n int) string {
	switch {
	case n >= 1_000_000 && n%1_000_000 == 0:
		return fmt.Sprintf("%dM", n/1_000_000)
	case n >= 1_000 && n%1_000 == 0:
		return fmt.Sprintf("%dk", n/1_000)
	}
	return fmt.Sprint(n)
}

// serveBundle generates the scoring benchmarks' history and trains their
// bundle once per run (reused from --dir when kept there), returning the
// history's and the models' directories.
func (r *run) serveBundle() (data, modelsDir string, opt ServeOptions, err error) {
	opt = ServeOptions{
		Leads: pick(r, 400, 2_000, 5_000),
		// bench/serve chooses the logistic lambda by cross-validation; the
		// smaller sizes fix it, which changes the bundle's training time
		// only, not what scoring costs.
		LogisticLambda: pick(r, 1e-3, 1e-3, 0),
		Threads:        r.threads,
	}
	base := r.path("serve-" + r.size)
	data, modelsDir = filepath.Join(base, "data"), filepath.Join(base, "models")
	if _, statErr := os.Stat(filepath.Join(modelsDir, ServeBundle, models.ManifestFile)); statErr != nil {
		r.logf("generating %s leads and training a bundle (gbm champion)", thousands(int64(opt.Leads)))
	}
	start := time.Now()
	err = PrepareServe(r.ctx, data, modelsDir, opt)
	if d := time.Since(start); d > time.Second {
		r.logf("bundle ready in %.1fs", d.Seconds())
	}
	return data, modelsDir, opt, err
}

// benchScore times models.Scorer on leads of the serve bundle's history,
// with and without five contributions.
func benchScore(r *run) error {
	data, modelsDir, opt, err := r.serveBundle()
	if err != nil {
		return err
	}
	b, err := models.Load(filepath.Join(modelsDir, ServeBundle))
	if err != nil {
		return err
	}
	prep, err := training.Prepare(r.ctx, ServeTrainOptions(data, opt))
	if err != nil {
		return err
	}
	d := prep.Dataset
	leads := make([]*features.Lead, min(1000, d.Rows))
	events := 0
	for i := range leads {
		leads[i] = d.Lead(i)
		events += len(leads[i].Events)
	}
	s := b.NewScorer()
	var res models.Result
	for _, k := range []int{0, 5} {
		var scoreErr error
		n, m := repeat(r.minWall(), func() {
			for _, l := range leads {
				if err := s.ScoreInto(l, models.ScoreOptions{Explain: k}, &res); err != nil {
					scoreErr = err
				}
			}
		})
		if scoreErr != nil {
			return scoreErr
		}
		total := n * len(leads)
		r.add(Result{Suite: "score", Name: fmt.Sprintf("scorer-explain-%d", k),
			Workload:    fmt.Sprintf("%s snapshots, %.1f events each, champion %s", thousands(int64(len(leads))), float64(events)/float64(len(leads)), b.Scoring.Champion),
			WallSeconds: m.wall.Seconds(), CPUSeconds: m.cpu.Seconds(),
			Value: micros(m.wall, total), Unit: "us/lead", CPUValue: micros(m.cpu, total), CPUUnit: "CPU-us/lead",
		})
	}
	return nil
}
