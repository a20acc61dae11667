// Command agecal measures how well a bundle's probabilities hold at any
// lead age: it generates fresh leads from the generator the bundle was
// trained on (a seed the training never saw), scores each lead through the
// bundle's scoring path at ages from 1 to 720 days (while it has not
// converted yet), and compares the probabilities with the generator's truth
// at that age (synth.TruthAtAges). It prints, per age band, the expected
// calibration error against the truth (10 bins of equal count by predicted
// probability; the mean |mean predicted - mean true| weighted by bin size),
// the mean predicted and true probabilities, and the share of scores that
// carried an out_of_range warning on lead_age, as JSON.
//
//	go run ./bench/agecal --model ./leadscore-quickstart/models/quickstart --leads 3000 --seed 99
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"sort"
	"time"

	"github.com/leadscore/leadscore/datasets"
	"github.com/leadscore/leadscore/datasets/synth"
	"github.com/leadscore/leadscore/features"
	"github.com/leadscore/leadscore/models"
)

// ages are the lead ages scored, in days.
var ages = []int{1, 2, 4, 7, 10, 14, 21, 30, 45, 60, 90, 120, 180, 270, 365, 540, 720}

// bands are the age bands reported, inclusive.
var bands = [][2]int{{1, 7}, {8, 30}, {31, 90}, {91, 365}, {366, 720}}

type band struct {
	Days        string  `json:"days"`
	Scores      int     `json:"scores"`
	ECE         float64 `json:"ece_vs_truth"`
	MeanPred    float64 `json:"mean_predicted"`
	MeanTruth   float64 `json:"mean_true"`
	AgeWarnings float64 `json:"share_with_lead_age_out_of_range"`
}

func main() {
	model := flag.String("model", "", "bundle directory (trained on `leadscore generate --profile b2b` data, as the quickstart's)")
	leads := flag.Int("leads", 3000, "fresh leads to generate")
	seed := flag.Int64("seed", 99, "generator seed of the fresh leads (use one the training did not)")
	flag.Parse()
	if err := run(*model, *leads, *seed); err != nil {
		fmt.Fprintln(os.Stderr, "agecal:", err)
		os.Exit(1)
	}
}

func run(model string, n int, seed int64) error {
	b, err := models.Load(model)
	if err != nil {
		return err
	}
	dir, err := os.MkdirTemp("", "agecal-*")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	cfg := synth.Config{Profile: synth.ProfileB2B, Leads: n, Seed: seed, Format: "csv"}
	if _, err := synth.Generate(cfg, dir, nil); err != nil {
		return err
	}
	truth, err := synth.TruthAtAges(cfg)
	if err != nil {
		return err
	}
	read := func(name string) (*datasets.Table, error) {
		t, _, err := datasets.ReadFile(filepath.Join(dir, name+".csv"), datasets.ReadOptions{})
		return t, err
	}
	var in features.Inputs
	if in.Leads, err = read(synth.LeadsFile); err != nil {
		return err
	}
	if in.Events, err = read(synth.EventsFile); err != nil {
		return err
	}
	if in.Outcomes, err = read(synth.OutcomesFile); err != nil {
		return err
	}
	// Every age of every lead that has not converted by then; nothing is
	// censored (the generator's leads stop converting after 120 days).
	fc := b.Spec.Config
	fc.SnapshotDays = ages
	in.AsOf = time.Date(2100, 1, 1, 0, 0, 0, 0, time.UTC)
	ds, err := features.Build(fc, in)
	if err != nil {
		return err
	}
	index := map[string]int{}
	for i := range n {
		index[synth.LeadID(i)] = i
	}
	res := b.ScoreDataset(ds, nil, models.ScoreOptions{}, 0)
	type obs struct{ p, truth float64 }
	byBand := make([][]obs, len(bands))
	warned := make([]int, len(bands))
	for _, r := range res {
		if r.Err != nil {
			return fmt.Errorf("lead %s: %w", r.LeadID, r.Err)
		}
		age := ds.Cutoffs[r.Row].Sub(ds.Created[r.Row]).Hours() / 24
		k := -1
		for j, bd := range bands {
			if int(math.Round(age)) >= bd[0] && int(math.Round(age)) <= bd[1] {
				k = j
			}
		}
		if k < 0 {
			continue
		}
		tp, err := truth.P(index[r.LeadID], age)
		if err != nil {
			return err
		}
		byBand[k] = append(byBand[k], obs{r.Result.Probability, tp})
		for _, w := range r.Result.Warnings {
			if w.Code == models.WarnOutOfRange && w.Field == "lead_age" {
				warned[k]++
				break
			}
		}
	}
	var out []band
	for k, obsv := range byBand {
		sort.Slice(obsv, func(a, c int) bool { return obsv[a].p < obsv[c].p })
		bd := band{Days: fmt.Sprintf("%d-%d", bands[k][0], bands[k][1]), Scores: len(obsv)}
		const bins = 10
		for j := range bins {
			lo, hi := j*len(obsv)/bins, (j+1)*len(obsv)/bins
			if hi <= lo {
				continue
			}
			var sp, st float64
			for _, o := range obsv[lo:hi] {
				sp += o.p
				st += o.truth
			}
			bd.ECE += math.Abs(sp-st) / float64(len(obsv))
			bd.MeanPred += sp / float64(len(obsv))
			bd.MeanTruth += st / float64(len(obsv))
		}
		if len(obsv) > 0 {
			bd.AgeWarnings = float64(warned[k]) / float64(len(obsv))
		}
		out = append(out, bd)
	}
	enc := json.NewEncoder(os.Stdout)
	enc.SetIndent("", "  ")
	return enc.Encode(map[string]any{"model": b.Manifest.Version, "snapshot_days": b.Spec.Config.SnapshotDays, "leads": n, "seed": seed, "ages": ages, "bands": out})
}
