package main

import (
	"context"
	"fmt"
	"log/slog"
	"path/filepath"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/spf13/cobra"

	"github.com/leadscore/leadscore/serve"
	"github.com/leadscore/leadscore/training/backtest"
	"github.com/leadscore/leadscore/training/htmlreport"
	"github.com/leadscore/leadscore/training/quickstart"
)

type quickstartFlags struct {
	dir        string
	leads      int
	seed       int64
	noServe    bool
	addr       string
	replayDays int
	hooks      serve.WebhookConfig
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
comparison into --dir/models/reports. Then it loads the sample history into
the lead store --dir/leadscore-store.db, scores its leads week by week as
the service would have, and replays the last --replay-days of the history
through the API in time order on a simulated clock: leads are rescored as
their events and outcomes arrive, tier changes go to --webhook-url (or,
without one, to the server's built-in test receiver) and monitoring judges
the scores whose horizon has passed. Finally it serves the model, the
store and the reports on --addr (unless --no-serve), its clock going on
from the end of the history, printing a ready curl command. Running it
again replaces each part cleanly.`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if q.leads <= 0 {
				return usagef("--leads must be positive, got %d", q.leads)
			}
			if q.replayDays < 0 {
				return usagef("--replay-days must be 0 (no lead store) or positive, got %d", q.replayDays)
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
	f.IntVar(&q.replayDays, "replay-days", 7, "days at the end of the sample history replayed through the API into the lead store (0: no lead store)")
	f.StringArrayVar(&q.hooks.URLs, "webhook-url", nil, "POST the replay's tier changes to this URL (repeatable, each with its --webhook-secret-file); without one the built-in test receiver gets them")
	f.StringArrayVar(&q.hooks.SecretFiles, "webhook-secret-file", nil, "file holding the secret of the --webhook-url at the same position")
	return cmd
}

// runQuickstart sets up the sample, bundle and reports with
// quickstart.Run, prints what each step found and where it went, and then
// serves the models directory unless --no-serve.
func runQuickstart(g *globals, q quickstartFlags) error {
	gin.SetMode(gin.ReleaseMode)
	opt := quickstart.Options{Dir: q.dir, Leads: q.leads, Seed: q.seed, Command: []string{"leadscore", "quickstart", "--dir", q.dir}}
	if !g.quiet {
		opt.Log = g.stderr
	}
	bar := g.newProgress(q.leads, "generating leads")
	opt.GenerateProgress = func(done, _ int) { bar.Set(done) }
	// Training and the backtest run side by side here: the same garbage
	// collector setting as train keeps their peak memory down.
	restoreGC := trainGC()
	res, err := quickstart.Run(context.Background(), opt)
	restoreGC()
	bar.Done()
	if err != nil {
		return err
	}
	if err := res.Profile.WriteText(g.stdout); err != nil {
		return err
	}
	printTrained(g.stdout, res.Train, res.Bundle)
	printBacktest(g.stdout, res.Backtest, res.BacktestReport)
	if lines := backtest.AgeAgreement(res.Train.Report.MetricsByAge, res.Train.Report.Metrics, res.Train.Report.Champion, res.Backtest); len(lines) > 0 {
		fmt.Fprintln(g.stdout, "The bundle's held-out table and the backtest, age by age (ROC AUC).")
		for _, l := range lines {
			fmt.Fprintf(g.stdout, "  %s\n", l)
		}
	}
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
	var replayed *serve.ReplayedStore
	if q.replayDays > 0 {
		if replayed, err = replayStore(g, q, res); err != nil {
			return err
		}
	}
	serveCmd := append(self, "serve", "--models", res.Models)
	if replayed != nil && len(q.hooks.URLs) == 0 {
		serveCmd = append(serveCmd, "--webhook-test-receiver")
	}
	fmt.Fprintf(g.stdout, "Serve the API and the dashboard again later:\n  %s\n", shellLine(serveCmd...))
	if q.noServe {
		return nil
	}
	fmt.Fprintf(g.stdout, "\nServing the API on http://%s (Ctrl-C to stop). Score a lead:\n%s\n", q.addr, curlExample(q.addr))
	logger := slog.New(slog.NewTextHandler(g.stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	fmt.Fprintf(g.stdout, "Dashboard (scores, rules versus model, reports): http://%s/\nReports: http://%s/ui/reports\n", q.addr, q.addr)
	cfg := serve.Config{ModelsDir: res.Models, Addr: q.addr, StoreURL: "none",
		Reports: reportSource{sched: &backtest.Scheduler{Dir: res.Models}}}
	if replayed != nil {
		fmt.Fprintf(g.stdout, "Stored leads, their score histories, the webhook delivery log and monitoring: http://%s/ui/stored, http://%s/ui/webhooks, http://%s/ui/monitoring\n", q.addr, q.addr, q.addr)
		cfg.StoreURL = "sqlite:" + replayed.StoreFile
		cfg.Webhooks = q.hooks
		cfg.Webhooks.TestReceiver = len(q.hooks.URLs) == 0
		// The service goes on from the end of the history.
		replayed.Clock.Run()
		cfg.Now = replayed.Clock.Now
	}
	return serveWithDashboard(context.Background(), cfg, logger, false)
}

// replayStore builds the quickstart's lead store (serve.BuildReplayedStore)
// and prints what it holds.
func replayStore(g *globals, q quickstartFlags, res *quickstart.Result) (*serve.ReplayedStore, error) {
	path := filepath.Join(q.dir, serve.DefaultStoreFile)
	g.infof("[store] loading the sample history into %s and replaying its last %d days through the API\n", path, q.replayDays)
	start := time.Now()
	bar := g.newProgress(-1, "replaying")
	rs, err := serve.BuildReplayedStore(context.Background(), serve.StoreReplayOptions{
		ModelsDir: res.Models, StoreFile: path, Webhooks: q.hooks,
		History: serve.HistoryOptions{Leads: filepath.Join(res.Data, "leads.csv"), Events: filepath.Join(res.Data, "events.csv"),
			Outcomes: filepath.Join(res.Data, "outcomes.csv"), Replay: time.Duration(q.replayDays) * 24 * time.Hour},
		Replay: serve.ReplayOptions{Progress: func(done, _ int) { bar.Set(done) }},
	})
	bar.Done()
	if err != nil {
		return nil, err
	}
	g.infof("[store] done in %.1fs\n", time.Since(start).Seconds())
	h, r := rs.History, rs.Replay
	fmt.Fprintf(g.stdout, "\nLead store %s: %d leads, %d events, %d outcomes, %d scores in the prediction log.\n",
		rs.StoreFile, rs.Counts.Leads, rs.Counts.Events, rs.Counts.Outcomes, rs.Counts.Scores)
	fmt.Fprintf(g.stdout, "  history to %s loaded and scored week by week (%d scores); %s to %s replayed through the API: %d items in %d requests, %d rescores after changes, %d by sweeps\n",
		h.Start.Format(time.RFC3339), rs.Backfilled, h.Start.Format(time.RFC3339), h.End.Format(time.RFC3339), r.Items, r.Requests, r.Rescored, r.Swept)
	if len(q.hooks.URLs) == 0 {
		fmt.Fprintf(g.stdout, "  webhooks: %d deliveries, %d received and verified by the built-in test receiver, %d dead-lettered\n", rs.Delivered, rs.Received.Accepted, rs.Dead)
	} else {
		fmt.Fprintf(g.stdout, "  webhooks: %d deliveries acknowledged, %d dead-lettered\n", rs.Delivered, rs.Dead)
	}
	for _, s := range rs.Monitoring.Series {
		fmt.Fprintf(g.stdout, "  monitoring %s of %s: %d judged scores, ROC AUC %.3f, ECE %.3f, top-10%% capture %.3f\n", s.Model, s.Version, s.N, s.AUC, s.ECE, s.Top10)
	}
	return rs, nil
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
