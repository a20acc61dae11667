package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"os"
	"os/signal"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"slices"
	"strings"
	"syscall"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/leadscore/leadscore/internal/benchkit"
	"github.com/leadscore/leadscore/training/htmlreport"
)

// benchSuites lists the suites of `leadscore bench` in the order they run.
var benchSuites = []struct {
	name, what string
	run        func(*benchRun) error
}{
	{"read", "CSV and Parquet rows/s on a generated lead-like table (datasets' BenchmarkReadCSV/Parquet)", benchRead},
	{"generate", "synthetic b2b lead histories (datasets/synth)", benchGenerate},
	{"features", "event aggregation and Spec.TransformLead (features' benchmarks)", benchFeatures},
	{"rules", "the b2b rule sheet on a 54-event lead (models/rules' BenchmarkEvaluate)", benchRules},
	{"logistic", "L2 logistic regression on the seeded 40-column matrix of bench/logistic", benchLogistic},
	{"gbm", "gbm train, predict and TreeSHAP on the seeded matrix of bench/gbm", benchGBM},
	{"score", "models.Scorer per lead, with and without 5 contributions", benchScore},
	{"serve", "the scoring API over loopback HTTP next to a bare gin endpoint (bench/serve)", benchServe},
}

// benchSizes are the accepted --size values: tiny is a smoke test, small a
// quick run, full the sizes BENCHMARKS.md quotes.
var benchSizes = []string{"tiny", "small", "full"}

