package features

import (
	"fmt"
	"math"
	"slices"
	"sort"
	"strings"

	"github.com/leadscore/leadscore/datasets"
	"github.com/leadscore/leadscore/metrics"
)

// Suspect is a column the leakage audit does not trust: it may carry the
// outcome (known only after conversion) or it carries nothing (an id, a
// constant). AUC is the column's single-column ROC AUC, max(AUC, 1-AUC), so
// 0.5 is no signal and 1 perfect separation.
type Suspect struct {
	Column string  `json:"column"`
	Reason string  `json:"reason"`
	AUC    float64 `json:"auc"`
}

// Audit thresholds.
const (
	// auditHighAUC flags any column that alone separates the classes this well.
	auditHighAUC = 0.95
	// auditDominantAUC and auditDominantGap flag a column far above every other.
	auditDominantAUC = 0.85
	auditDominantGap = 0.15
	// A column missing for more than auditMissNeg of non-converted rows but
	// for fewer than auditMissPos of converted rows is filled after conversion.
	auditMissNeg = 0.9
	auditMissPos = 0.5
	// A column missing at least auditFilledGap more often among
	// non-converted rows than among converted ones, whose values separate
	// the classes with AUC >= auditFilledAUC on the rows where it is filled,
	// was most likely filled in by sales after contact.
	auditFilledGap = 0.10
	auditFilledAUC = 0.80
	// auditSmoothing is the prior weight, in rows, of target-mean encoding.
	auditSmoothing = 10
	// auditFolds is the number of out-of-fold groups of target-mean encoding.
	auditFolds = 5
	// auditSeed seeds those folds: the audit of the same rows is always the
	// same.
	auditSeed = 0xa0d17
)

// columnStat is the audit's view of one raw feature.
type columnStat struct {
	name       string
	auc        float64
	reasons    []string
	candidate  bool // takes part in the "far above the others" comparison
	isConstant bool
	missPos    float64 // missing rate among converted rows
	missNeg    float64 // missing rate among non-converted rows
}

// Audit checks every candidate raw feature of d on the training rows train
// (all rows when nil) for leakage before training, and returns the suspects
// sorted by column name. A column is suspect when:
//   - its single-column ROC AUC is at least 0.95 (numbers by value with
//     missing lowest; categories by out-of-fold smoothed target mean, folds
//     grouped by lead), or it exceeds 0.85 and is more than 0.15 above every
//     other column;
//   - it is a lead field filled mostly only for converted leads (missing for
//     more than 90% of non-converted rows and fewer than 50% of converted);
//   - it is a lead field missing at least 10 points more often among
//     non-converted rows whose filled values separate the classes with AUC
//     0.80 or more (a field sales fills in after talking to the lead);
//   - it is a timestamp at or after the conversion for most converted leads;
//   - it is a lead field sales likely filled in or updated after first
//     contact (see AfterContactReason): its name says so ("last ...",
//     status, stage, result, quality, profile, score, index, tags, counts
//     and durations of sales contacts), its fill rate or its values differ
//     between the oldest and newest leads, or (flat data) it is a date
//     after the lead's creation;
//   - it is id-like (a distinct value for every lead) or constant.
//
// Fit leaves suspects out unless cfg.AllowLeaky lists them.
func Audit(cfg Config, d *Dataset, train []int) []Suspect {
	var out []Suspect
	for _, st := range auditColumns(cfg.WithDefaults(), d, train) {
		if len(st.reasons) > 0 {
			out = append(out, Suspect{Column: st.name, Reason: strings.Join(st.reasons, "; "), AUC: st.auc})
		}
	}
	sort.Slice(out, func(a, b int) bool { return out[a].Column < out[b].Column })
	return out
}

