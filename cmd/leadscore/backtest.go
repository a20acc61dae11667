package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/leadscore/leadscore/datasets/store"
	"github.com/leadscore/leadscore/training/backtest"
	"github.com/leadscore/leadscore/training/htmlreport"
)

type backtestFlags struct {
	rf                            readFlags
	config                        string
	featureConfig                 string
	data, events, outcomes        string
	storeURL                      string
	id, created, target, timeCol  string
	outcomeID, convertedAt, rules string
	period, report                string
	exclude, modelList            []string
	snapshots, scoreAges          []int
	minTrain, horizon, resamples  int
	gbmTrees, threads             int
	gbmSubsample, gbmColSample    float64
	gbmMonotone                   []string
	weight                        string
	seed                          int64
}

func newBacktest(g *globals) *cobra.Command {
	var t backtestFlags
	cmd := &cobra.Command{
		Use:   "backtest --data FILE [--events FILE --outcomes FILE] --report DIR",
		Short: "Replay history period by period: predictive models against the rule sheet, out of time",
		Long: `backtest cuts the leads into weeks, months or quarters by creation time. For
each period after --min-train leads of history it fits the models only on leads
whose outcome window (--horizon days after the snapshot) had closed when the
period began, scores the period's leads at each --score-ages age (default: every
snapshot age up to 30 days; at each age only the leads not converted by then,
as known at that moment) and, once their horizon has passed, measures every
model and the rule sheet on them with bootstrap 95% intervals, paired tests of
each model against rules and of logistic against gbm, per age and pooled, and
feature drift (PSI). Periods whose outcomes are not all known yet are shown as
incomplete. The report directory holds report.html (self-contained), report.json
and report.md.

Flags override --config (a YAML file with the same settings as snake_case keys:
data, events, outcomes, id, created, outcome_id, converted_at, target, time,
rules, period, min_train, horizon_days, snapshot_days, score_ages, seed, resamples, models,
gbm_trees, gbm_monotone, weight, threads, feature_config, exclude, missing_values, types).`,
		Example: `  leadscore backtest --data leads.csv --events events.csv --outcomes outcomes.csv --rules rules.yaml --report reports/backtest
  leadscore backtest --data olist_marketing_qualified_leads_dataset.csv --outcomes olist_closed_deals_dataset.csv \
      --id mql_id --created first_contact_date --outcome-id mql_id --converted-at won_date --period month --min-train 300 --horizon 60 --report reports/olist
  leadscore backtest --data leads.csv --target converted --time created_at --period quarter --report reports/flat`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if t.storeURL != "" {
				return runBacktestStore(g, cmd, &t)
			}
			cfg, err := t.toConfig(cmd)
			if err != nil {
				return err
			}
			if err := requireFlags(cmd, "report"); err != nil {
				return err
			}
			return runBacktest(g, cfg, t.report)
		},
	}
	t.rf.register(cmd)
	f := cmd.Flags()
	f.StringVar(&t.config, "config", "", "backtest settings YAML (the flags below as snake_case keys); flags override it")
	f.StringVar(&t.featureConfig, "feature-config", "", "leadscore.yaml with column names and feature settings")
	f.StringVar(&t.data, "data", "", "leads file (CSV, Parquet, Arrow or JSONL) or database table (sqlite:PATH?table=NAME, postgres://...?query=SELECT...)")
	f.StringVar(&t.storeURL, "store", "", "backtest on a lead store (sqlite:PATH or a postgres:// URL) instead of --data, --events and --outcomes")
	f.StringVar(&t.events, "events", "", "activity events file (three-table shape)")
	f.StringVar(&t.outcomes, "outcomes", "", "closed-won outcomes file (three-table shape)")
	f.StringVar(&t.id, "id", "", "lead id column (default lead_id)")
	f.StringVar(&t.created, "created", "", "lead creation time column (default created_at)")
	f.StringVar(&t.outcomeID, "outcome-id", "", "lead id column of the outcomes file (default: --id, else lead_id)")
	f.StringVar(&t.convertedAt, "converted-at", "", "conversion time column of the outcomes file (default converted_at)")
	f.StringVar(&t.target, "target", "", "0/1 outcome column of flat data")
	f.StringVar(&t.timeCol, "time", "", "time column of flat data: orders leads into periods and is their scoring moment")
	f.StringVar(&t.rules, "rules", "", "rule sheet YAML, scored as is next to the models")
	f.StringVar(&t.period, "period", "", "period length: week, month or quarter (default month)")
	f.IntVar(&t.minTrain, "min-train", 0, fmt.Sprintf("leads with known outcomes needed before a period is backtested (default %d)", backtest.DefaultMinTrain))
	f.IntVar(&t.horizon, "horizon", 0, "days after a snapshot within which a conversion counts (default 90)")
	f.IntSliceVar(&t.snapshots, "snapshots", nil, "training snapshot ages in days after creation (default: derived from the data, 1,3,7,14,30,60,90,180,365... as far as history allows)")
	f.IntSliceVar(&t.scoreAges, "score-ages", nil, fmt.Sprintf("lead ages in days after creation at which each period's leads are scored, each a snapshot age (default: every snapshot age up to %d days)", backtest.DefaultMaxScoreAge))
	f.Int64Var(&t.seed, "seed", 1, "random seed of the fits and the bootstrap")
	f.IntVar(&t.resamples, "resamples", 0, fmt.Sprintf("bootstrap resamples, at least 200 (default %d)", backtest.DefaultResamples))
	f.StringSliceVar(&t.modelList, "models", nil, "predictive models: logistic,gbm (default both)")
	f.StringSliceVar(&t.exclude, "exclude", nil, "columns never to use as features (comma-separated)")
	f.IntVar(&t.gbmTrees, "gbm-trees", 0, "gbm: number of trees (fewer is faster)")
	f.Float64Var(&t.gbmSubsample, "gbm-subsample", 0, "gbm: share of the training rows drawn for each tree, as in train (default 0.8)")
	f.Float64Var(&t.gbmColSample, "gbm-colsample", 0, "gbm: share of the feature columns drawn for each tree, as in train (default: sized by the feature columns, about 25 per tree, between 0.1 and 0.5)")
	f.StringVar(&t.weight, "weight", "", "numeric leads column that weights each lead's examples in the fits, as in train")
	f.StringSliceVar(&t.gbmMonotone, "gbm-monotone", nil, "gbm: monotone constraints as in train, FEATURE=+1 or FEATURE=-1 (comma-separated or repeated)")
	f.IntVar(&t.threads, "threads", 0, "worker threads (default: all cores)")
	f.StringVar(&t.report, "report", "", "report directory to write (replaced atomically if it exists)")
	return cmd
}

