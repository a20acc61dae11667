package backtest

import (
	"math"
	"sort"

	"github.com/leadscore/leadscore/features"
	"github.com/leadscore/leadscore/models"
	"github.com/leadscore/leadscore/training/htmlreport"
)

// drift returns the PSI of every source field of the bundle's tree encoding
// between the training rows and the period's rows (largest first), and the
// PSI of the champion's probability. tree is that encoding of ds when the
// fit computed it, else nil.
func drift(b *models.Bundle, ds *features.Dataset, tree *features.Matrix, train, eval []int, champProb []float64) ([]Drift, htmlreport.Float) {
	if tree == nil {
		tree, _ = b.Spec.Tree(ds)
	}
	bySource := map[string]float64{}
	var order []string
	col := func(j int, rows []int) []float64 {
		out := make([]float64, len(rows))
		for k, r := range rows {
			out[k] = tree.At(r, j)
		}
		return out
	}
	for j, c := range tree.Columns {
		e, a := col(j, train), col(j, eval)
		var v float64
		if c.Categorical {
			v = PSICategorical(e, a)
		} else {
			v = PSI(e, a, 10)
		}
		src := c.Source
		if src == "" {
			src = c.Name
		}
		cur, ok := bySource[src]
		if !ok {
			order = append(order, src)
		}
		if !ok || v > cur || math.IsNaN(cur) {
			bySource[src] = v
		}
	}
	out := make([]Drift, 0, len(order))
	for _, src := range order {
		v := bySource[src]
		out = append(out, Drift{Feature: src, PSI: htmlreport.Float(v), Flagged: v > DriftThreshold})
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].PSI > out[j].PSI })
	score := PSI(pick(champProb, train), pick(champProb, eval), 10)
	return out, htmlreport.Float(score)
}

// maxCurvePoints bounds the points stored per curve.
const maxCurvePoints = 101

// curves computes, per model of the pooled scores, the ROC curve, the
// cumulative gains and the reliability diagram, and the champion's score
// distribution by outcome.
func curves(sc *scored) ([]Curve, *Distribution) {
	var out []Curve
	for k, name := range sc.names {
		if name == "predictive" {
			continue
		}
		m := sc.scores[k]
		c := Curve{Model: name}
		c.ROC, c.Gains = rocAndGains(m.rank, sc.y)
		c.Reliability = reliability(sc.y, m.prob, 10)
		out = append(out, c)
	}
	ci := len(sc.names) - 1
	for k, n := range sc.names {
		if n == Champion {
			ci = k
		}
	}
	return out, distribution(sc.y, sc.scores[ci].prob, 20)
}

// rocAndGains walks the ranking from the top: after each group of equal
// scores, the ROC point (false positive rate, true positive rate) and the
// gains point (share of leads taken, share of conversions captured).
func rocAndGains(r ranking, y []float64) (roc, gains []Point) {
	var totPos, totNeg float64
	for _, v := range y {
		if v == 1 {
			totPos++
		} else {
			totNeg++
		}
	}
	if totPos == 0 || totNeg == 0 {
		return nil, nil
	}
	roc = []Point{{0, 0}}
	gains = []Point{{0, 0}}
	step := (len(r.ends) + maxCurvePoints - 2) / (maxCurvePoints - 1)
	var tp, fp float64
	start := 0
	for g, end := range r.ends {
		for _, i := range r.order[start:end] {
			if y[i] == 1 {
				tp++
			} else {
				fp++
			}
		}
		start = end
		if g%step == step-1 || g == len(r.ends)-1 {
			roc = append(roc, Point{htmlreport.Float(fp / totNeg), htmlreport.Float(tp / totPos)})
			gains = append(gains, Point{htmlreport.Float(float64(end) / float64(len(y))), htmlreport.Float(tp / totPos)})
		}
	}
	return roc, gains
}

// reliability bins probabilities into equal-width bins and returns, for
// each bin with leads, the mean probability and the observed rate.
func reliability(y, p []float64, bins int) []Point {
	n := make([]float64, bins)
	sp := make([]float64, bins)
	sy := make([]float64, bins)
	for i := range y {
		b := min(bins-1, max(0, int(p[i]*float64(bins))))
		n[b]++
		sp[b] += p[i]
		sy[b] += y[i]
	}
	var out []Point
	for b := range n {
		if n[b] > 0 {
			out = append(out, Point{htmlreport.Float(sp[b] / n[b]), htmlreport.Float(sy[b] / n[b])})
		}
	}
	return out
}

// distribution is the histogram of p by outcome over equal-width bins from
// 0 to the largest probability (rounded up to a multiple of 0.05).
func distribution(y, p []float64, bins int) *Distribution {
	hi := 0.0
	for _, v := range p {
		hi = math.Max(hi, v)
	}
	hi = math.Min(1, math.Max(0.05, math.Ceil(hi*20)/20))
	d := &Distribution{Model: Champion}
	for k := 0; k <= bins; k++ {
		d.Edges = append(d.Edges, htmlreport.Float(hi*float64(k)/float64(bins)))
	}
	conv, other := make([]float64, bins), make([]float64, bins)
	var nc, no float64
	for i, v := range p {
		b := min(bins-1, max(0, int(v/hi*float64(bins))))
		if y[i] == 1 {
			conv[b]++
			nc++
		} else {
			other[b]++
			no++
		}
	}
	for b := 0; b < bins; b++ {
		d.Converted = append(d.Converted, htmlreport.Float(conv[b]/math.Max(nc, 1)))
		d.NotConverted = append(d.NotConverted, htmlreport.Float(other[b]/math.Max(no, 1)))
	}
	return d
}
