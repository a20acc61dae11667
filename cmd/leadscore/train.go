package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"runtime/debug"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/leadscore/leadscore/datasets/store"
	"github.com/leadscore/leadscore/features"
	"github.com/leadscore/leadscore/models"
	"github.com/leadscore/leadscore/models/gbm"
	"github.com/leadscore/leadscore/training"
	"github.com/leadscore/leadscore/training/backtest"
)

type trainFlags struct {
	rf                       readFlags
	data, events, outcomes   string
	target, id, timeCol      string
	created, outID, convAt   string
	exclude, allowLeaky      []string
	rules, config, out       string
	modelList                []string
	champion                 string
	seed                     int64
	threads                  int
	testFrac                 float64
	horizon                  int
	snapshots                []int
	tune                     bool
	l1Ratio                  float64
	gbmTrees, gbmLeaves      int
	gbmDepth, gbmBins, gbmES int
	gbmLR                    float64
	gbmScalePos              float64
	gbmSubsample, gbmColSam  float64
	weight                   string
	gbmMonotone              []string
	outOfRange               string
	ruleFeatures             bool
	sqlCompatible            bool
	backtest                 bool
	period                   string
	storeURL                 string
	maxExamples              int
}

func newTrain(g *globals) *cobra.Command {
	var t trainFlags
	cmd := &cobra.Command{
		Use:   "train --data FILE [--events FILE --outcomes FILE] --out DIR",
		Short: "Fit the rule sheet, logistic regression and gradient-boosted trees into a model bundle",
		Long: `train reads historical leads (a flat CRM export with a 0/1 target column, or
leads + events + closed-won outcomes), builds point-in-time features, audits
them for leakage, fits and calibrates each model, measures it on held-out
leads and writes a model bundle directory with report.json and report.md.`,
		Example: `  leadscore train --data Leads.csv --target Converted --id "Prospect ID" --missing-values Select --out ./leadscore-models/v1
  leadscore train --data leads.csv --events events.csv --outcomes outcomes.csv --rules rules.yaml --out ./leadscore-models/v2
  leadscore train --store sqlite:leadscore-store.db --rules rules.yaml --out ./leadscore-models/v3`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if t.storeURL != "" {
				return runTrainStore(g, cmd, &t)
			}
			if err := requireFlags(cmd, "data", "out"); err != nil {
				return err
			}
			opt, err := t.options(cmd)
			if err != nil {
				return err
			}
			if err := checkNewBundleDir("--out", t.out); err != nil {
				return err
			}
			if err := training.CheckInputs(opt); err != nil {
				return err
			}
			if t.backtest {
				return runTrainBacktest(g, opt, t.out, t.period)
			}
			return runTrain(g, opt, t.out, t.out)
		},
	}
	t.rf.register(cmd)
	f := cmd.Flags()
	f.StringVar(&t.data, "data", "", "leads file (CSV, Parquet, Arrow or JSONL) or database table (sqlite:PATH?table=NAME, postgres://...?query=SELECT...)")
	f.StringVar(&t.storeURL, "store", "", "train from a lead store (sqlite:PATH or a postgres:// URL) instead of --data, --events and --outcomes")
	f.StringVar(&t.events, "events", "", "activity events file (three-table shape)")
	f.StringVar(&t.outcomes, "outcomes", "", "closed-won outcomes file (three-table shape)")
	f.StringVar(&t.target, "target", "", "outcome column of a flat file (0/1, yes/no, true/false, converted/not)")
	f.StringVar(&t.id, "id", "", "lead id column (default lead_id)")
	f.StringVar(&t.created, "created", "", "lead creation time column (default created_at)")
	f.StringVar(&t.outID, "outcome-id", "", "lead id column of the outcomes file (default lead_id)")
	f.StringVar(&t.convAt, "converted-at", "", "conversion time column of the outcomes file (default converted_at)")
	f.StringVar(&t.timeCol, "time", "", "lead time column; when given, the test set is the latest leads (out-of-time)")
	f.StringSliceVar(&t.exclude, "exclude", nil, "columns never to use as features (comma-separated)")
	f.StringSliceVar(&t.allowLeaky, "allow-leaky", nil, "leakage suspects to keep anyway (comma-separated)")
	f.StringVar(&t.out, "out", "", "directory to write the model bundle to (must not exist)")
	f.StringVar(&t.rules, "rules", "", "rule sheet YAML (the rules model)")
	f.StringVar(&t.config, "config", "", "leadscore.yaml with column names and feature settings")
	f.StringSliceVar(&t.modelList, "models", nil, "models to fit: rules,logistic,gbm (default: all; rules only with --rules)")
	f.StringVar(&t.champion, "champion", "", "serve this model instead of the one with the best held-out log loss")
	f.Int64Var(&t.seed, "seed", 1, "random seed (same data and seed give the same bundle)")
	f.IntVar(&t.threads, "threads", 0, "worker threads (default: all cores)")
	f.Float64Var(&t.testFrac, "test-frac", 0.2, "share of leads held out for evaluation")
	f.IntVar(&t.horizon, "horizon", 0, "days after a snapshot within which a conversion counts (default 90)")
	f.IntSliceVar(&t.snapshots, "snapshots", nil, "snapshot ages in days after creation (default: derived from the data, 1,3,7,14,30,60,90,180,365... as far as history allows)")
	f.Float64Var(&t.l1Ratio, "logistic-l1-ratio", 0, "logistic: share of L1 in the penalty (0 ridge, 1 lasso, between: elastic net)")
	f.BoolVar(&t.tune, "tune", false, "try a few gbm settings and keep the best on validation log loss")
	f.IntVar(&t.gbmTrees, "gbm-trees", 0, "gbm: number of trees")
	f.IntVar(&t.gbmLeaves, "gbm-leaves", 0, "gbm: max leaves per tree")
	f.IntVar(&t.gbmDepth, "gbm-max-depth", 0, "gbm: max depth (0: no limit)")
	f.Float64Var(&t.gbmLR, "gbm-learning-rate", 0, "gbm: learning rate")
	f.IntVar(&t.gbmBins, "gbm-bins", 0, "gbm: max histogram bins per feature")
	f.IntVar(&t.gbmES, "gbm-early-stopping", 0, "gbm: early-stopping patience in trees, 0 turns it off (default: the gbm default)")
	f.Float64Var(&t.gbmSubsample, "gbm-subsample", 0, "gbm: share of the training rows drawn for each tree, in (0, 1]; 1 turns row sampling off (default 0.8, which regularises and speeds up the fit)")
	f.Float64Var(&t.gbmColSam, "gbm-colsample", 0, "gbm: share of the feature columns drawn for each tree, in (0, 1]; 1 turns column sampling off (default: sized by the feature columns, about 25 per tree, between 0.1 and 0.5; it regularises and speeds up the fit)")
	f.StringVar(&t.weight, "weight", "", "numeric column of the leads file that weights each lead's examples in the fits and calibrations (for example deal value); never a feature")
	f.Float64Var(&t.gbmScalePos, "gbm-scale-pos-weight", 0, "gbm: weight of every converted example relative to the others (default 1; the calibration undoes the shift in probabilities)")
	f.StringSliceVar(&t.gbmMonotone, "gbm-monotone", nil, "gbm: FEATURE=+1 (a larger value never lowers the score) or FEATURE=-1 (never raises it); FEATURE may use * and ?, e.g. 'event:page_view:pricing:count_*=+1' (names as in the bundle's spec.json; comma-separated or repeated)")
	f.StringVar(&t.outOfRange, "out-of-range", "auto", "logistic: numbers beyond their training range are clipped to it (clip), to the range widened by half its width (widened) or not at all (none); auto compares the three on the latest training leads and keeps the best (report.json out_of_range)")
	f.BoolVar(&t.backtest, "backtest", false, "also run a rolling-origin backtest of the same models on the same data (report in DIR's parent, reports/NAME-backtest); its pooled out-of-time log loss chooses the champion")
	f.StringVar(&t.period, "period", "month", "with --backtest: week, month or quarter")
	f.BoolVar(&t.sqlCompatible, "sql-compatible", false, "train a simpler bundle, whose leadscore sql query is smaller (every bundle compiles): categories compared as spelled, no word features from free text, no rule-sheet inputs (sql_compatible in leadscore.yaml)")
	f.IntVar(&t.maxExamples, "max-examples", 0, "at most this many training examples (lead snapshots): beyond it, a deterministic sample of leads by a hash of the lead id, each example weighted 1/rate, so memory stops growing with the leads (report.json rows.sampling; max_examples in leadscore.yaml; 0: every example)")
	f.BoolVar(&t.ruleFeatures, "rule-features", true, "with --rules: the sheet's fit and engagement points and fired rules are inputs of the logistic and gbm models (--rule-features=false leaves them out)")
	return cmd
}