// toConfig merges --config and the flags given into a backtest.Config.
func (t *backtestFlags) toConfig(cmd *cobra.Command) (backtest.Config, error) {
	var cfg backtest.Config
	if t.config != "" {
		var err error
		if cfg, err = backtest.LoadConfig(t.config); err != nil {
			return cfg, err
		}
	}
	changed := cmd.Flags().Changed
	if err := shapeFlags(changed, t.outcomes != "" || cfg.Outcomes != ""); err != nil {
		return cfg, err
	}
	for _, f := range []struct {
		name string
		dst  *string
		v    string
	}{
		{"data", &cfg.Data, t.data}, {"events", &cfg.Events, t.events}, {"outcomes", &cfg.Outcomes, t.outcomes},
		{"feature-config", &cfg.FeatureConfig, t.featureConfig}, {"id", &cfg.ID, t.id}, {"created", &cfg.Created, t.created},
		{"outcome-id", &cfg.OutcomeID, t.outcomeID}, {"converted-at", &cfg.ConvertedAt, t.convertedAt},
		{"target", &cfg.Target, t.target}, {"time", &cfg.Time, t.timeCol}, {"rules", &cfg.Rules, t.rules},
		{"period", &cfg.Period, t.period}, {"format", &cfg.Format, t.rf.format}, {"delimiter", &cfg.Delimiter, t.rf.delimiter},
	} {
		override(changed, f.name, f.dst, f.v)
	}
	override(changed, "min-train", &cfg.MinTrain, t.minTrain)
	override(changed, "horizon", &cfg.HorizonDays, t.horizon)
	override(changed, "snapshots", &cfg.SnapshotDays, t.snapshots)
	override(changed, "score-ages", &cfg.ScoreAges, t.scoreAges)
	if changed("seed") || cfg.Seed == 0 {
		cfg.Seed = t.seed
	}
	override(changed, "resamples", &cfg.Resamples, t.resamples)
	override(changed, "models", &cfg.Models, t.modelList)
	override(changed, "gbm-trees", &cfg.GBMTrees, t.gbmTrees)
	override(changed, "gbm-subsample", &cfg.GBMSubsample, t.gbmSubsample)
	override(changed, "gbm-colsample", &cfg.GBMColSample, t.gbmColSample)
	override(changed, "gbm-monotone", &cfg.GBMMonotone, t.gbmMonotone)
	override(changed, "weight", &cfg.Weight, t.weight)
	override(changed, "threads", &cfg.Threads, t.threads)
	cfg.Exclude = append(cfg.Exclude, t.exclude...)
	cfg.MissingValues = append(cfg.MissingValues, t.rf.missing...)
	if _, err := t.rf.options(); err != nil {
		return cfg, err
	}
	for _, ty := range t.rf.types {
		col, kind, _ := splitType(ty)
		if cfg.Types == nil {
			cfg.Types = map[string]string{}
		}
		cfg.Types[col] = kind
	}
	switch cfg.Period {
	case "", backtest.Week, backtest.Month, backtest.Quarter:
	default:
		return cfg, usagef("--period %q: expected week, month or quarter", cfg.Period)
	}
	if cfg.Data == "" {
		return cfg, usagef("%s needs --data (or data: in --config)", cmd.CommandPath())
	}
	if cfg.Outcomes == "" && cfg.FeatureConfig == "" && (cfg.Target == "" || cfg.Time == "") {
		return cfg, usagef("flat data needs --target COL and --time COL (or give --outcomes, with --events if you have them)")
	}
	if cfg.Events != "" && cfg.Outcomes == "" {
		return cfg, usagef("--events needs --outcomes: the closed-won outcomes to learn from")
	}
	if changed("resamples") && t.resamples < 200 {
		return cfg, usagef("--resamples %d: use at least 200", t.resamples)
	}
	return cfg, nil
}

