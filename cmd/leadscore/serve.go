package main

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/spf13/cobra"

	"github.com/leadscore/leadscore/datasets/sqldb"
	"github.com/leadscore/leadscore/serve"
	"github.com/leadscore/leadscore/serve/dashboard"
	"github.com/leadscore/leadscore/training/backtest"
	"github.com/leadscore/leadscore/training/retrain"
)

func newServe(g *globals) *cobra.Command {
	var cfg serve.Config
	var logLevel, backtestConfig string
	var backtestEvery, retrainEvery time.Duration
	var rf retrainFlags
	cmd := &cobra.Command{
		Use:   "serve --models DIR [--addr HOST:PORT] [--api-keys FILE]",
		Short: "Serve the scoring API over a directory of model bundles",
		Long: `serve answers POST /v1/score and /v1/score/batch with the champion bundle of
--models (the version named in DIR/champion, else the newest bundle), and
GET /v1/models, /healthz, /readyz, /metrics (Prometheus) and /openapi.json,
and the dashboard for marketers at / (package serve/dashboard).
A new bundle, a changed champion file, SIGHUP or POST /v1/admin/reload swap
the model in without dropping a request; SIGTERM drains in-flight requests.
It keeps leads, events, outcomes and every score it issues in a lead store
(POST /v1/leads, /v1/events, /v1/outcomes, GET /v1/leads/{id}, the
prediction log at GET /v1/leads/{id}/scores and /v1/scores): by default the
SQLite file leadscore-store.db beside the models directory, whose path is
printed at start; --store sqlite:PATH or a postgres:// URL picks another,
--store none keeps the API stateless.
Without --api-keys it listens on loopback only. With --backtest-every and
--backtest-config it also runs the backtest on a schedule in the background
(one run at a time, on one thread) and serves the dated reports under
GET /reports.`,
		Example: `  leadscore serve --models ./leadscore-models
  leadscore serve --models ./leadscore-models --addr 0.0.0.0:8080 --api-keys keys.txt
  PGPASSWORD=... leadscore serve --models ./leadscore-models --store postgres://leadscore@db.internal:5432/leadscore`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			var level slog.Level
			if err := level.UnmarshalText([]byte(logLevel)); err != nil {
				return usagef("--log-level %q: expected debug, info, warn or error", logLevel)
			}
			if (backtestEvery > 0) != (backtestConfig != "") {
				return usagef("--backtest-every and --backtest-config go together")
			}
			if backtestEvery < 0 {
				return usagef("--backtest-every %s: expected a positive duration such as 24h", backtestEvery)
			}
			if retrainEvery < 0 {
				return usagef("--retrain-every %s: expected a positive duration such as 240h", retrainEvery)
			}
			var retrainOpt *retrain.Options
			if retrainEvery > 0 {
				// Without --retrain-data the schedule retrains on the
				// served lead store's history.
				if rf.data == "" && rf.events == "" && rf.outcomes == "" {
					rf.storeURL = cfg.StoreURL
					if !cmd.Flags().Changed("store") {
						c := cfg
						if err := modelsDir(&c); err != nil {
							return err
						}
						rf.storeURL = serve.DefaultStoreURL(c.ModelsDir)
					}
					if rf.storeURL == "none" {
						return usagef("--retrain-every needs a history: --retrain-data and --retrain-outcomes, or the lead store (drop --store none)")
					}
				}
				opt, err := rf.options(cfg.ModelsDir, 1, nil)
				if err != nil {
					return err
				}
				retrainOpt = &opt
			}
			gin.SetMode(gin.ReleaseMode)
			logger := slog.New(slog.NewJSONHandler(g.stderr, &slog.HandlerOptions{Level: level}))
			logger.Info("leadscore serve", "addr", cfg.Addr, "models", cfg.ModelsDir, "version", version)
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			sched := &backtest.Scheduler{Dir: cfg.ModelsDir, Logger: logger}
			cfg.Reports = reportSource{sched: sched}
			if backtestEvery > 0 {
				bc, err := backtest.LoadConfig(backtestConfig)
				if err != nil {
					return err
				}
				if bc.Threads == 0 {
					bc.Threads = 1 // leave the other cores to scoring
				}
				bc.Logger = logger
				sched.Config = bc
				tick := time.NewTicker(backtestEvery)
				defer tick.Stop()
				go sched.Run(ctx, tick.C)
			}
			if retrainOpt != nil {
				if err := checkRetrainDir(cfg); err != nil {
					return err
				}
				retrainOpt.Logger, retrainOpt.Train.Logger = logger, logger
				tick := time.NewTicker(retrainEvery)
				defer tick.Stop()
				go runRetrains(ctx, *retrainOpt, rf.storeURL, tick.C, logger)
			}
			return serveWithDashboard(ctx, cfg, logger, !cmd.Flags().Changed("store"))
		},
	}
	serve.BindFlags(cmd.Flags(), &cfg)
	cmd.Flags().StringVar(&logLevel, "log-level", "info", "log level: debug, info, warn or error")
	cmd.Flags().DurationVar(&backtestEvery, "backtest-every", 0, "run the backtest of --backtest-config on this schedule (e.g. 24h) in the background; reports go to --models/reports and GET /reports")
	cmd.Flags().StringVar(&backtestConfig, "backtest-config", "", "backtest settings YAML (as 'leadscore backtest --config')")
	cmd.Flags().DurationVar(&retrainEvery, "retrain-every", 0, "run 'leadscore retrain' on this schedule (e.g. 240h) in the background, on the lead store's history (or --retrain-data's); a promoted challenger is served on the next poll, every decision is on the dashboard's Model history")
	rf.register(cmd.Flags(), "retrain-")
	return cmd
}

