// Package monitor judges issued scores against what happened and keeps,
// for each model version and for the rule sheet, the figures that say
// whether the scores came true: calibration (issued probability against
// realised conversion, by decile, and the expected calibration error), ROC
// AUC, the share of conversions captured by the top 10% of scores, and
// the conversion rate of each tier and of MQLs. It raises an alert when a
// model's live ECE or AUC has degraded beyond thresholds relative to the
// held-out figures its bundle was trained with.
//
// The computation is pure: Judge turns the prediction log and the
// recorded outcomes into judged scores, Compute turns those into Figures,
// Check compares Figures with a Baseline. The metrics themselves are
// package metrics' (ROCAUC, ECE, TopShareCaptured).
package monitor

import (
	"cmp"
	"math"
	"slices"
	"time"

	"github.com/leadscore/leadscore/metrics"
)

// Rules is the Model of the rule sheet's series.
const Rules = "rules"

// Issued is one score as the prediction log keeps it: the champion
// model's probability and tier, and the rule sheet's result beside it.
type Issued struct {
	LeadID string
	// Version is the bundle version that issued the score; Model the
	// bundle's champion model (gbm, logistic or rules).
	Version string
	Model   string
	At      time.Time
	// Probability and Tier are the champion's calibrated probability and
	// tier (hot, warm, cold).
	Probability float64
	Tier        string
	// HasRules is set when the bundle has a rule sheet: RulesPoints and
	// RulesTier (hot, warm, cold, disqualified) are its result, and
	// RulesProbability the sheet's calibrated probability (NaN when the
	// bundle does not calibrate it).
	HasRules         bool
	RulesPoints      float64
	RulesTier        string
	RulesProbability float64
}

// Judged is an issued score whose horizon has passed: Converted says
// whether the lead converted within the horizon after it.
type Judged struct {
	Issued
	Converted bool
}

// Judge returns the scores of issued whose horizon has passed by now,
// each labelled with whether its lead converted within horizon after it
// (convertedAt holds the conversion time of every converted lead). A
// score issued at or after its lead's conversion is left out: there was
// nothing left to predict. A lead rescored several times counts once per
// UTC day and bundle version (its first score of the day), so a lead
// rescored hourly weighs what a lead scored once a day weighs, as the
// daily snapshots of training do. The result is ordered by time, then
// lead id.
func Judge(issued []Issued, convertedAt map[string]time.Time, horizon time.Duration, now time.Time) []Judged {
	sorted := slices.Clone(issued)
	slices.SortStableFunc(sorted, func(a, b Issued) int {
		if c := a.At.Compare(b.At); c != 0 {
			return c
		}
		return cmp.Compare(a.LeadID, b.LeadID)
	})
	type key struct {
		lead, version string
		day           int64
	}
	seen := map[key]bool{}
	var out []Judged
	for _, s := range sorted {
		if s.At.Add(horizon).After(now) {
			continue
		}
		conv, ok := convertedAt[s.LeadID]
		if ok && !conv.After(s.At) {
			continue
		}
		k := key{s.LeadID, s.Version, s.At.UTC().Unix() / 86400}
		if seen[k] {
			continue
		}
		seen[k] = true
		out = append(out, Judged{Issued: s, Converted: ok && !conv.After(s.At.Add(horizon))})
	}
	return out
}

// Bin is one decile of a calibration table: the judged scores ranked by
// issued probability, split into ten groups of (nearly) equal size, decile
// 1 the highest.
type Bin struct {
	Decile    int     `json:"decile"`
	N         int     `json:"n"`
	Predicted float64 `json:"predicted"` // mean issued probability
	Observed  float64 `json:"observed"`  // share that converted
}

// Rate is the conversion of one group of judged scores.
type Rate struct {
	Group       string  `json:"group"`
	N           int     `json:"n"`
	Conversions int     `json:"conversions"`
	Rate        float64 `json:"rate"` // NaN when N is 0
}

// Figures are the live figures of one series: one model version's
// champion, or its rule sheet (Model == Rules).
type Figures struct {
	Version     string `json:"version"`
	Model       string `json:"model"`
	N           int    `json:"n"`
	Conversions int    `json:"conversions"`
	// Calibration and ECE compare issued probabilities with conversions
	// (empty and NaN for a rule sheet without a calibrated probability).
	Calibration []Bin   `json:"calibration"`
	ECE         float64 `json:"ece"`
	// AUC and Top10 rank by the probability (a model) or the points (the
	// rule sheet).
	AUC   float64 `json:"roc_auc"`
	Top10 float64 `json:"top10_capture"`
	// Tiers are the conversion rates of each tier, hottest first; MQL that
	// of the marketing-qualified leads (rule sheet: tier hot or warm, not
	// disqualified; model: tier hot or warm, as the backtest counts them).
	Tiers []Rate `json:"tiers"`
	MQL   Rate   `json:"mql"`
}