// splitType splits COL=TYPE (validated by readFlags.options).
func splitType(s string) (col, kind string, ok bool) {
	for i := len(s) - 1; i >= 0; i-- {
		if s[i] == '=' {
			return s[:i], s[i+1:], true
		}
	}
	return s, "", false
}

func runBacktest(g *globals, cfg backtest.Config, dir string) error {
	if !g.quiet {
		cfg.Logger = slog.New(slog.NewTextHandler(g.stderr, &slog.HandlerOptions{Level: slog.LevelInfo}))
	}
	defer trainGC()()
	res, err := backtest.Run(context.Background(), cfg)
	if err != nil {
		return err
	}
	if err := backtest.WriteReport(dir, res); err != nil {
		return err
	}
	printBacktest(g.stdout, res, dir)
	return nil
}

// printBacktest prints where the report went and how its periods fared.
func printBacktest(w io.Writer, res *backtest.Result, dir string) {
	counts := map[string]int{}
	for _, p := range res.Periods {
		counts[p.Status]++
	}
	fmt.Fprintf(w, "backtest report written to %s (%d periods: %d evaluated, %d incomplete, %d warm-up",
		filepath.Join(dir, htmlreport.HTMLFile), len(res.Periods), counts[backtest.StatusEvaluated], counts[backtest.StatusIncomplete], counts[backtest.StatusWarmUp])
	if n := counts[backtest.StatusFailed]; n > 0 {
		fmt.Fprintf(w, ", %d failed", n)
	}
	fmt.Fprintln(w, ")")
	for _, s := range res.Summary {
		fmt.Fprintf(w, "  %s\n", s)
	}
}

// runBacktestStore backtests on a lead store: the backtest reads its
// leads with their field history (each snapshot sees the fields valid at
// its cutoff), outcomes and events straight from the store. The events are
// held in memory, as a backtest holds a file's: it scores every period's
// leads with their events.
func runBacktestStore(g *globals, cmd *cobra.Command, t *backtestFlags) error {
	for _, f := range []string{"data", "events", "outcomes", "target", "time", "id", "created", "outcome-id", "converted-at"} {
		if cmd.Flags().Changed(f) {
			return usagef("--store is the backtest's data: drop --%s", f)
		}
	}
	if err := requireFlags(cmd, "report"); err != nil {
		return err
	}
	// toConfig's shape checks see the three tables the store holds.
	for _, flag := range []string{"data", "events", "outcomes"} {
		if err := cmd.Flags().Set(flag, t.storeURL); err != nil {
			return err
		}
	}
	cfg, err := t.toConfig(cmd)
	if err != nil {
		return err
	}
	cfg.Data, cfg.Events, cfg.Outcomes = "", "", ""
	cfg.ID, cfg.Created, cfg.OutcomeID, cfg.ConvertedAt = store.ColLeadID, store.ColCreated, store.ColLeadID, store.ColConvertedAt
	ctx := context.Background()
	st, err := store.Open(ctx, t.storeURL)
	if err != nil {
		return err
	}
	defer st.Close()
	cfg.Store = st
	g.infof("  reading the lead store %s\n", st.Redacted())
	return runBacktest(g, cfg, t.report)
}
