package suite

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"slices"
	"strings"
	"time"

	"github.com/leadscore/leadscore/internal/atomicfile"
	"github.com/leadscore/leadscore/internal/cputime"
)

// Info names one suite and says what it measures.
type Info struct {
	Name, What string
}

// suites lists the suites in the order they run.
var suites = []struct {
	Info
	run func(*run) error
}{
	{Info{"read", "CSV and Parquet rows/s on a generated lead-like table (datasets' BenchmarkReadCSV/Parquet)"}, benchRead},
	{Info{"generate", "synthetic b2b lead histories (datasets/synth)"}, benchGenerate},
	{Info{"features", "event aggregation and Spec.TransformLead (features' benchmarks)"}, benchFeatures},
	{Info{"rules", "the b2b rule sheet on a 54-event lead (models/rules' BenchmarkEvaluate)"}, benchRules},
	{Info{"logistic", "L2 logistic regression on the seeded 40-column matrix of bench/logistic"}, benchLogistic},
	{Info{"gbm", "gbm train, predict, held-out AUC and TreeSHAP over bench/gbm's matrix (rows x sampling off/default)"}, benchGBM},
	{Info{"score", "models.Scorer per lead, with and without 5 contributions"}, benchScore},
	{Info{"serve", "the scoring API over loopback HTTP next to a bare gin endpoint (bench/serve)"}, benchServe},
}

// Suites returns every suite in the order Run runs them.
func Suites() []Info {
	out := make([]Info, len(suites))
	for i, s := range suites {
		out[i] = s.Info
	}
	return out
}

// Names returns the suites' names in the order Run runs them.
func Names() []string {
	out := make([]string, len(suites))
	for i, s := range suites {
		out[i] = s.Name
	}
	return out
}

// Sizes are the accepted Options.Size values: tiny is a smoke test, small
// a quick run, full the sizes BENCHMARKS.md quotes.
func Sizes() []string { return []string{"tiny", "small", "full"} }

// Result is one measured figure.
type Result struct {
	Suite string `json:"suite"`
	Name  string `json:"name"`
	// Workload says what was measured ("1,000,000 rows x 10 columns").
	Workload string `json:"workload"`
	// WallSeconds and CPUSeconds are the elapsed and the process's user +
	// system CPU time of the measured part (all threads; the load generator
	// too in the serve suite).
	WallSeconds float64 `json:"wall_seconds"`
	CPUSeconds  float64 `json:"cpu_seconds"`
	// Value in Unit is the figure BENCHMARKS.md quotes; CPUValue in CPUUnit,
	// when set, is the same figure by CPU time.
	Value    float64 `json:"value"`
	Unit     string  `json:"unit"`
	CPUValue float64 `json:"cpu_value,omitempty"`
	CPUUnit  string  `json:"cpu_unit,omitempty"`
	// Metrics holds the other numbers of the result (p50_ms, auc, ...).
	Metrics map[string]float64 `json:"metrics,omitempty"`
	// PeakRSSBytes is the peak resident set size during the measured part
	// (0 when unknown).
	PeakRSSBytes int64 `json:"peak_rss_bytes,omitempty"`
	// Note is a short remark printed after the figure.
	Note string `json:"note,omitempty"`
}

// Report is a whole run: what Options.JSONPath receives.
type Report struct {
	Command  string            `json:"command"`
	Version  string            `json:"version"`
	Size     string            `json:"size"`
	Suites   []string          `json:"suites"`
	Threads  int               `json:"threads"`
	Machine  Machine           `json:"machine"`
	Started  string            `json:"started"`
	Finished string            `json:"finished"`
	LoadEnd  []float64         `json:"load_average_end,omitempty"`
	Results  []Result          `json:"results"`
	Failures map[string]string `json:"failures,omitempty"`
}

// Options says what Run measures and where it writes.
type Options struct {
	// Suites are the suites to run (Names); empty: all. They run in the
	// order of Names whatever the order here.
	Suites []string
	// Size is tiny, small (the default when empty) or full.
	Size string
	// Dir is the working directory for generated inputs, kept and reused by
	// the next run; empty: a temporary directory, removed at the end.
	Dir string
	// Threads sets GOMAXPROCS for the run (fits, predictions and the API);
	// 0: all cores.
	Threads int
	// ServeSeconds is the length of each load-test run of the serve suite;
	// 0: 0.5, 2 or 10 s by Size.
	ServeSeconds float64
	// JSONPath, when set, receives the Report as indented JSON, written
	// atomically.
	JSONPath string
	// Command and Version are recorded in the report (the command line and
	// the program's version).
	Command, Version string
	// Out receives the table of results (nil: discarded).
	Out io.Writer
	// Log receives a progress line per step and per figure (nil: none).
	Log io.Writer
}

