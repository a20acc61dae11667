package monitor

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/leadscore/leadscore/metrics"
)

var t0 = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

const day = 24 * time.Hour

func TestJudge(t *testing.T) {
	horizon := 90 * day
	now := t0.Add(100 * day)
	conv := map[string]time.Time{
		"won-inside":  t0.Add(30 * day),
		"won-late":    t0.Add(95 * day),
		"won-before":  t0.Add(-time.Hour),
		"won-at-edge": t0.Add(5*day + horizon),
	}
	at := func(lead string, d time.Duration, v string) Issued {
		return Issued{LeadID: lead, Version: v, Model: "gbm", At: t0.Add(d), Probability: 0.1, Tier: "cold"}
	}
	issued := []Issued{
		at("won-inside", 0, "v1"),
		at("won-late", 0, "v1"),
		at("won-before", 0, "v1"),
		at("won-at-edge", 5*day, "v1"),
		at("lost", 0, "v1"),
		at("lost", time.Hour, "v1"),          // same day, same version: counted once
		at("lost", 2*time.Hour, "v2"),        // another version counts
		at("lost", day, "v1"),                // the next day counts
		at("too-recent", 11*day, "v1"),       // horizon not over yet
		at("won-inside", 31*day, "v1"),       // after the conversion
		at("won-at-edge", 5*day+1, "v1"),     // same day as the other
		at("lost", 10*day-time.Second, "v1"), // horizon ends 1s before now-... still over
	}
	got := Judge(issued, conv, horizon, now)
	type row struct {
		lead string
		at   time.Duration
		v    string
		conv bool
	}
	var rows []row
	for _, j := range got {
		rows = append(rows, row{j.LeadID, j.At.Sub(t0), j.Version, j.Converted})
	}
	assert.Equal(t, []row{
		{"lost", 0, "v1", false},
		{"won-inside", 0, "v1", true},
		{"won-late", 0, "v1", false},
		{"lost", 2 * time.Hour, "v2", false},
		{"lost", day, "v1", false},
		{"won-at-edge", 5 * day, "v1", true},
		{"lost", 10*day - time.Second, "v1", false},
	}, rows)
}

// history makes judged scores of two versions whose probabilities carry
// signal: a lead converts with its probability, seeded.
func history(seed uint64, n int) []Judged {
	rng := rand.New(rand.NewPCG(seed, 1))
	var out []Judged
	for i := range n {
		v := "v1"
		if i%3 == 0 {
			v = "v2"
		}
		p := math.Round(rng.Float64()*rng.Float64()*1000) / 1000 // ties on purpose
		tier := "cold"
		switch {
		case p > 0.5:
			tier = "hot"
		case p > 0.2:
			tier = "warm"
		}
		pts := math.Round(p*60 + rng.NormFloat64()*10)
		rt := "cold"
		switch {
		case i%17 == 0:
			rt = "disqualified"
		case pts >= 50:
			rt = "hot"
		case pts >= 30:
			rt = "warm"
		}
		out = append(out, Judged{Issued: Issued{LeadID: fmt.Sprint("L-", i), Version: v, Model: "gbm", At: t0,
			Probability: p, Tier: tier, HasRules: true, RulesPoints: pts, RulesTier: rt, RulesProbability: math.Min(1, math.Max(0, pts/100))},
			Converted: rng.Float64() < p})
	}
	return out
}

