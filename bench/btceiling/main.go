// Command btceiling measures the ceiling of the quickstart's monthly
// backtest: the pooled ROC AUC that the generator's true conversion
// probability (synth.TruthAtAges) reaches on the same leads, scored at the
// same age (the first snapshot), against the same labels, next to the rule
// sheet's and the models' AUCs from the same backtest run.
//
// Three references are printed:
//   - "truth": P(convert in the 90 days after day 1) under the latent
//     model. It knows what no score at day 1 can: the lead's hidden noise
//     and intent, and its events up to day 14 (the generator's behaviour
//     term counts them). An upper bound, not an attainable target.
//   - "truth_fields_only": leads ranked by their fit term, a function of
//     the fields of leads.csv (the function through the job title): the
//     best a score that ignores activity can do.
//   - "truth_day1_observed": the fit term plus the behaviour term of the
//     first day's events, with the generator's own coefficients: what a
//     score at day 1 sees, weighed as the truth weighs it, without
//     inferring the hidden intent from it.
//
// Per period it also prints the leads the period's fit saw (TrainLeads).
//
// At every score age of the backtest (--score-ages, default the
// backtest's: every snapshot age up to 30 days) it prints, under "by_age",
// the pooled ROC AUC of each model and of the truth at that age
// (P(convert in the 90 days after the age)) on the same leads, and the
// champion's paired difference from the rule sheet.
//
//	go run ./bench/btceiling --leads 20000 --seed 1 --models gbm,logistic --score-ages 1,7,14,30
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/leadscore/leadscore/datasets/synth"
	"github.com/leadscore/leadscore/features"
	"github.com/leadscore/leadscore/metrics"
	"github.com/leadscore/leadscore/models"
	"github.com/leadscore/leadscore/models/rules"
	"github.com/leadscore/leadscore/training"
	"github.com/leadscore/leadscore/training/backtest"
)

func main() {
	n := flag.Int("leads", 20000, "generated leads (the quickstart's default)")
	seed := flag.Int64("seed", 1, "generator and backtest seed (the quickstart's default)")
	dir := flag.String("dir", "", "data directory (generated there when leads.csv is missing; default a temporary one)")
	mods := flag.String("models", "gbm", "models the backtest fits: gbm, logistic or gbm,logistic")
	trees := flag.Int("gbm-trees", 150, "gbm trees (the quickstart's 150)")
	mono := flag.String("gbm-monotone", "", "comma-separated gbm monotone constraints FEATURE=+1 (as backtest --gbm-monotone)")
	tune := flag.Bool("tune", false, "tune the gbm on each period's validation leads (training.Options.Tune)")
	ages := flag.String("score-ages", "", "comma-separated lead ages in days the backtest scores at (default: the backtest's)")
	model := flag.String("model", "", "also score the backtest's leads at their first snapshot with this bundle (for example one trained on a larger generated sample of another seed: the learning curve's far end)")
	flag.Parse()
	var scoreAges []int
	for _, f := range strings.Split(*ages, ",") {
		if f = strings.TrimSpace(f); f == "" {
			continue
		}
		a, err := strconv.Atoi(f)
		if err != nil {
			fmt.Fprintf(os.Stderr, "btceiling: --score-ages %q: %v\n", *ages, err)
			os.Exit(2)
		}
		scoreAges = append(scoreAges, a)
	}
	if err := run(*n, *seed, *dir, *mods, *trees, *mono, *tune, *model, scoreAges); err != nil {
		fmt.Fprintln(os.Stderr, "btceiling:", err)
		os.Exit(1)
	}
}