// auditColumns computes the audit statistics of every candidate raw
// feature: every lead field and derived feature, and the aggregates of event
// keys present in at least MinCategoryCount training rows.
func auditColumns(cfg Config, d *Dataset, train []int) []*columnStat {
	if train == nil {
		train = make([]int, d.Rows)
		for i := range train {
			train[i] = i
		}
	}
	y := make([]float64, len(train))
	npos := 0
	for j, i := range train {
		y[j] = d.Labels[i]
		if y[j] == 1 {
			npos++
		}
	}
	labelled := npos > 0 && npos < len(train)
	leadRows := distinctLeadRows(d, train)
	keyRows := eventKeyRows(d, train)
	var stats []*columnStat
	for fi := range d.defs {
		f := &d.defs[fi]
		if f.Origin == originEvent && keyRows[f.Key] < cfg.MinCategoryCount {
			continue
		}
		st := &columnStat{name: f.Name, auc: 0.5, candidate: true}
		var vals []float64 // numbers, or target-mean encodings of categories
		var missing []bool
		defer func() {
			if labelled && missing != nil {
				st.missPos, st.missNeg = missRates(missing, y)
			}
		}()
		if f.Categorical {
			g, ok := d.categorical(f)
			if !ok {
				continue
			}
			codes := make([]int32, len(train))
			for j, i := range train {
				codes[j] = g.code(i)
			}
			missing = make([]bool, len(train))
			for j, c := range codes {
				missing[j] = c < 0
			}
			if f.isField() && idLike(d, f, leadRows) {
				st.reasons = append(st.reasons, "id-like: a distinct value for every lead")
				st.candidate = false
			}
			if distinctCodes(codes) <= 1 {
				st.isConstant = true
			}
			if labelled && !st.isConstant {
				vals = targetMeanOOF(codes, y, d, train)
			}
		} else {
			get := d.numeric(f)
			if get == nil {
				continue
			}
			vals = make([]float64, len(train))
			missing = make([]bool, len(train))
			for j, i := range train {
				vals[j] = get(i)
				missing[j] = math.IsNaN(vals[j])
			}
			if f.isField() && f.Origin == originField && idLike(d, f, leadRows) {
				st.reasons = append(st.reasons, "id-like: a distinct value for every lead")
				st.candidate = false
			}
			if distinctNums(vals) <= 1 {
				st.isConstant = true
			}
			if !labelled || st.isConstant {
				vals = nil
			}
		}
		if st.isConstant {
			st.reasons = append(st.reasons, "constant: one value (or none) in every training row")
			st.candidate = false
		}
		if vals != nil {
			st.auc = aucAbs(vals, y)
			if st.auc >= auditHighAUC {
				st.reasons = append(st.reasons, fmt.Sprintf("single-column AUC %.3f >= %.2f: it separates converted from non-converted leads almost perfectly", st.auc, auditHighAUC))
			}
		}
		if labelled && f.isField() && !st.isConstant {
			mp, mn := missRates(missing, y)
			if mn > auditMissNeg && mp < auditMissPos {
				st.reasons = append(st.reasons, fmt.Sprintf("filled mostly for converted leads: missing for %.0f%% of non-converted but %.0f%% of converted", 100*mn, 100*mp))
			} else if mn-mp >= auditFilledGap {
				if a, n := filledAUC(f, d, train, y, missing); n >= 20 && a >= auditFilledAUC {
					st.reasons = append(st.reasons, fmt.Sprintf("filled more often for converted leads (missing for %.0f%% of non-converted, %.0f%% of converted) and strongly predictive where filled (AUC %.3f on the %d filled rows): typical of a field the sales team fills in after contact", 100*mn, 100*mp, a, n))
				}
			}
		}
		if f.isField() && !st.isConstant && st.candidate {
			if e := afterContactEvidence(f, d, leadRows); e != "" {
				st.reasons = append(st.reasons, AfterContactReason+" ("+e+")")
			}
		}
		if f.Origin == originFieldTime {
			if frac, n := afterConversion(d, f, train); n >= 5 && frac > 0.5 {
				st.reasons = append(st.reasons, fmt.Sprintf("timestamp at or after the conversion for %.0f%% of %d converted leads", 100*frac, n))
			}
		}
		stats = append(stats, st)
	}
	// A column far above every other.
	var cands []*columnStat
	for _, st := range stats {
		if st.candidate {
			cands = append(cands, st)
		}
	}
	sort.SliceStable(cands, func(a, b int) bool { return cands[a].auc > cands[b].auc })
	if len(cands) >= 2 {
		best, second := cands[0], cands[1]
		if best.auc > auditDominantAUC && best.auc-second.auc > auditDominantGap && best.auc < auditHighAUC {
			best.reasons = append(best.reasons, fmt.Sprintf("AUC %.3f far above every other column (next best %s at %.3f)", best.auc, second.name, second.auc))
		}
	}
	return stats
}