func (t *trainFlags) options(cmd *cobra.Command) (training.Options, error) {
	read, err := t.rf.options()
	if err != nil {
		return training.Options{}, err
	}
	cfg := features.DefaultConfig()
	if t.config != "" {
		if cfg, err = features.LoadConfig(t.config); err != nil {
			return training.Options{}, err
		}
	}
	changed := cmd.Flags().Changed
	override(changed, "target", &cfg.Target, t.target)
	override(changed, "id", &cfg.ID, t.id)
	override(changed, "time", &cfg.Time, t.timeCol)
	override(changed, "created", &cfg.Created, t.created)
	override(changed, "outcome-id", &cfg.Outcomes.LeadID, t.outID)
	override(changed, "converted-at", &cfg.Outcomes.ConvertedAt, t.convAt)
	override(changed, "horizon", &cfg.HorizonDays, t.horizon)
	override(changed, "snapshots", &cfg.SnapshotDays, t.snapshots)
	override(changed, "sql-compatible", &cfg.SQLCompatible, t.sqlCompatible)
	if changed("max-examples") && t.maxExamples < 0 {
		return training.Options{}, usagef("--max-examples %d: expected 0 (keep every example) or a positive number", t.maxExamples)
	}
	override(changed, "max-examples", &cfg.MaxExamples, t.maxExamples)
	cfg.Exclude = append(cfg.Exclude, t.exclude...)
	cfg.AllowLeaky = append(cfg.AllowLeaky, t.allowLeaky...)
	cfg.MissingValues = append(cfg.MissingValues, read.MissingValues...)
	if err := shapeFlags(changed, t.outcomes != ""); err != nil {
		return training.Options{}, err
	}
	if t.outcomes == "" && cfg.Target == "" {
		return training.Options{}, usagef("flat data needs --target COL (or give --outcomes, with --events when you have them)")
	}
	if t.events != "" && t.outcomes == "" {
		return training.Options{}, usagef("--events needs --outcomes: the three-table shape learns from the closed-won outcomes")
	}
	ms := t.modelList
	if len(ms) == 0 {
		ms = []string{models.Logistic, models.GBM}
		if t.rules != "" {
			ms = append([]string{models.Rules}, ms...)
		}
	}
	if t.l1Ratio < 0 || t.l1Ratio > 1 {
		return training.Options{}, usagef("--logistic-l1-ratio %v: expected a number from 0 to 1", t.l1Ratio)
	}
	for _, m := range ms {
		if m != models.Rules && m != models.Logistic && m != models.GBM {
			return training.Options{}, usagef("--models %q: expected rules, logistic or gbm", m)
		}
	}
	opt := training.Options{
		Data: t.data, Events: t.events, Outcomes: t.outcomes, Read: read, Config: cfg,
		RulesFile: t.rules, Models: ms, Champion: t.champion, Seed: t.seed, Threads: t.threads,
		TestFrac: t.testFrac, Tune: t.tune, Weight: t.weight, LogisticL1Ratio: t.l1Ratio, Command: commandLine(os.Args[1:]),
	}
	if changed("period") && !t.backtest {
		return training.Options{}, usagef("--period applies with --backtest only")
	}
	switch strings.ToLower(t.outOfRange) {
	case "auto", "clip", "widened", "none":
	default:
		return training.Options{}, usagef("--out-of-range %q: expected auto, clip, widened or none", t.outOfRange)
	}
	opt.OutOfRange, opt.NoRuleFeatures = t.outOfRange, !t.ruleFeatures
	opt.GBM = gbmParams(t, cfg, changed)
	if changed("gbm-scale-pos-weight") && !(t.gbmScalePos > 0) {
		return training.Options{}, usagef("--gbm-scale-pos-weight %v: expected a positive number", t.gbmScalePos)
	}
	override(changed, "gbm-scale-pos-weight", &opt.GBM.ScalePosWeight, t.gbmScalePos)
	for _, f := range []struct {
		name string
		v    float64
	}{{"gbm-subsample", t.gbmSubsample}, {"gbm-colsample", t.gbmColSam}} {
		if changed(f.name) && !(f.v > 0 && f.v <= 1) {
			return training.Options{}, usagef("--%s %v: expected a share greater than 0 and at most 1", f.name, f.v)
		}
	}
	for _, s := range t.gbmMonotone {
		r, err := training.ParseMonotone(s)
		if err != nil {
			return training.Options{}, usagef("--gbm-monotone: %v", err)
		}
		opt.GBMMonotone = append(opt.GBMMonotone, r)
	}
	return opt, nil
}

