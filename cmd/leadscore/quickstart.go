package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/spf13/cobra"

	"github.com/leadscore/leadscore/datasets"
	"github.com/leadscore/leadscore/datasets/synth"
	"github.com/leadscore/leadscore/features"
	"github.com/leadscore/leadscore/models"
	"github.com/leadscore/leadscore/models/rules"
	"github.com/leadscore/leadscore/serve"
	"github.com/leadscore/leadscore/training"
	"github.com/leadscore/leadscore/training/backtest"
	"github.com/leadscore/leadscore/training/htmlreport"
)

type quickstartFlags struct {
	dir     string
	leads   int
	seed    int64
	noServe bool
	addr    string
}

func newQuickstart(g *globals) *cobra.Command {
	var q quickstartFlags
	cmd := &cobra.Command{
		Use:   "quickstart",
		Short: "Generate a sample lead history and run leadscore end to end on it",
		Long: `quickstart generates a B2B sample (leads, their events and closed-won
outcomes) into --dir/data, profiles it, writes the default B2B rule sheet to
--dir/rules.yaml, trains rules, logistic and gbm into the bundle
--dir/models/quickstart, runs a monthly backtest and a rules-versus-model
comparison into --dir/models/reports, and serves the model and the reports
on --addr (unless --no-serve), printing a ready curl command. Running it
again replaces each part cleanly.`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if q.leads <= 0 {
				return usagef("--leads must be positive, got %d", q.leads)
			}
			return quickstart(g, q)
		},
	}
	f := cmd.Flags()
	f.StringVar(&q.dir, "dir", "leadscore-quickstart", "working directory for the sample, model and reports")
	f.IntVar(&q.leads, "leads", 20000, "number of sample leads")
	f.Int64Var(&q.seed, "seed", 1, "random seed")
	f.BoolVar(&q.noServe, "no-serve", false, "stop after the files are written instead of serving")
	f.StringVar(&q.addr, "addr", "127.0.0.1:8080", "address the API and dashboard listen on")
	return cmd
}

