package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/leadscore/leadscore/datasets/store"
	"github.com/leadscore/leadscore/features"
	"github.com/leadscore/leadscore/models"
	"github.com/leadscore/leadscore/training"
	"github.com/leadscore/leadscore/training/retrain"
)

// retrainFlags are the data and gate settings of a retrain: the flags of
// 'leadscore retrain', and with the prefix "retrain-" those of
// 'serve --retrain-every'.
type retrainFlags struct {
	prefix                 string
	storeURL               string
	data, events, outcomes string
	rules, config          string
	fit                    []string
	seed                   int64
	minLeads, minConv      int
	window, maxECE         float64
	resamples              int
}

func (r *retrainFlags) register(fs *pflag.FlagSet, prefix string) {
	r.prefix = prefix
	if prefix == "" {
		fs.StringVar(&r.storeURL, "store", "", "retrain on a lead store's history (sqlite:PATH or a postgres:// URL) instead of --data, --events and --outcomes")
	}
	fs.StringVar(&r.data, prefix+"data", "", "leads file of the history to retrain on (CSV, Parquet, Arrow or JSONL) or database table (sqlite:PATH?table=NAME, postgres://...?query=SELECT...)")
	fs.StringVar(&r.events, prefix+"events", "", "activity events file of that history")
	fs.StringVar(&r.outcomes, prefix+"outcomes", "", "closed-won outcomes file of that history")
	fs.StringVar(&r.rules, prefix+"rules", "", "rule sheet YAML (the rules model, and the baseline while there is no model)")
	fs.StringVar(&r.config, prefix+"config", "", "leadscore.yaml with column names and feature settings")
	fs.StringSliceVar(&r.fit, prefix+"fit", nil, "models the challenger fits: rules,logistic,gbm (default: all; rules only with --"+prefix+"rules)")
	fs.Int64Var(&r.seed, prefix+"seed", 1, "random seed of the fit and of the bootstrap")
	fs.IntVar(&r.minLeads, prefix+"min-leads", retrain.DefaultMinLeads, "leads with closed horizons needed to train a challenger")
	fs.IntVar(&r.minConv, prefix+"min-conversions", retrain.DefaultMinConversions, "conversions with closed horizons needed to train a challenger")
	fs.Float64Var(&r.window, prefix+"window", retrain.DefaultWindowFrac, "share of the most recent leads held out to compare challenger and champion")
	fs.Float64Var(&r.maxECE, prefix+"max-ece", retrain.DefaultMaxECE, "the challenger's ECE on the window must be at most this (or the champion's, if larger)")
	fs.IntVar(&r.resamples, prefix+"resamples", retrain.DefaultResamples, "paired bootstrap resamples of the AUC difference")
}

// options checks the flags and turns them into retrain.Options.
func (r *retrainFlags) options(modelsDir string, threads int, logger *slog.Logger) (retrain.Options, error) {
	p := "--" + r.prefix
	if r.storeURL != "" {
		if r.data != "" || r.events != "" || r.outcomes != "" {
			return retrain.Options{}, usagef("--store is the history to retrain on: drop %sdata, %sevents and %soutcomes", p, p, p)
		}
	} else if r.data == "" || r.outcomes == "" {
		return retrain.Options{}, usagef("%sdata and %soutcomes are needed: retraining learns from leads and their closed-won outcomes (with %sevents when you have them)", p, p, p)
	}
	for _, f := range []struct{ flag, path string }{{p + "data", r.data}, {p + "events", r.events}, {p + "outcomes", r.outcomes}, {p + "rules", r.rules}, {p + "config", r.config}} {
		if f.path == "" {
			continue
		}
		if err := checkInFile(f.flag, f.path); err != nil {
			return retrain.Options{}, err
		}
	}
	if r.minLeads < 1 || r.minConv < 1 {
		return retrain.Options{}, usagef("%smin-leads and %smin-conversions: expected positive numbers", p, p)
	}
	if !(r.window > 0 && r.window < 1) {
		return retrain.Options{}, usagef("%swindow %v: expected a share between 0 and 1, such as 0.2", p, r.window)
	}
	if !(r.maxECE > 0 && r.maxECE < 1) {
		return retrain.Options{}, usagef("%smax-ece %v: expected a number between 0 and 1, such as 0.05", p, r.maxECE)
	}
	if r.resamples < 50 {
		return retrain.Options{}, usagef("%sresamples %d: expected at least 50", p, r.resamples)
	}
	cfg := features.DefaultConfig()
	if r.config != "" {
		var err error
		if cfg, err = features.LoadConfig(r.config); err != nil {
			return retrain.Options{}, err
		}
	}
	ms := r.fit
	if len(ms) == 0 {
		ms = []string{models.Logistic, models.GBM}
		if r.rules != "" {
			ms = append([]string{models.Rules}, ms...)
		}
	}
	for _, m := range ms {
		if m != models.Rules && m != models.Logistic && m != models.GBM {
			return retrain.Options{}, usagef("%sfit %q: expected rules, logistic or gbm", p, m)
		}
	}
	return retrain.Options{
		Train: training.Options{
			Data: r.data, Events: r.events, Outcomes: r.outcomes, Config: cfg, RulesFile: r.rules, Models: ms,
			Seed: r.seed, Threads: threads, Command: commandLine(os.Args[1:]), Logger: logger,
		},
		ModelsDir: modelsDir, MinLeads: r.minLeads, MinConversions: r.minConv, WindowFrac: r.window,
		MaxECE: r.maxECE, Resamples: r.resamples, Seed: uint64(r.seed), Logger: logger,
	}, nil
}