// filledAUC returns the single-column AUC of lead field f on the training
// rows where it is filled, and their number.
func filledAUC(f *Feature, d *Dataset, train []int, y []float64, missing []bool) (float64, int) {
	var sub []int
	var ys []float64
	for j, i := range train {
		if !missing[j] {
			sub = append(sub, i)
			ys = append(ys, y[j])
		}
	}
	if len(sub) == 0 {
		return 0.5, 0
	}
	if f.Categorical {
		g, _ := d.categorical(f)
		codes := make([]int32, len(sub))
		for j, i := range sub {
			codes[j] = g.code(i)
		}
		return aucAbs(targetMeanOOF(codes, ys, d, sub), ys), len(sub)
	}
	get := d.numeric(f)
	x := make([]float64, len(sub))
	for j, i := range sub {
		x[j] = get(i)
	}
	return aucAbs(x, ys), len(sub)
}

// distinctLeadRows returns one leads-table row per distinct lead in train:
// the fields its first row in train sees.
func distinctLeadRows(d *Dataset, train []int) []int {
	seen := make(map[int]bool, len(train))
	var out []int
	for _, i := range train {
		if g := d.LeadGroup(i); !seen[g] {
			seen[g] = true
			out = append(out, d.LeadRows[i])
		}
	}
	return out
}

// idLike reports whether a lead field holds a distinct value for (nearly)
// every lead: at least 20 leads, 95% filled, all values distinct, and numbers
// all whole.
func idLike(d *Dataset, f *Feature, leadRows []int) bool {
	c := d.Leads.Col(f.Field)
	if c == nil || len(leadRows) < 20 {
		return false
	}
	filled := 0
	switch c.Kind {
	case datasets.KindCategory, datasets.KindText:
		seen := make(map[int32]bool, len(leadRows))
		for _, r := range leadRows {
			code := c.Codes[r]
			if code < 0 {
				continue
			}
			if seen[code] {
				return false
			}
			seen[code] = true
			filled++
		}
	case datasets.KindNumber:
		seen := make(map[float64]bool, len(leadRows))
		for _, r := range leadRows {
			x := c.Num[r]
			if math.IsNaN(x) {
				continue
			}
			if seen[x] || x != math.Trunc(x) {
				return false
			}
			seen[x] = true
			filled++
		}
	default:
		return false
	}
	return float64(filled) >= 0.95*float64(len(leadRows))
}

func distinctCodes(codes []int32) int {
	seen := map[int32]bool{}
	for _, c := range codes {
		if c >= 0 {
			seen[c] = true
			if len(seen) > 1 {
				break
			}
		}
	}
	return len(seen)
}

func distinctNums(vals []float64) int {
	first, n := 0.0, 0
	for _, x := range vals {
		if math.IsNaN(x) {
			continue
		}
		if n == 0 {
			first, n = x, 1
		} else if x != first {
			return 2
		}
	}
	return n
}

// missRates returns the missing rate among positive and negative rows.
func missRates(missing []bool, y []float64) (pos, neg float64) {
	var np, nn, mp, mn float64
	for j, m := range missing {
		if y[j] == 1 {
			np++
			if m {
				mp++
			}
		} else {
			nn++
			if m {
				mn++
			}
		}
	}
	return mp / np, mn / nn
}