// quickstart rebuilds q.dir from scratch, step by step. Every step writes
// next to what it replaces and swaps it in at the end, so an interrupted run
// never leaves a half-written sample or bundle behind. The training (step 3)
// and the backtest (step 4) only read the sample, so they run side by side;
// their progress lines carry their step number and their results print in
// step order once both are done.
func quickstart(g *globals, q quickstartFlags) error {
	if err := os.MkdirAll(q.dir, 0o755); err != nil {
		return fmt.Errorf("quickstart: %w", err)
	}
	t0 := time.Now()
	step := t0
	done := func(n int) {
		g.infof("[%d/5] done in %.1fs\n", n, time.Since(step).Seconds())
		step = time.Now()
	}
	data := filepath.Join(q.dir, "data")
	g.infof("[1/5] generating %d B2B leads with their events and closed-won outcomes\n", q.leads)
	err := replaceDir(data, func(tmp string) error {
		cfg := synth.Config{Profile: "b2b", Leads: q.leads, Seed: q.seed, Format: "csv"}
		return generate(g, cfg, tmp, data)
	})
	if err != nil {
		return err
	}
	done(1)
	g.infof("[2/5] profiling %s\n", filepath.Join(data, "leads.csv"))
	p, err := datasets.Inspect(filepath.Join(data, "leads.csv"), datasets.ReadOptions{}, "")
	if err != nil {
		return err
	}
	if err := p.WriteText(g.stdout); err != nil {
		return err
	}
	rulesPath := filepath.Join(q.dir, "rules.yaml")
	if err := htmlreport.WriteFileAtomic(rulesPath, rules.Default("b2b")); err != nil {
		return err
	}
	done(2)
	bundleDir := filepath.Join(q.dir, "models", "quickstart")
	opt := training.Options{
		Data: filepath.Join(data, "leads.csv"), Events: filepath.Join(data, "events.csv"),
		Outcomes: filepath.Join(data, "outcomes.csv"), Config: features.DefaultConfig(),
		RulesFile: rulesPath, Seed: q.seed, Name: "quickstart",
		Command: []string{"leadscore", "quickstart", "--dir", q.dir},
	}
	// Reports go where 'leadscore serve' lists them (GET /reports).
	reports := filepath.Join(q.dir, "models", "reports")
	bt := backtest.Config{
		Data: opt.Data, Events: opt.Events, Outcomes: opt.Outcomes, Rules: rulesPath,
		Period: "month", Models: []string{models.GBM}, GBMTrees: 150, Seed: q.seed,
	}
	btDir := filepath.Join(reports, "quickstart-backtest")

	g.infof("[3/5] training rules, logistic and gbm\n")
	g3, out3 := g.stepOutput("[3/5]")
	t3 := time.Now()
	// The training and the backtest share the read, feature-built sample.
	popt := opt
	if !g.quiet {
		popt.Progress = func(stage string) { g3.infof("  %s\n", strings.ReplaceAll(stage, "_", " ")) }
	}
	prep, err := training.Prepare(context.Background(), popt)
	if err != nil {
		return err
	}
	bt.Prepared = prep
	g.infof("[4/5] monthly backtest: predictive model against the rule sheet, out of time (alongside step 3)\n")
	g4, out4 := g.stepOutput("[4/5]")
	var wg sync.WaitGroup
	var err3, err4 error
	wg.Add(2)
	go func() {
		defer wg.Done()
		err3 = replaceDir(bundleDir, func(tmp string) error {
			os.Remove(tmp) // Save creates the directory itself.
			return runTrain(g3, opt, prep, tmp, bundleDir)
		})
		if err3 == nil {
			err3 = htmlreport.WriteFileAtomic(filepath.Join(q.dir, "models", "champion"), []byte("quickstart\n"))
		}
		g3.infof("done in %.1fs\n", time.Since(t3).Seconds())
	}()
	go func() {
		defer wg.Done()
		t := time.Now()
		// The report writers replace an old report only once the new one
		// is complete.
		err4 = runBacktest(g4, bt, btDir)
		g4.infof("done in %.1fs\n", time.Since(t).Seconds())
	}()
	wg.Wait()
	step = time.Now()
	for _, b := range []*bytes.Buffer{out3, out4} {
		if _, err := b.WriteTo(g.stdout); err != nil {
			return err
		}
	}
	if err3 != nil {
		return err3
	}
	if err4 != nil {
		return err4
	}
	g.infof("[5/5] rules versus model, lead by lead\n")
	cmpDir := filepath.Join(reports, "quickstart-compare")
	if err := runCompare(g, compareFlags{
		model: bundleDir, in: opt.Data, events: opt.Events, outcomes: opt.Outcomes,
		report: cmpDir, capacity: 100, seed: q.seed,
	}); err != nil {
		return err
	}
	done(5)
	fmt.Fprintf(g.stdout, "\nSample in %s, model bundle in %s (report.md inside), set up in %.0fs.\n",
		data, bundleDir, time.Since(t0).Seconds())
	fmt.Fprintf(g.stdout, "Reports: %s and %s\n", filepath.Join(btDir, "report.html"), filepath.Join(cmpDir, "report.html"))
	fmt.Fprintf(g.stdout, "Score a file of leads:\n  leadscore score --model %s --in %s --events %s --out scores.csv --explain 3\n",
		bundleDir, filepath.Join(data, "leads.csv"), filepath.Join(data, "events.csv"))
	if q.noServe {
		return nil
	}
	fmt.Fprintf(g.stdout, "\nServing the API on http://%s (Ctrl-C to stop). Score a lead:\n%s\n", q.addr, curlExample(q.addr))
	gin.SetMode(gin.ReleaseMode)
	logger := slog.New(slog.NewTextHandler(g.stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	modelsDir := filepath.Join(q.dir, "models")
	fmt.Fprintf(g.stdout, "Dashboard (scores, rules versus model, reports): http://%s/\nReports: http://%s/reports\n", q.addr, q.addr)
	return serveWithDashboard(context.Background(), serve.Config{ModelsDir: modelsDir, Addr: q.addr, Reports: &scheduledReports{dir: modelsDir}}, logger)
}

// stepOutput returns a copy of g for one step run alongside another: its
// progress lines on stderr start with prefix, and its results go to the
// returned buffer, for printing in step order afterwards.
func (g *globals) stepOutput(prefix string) (*globals, *bytes.Buffer) {
	var out bytes.Buffer
	c := *g
	c.stdout = &out
	c.stderr = &prefixWriter{w: g.stderr, prefix: prefix + " "}
	return &c, &out
}

// prefixWriter writes whole lines to w, each starting with prefix. It is
// safe for concurrent use, and lines from several prefixWriters on one w
// do not interleave mid-line.
type prefixWriter struct {
	w      io.Writer
	prefix string
	part   []byte
}

// lineMu serialises every prefixWriter's writes.
var lineMu sync.Mutex

func (p *prefixWriter) Write(b []byte) (int, error) {
	lineMu.Lock()
	defer lineMu.Unlock()
	p.part = append(p.part, b...)
	for {
		i := bytes.IndexByte(p.part, '\n')
		if i < 0 {
			return len(b), nil
		}
		line := append([]byte(p.prefix), p.part[:i+1]...)
		p.part = p.part[i+1:]
		if _, err := p.w.Write(line); err != nil {
			return len(b), err
		}
	}
}

// curlExample is a ready command that scores one lead of the quickstart's
// B2B profile.
func curlExample(addr string) string {
	return `  curl -s -X POST http://` + addr + `/v1/score?explain=3 -H 'Content-Type: application/json' -d '{
    "lead_id": "new-1",
    "fields": {"industry": "software", "employees": 250, "seniority": "vp", "job_title": "VP Marketing",
               "country": "Germany", "lead_source": "webinar", "created_at": "2025-11-01T10:00:00Z"},
    "events": [{"type": "page_view", "page": "pricing", "timestamp": "2025-11-02T10:00:00Z"},
               {"type": "demo_request", "timestamp": "2025-11-03T09:30:00Z"}],
    "as_of": "2025-11-05T00:00:00Z"}'`
}

// replaceDir builds a new version of dir in a temporary sibling with build,
// then swaps it in place of dir. If build fails, dir is left untouched.
func replaceDir(dir string, build func(tmp string) error) error {
	parent := filepath.Dir(dir)
	if err := os.MkdirAll(parent, 0o755); err != nil {
		return err
	}
	tmp, err := os.MkdirTemp(parent, "."+filepath.Base(dir)+".new-*")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	if err := build(tmp); err != nil {
		return err
	}
	old := tmp + ".old"
	if _, err := os.Stat(dir); err == nil {
		if err := os.Rename(dir, old); err != nil {
			return err
		}
		defer os.RemoveAll(old)
	}
	return os.Rename(tmp, dir)
}