// runTrain trains and saves the bundle to out; shown is the directory named
// in messages.
func runTrain(g *globals, opt training.Options, out, shown string) error {
	if !g.quiet {
		opt.Logger = slog.New(slog.NewTextHandler(g.stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
		opt.Progress = func(stage string) { g.infof("  %s\n", strings.ReplaceAll(stage, "_", " ")) }
	}
	// Stream the events grouped by lead: train keeps only the bundle, never
	// the examples' events (--backtest does: it scores them).
	opt.StreamEvents = true
	defer trainGC()()
	res, err := training.Train(context.Background(), opt)
	if err != nil {
		return err
	}
	if err := res.Bundle.Save(out); err != nil {
		return err
	}
	printTrained(g.stdout, res, shown)
	return nil
}

// trainGC (train, backtest and quickstart) collects garbage when the heap has grown by a quarter (GOGC=25)
// instead of doubled, unless GOGC is set. Training's heap is mostly large,
// pointer-free example matrices, cheap to mark, so collecting four times
// as often costs little CPU, and the peak memory falls by about 45% (1.03
// GB -> 0.56 GB at 5,000 generated leads). It returns the function that
// restores the setting.
func trainGC() (restore func()) {
	if os.Getenv("GOGC") != "" {
		return func() {}
	}
	old := debug.SetGCPercent(25)
	return func() { debug.SetGCPercent(old) }
}

// runTrainBacktest trains with a backtest deciding the champion, saves the
// bundle to out and the backtest report beside it.
func runTrainBacktest(g *globals, opt training.Options, out, period string) error {
	if !g.quiet {
		opt.Logger = slog.New(slog.NewTextHandler(g.stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
		opt.Progress = func(stage string) { g.infof("  %s\n", strings.ReplaceAll(stage, "_", " ")) }
	}
	res, bt, err := backtest.TrainWithBacktest(context.Background(), opt, period)
	if err != nil {
		return err
	}
	if err := res.Bundle.Save(out); err != nil {
		return err
	}
	dir := filepath.Join(filepath.Dir(filepath.Clean(out)), "reports", filepath.Base(filepath.Clean(out))+"-backtest")
	if err := backtest.WriteReport(dir, bt); err != nil {
		return err
	}
	printTrained(g.stdout, res, out)
	fmt.Fprintf(g.stdout, "backtest report written to %s\n", filepath.Join(dir, "report.html"))
	for _, line := range bt.Summary {
		fmt.Fprintf(g.stdout, "  %s\n", line)
	}
	return nil
}

// printTrained prints where the bundle went (shown), each model's held-out
// metrics, the champion and the leakage suspects.
func printTrained(w io.Writer, res *training.Result, shown string) {
	r := res.Report
	fmt.Fprintf(w, "model bundle %s written to %s\n", r.Version, shown)
	for _, n := range r.Models {
		m := r.Metrics[n]
		fmt.Fprintf(w, "  %-9s ROC AUC %.4f  PR AUC %.4f  log loss %.4f  ECE %.4f\n", n, m.ROCAUC, m.PRAUC, m.LogLoss, m.ECE)
	}
	fmt.Fprintf(w, "champion: %s (%s)\n", r.Champion, r.ChampionReason)
	if sp := r.Build.Sampling; sp != nil {
		fmt.Fprintf(w, "trained on a sample (--max-examples %d): %d of %d leads, %d of %d snapshots, each weighted %.4g (report.json rows.sampling)\n",
			sp.MaxExamples, sp.LeadsKept, sp.Leads, sp.ExamplesKept, sp.Examples, sp.Weight)
	}
	for _, s := range r.LeakageSuspects {
		if uninformative(s.Reason) {
			// A constant or id-like column cannot leak; it is just of no use.
			fmt.Fprintf(w, "left out %q: %s\n", s.Column, s.Reason)
			continue
		}
		if slices.ContainsFunc(res.Bundle.Spec.Allowed, func(a features.Suspect) bool { return a.Column == s.Column }) {
			fmt.Fprintf(w, "leakage suspect kept (--allow-leaky): %q (AUC %.3f): %s\n", s.Column, s.AUC, s.Reason)
			continue
		}
		fmt.Fprintf(w, "leakage suspect left out: %q (AUC %.3f): %s; to keep it, train with --allow-leaky %s\n", s.Column, s.AUC, s.Reason, shellQuote(s.Column))
	}
}

// gbmParams starts from the gbm defaults with cfg's sampling
// (leadscore.yaml) and applies the --gbm-* flags given.
func gbmParams(t *trainFlags, cfg features.Config, changed func(string) bool) gbm.Params {
	p := training.GBMDefaults(cfg)
	override(changed, "gbm-trees", &p.Trees, t.gbmTrees)
	override(changed, "gbm-leaves", &p.Leaves, t.gbmLeaves)
	override(changed, "gbm-max-depth", &p.MaxDepth, t.gbmDepth)
	override(changed, "gbm-learning-rate", &p.LearningRate, t.gbmLR)
	override(changed, "gbm-bins", &p.Bins, t.gbmBins)
	override(changed, "gbm-early-stopping", &p.EarlyStopping, t.gbmES)
	override(changed, "gbm-subsample", &p.Subsample, t.gbmSubsample)
	override(changed, "gbm-colsample", &p.ColSample, t.gbmColSam)
	return p
}

// override sets *dst to v when the flag name was given on the command line,
// so flags override a config file and defaults only when used.
func override[T any](changed func(string) bool, name string, dst *T, v T) {
	if changed(name) {
		*dst = v
	}
}

// shapeFlags refuses flags that do not apply to the input's shape (three
// tables when --outcomes is given, else one flat table), naming the flag
// that does apply, so none is silently ignored.
func shapeFlags(changed func(string) bool, threeTables bool) error {
	if threeTables {
		if changed("target") {
			return usagef("--target applies to flat data only; with --outcomes a lead converted when it has a row in the outcomes file: drop --target (or drop --outcomes for a flat file)")
		}
		if changed("time") {
			return usagef("--time applies to flat data only; with --outcomes the leads' creation time orders them: use --created COL instead")
		}
		return nil
	}
	for _, f := range []string{"outcome-id", "converted-at"} {
		if changed(f) {
			return usagef("--%s names a column of the outcomes file: it needs --outcomes FILE (flat data takes its outcome from --target COL)", f)
		}
	}
	return nil
}

// uninformative says whether an audit reason only says the column carries
// no information (constant, or a distinct id-like value per lead).
func uninformative(reason string) bool { return features.Suspect{Reason: reason}.Uninformative() }

// runTrainStore trains from a lead store: training.FromStore points the
// options at it, and training reads the leads with their field history,
// the outcomes and, one lead at a time, the events straight from the
// store, building the same point-in-time examples as from files.
func runTrainStore(g *globals, cmd *cobra.Command, t *trainFlags) error {
	for _, f := range []string{"data", "events", "outcomes", "target", "time"} {
		if cmd.Flags().Changed(f) {
			return usagef("--store is the training data: drop --%s", f)
		}
	}
	if err := requireFlags(cmd, "out"); err != nil {
		return err
	}
	if err := checkNewBundleDir("--out", t.out); err != nil {
		return err
	}
	// The shape checks of options see the three tables the store holds.
	t.data, t.events, t.outcomes = t.storeURL, t.storeURL, t.storeURL
	opt, err := t.options(cmd)
	if err != nil {
		return err
	}
	ctx := context.Background()
	st, err := store.Open(ctx, t.storeURL)
	if err != nil {
		return err
	}
	defer st.Close()
	g.infof("  reading the lead store %s\n", st.Redacted())
	opt = training.FromStore(st, opt)
	if err := training.CheckInputs(opt); err != nil {
		return err
	}
	return runTrain(g, opt, t.out, t.out)
}