// Validate checks the options, naming the leadscore bench flag or argument
// at fault.
func (o Options) Validate() error {
	if o.Size != "" && !slices.Contains(Sizes(), o.Size) {
		return fmt.Errorf("--size %q: expected tiny, small or full", o.Size)
	}
	if o.Threads < 0 {
		return fmt.Errorf("--threads must be 0 (all cores) or positive, got %d", o.Threads)
	}
	if o.ServeSeconds < 0 || math.IsNaN(o.ServeSeconds) {
		return fmt.Errorf("--serve-seconds must be positive, got %v", o.ServeSeconds)
	}
	names := Names()
	seen := map[string]bool{}
	for _, s := range o.Suites {
		if !slices.Contains(names, s) {
			return fmt.Errorf("unknown suite %q: expected one of %s", s, strings.Join(names, ", "))
		}
		if seen[s] {
			return fmt.Errorf("suite %q named twice", s)
		}
		seen[s] = true
	}
	return nil
}

// run is the state one Run shares with its suites.
type run struct {
	ctx     context.Context
	log     io.Writer
	size    string
	dir     string // working directory for generated inputs
	keep    bool   // dir was given: keep reusable inputs there
	threads int    // goroutines for fits and predictions (GOMAXPROCS)
	serveD  time.Duration
	results []Result
}

// pick returns tiny, small or full by the run's size.
func pick[T any](r *run, tiny, small, full T) T {
	switch r.size {
	case "tiny":
		return tiny
	case "full":
		return full
	}
	return small
}

func (r *run) logf(format string, args ...any) {
	if r.log != nil {
		fmt.Fprintf(r.log, "bench: "+format+"\n", args...)
	}
}

// add records a result and logs its line as it arrives.
func (r *run) add(res Result) {
	r.results = append(r.results, res)
	r.logf("%s %s: %s", res.Suite, res.Name, figureText(res))
}

// path returns a file in the working directory.
func (r *run) path(elem ...string) string {
	return filepath.Join(append([]string{r.dir}, elem...)...)
}

// measured is the wall and CPU time of some work and the peak RSS during
// it.
type measured struct {
	wall, cpu time.Duration
	rss       int64
}

// measure runs fn once and returns its wall and CPU time. It collects
// garbage and returns freed memory to the OS first, so that the peak RSS
// reflects fn rather than what ran before.
func measure(fn func() error) (measured, error) {
	runtime.GC()
	debug.FreeOSMemory()
	resetOK := ResetPeakRSS()
	c0, t0 := cputime.Used(), time.Now()
	err := fn()
	m := measured{wall: time.Since(t0), cpu: cputime.Used() - c0}
	if resetOK {
		m.rss = max(PeakRSS(), 0)
	}
	return m, err
}

// repeat calls fn in growing batches until at least minWall has passed and
// returns the number of calls and their total time: the b.Loop of a Go
// benchmark.
func repeat(minWall time.Duration, fn func()) (int, measured) {
	runtime.GC()
	n, batch := 0, 1
	c0, t0 := cputime.Used(), time.Now()
	for {
		for range batch {
			fn()
		}
		n += batch
		el := time.Since(t0)
		if el >= minWall {
			return n, measured{wall: el, cpu: cputime.Used() - c0}
		}
		// Aim at minWall with 20% to spare, at most 100x more at a time.
		per := float64(el) / float64(n)
		next := int(float64(minWall-el)*1.2/math.Max(per, 1)) + 1
		batch = min(max(next, 1), 100*batch)
	}
}

