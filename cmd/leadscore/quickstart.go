package main

import (
	"context"
	"fmt"
	"log/slog"
	"path/filepath"

	"github.com/gin-gonic/gin"
	"github.com/spf13/cobra"

	"github.com/leadscore/leadscore/serve"
	"github.com/leadscore/leadscore/training/backtest"
	"github.com/leadscore/leadscore/training/htmlreport"
	"github.com/leadscore/leadscore/training/quickstart"
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
			return runQuickstart(g, q)
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

// runQuickstart sets up the sample, bundle and reports with
// quickstart.Run, prints what each step found and where it went, and then
// serves the models directory unless --no-serve.
func runQuickstart(g *globals, q quickstartFlags) error {
	opt := quickstart.Options{Dir: q.dir, Leads: q.leads, Seed: q.seed, Command: []string{"leadscore", "quickstart", "--dir", q.dir}}
	if !g.quiet {
		opt.Log = g.stderr
	}
	bar := g.newProgress(q.leads, "generating leads")
	opt.GenerateProgress = func(done, _ int) { bar.Set(done) }
	res, err := quickstart.Run(context.Background(), opt)
	bar.Done()
	if err != nil {
		return err
	}
	if err := res.Profile.WriteText(g.stdout); err != nil {
		return err
	}
	printTrained(g.stdout, res.Train, res.Bundle)
	printBacktest(g.stdout, res.Backtest, res.BacktestReport)
	printComparison(g, res.Compare, res.CompareReport)
	fmt.Fprintf(g.stdout, "\nSample in %s, model bundle in %s (report.md inside), set up in %.0fs.\n",
		res.Data, res.Bundle, res.Elapsed.Seconds())
	fmt.Fprintf(g.stdout, "Reports: %s and %s\n", filepath.Join(res.BacktestReport, htmlreport.HTMLFile), filepath.Join(res.CompareReport, htmlreport.HTMLFile))
	self, install := selfCommand()
	if install != "" {
		fmt.Fprintf(g.stdout, "leadscore is not on PATH; install it with:\n  %s\n", install)
	}
	fmt.Fprintf(g.stdout, "Score a file of leads:\n  %s\n", shellLine(append(self, "score", "--model", res.Bundle,
		"--in", filepath.Join(res.Data, "leads.csv"), "--events", filepath.Join(res.Data, "events.csv"),
		"--out", "scores.csv", "--explain", "3")...))
	fmt.Fprintf(g.stdout, "Serve the API and the dashboard again later:\n  %s\n", shellLine(append(self, "serve", "--models", res.Models)...))
	if q.noServe {
		return nil
	}
	fmt.Fprintf(g.stdout, "\nServing the API on http://%s (Ctrl-C to stop). Score a lead:\n%s\n", q.addr, curlExample(q.addr))
	gin.SetMode(gin.ReleaseMode)
	logger := slog.New(slog.NewTextHandler(g.stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	fmt.Fprintf(g.stdout, "Dashboard (scores, rules versus model, reports): http://%s/\nReports: http://%s/ui/reports\n", q.addr, q.addr)
	return serveWithDashboard(context.Background(), serve.Config{ModelsDir: res.Models, Addr: q.addr,
		Reports: reportSource{sched: &backtest.Scheduler{Dir: res.Models}}}, logger, false)
}

// curlExample is a ready command that scores one lead of the quickstart's
// B2B profile, quoted for bash and zsh alike (zsh rejects an unquoted '?').
func curlExample(addr string) string {
	return `  curl -s -X POST ` + shellQuote("http://"+addr+"/v1/score?explain=3") + ` -H 'Content-Type: application/json' -d '{
    "lead_id": "new-1",
    "fields": {"industry": "software", "employees": 250, "seniority": "vp", "job_title": "VP Marketing",
               "country": "Germany", "lead_source": "webinar", "created_at": "2025-11-01T10:00:00Z"},
    "events": [{"type": "page_view", "page": "pricing", "timestamp": "2025-11-02T10:00:00Z"},
               {"type": "demo_request", "timestamp": "2025-11-03T09:30:00Z"}],
    "as_of": "2025-11-05T00:00:00Z"}'`
}