// benchResult is one measured figure.
type benchResult struct {
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

// benchReport is what --json writes.
type benchReport struct {
	Command  string            `json:"command"`
	Version  string            `json:"version"`
	Size     string            `json:"size"`
	Suites   []string          `json:"suites"`
	Threads  int               `json:"threads"`
	Machine  benchkit.Machine  `json:"machine"`
	Started  string            `json:"started"`
	Finished string            `json:"finished"`
	LoadEnd  []float64         `json:"load_average_end,omitempty"`
	Results  []benchResult     `json:"results"`
	Failures map[string]string `json:"failures,omitempty"`
}

// benchRun is the state one `leadscore bench` invocation shares with its
// suites.
type benchRun struct {
	ctx     context.Context
	g       *globals
	size    string
	dir     string // working directory for generated inputs
	keep    bool   // dir was given: keep reusable inputs there
	threads int    // goroutines for fits and predictions (GOMAXPROCS)
	serveD  time.Duration
	results []benchResult
}

// pick returns tiny, small or full by the run's size.
func pick[T any](r *benchRun, tiny, small, full T) T {
	switch r.size {
	case "tiny":
		return tiny
	case "full":
		return full
	}
	return small
}

func (r *benchRun) logf(format string, args ...any) {
	r.g.infof("bench: "+format+"\n", args...)
}

// add records a result and prints its line on stderr as it arrives.
func (r *benchRun) add(res benchResult) {
	r.results = append(r.results, res)
	r.logf("%s %s: %s", res.Suite, res.Name, figureText(res))
}

// path returns a file in the working directory.
func (r *benchRun) path(elem ...string) string {
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
	resetOK := benchkit.ResetPeakRSS()
	c0, t0 := benchkit.CPUTime(), time.Now()
	err := fn()
	m := measured{wall: time.Since(t0), cpu: benchkit.CPUTime() - c0}
	if resetOK {
		m.rss = max(benchkit.PeakRSS(), 0)
	}
	return m, err
}

// repeat calls fn in growing batches until at least minWall has passed and
// returns the number of calls and their total time: the b.Loop of a Go
// benchmark.
func repeat(minWall time.Duration, fn func()) (int, measured) {
	runtime.GC()
	n, batch := 0, 1
	c0, t0 := benchkit.CPUTime(), time.Now()
	for {
		for range batch {
			fn()
		}
		n += batch
		el := time.Since(t0)
		if el >= minWall {
			return n, measured{wall: el, cpu: benchkit.CPUTime() - c0}
		}
		// Aim at minWall with 20% to spare, at most 100x more at a time.
		per := float64(el) / float64(n)
		next := int(float64(minWall-el)*1.2/math.Max(per, 1)) + 1
		batch = min(max(next, 1), 100*batch)
	}
}

func newBench(g *globals) *cobra.Command {
	var (
		size, jsonPath, dir string
		threads             int
		serveSeconds        float64
	)
	var names []string
	for _, s := range benchSuites {
		names = append(names, s.name)
	}
	long := `bench reproduces leadscore's side of every figure in BENCHMARKS.md, in this
process, with no other tools: it generates the same seeded data as the
scripts under bench/ and the Go benchmarks, measures wall and CPU time
(getrusage: on a shared machine CPU time is the steadier figure) and prints a
table; --json also writes every result with a description of the machine.

Suites (default: all, in this order):
`
	for _, s := range benchSuites {
		long += fmt.Sprintf("  %-9s %s\n", s.name, s.what)
	}
	long += `
--size tiny is a smoke test (seconds), small a quick run (about a minute),
full the sizes of BENCHMARKS.md (1M-row tables and matrices, 1M generated
leads, 10 s per load test; several minutes and a few GB of memory and disk).
Generated inputs go to --dir (kept and reused by the next run) or to a
temporary directory that is removed at the end; the generate suite's output
is always removed.

The reference sides (XGBoost, scikit-learn, wrk) are not run: the scripts
bench/gbm/run.sh, bench/logistic/run.sh and bench/serve/run.sh run them on
the same data. The serve suite's load generator is a Go HTTP client in this
process, so it shares the CPU with the server as wrk did.`
	cmd := &cobra.Command{
		Use:   "bench [SUITE...]",
		Short: "Measure the figures of BENCHMARKS.md (read, generate, features, rules, logistic, gbm, score, serve)",
		Long:  long,
		Example: `  leadscore bench                          # every suite, small sizes
  leadscore bench gbm --size full --json gbm.json
  leadscore bench read features --dir /tmp/leadscore-bench`,
		ValidArgs: names,
		RunE: func(cmd *cobra.Command, args []string) error {
			if !slices.Contains(benchSizes, size) {
				return usagef("--size %q: expected tiny, small or full", size)
			}
			if threads < 0 {
				return usagef("--threads must be 0 (all cores) or positive, got %d", threads)
			}
			if serveSeconds < 0 {
				return usagef("--serve-seconds must be positive, got %v", serveSeconds)
			}
			suites := args
			if len(suites) == 0 {
				suites = names
			}
			seen := map[string]bool{}
			for _, s := range suites {
				if !slices.Contains(names, s) {
					return usagef("unknown suite %q: expected one of %s", s, strings.Join(names, ", "))
				}
				if seen[s] {
					return usagef("suite %q named twice", s)
				}
				seen[s] = true
			}
			line := append([]string{"leadscore", "bench"}, args...)
			cmd.Flags().Visit(func(f *pflag.Flag) { line = append(line, "--"+f.Name+"="+f.Value.String()) })
			return runBench(cmd.Context(), g, benchOptions{
				suites: suites, size: size, jsonPath: jsonPath, dir: dir, threads: threads,
				serveDur: time.Duration(serveSeconds * float64(time.Second)), command: strings.Join(line, " "),
			})
		},
	}
	f := cmd.Flags()
	f.StringVar(&size, "size", "small", "tiny, small or full (the sizes of BENCHMARKS.md)")
	f.StringVar(&jsonPath, "json", "", "also write every result and the machine description to this JSON file")
	f.StringVar(&dir, "dir", "", "working directory for generated inputs, kept for the next run (default: a temporary directory, removed)")
	f.IntVar(&threads, "threads", 0, "goroutines for fits, predictions and the API (sets GOMAXPROCS; 0: all cores)")
	f.Float64Var(&serveSeconds, "serve-seconds", 0, "seconds per load-test run of the serve suite (0: 0.5, 2 or 10 by --size)")
	return cmd
}

type benchOptions struct {
	suites         []string
	size, jsonPath string
	dir            string
	threads        int
	serveDur       time.Duration
	command        string // the command line, for the report
}

func runBench(ctx context.Context, g *globals, opt benchOptions) (err error) {
	if ctx == nil {
		ctx = context.Background()
	}
	if opt.jsonPath != "" {
		// Fail now, not after minutes of measuring.
		if st, err := os.Stat(filepath.Dir(opt.jsonPath)); err != nil || !st.IsDir() {
			return fmt.Errorf("--json %s: directory %s does not exist", opt.jsonPath, filepath.Dir(opt.jsonPath))
		}
	}
	if opt.threads > 0 {
		defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(opt.threads))
	}
	r := &benchRun{ctx: ctx, g: g, size: opt.size, dir: opt.dir, keep: opt.dir != "", threads: runtime.GOMAXPROCS(0)}
	r.serveD = opt.serveDur
	if r.serveD == 0 {
		r.serveD = pick(r, 500*time.Millisecond, 2*time.Second, 10*time.Second)
	}
	if r.keep {
		if err := os.MkdirAll(r.dir, 0o755); err != nil {
			return fmt.Errorf("--dir: %w", err)
		}
	} else {
		tmp, err := os.MkdirTemp("", "leadscore-bench-")
		if err != nil {
			return err
		}
		r.dir = tmp
		defer os.RemoveAll(tmp)
		// An interrupted run must not leave gigabytes of generated data
		// behind: remove them and exit at once with the shell's status for
		// an interrupt.
		sig := make(chan os.Signal, 1)
		signal.Notify(sig, os.Interrupt, syscall.SIGTERM)
		done := make(chan struct{})
		defer func() { signal.Stop(sig); close(done) }()
		go func() {
			select {
			case <-sig:
				os.RemoveAll(tmp)
				fmt.Fprintln(g.stderr, "leadscore: bench interrupted")
				os.Exit(130)
			case <-done:
			}
		}()
	}
	rep := benchReport{
		Command: opt.command, Version: version,
		Size: opt.size, Suites: opt.suites, Threads: r.threads, Machine: benchkit.Describe(),
		Started: time.Now().UTC().Format(time.RFC3339),
	}
	m := rep.Machine
	r.logf("%s, %d cores (GOMAXPROCS %d), %.1f GiB, %s, load average %s; size %s, suites %s",
		m.CPU, m.Cores, r.threads, float64(m.MemoryBytes)/(1<<30), m.GoVersion, loadText(m.LoadAverage), opt.size, strings.Join(opt.suites, " "))
	var failed []string
	for _, s := range benchSuites {
		if !slices.Contains(opt.suites, s.name) {
			continue
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		r.logf("%s: %s", s.name, s.what)
		if err := s.run(r); err != nil {
			// Keep going: one suite's failure should not hide the others'
			// figures; the command still fails at the end.
			r.logf("%s failed: %s", s.name, oneLine(err.Error()))
			if rep.Failures == nil {
				rep.Failures = map[string]string{}
			}
			rep.Failures[s.name] = err.Error()
			failed = append(failed, s.name)
		}
	}
	rep.Finished = time.Now().UTC().Format(time.RFC3339)
	rep.LoadEnd = benchkit.LoadAverage()
	rep.Results = r.results
	if err := writeBenchTable(g.stdout, rep); err != nil {
		return err
	}
	if opt.jsonPath != "" {
		b, err := json.MarshalIndent(rep, "", "  ")
		if err != nil {
			return err
		}
		if err := htmlreport.WriteFileAtomic(opt.jsonPath, append(b, '\n')); err != nil {
			return err
		}
		r.logf("wrote %s", opt.jsonPath)
	}
	if len(failed) > 0 {
		return fmt.Errorf("bench: suite(s) %s failed: %s", strings.Join(failed, ", "), rep.Failures[failed[0]])
	}
	return nil
}

func loadText(l []float64) string {
	if len(l) < 3 {
		return "unknown"
	}
	return fmt.Sprintf("%.2f %.2f %.2f", l[0], l[1], l[2])
}

// writeBenchTable prints the machine line and one aligned row per result.
func writeBenchTable(w io.Writer, rep benchReport) error {
	m := rep.Machine
	fmt.Fprintf(w, "leadscore bench --size %s  %s  %s\n", rep.Size, rep.Started, version)
	fmt.Fprintf(w, "machine: %s, %d cores, GOMAXPROCS %d, %.1f GiB, %s/%s, %s; load average %s at start, %s at end\n\n",
		orUnknown(m.CPU), m.Cores, rep.Threads, float64(m.MemoryBytes)/(1<<30), m.OS, m.Arch, m.GoVersion,
		loadText(m.LoadAverage), loadText(rep.LoadEnd))
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "SUITE\tBENCHMARK\tWORKLOAD\tWALL\tCPU\tFIGURE\tBY CPU TIME\tNOTES")
	for _, res := range rep.Results {
		cpuFig := ""
		if res.CPUUnit != "" {
			cpuFig = formatNumber(res.CPUValue) + " " + res.CPUUnit
		}
		note := res.Note
		if res.PeakRSSBytes > 0 {
			note = strings.TrimPrefix(note+fmt.Sprintf("; peak RSS %s", formatBytes(res.PeakRSSBytes)), "; ")
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", res.Suite, res.Name, res.Workload,
			formatSeconds(res.WallSeconds), formatSeconds(res.CPUSeconds), formatNumber(res.Value)+" "+res.Unit, cpuFig, note)
	}
	return tw.Flush()
}