// TestComputeMatchesOffline: every figure equals package metrics'
// computation on the same judged scores, done here from scratch.
func TestComputeMatchesOffline(t *testing.T) {
	js := history(3, 3000)
	figs := Compute(js)
	require.Len(t, figs, 4)
	for _, f := range figs {
		var y, p, s []float64
		var tiers []string
		for _, j := range js {
			if j.Version != f.Version {
				continue
			}
			yy := 0.0
			if j.Converted {
				yy = 1
			}
			y = append(y, yy)
			if f.Model == Rules {
				p, s, tiers = append(p, j.RulesProbability), append(s, j.RulesPoints), append(tiers, j.RulesTier)
			} else {
				p, s, tiers = append(p, j.Probability), append(s, j.Probability), append(tiers, j.Tier)
			}
		}
		name := f.Version + "/" + f.Model
		require.Equal(t, len(y), f.N, name)
		assert.Equal(t, metrics.ROCAUC(y, s, nil), f.AUC, name)
		assert.Equal(t, metrics.ECE(y, p, 10), f.ECE, name)
		assert.Equal(t, metrics.TopShareCaptured(y, s, 0.1), f.Top10, name)
		ev := metrics.Evaluate(y, p)
		assert.Equal(t, ev.Positives, f.Conversions, name)
		require.Len(t, f.Calibration, 10)
		sumN := 0
		for d, b := range f.Calibration {
			assert.Equal(t, ev.Deciles[d].N, b.N, name)
			assert.InDelta(t, ev.Deciles[d].Rate, b.Observed, 1e-12, name)
			assert.LessOrEqual(t, b.Predicted, ev.Deciles[d].MaxScore+1e-12)
			assert.GreaterOrEqual(t, b.Predicted, ev.Deciles[d].MinScore-1e-12)
			sumN += b.N
		}
		assert.Equal(t, f.N, sumN)
		counts := map[string][2]int{}
		for i, tr := range tiers {
			c := counts[tr]
			c[0]++
			if y[i] == 1 {
				c[1]++
			}
			counts[tr] = c
		}
		for _, r := range f.Tiers {
			assert.Equal(t, counts[r.Group][0], r.N, "%s %s", name, r.Group)
			assert.Equal(t, counts[r.Group][1], r.Conversions)
			assert.InDelta(t, float64(r.Conversions)/float64(r.N), r.Rate, 1e-12)
		}
		mql := counts["hot"][0] + counts["warm"][0]
		assert.Equal(t, mql, f.MQL.N)
		assert.InDelta(t, float64(counts["hot"][1]+counts["warm"][1])/float64(mql), f.MQL.Rate, 1e-12)
		// The history has signal: the live figures say so.
		assert.Greater(t, f.AUC, 0.6, name)
	}
	assert.Equal(t, []string{"v1/gbm", "v1/rules", "v2/gbm", "v2/rules"},
		[]string{figs[0].Version + "/" + figs[0].Model, figs[1].Version + "/" + figs[1].Model, figs[2].Version + "/" + figs[2].Model, figs[3].Version + "/" + figs[3].Model})
}

func TestComputeUncalibratedRules(t *testing.T) {
	js := history(4, 50)
	for i := range js {
		js[i].RulesProbability = math.NaN()
	}
	figs := Compute(js)
	require.Len(t, figs, 4)
	assert.True(t, math.IsNaN(figs[1].ECE))
	assert.Empty(t, figs[1].Calibration)
	assert.False(t, math.IsNaN(figs[1].AUC))
	assert.Empty(t, Compute(nil))
}

func TestCheck(t *testing.T) {
	f := Figures{Version: "v1", Model: "gbm", N: 500, Conversions: 60, AUC: 0.70, ECE: 0.04}
	cases := []struct {
		name string
		f    Figures
		base Baseline
		th   Thresholds
		want []string
	}{
		{"healthy", f, Baseline{AUC: 0.72, ECE: 0.02}, Thresholds{}, nil},
		{"auc dropped", f, Baseline{AUC: 0.80, ECE: 0.02}, Thresholds{}, []string{"roc_auc"}},
		{"ece rose", Figures{Version: "v1", Model: "gbm", N: 500, Conversions: 60, AUC: 0.7, ECE: 0.12}, Baseline{AUC: 0.72, ECE: 0.02}, Thresholds{}, []string{"ece"}},
		{"both", Figures{Version: "v1", Model: "gbm", N: 500, Conversions: 60, AUC: 0.6, ECE: 0.12}, Baseline{AUC: 0.72, ECE: 0.02}, Thresholds{}, []string{"ece", "roc_auc"}},
		{"tighter threshold", f, Baseline{AUC: 0.72, ECE: 0.02}, Thresholds{MaxAUCDrop: 0.01, MaxECERise: 0.01}, []string{"ece", "roc_auc"}},
		{"too few judged", Figures{Version: "v1", Model: "gbm", N: 150, Conversions: 60, AUC: 0.5, ECE: 0.3}, Baseline{AUC: 0.8, ECE: 0.02}, Thresholds{}, nil},
		{"too few conversions", Figures{Version: "v1", Model: "gbm", N: 500, Conversions: 10, AUC: 0.5, ECE: 0.3}, Baseline{AUC: 0.8, ECE: 0.02}, Thresholds{}, nil},
		{"no baseline", f, Baseline{AUC: math.NaN(), ECE: math.NaN()}, Thresholds{}, nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var got []string
			for _, a := range Check(tc.f, tc.base, tc.th) {
				got = append(got, a.Metric)
				assert.Contains(t, a.Message, "gbm of version v1")
				assert.Equal(t, tc.f.Version, a.Version)
			}
			assert.Equal(t, tc.want, got)
		})
	}
	a := Check(Figures{Version: "v1", Model: "gbm", N: 500, Conversions: 60, AUC: 0.6, ECE: 0.12}, Baseline{AUC: 0.72, ECE: 0.02}, Thresholds{})
	require.Len(t, a, 2)
	assert.InDelta(t, 0.07, a[0].Limit, 1e-12)
	assert.InDelta(t, 0.67, a[1].Limit, 1e-12)
}