// afterConversion returns the fraction of converted training leads with a
// value in timestamp field f at or after their conversion, and their number.
func afterConversion(d *Dataset, f *Feature, train []int) (float64, int) {
	c := d.Leads.Col(f.Field)
	if c == nil || c.Kind != datasets.KindTime {
		return 0, 0
	}
	seen := map[int]bool{}
	n, after := 0, 0
	for _, i := range train {
		r, g := d.LeadRows[i], d.LeadGroup(i)
		if seen[g] || d.ConvertedAt[i].IsZero() || c.Time[r] == datasets.MissingTime {
			continue
		}
		seen[g] = true
		n++
		if c.Time[r] >= d.ConvertedAt[i].UnixNano() {
			after++
		}
	}
	if n == 0 {
		return 0, 0
	}
	return float64(after) / float64(n), n
}

// targetMeanOOF encodes category codes by the smoothed mean label of the
// same category in the other folds (Folds, stratified and grouped by lead,
// so a lead's own snapshots never encode each other). Missing is its own
// category.
func targetMeanOOF(codes []int32, y []float64, d *Dataset, train []int) []float64 {
	maxc := int32(0)
	for _, c := range codes {
		maxc = max(maxc, c)
	}
	ncat := int(maxc) + 2 // last slot: missing
	slot := func(c int32) int {
		if c < 0 {
			return ncat - 1
		}
		return int(c)
	}
	sum := make([][]float64, auditFolds)
	cnt := make([][]float64, auditFolds)
	var tsum [auditFolds]float64
	var tcnt [auditFolds]float64
	leadOf := make([]int, len(codes))
	for j := range codes {
		leadOf[j] = d.LeadGroup(train[j])
	}
	// Folds fails only for k < 1 or a group per row missing; neither can be.
	fold, _ := Folds(y, leadOf, auditFolds, auditSeed)
	for k := range sum {
		sum[k] = make([]float64, ncat)
		cnt[k] = make([]float64, ncat)
	}
	for j, c := range codes {
		k := fold[j]
		sum[k][slot(c)] += y[j]
		cnt[k][slot(c)]++
		tsum[k] += y[j]
		tcnt[k]++
	}
	allSum := make([]float64, ncat)
	allCnt := make([]float64, ncat)
	var gs, gc float64
	for k := range sum {
		for s := range allSum {
			allSum[s] += sum[k][s]
			allCnt[s] += cnt[k][s]
		}
		gs += tsum[k]
		gc += tcnt[k]
	}
	out := make([]float64, len(codes))
	for j, c := range codes {
		k, s := fold[j], slot(c)
		os, oc := allSum[s]-sum[k][s], allCnt[s]-cnt[k][s]
		prior := (gs - tsum[k]) / math.Max(gc-tcnt[k], 1)
		out[j] = (os + auditSmoothing*prior) / (oc + auditSmoothing)
	}
	return out
}

// aucAbs returns max(AUC, 1-AUC) of scores x against 0/1 labels y: how
// well the column alone separates the classes, whichever way round. AUC is
// metrics.ROCAUC (Mann-Whitney U / (positives x negatives), ties counting
// one half) with missing values (NaN) ranked below every number, as one tied
// group; it is 0.5 when y holds a single class.
func aucAbs(x, y []float64) float64 {
	s := make([]float64, len(x))
	for i, v := range x {
		if math.IsNaN(v) {
			v = math.Inf(-1)
		}
		s[i] = v
	}
	a := metrics.ROCAUC(y, s, nil)
	if math.IsNaN(a) {
		return 0.5
	}
	return math.Max(a, 1-a)
}

// median returns the median of vals (which it sorts).
func median(vals []float64) float64 {
	s := slices.Clone(vals)
	slices.Sort(s)
	n := len(s)
	if n%2 == 1 {
		return s[n/2]
	}
	return (s[n/2-1] + s[n/2]) / 2
}

// skewness returns the sample skewness E[(x-mean)^3]/sd^3 (0 when sd is 0).
func skewness(vals []float64) float64 {
	var m float64
	for _, x := range vals {
		m += x
	}
	m /= float64(len(vals))
	var m2, m3 float64
	for _, x := range vals {
		d := x - m
		m2 += d * d
		m3 += d * d * d
	}
	m2 /= float64(len(vals))
	m3 /= float64(len(vals))
	if m2 == 0 {
		return 0
	}
	return m3 / math.Pow(m2, 1.5)
}