func orUnknown(s string) string {
	if s == "" {
		return "unknown CPU"
	}
	return s
}

// figureText is a result's figures on one line.
func figureText(res benchResult) string {
	s := formatNumber(res.Value) + " " + res.Unit
	if res.CPUUnit != "" {
		s += ", " + formatNumber(res.CPUValue) + " " + res.CPUUnit
	}
	s += fmt.Sprintf(" (%s wall, %s CPU)", formatSeconds(res.WallSeconds), formatSeconds(res.CPUSeconds))
	if res.Note != "" {
		s += "; " + res.Note
	}
	return s
}

func formatSeconds(s float64) string {
	switch {
	case s == 0:
		return "-"
	case s < 10:
		return fmt.Sprintf("%.2fs", s)
	default:
		return fmt.Sprintf("%.1fs", s)
	}
}

// formatNumber prints v with 4 significant digits and thousands
// separators: 906,728, 4.123, 0.8112.
func formatNumber(v float64) string {
	a := math.Abs(v)
	switch {
	case math.IsNaN(v) || math.IsInf(v, 0):
		return fmt.Sprint(v)
	case a >= 10000:
		return thousands(int64(math.Round(v)))
	case a >= 1000:
		return thousands(int64(math.Round(v)))
	case a >= 100:
		return fmt.Sprintf("%.1f", v)
	case a >= 1:
		return fmt.Sprintf("%.3g", v)
	case a == 0:
		return "0"
	default:
		return fmt.Sprintf("%.4g", v)
	}
}

func thousands(n int64) string {
	s := fmt.Sprint(n)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	if neg {
		return "-" + b.String()
	}
	return b.String()
}

func formatBytes(n int64) string {
	switch {
	case n >= 1<<30:
		return fmt.Sprintf("%.2f GiB", float64(n)/(1<<30))
	default:
		return fmt.Sprintf("%.0f MiB", float64(n)/(1<<20))
	}
}