// runRetrain runs the gate on opt's files, or with storeURL on the lead
// store's history, read straight from the store (training.FromStore). The
// gate holds the events in memory, as it does a file's: it scores the
// comparison window's leads with their events.
func runRetrain(ctx context.Context, opt retrain.Options, storeURL string) (*retrain.Result, error) {
	if storeURL == "" {
		return retrain.Run(ctx, opt)
	}
	st, err := store.Open(ctx, storeURL)
	if err != nil {
		return nil, fmt.Errorf("--store: %w", err)
	}
	defer st.Close()
	opt.Train = training.FromStore(st, opt.Train)
	return retrain.Run(ctx, opt)
}

func newRetrain(g *globals) *cobra.Command {
	var r retrainFlags
	var dir string
	var threads int
	cmd := &cobra.Command{
		Use:   "retrain --models DIR (--store URL | --data FILE --outcomes FILE [--events FILE]) [--rules FILE]",
		Short: "Train a challenger on fresh history and promote it only if it passes the gate",
		Long: `retrain checks there is enough history (--min-leads leads and --min-conversions
conversions with closed horizons), trains a challenger on every lead created
before the most recent out-of-time window (--window), compares it with the
champion of --models on that window (ROC AUC with a paired bootstrap interval,
log loss, ECE; without a champion, with the rule sheet), and promotes it only
if it is not worse beyond the interval and its ECE is within --max-ece. A
promotion renames the challenger into DIR and replaces DIR/champion
atomically, so every 'serve' watching DIR switches on its next poll. Every
run writes a decision record to DIR/decisions/ (the dashboard's Model history).
The verdict goes to stdout; a refused challenger or too little data is not an
error (exit 0).`,
		Example: `  leadscore retrain --models ./leadscore-models --data leads.csv --events events.csv --outcomes outcomes.csv --rules rules.yaml
  leadscore retrain --models ./leadscore-models --store sqlite:leadscore-store.db --rules rules.yaml`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := requireFlags(cmd, "models"); err != nil {
				return err
			}
			logger := slog.New(slog.NewTextHandler(io.Discard, nil))
			if !g.quiet {
				logger = slog.New(slog.NewTextHandler(g.stderr, &slog.HandlerOptions{Level: slog.LevelInfo}))
			}
			opt, err := r.options(dir, threads, logger)
			if err != nil {
				return err
			}
			res, err := runRetrain(context.Background(), opt, r.storeURL)
			if err != nil {
				return err
			}
			printDecision(g.stdout, res)
			return nil
		},
	}
	r.register(cmd.Flags(), "")
	cmd.Flags().StringVar(&dir, "models", "", "directory of model bundles that serve watches (holds the champion file)")
	cmd.Flags().IntVar(&threads, "threads", 0, "worker threads (default: all cores)")
	return cmd
}

// printDecision writes the verdict, the numbers and the record's path.
func printDecision(w io.Writer, res *retrain.Result) {
	d := res.Decision
	fmt.Fprintf(w, "verdict: %s\n", d.Verdict)
	fmt.Fprintf(w, "reason: %s\n", d.Reason)
	fmt.Fprintf(w, "data: %d leads and %d conversions with closed horizons (minimum %d and %d)\n", d.Data.Leads, d.Data.Conversions, d.Data.MinLeads, d.Data.MinConversions)
	if c := d.Comparison; c != nil {
		fmt.Fprintf(w, "window: %s to %s, %d leads, %d conversions\n", c.WindowStart.Format(time.DateOnly), c.WindowEnd.Format(time.DateOnly), c.Leads, c.Conversions)
		fmt.Fprintf(w, "challenger %s (%s): roc_auc %.4f  log_loss %.4f  ece %.4f\n", c.Challenger.Version, c.Challenger.Model, float64(c.Challenger.ROCAUC), float64(c.Challenger.LogLoss), float64(c.Challenger.ECE))
		fmt.Fprintf(w, "%s %s (%s): roc_auc %.4f  log_loss %.4f  ece %.4f\n", c.Baseline, c.Champion.Version, c.Champion.Model, float64(c.Champion.ROCAUC), float64(c.Champion.LogLoss), float64(c.Champion.ECE))
	}
	if d.Serving != "" {
		fmt.Fprintf(w, "serving: %s\n", d.Serving)
	} else {
		fmt.Fprintln(w, "serving: the rule sheet (no model yet)")
	}
	fmt.Fprintf(w, "record: %s\n", res.RecordPath)
}
