// Command gbmsize measures how far the gbm trails the logistic model on
// lead-sized data: for every number of leads and seed, it generates a
// quickstart-like data set (synth, b2b profile), trains logistic and gbm as
// `leadscore train` does (out-of-time split, the quickstart's rule sheet as
// inputs, default settings unless -variants changes the gbm's), and prints
// each held-out ROC AUC and ECE, then per size the mean over seeds and the
// gbm's mean gap to the logistic model.
//
// The generated leads come from a model additive in log-odds, so the
// logistic model has the right shape here; the question is how little the
// gbm loses with hundreds to tens of thousands of leads. Seeds matter: with
// 2,000 leads the held-out set has a few dozen converted leads, and one
// seed's AUC moves by 0.03 between settings that are equal on average.
//
//	go run ./bench/gbmsize -leads 2000,5000,10000 -seeds 2,3,4,5
//	go run ./bench/gbmsize -leads 5000 -seeds 2,3 -variants leaves=8,lambda=2
//
// A variant sets gbm parameters on top of the defaults: leaves=N,
// lambda=X (the penalty per lead, as report.json's gbm.lambda_per_lead),
// minleaf=N, depth=N, trees=N, lr=X, subsample=X, colsample=X; join several with '+', as in
// leaves=8+lambda=2.
package main

import (
	"context"
	"flag"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/leadscore/leadscore/datasets/synth"
	"github.com/leadscore/leadscore/features"
	"github.com/leadscore/leadscore/models"
	"github.com/leadscore/leadscore/models/gbm"
	"github.com/leadscore/leadscore/models/rules"
	"github.com/leadscore/leadscore/training"
)

func main() {
	sizes := flag.String("leads", "2000,5000,10000", "comma-separated numbers of generated leads")
	seeds := flag.String("seeds", "2,3,4", "comma-separated generator seeds (the fits use seed 1)")
	variants := flag.String("variants", "", "comma-separated gbm variants besides the defaults (see the package comment)")
	dir := flag.String("dir", "", "directory for the generated data, kept between runs (default: a temporary one, removed)")
	flag.Parse()
	if err := run(*sizes, *seeds, *variants, *dir); err != nil {
		fmt.Fprintln(os.Stderr, "gbmsize:", err)
		os.Exit(1)
	}
}

type variant struct {
	name string
	set  func(*gbm.Params)
}