func run(n int, seed int64, dir, mods string, trees int, mono string, tune bool, model string, scoreAges []int) error {
	if dir == "" {
		d, err := os.MkdirTemp("", "btceiling-*")
		if err != nil {
			return err
		}
		defer os.RemoveAll(d)
		dir = d
	}
	cfg := synth.Config{Profile: synth.ProfileB2B, Leads: n, Seed: seed, Format: "csv"}
	if _, err := os.Stat(filepath.Join(dir, "leads.csv")); err != nil {
		if _, err := synth.Generate(cfg, dir, nil); err != nil {
			return err
		}
	}
	rulesFile := filepath.Join(dir, "rules.yaml")
	if err := os.WriteFile(rulesFile, rules.Default(synth.ProfileB2B), 0o644); err != nil {
		return err
	}
	truth, err := synth.TruthAtAges(cfg)
	if err != nil {
		return err
	}
	topt := training.Options{
		Data: filepath.Join(dir, "leads.csv"), Events: filepath.Join(dir, "events.csv"),
		Outcomes: filepath.Join(dir, "outcomes.csv"), Config: features.DefaultConfig(),
		RulesFile: rulesFile, Seed: seed, Name: "btceiling",
	}
	ctx := context.Background()
	prep, err := training.Prepare(ctx, topt)
	if err != nil {
		return err
	}
	var ms []string
	switch mods {
	case "gbm":
		ms = []string{models.GBM}
	case "logistic":
		ms = []string{models.Logistic}
	default:
		ms = []string{models.Logistic, models.GBM}
	}
	bt := backtest.Config{Data: topt.Data, Events: topt.Events, Outcomes: topt.Outcomes, Rules: rulesFile,
		Period: backtest.Month, Models: ms, GBMTrees: trees, Seed: seed, Prepared: prep, ScoreAges: scoreAges}
	if mono != "" {
		bt.GBMMonotone = strings.Split(mono, ",")
	}
	if tune {
		o := topt
		o.Models = append([]string{models.Rules}, ms...)
		o.GBM = training.GBMDefaults(o.Config)
		o.GBM.Trees = trees
		o.Tune = true
		for _, m := range bt.GBMMonotone {
			r, err := training.ParseMonotone(m)
			if err != nil {
				return err
			}
			o.GBMMonotone = append(o.GBMMonotone, r)
		}
		bt.Training = &o
	}
	res, err := backtest.Run(ctx, bt)
	if err != nil {
		return err
	}
	ds := prep.Dataset
	index := map[string]int{}
	for i := range n {
		index[synth.LeadID(i)] = i
	}
	first := map[string]int{}
	for r := 0; r < ds.Rows; r++ {
		if f, ok := first[ds.LeadIDs[r]]; !ok || ds.Cutoffs[r].Before(ds.Cutoffs[f]) {
			first[ds.LeadIDs[r]] = r
		}
	}
	// ext holds the given bundle's probabilities per model and lead.
	ext := map[string]map[string]float64{}
	if model != "" {
		b, err := models.Load(model)
		if err != nil {
			return err
		}
		fc := b.Spec.Config
		fc.SnapshotDays = res.Settings.SnapshotDays[:1]
		ds1, err := features.Build(fc, prep.Inputs)
		if err != nil {
			return err
		}
		for _, r := range b.ScoreDataset(ds1, nil, models.ScoreOptions{AllModels: true}, 0) {
			if r.Err != nil {
				return fmt.Errorf("lead %s: %w", r.LeadID, r.Err)
			}
			for name, q := range r.Result.Probabilities {
				if ext[name] == nil {
					ext[name] = map[string]float64{}
				}
				ext[name][r.LeadID] = q
			}
		}
	}
	extP := map[string][]float64{}
	var y, p, fit, day1 []float64
	type per struct {
		Label      string
		Leads      int
		TrainLeads int
		Truth      float64
		Models     map[string]float64
	}
	var periods []per
	byAge, err := agesTable(res, ds, truth, index)
	if err != nil {
		return err
	}
	for _, pd := range res.Periods {
		if pd.Status != backtest.StatusEvaluated {
			continue
		}
		var py, pp []float64
		for id, r := range first {
			c := ds.Created[r]
			if c.Before(pd.Start) || !c.Before(pd.End) {
				continue
			}
			age := ds.Cutoffs[r].Sub(c).Hours() / 24
			tp, err := truth.P(index[id], age)
			if err != nil {
				return err
			}
			py = append(py, ds.Labels[r])
			pp = append(pp, tp)
			fit = append(fit, truth.Fit[index[id]])
			day1 = append(day1, truth.Day1[index[id]])
			for name, q := range ext {
				v, ok := q[id]
				if !ok {
					return fmt.Errorf("--model did not score lead %s at day 1", id)
				}
				extP[name] = append(extP[name], v)
			}
		}
		if len(py) != pd.Eval.Leads {
			return fmt.Errorf("period %s: %d leads here, %d in the backtest", pd.Label, len(py), pd.Eval.Leads)
		}
		m := map[string]float64{}
		for _, mm := range pd.Eval.Models {
			m[mm.Model] = float64(mm.ROCAUC.Value)
		}
		periods = append(periods, per{pd.Label, len(py), pd.TrainLeads, metrics.ROCAUC(py, pp, nil), m})
		y = append(y, py...)
		p = append(p, pp...)
	}
	pooled := map[string]any{"truth": metrics.ROCAUC(y, p, nil), "truth_fields_only": metrics.ROCAUC(y, fit, nil), "truth_day1_observed": metrics.ROCAUC(y, day1, nil), "leads": len(y)}
	for name, q := range extP {
		pooled["model_"+name] = metrics.ROCAUC(y, q, nil)
	}
	if res.Overall != nil {
		for _, mm := range res.Overall.Models {
			pooled[mm.Model] = mm.ROCAUC
		}
		pooled["paired"] = res.Overall.Paired
	}
	enc := json.NewEncoder(os.Stdout)
	enc.SetIndent("", "  ")
	return enc.Encode(map[string]any{"snapshot_days": res.Settings.SnapshotDays, "pooled": pooled, "periods": periods, "by_age": byAge})
}