// ECEBins is the number of equal-width bins of the ECE.
const ECEBins = 10

// Tier orders of the tables.
var (
	modelTiers = []string{"hot", "warm", "cold"}
	ruleTiers  = []string{"hot", "warm", "cold", "disqualified"}
)

// Compute returns the figures of every series in judged: each bundle
// version's champion and, when it has one, its rule sheet, ordered by
// version and then the champion before the rule sheet.
func Compute(judged []Judged) []Figures {
	byVersion := map[string][]Judged{}
	var versions []string
	for _, j := range judged {
		if _, ok := byVersion[j.Version]; !ok {
			versions = append(versions, j.Version)
		}
		byVersion[j.Version] = append(byVersion[j.Version], j)
	}
	slices.Sort(versions)
	var out []Figures
	for _, v := range versions {
		js := byVersion[v]
		n := len(js)
		y := make([]float64, n)
		p := make([]float64, n)
		tiers := make([]string, n)
		for i, j := range js {
			if j.Converted {
				y[i] = 1
			}
			p[i], tiers[i] = j.Probability, j.Tier
		}
		champ := js[n-1].Model
		out = append(out, series(v, champ, y, p, p, tiers, modelTiers))
		var ry, rp, rs []float64
		var rt []string
		calibrated := true
		for i, j := range js {
			if !j.HasRules {
				continue
			}
			ry = append(ry, y[i])
			rs = append(rs, j.RulesPoints)
			rp = append(rp, j.RulesProbability)
			rt = append(rt, j.RulesTier)
			calibrated = calibrated && !math.IsNaN(j.RulesProbability)
		}
		if len(ry) > 0 {
			if !calibrated {
				rp = nil
			}
			out = append(out, series(v, Rules, ry, rp, rs, rt, ruleTiers))
		}
	}
	return out
}

// series computes one series' figures: labels y, probabilities p (nil:
// none), ranking scores s and tiers.
func series(version, model string, y, p, s []float64, tiers, order []string) Figures {
	f := Figures{Version: version, Model: model, N: len(y), ECE: math.NaN()}
	for _, v := range y {
		if v == 1 {
			f.Conversions++
		}
	}
	f.AUC = metrics.ROCAUC(y, s, nil)
	f.Top10 = metrics.TopShareCaptured(y, s, 0.10)
	if p != nil {
		f.ECE = metrics.ECE(y, p, ECEBins)
		f.Calibration = deciles(y, p)
	}
	mql := Rate{Group: "mql"}
	for _, t := range order {
		r := Rate{Group: t}
		for i, ti := range tiers {
			if ti != t {
				continue
			}
			r.N++
			if y[i] == 1 {
				r.Conversions++
			}
		}
		r.Rate = rate(r)
		f.Tiers = append(f.Tiers, r)
		if t == "hot" || t == "warm" {
			mql.N += r.N
			mql.Conversions += r.Conversions
		}
	}
	mql.Rate = rate(mql)
	f.MQL = mql
	return f
}

func rate(r Rate) float64 {
	if r.N == 0 {
		return math.NaN()
	}
	return float64(r.Conversions) / float64(r.N)
}

// deciles ranks rows by p, highest first (ties by row), and returns ten
// groups: decile d holds ranked rows [(d-1)n/10, dn/10), as
// metrics.Evaluate splits its deciles.
func deciles(y, p []float64) []Bin {
	n := len(y)
	idx := make([]int, n)
	for i := range idx {
		idx[i] = i
	}
	slices.SortStableFunc(idx, func(a, b int) int { return cmp.Compare(p[b], p[a]) })
	out := make([]Bin, 0, 10)
	for d := range 10 {
		lo, hi := d*n/10, (d+1)*n/10
		b := Bin{Decile: d + 1, N: hi - lo, Predicted: math.NaN(), Observed: math.NaN()}
		if b.N > 0 {
			var sp, sy float64
			for _, i := range idx[lo:hi] {
				sp += p[i]
				sy += y[i]
			}
			b.Predicted, b.Observed = sp/float64(b.N), sy/float64(b.N)
		}
		out = append(out, b)
	}
	return out
}