func run(sizeList, seedList, variantList, dir string) error {
	sizes, err := ints(sizeList, "-leads")
	if err != nil {
		return err
	}
	seeds, err := ints(seedList, "-seeds")
	if err != nil {
		return err
	}
	vars := []variant{{"default", func(*gbm.Params) {}}}
	for _, v := range strings.Split(variantList, ",") {
		if v = strings.TrimSpace(v); v == "" {
			continue
		}
		set, err := parseVariant(v)
		if err != nil {
			return err
		}
		vars = append(vars, variant{v, set})
	}
	if dir == "" {
		tmp, err := os.MkdirTemp("", "gbmsize-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(tmp)
		dir = tmp
	}
	fmt.Println("| leads | seed | positive training leads | logistic ROC AUC |" + names(vars, " ROC AUC |") + " gbm ECE (default) |")
	fmt.Println("|---|---|---|---|" + strings.Repeat("---|", len(vars)+1))
	type sums struct{ logistic, n float64 }
	mean := map[int]*sums{}
	gbmMean := map[int][]float64{}
	for _, n := range sizes {
		mean[n] = &sums{}
		gbmMean[n] = make([]float64, len(vars))
		for _, seed := range seeds {
			data := filepath.Join(dir, fmt.Sprintf("b2b-%d-%d", n, seed))
			if _, err := os.Stat(filepath.Join(data, "outcomes.csv")); err != nil {
				if _, err := synth.Generate(synth.Config{Profile: synth.ProfileB2B, Leads: n, Seed: int64(seed)}, data, nil); err != nil {
					return err
				}
			}
			opt := training.Options{
				Data: filepath.Join(data, "leads.csv"), Events: filepath.Join(data, "events.csv"), Outcomes: filepath.Join(data, "outcomes.csv"),
				Config: features.DefaultConfig(), RulesYAML: rules.Default(synth.ProfileB2B), Seed: 1,
			}
			ctx := context.Background()
			prep, err := training.Prepare(ctx, opt)
			if err != nil {
				return err
			}
			split, err := training.DefaultSplit(opt, prep.Dataset)
			if err != nil {
				return err
			}
			o := opt
			o.Models = []string{models.Logistic}
			res, err := training.Fit(ctx, o, prep, split)
			if err != nil {
				return err
			}
			lauc := res.Report.Metrics[models.Logistic].ROCAUC
			row := fmt.Sprintf("| %d | %d | %d | %.4f |", n, seed, positiveLeads(prep.Dataset, split.Train), lauc)
			mean[n].logistic += lauc
			mean[n].n++
			var ece float64
			for k, v := range vars {
				o := opt
				o.Models = []string{models.GBM}
				o.GBM = training.GBMDefaults(o.Config)
				v.set(&o.GBM)
				res, err := training.Fit(ctx, o, prep, split)
				if err != nil {
					return fmt.Errorf("%d leads, seed %d, %s: %w", n, seed, v.name, err)
				}
				m := res.Report.Metrics[models.GBM]
				row += fmt.Sprintf(" %.4f |", m.ROCAUC)
				gbmMean[n][k] += m.ROCAUC
				if k == 0 {
					ece = m.ECE
				}
			}
			fmt.Printf("%s %.4f |\n", row, ece)
		}
	}
	fmt.Println()
	fmt.Println("| leads | seeds | logistic mean ROC AUC |" + names(vars, " mean (gap to logistic) |"))
	fmt.Println("|---|---|---|" + strings.Repeat("---|", len(vars)))
	for _, n := range sizes {
		s := mean[n]
		l := s.logistic / s.n
		row := fmt.Sprintf("| %d | %d | %.4f |", n, int(s.n), l)
		for k := range vars {
			g := gbmMean[n][k] / s.n
			row += fmt.Sprintf(" %.4f (%+.4f) |", g, g-l)
		}
		fmt.Println(row)
	}
	return nil
}

// positiveLeads counts the distinct leads with a converting row among rows.
func positiveLeads(ds *features.Dataset, rows []int) int {
	won := map[string]bool{}
	for _, r := range rows {
		if ds.Labels[r] > 0 {
			won[ds.LeadIDs[r]] = true
		}
	}
	return len(won)
}

// names renders one table header cell per variant.
func names(vs []variant, suffix string) string {
	var b strings.Builder
	for _, v := range vs {
		b.WriteString(" gbm " + v.name + suffix)
	}
	return b.String()
}

func ints(s, flagName string) ([]int, error) {
	var out []int
	for _, f := range strings.Split(s, ",") {
		v, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || v < 1 {
			return nil, fmt.Errorf("%s: %q is not a positive integer", flagName, f)
		}
		out = append(out, v)
	}
	return out, nil
}

// parseVariant parses name=value settings joined by '+'.
func parseVariant(v string) (func(*gbm.Params), error) {
	var sets []func(*gbm.Params)
	for _, kv := range strings.Split(v, "+") {
		k, val, ok := strings.Cut(kv, "=")
		x, err := strconv.ParseFloat(val, 64)
		if !ok || err != nil || math.IsNaN(x) || x <= 0 {
			return nil, fmt.Errorf("-variants: %q: expected NAME=POSITIVE NUMBER", kv)
		}
		var set func(*gbm.Params)
		switch k {
		case "leaves":
			set = func(p *gbm.Params) { p.Leaves = int(x) }
		case "lambda":
			set = func(p *gbm.Params) { p.Lambda = x }
		case "minleaf":
			set = func(p *gbm.Params) { p.MinDataInLeaf = int(x) }
		case "depth":
			set = func(p *gbm.Params) { p.MaxDepth = int(x) }
		case "trees":
			set = func(p *gbm.Params) { p.Trees = int(x) }
		case "lr":
			set = func(p *gbm.Params) { p.LearningRate = x }
		case "subsample":
			set = func(p *gbm.Params) { p.Subsample = x }
		case "colsample":
			set = func(p *gbm.Params) { p.ColSample = x }
		default:
			return nil, fmt.Errorf("-variants: %q: unknown setting %q (leaves, lambda, minleaf, depth, trees, lr, subsample, colsample)", kv, k)
		}
		sets = append(sets, set)
	}
	return func(p *gbm.Params) {
		for _, s := range sets {
			s(p)
		}
	}, nil
}