// agesTable lists, per score age, the backtest's pooled ROC AUC of every
// model row, the champion minus the rule sheet, and the truth's pooled ROC
// AUC on the same leads: each period evaluated at that age, its leads'
// rows at that age.
func agesTable(res *backtest.Result, ds *features.Dataset, truth *synth.AgeTruth, index map[string]int) ([]map[string]any, error) {
	var out []map[string]any
	for _, ar := range res.ByAge {
		if ar.Overall == nil {
			continue
		}
		var y, p []float64
		for _, pd := range res.Periods {
			if !slices.Contains(ar.Periods, pd.Label) {
				continue
			}
			for r := 0; r < ds.Rows; r++ {
				c := ds.Created[r]
				if c.Before(pd.Start) || !c.Before(pd.End) {
					continue
				}
				age := ds.Cutoffs[r].Sub(c).Hours() / 24
				if math.Round(age) != float64(ar.AgeDays) {
					continue
				}
				tp, err := truth.P(index[ds.LeadIDs[r]], age)
				if err != nil {
					return nil, err
				}
				y = append(y, ds.Labels[r])
				p = append(p, tp)
			}
		}
		if len(y) != ar.Overall.Leads {
			return nil, fmt.Errorf("age %d: %d leads here, %d in the backtest", ar.AgeDays, len(y), ar.Overall.Leads)
		}
		row := map[string]any{"age_days": ar.AgeDays, "leads": len(y), "conversions": ar.Overall.Conversions, "periods": len(ar.Periods), "truth": metrics.ROCAUC(y, p, nil)}
		for _, mm := range ar.Overall.Models {
			row[mm.Model] = mm.ROCAUC.Value
		}
		for _, c := range ar.Overall.Comparisons {
			row[c.Predictive+"_minus_"+c.Baseline] = c
		}
		out = append(out, row)
	}
	return out, nil
}