// serveWithDashboard serves the API and the dashboard on cfg until ctx is
// cancelled or the process gets SIGTERM or SIGINT.
// With defaultStore it keeps the lead store in the SQLite file beside the
// models directory (serve.DefaultStoreURL).
func serveWithDashboard(ctx context.Context, cfg serve.Config, logger *slog.Logger, defaultStore bool) error {
	if err := modelsDir(&cfg); err != nil {
		return err
	}
	if defaultStore {
		cfg.StoreURL = serve.DefaultStoreURL(cfg.ModelsDir)
	}
	if cfg.StoreURL != "" && cfg.StoreURL != "none" {
		fmt.Fprintf(os.Stderr, "lead store: %s\n", redactedURL(cfg.StoreURL))
	}
	if cfg.Pin != "" {
		logger.Info("serving one bundle: --models names a bundle, so its version is served whatever the champion file says", "version", cfg.Pin, "models", cfg.ModelsDir)
	}
	cfg.Logger = logger
	srv, err := serve.New(cfg)
	if err != nil {
		return err
	}
	if err := dashboard.Mount(srv, dashboard.Options{}); err != nil {
		return err
	}
	return srv.ListenAndServe(ctx)
}

// checkRetrainDir refuses a scheduled retrain while serve is pinned to
// one bundle: a promotion could never be served.
func checkRetrainDir(cfg serve.Config) error {
	c := cfg
	if err := modelsDir(&c); err != nil {
		return err
	}
	if c.Pin != "" {
		return usagef("--retrain-every needs --models to be the directory of bundles (%s), not one bundle: a promoted challenger could never serve", c.ModelsDir)
	}
	return nil
}

// runRetrains runs the retrain gate on every tick, one run at a time, on
// one thread, until ctx is done. Each run's verdict is logged; the record
// is in the models directory's decisions/.
func runRetrains(ctx context.Context, opt retrain.Options, storeURL string, tick <-chan time.Time, logger *slog.Logger) {
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick:
		}
		res, err := runRetrain(ctx, opt, storeURL)
		if err != nil {
			logger.Error("scheduled retrain failed; the champion stays", "error", err)
			continue
		}
		d := res.Decision
		logger.Info("scheduled retrain", "verdict", d.Verdict, "champion", d.Champion, "challenger", d.Challenger, "serving", d.Serving, "reason", d.Reason, "record", res.RecordPath)
	}
}

// redactedURL is a store URL without its password, for messages.
func redactedURL(u string) string {
	loc, err := sqldb.Parse(u)
	if err != nil {
		return u
	}
	return loc.Redacted()
}