// Run measures the suites of opt, prints the table of results on opt.Out,
// writes the report to opt.JSONPath when set and returns it. A suite that
// fails does not stop the others: Run reports every figure measured and
// then returns an error naming the failed suites.
//
// When ctx ends, Run removes its temporary directory (never opt.Dir) and
// returns ctx's error at once, without waiting for the suite in progress:
// a fit or a load test cannot be stopped midway, so the caller should exit
// soon after.
func Run(ctx context.Context, opt Options) (*Report, error) {
	if err := opt.Validate(); err != nil {
		return nil, err
	}
	if opt.Size == "" {
		opt.Size = "small"
	}
	if len(opt.Suites) == 0 {
		opt.Suites = Names()
	}
	if opt.Out == nil {
		opt.Out = io.Discard
	}
	if opt.JSONPath != "" {
		// Fail now, not after minutes of measuring.
		if st, err := os.Stat(filepath.Dir(opt.JSONPath)); err != nil || !st.IsDir() {
			return nil, fmt.Errorf("--json %s: directory %s does not exist", opt.JSONPath, filepath.Dir(opt.JSONPath))
		}
	}
	if opt.Threads > 0 {
		defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(opt.Threads))
	}
	r := &run{ctx: ctx, log: opt.Log, size: opt.Size, dir: opt.Dir, keep: opt.Dir != "", threads: runtime.GOMAXPROCS(0)}
	r.serveD = time.Duration(opt.ServeSeconds * float64(time.Second))
	if r.serveD == 0 {
		r.serveD = pick(r, 500*time.Millisecond, 2*time.Second, 10*time.Second)
	}
	if r.keep {
		if err := os.MkdirAll(r.dir, 0o755); err != nil {
			return nil, fmt.Errorf("--dir: %w", err)
		}
	} else {
		tmp, err := os.MkdirTemp("", "leadscore-bench-")
		if err != nil {
			return nil, fmt.Errorf("bench: %w", err)
		}
		r.dir = tmp
		// An interrupted run must not leave gigabytes of generated data
		// behind.
		defer os.RemoveAll(tmp)
	}
	rep := &Report{
		Command: opt.Command, Version: opt.Version,
		Size: opt.Size, Suites: opt.Suites, Threads: r.threads, Machine: Describe(),
		Started: time.Now().UTC().Format(time.RFC3339),
	}
	m := rep.Machine
	r.logf("%s, %d cores (GOMAXPROCS %d), %.1f GiB, %s, load average %s; size %s, suites %s",
		m.CPU, m.Cores, r.threads, float64(m.MemoryBytes)/(1<<30), m.GoVersion, loadText(m.LoadAverage), opt.Size, strings.Join(opt.Suites, " "))

	done := make(chan error, 1)
	go func() { done <- r.runSuites(opt.Suites, rep) }()
	select {
	case err := <-done:
		if err != nil {
			return nil, err
		}
	case <-ctx.Done():
		return nil, fmt.Errorf("bench interrupted: %w", ctx.Err())
	}

	rep.Finished = time.Now().UTC().Format(time.RFC3339)
	rep.LoadEnd = LoadAverage()
	rep.Results = r.results
	if err := writeTable(opt.Out, rep); err != nil {
		return nil, err
	}
	if opt.JSONPath != "" {
		b, err := json.MarshalIndent(rep, "", "  ")
		if err != nil {
			return nil, fmt.Errorf("--json %s: %w", opt.JSONPath, err)
		}
		if err := atomicfile.WriteFile(opt.JSONPath, append(b, '\n'), 0o644); err != nil {
			return nil, err
		}
		r.logf("wrote %s", opt.JSONPath)
	}
	if len(rep.Failures) > 0 {
		var failed []string
		for _, name := range Names() {
			if _, ok := rep.Failures[name]; ok {
				failed = append(failed, name)
			}
		}
		return rep, fmt.Errorf("bench: suite(s) %s failed: %s", strings.Join(failed, ", "), rep.Failures[failed[0]])
	}
	return rep, nil
}

// runSuites runs the named suites in their order, recording each failure
// in rep and going on with the next suite.
func (r *run) runSuites(names []string, rep *Report) error {
	for _, s := range suites {
		if !slices.Contains(names, s.Name) {
			continue
		}
		if err := r.ctx.Err(); err != nil {
			return err
		}
		r.logf("%s: %s", s.Name, s.What)
		if err := s.run(r); err != nil {
			// Keep going: one suite's failure should not hide the others'
			// figures; the run still fails at the end.
			r.logf("%s failed: %s", s.Name, oneLine(err.Error()))
			if rep.Failures == nil {
				rep.Failures = map[string]string{}
			}
			rep.Failures[s.Name] = err.Error()
		}
	}
	return nil
}

// oneLine replaces every line break by a space.
func oneLine(s string) string {
	return strings.Map(func(r rune) rune {
		if r == '\n' || r == '\r' {
			return ' '
		}
		return r
	}, s)
}
