package sqlgen

import (
	"encoding/json"
	"fmt"
	"math"
	"strings"

	"github.com/leadscore/leadscore/features"
	"github.com/leadscore/leadscore/models"
	"github.com/leadscore/leadscore/models/calibrate"
)

// baseStage joins each lead with its event aggregates and computes the raw
// value of every feature (x<i>) and the rule sheet's rules (rf<i>, rp<i>).
func (c *compiler) baseStage() error {
	cols := []string{"lead_id", "cut_us"}
	for i := range c.spec.Features {
		e, err := c.rawFeature(&c.spec.Features[i])
		if err != nil {
			return err
		}
		cols = append(cols, fmt.Sprintf("%s AS x%d", e, i))
	}
	if c.plan != nil {
		cols = append(cols, c.ruleColumns()...)
	}
	from := "{{" + c.leads + "}} AS l"
	if c.usesEvents {
		from += " " + c.d.leftJoin + " {{agg}} AS a USING (lead_id)"
	}
	// A lead created after its scoring moment cannot be scored (leadscore
	// score gives it an error row); it is left out.
	c.add("base", fmt.Sprintf("SELECT\n  %s\nFROM %s\nWHERE created_us IS NULL OR created_us <= cut_us", strings.Join(cols, ",\n  "), from))
	return nil
}

// linearColumns mirrors features.Spec's linear encoding: per feature, the
// offset of its first column.
func (c *compiler) linearOffsets() ([]int, int) {
	offs := make([]int, len(c.spec.Features))
	n := 0
	for i, f := range c.spec.Features {
		offs[i] = n
		switch {
		case f.Categorical:
			n += len(f.Levels) + 2
		case f.Missing:
			n += 2
		default:
			n++
		}
	}
	return offs, n
}

// zExpr is the standardised linear value of numeric feature f (raw x):
// imputed with the median, clipped to the training range, optionally
// log1p-transformed, centred and scaled, as features.Feature.encodeNum.
func (c *compiler) zExpr(f *features.Feature, x string) string {
	d := c.d
	// The bundle's out-of-range mode: clip to the training range, to a
	// widened range, or not at all (Spec.OutOfRange, the same bounds as Go).
	v := "COALESCE(" + x + ", " + d.Float(f.Median) + ")"
	lo, hi := c.spec.OutOfRange.Bounds(f.Min, f.Max)
	if !math.IsInf(lo, -1) {
		v = d.Greatest(v, d.Float(lo))
	}
	if !math.IsInf(hi, 1) {
		v = d.Least(v, d.Float(hi))
	}
	if f.Log1p {
		v = d.Ln(d.Float(1) + " + " + d.Greatest(v, d.Float(0)))
	}
	return "(" + v + " - " + d.Float(f.Mean) + ") / " + d.Float(f.Std)
}

// hotCases returns, for categorical feature i with n levels, the condition
// under which its linear column k (a level, then other, then missing) is 1.
func hotCond(i, k, n int) string {
	switch {
	case k == n+1:
		return fmt.Sprintf("x%d IS NULL", i)
	default:
		return fmt.Sprintf("x%d = %d", i, k)
	}
}

func (c *compiler) modelStages() error {
	d := c.d
	b := c.b
	// enc: the linear encoding of numbers, a stage of its own when the
	// explanation reads it too (else written where the margin reads it).
	c.encStage = c.model == models.Logistic && c.opt.Explain > 0
	from := "{{base}} AS bs"
	if c.plan != nil {
		c.ruleInputStage()
		from = "{{rin}} AS ri"
	}
	if c.encStage {
		var cols []string
		for i := range c.spec.Features {
			f := &c.spec.Features[i]
			if !f.Categorical {
				cols = append(cols, fmt.Sprintf("%s AS z%d", c.zExpr(f, fmt.Sprintf("x%d", i)), i))
			}
		}
		if len(cols) == 0 {
			cols = append(cols, "0 AS z_none")
		}
		c.add("enc", fmt.Sprintf("SELECT\n  *,\n  %s\nFROM %s", strings.Join(cols, ",\n  "), from))
		from = "{{enc}} AS en"
	}

	// mdl: the model's raw score, the rule sheet's group totals and the
	// contributions to explain.
	var cols []string
	switch c.model {
	case models.Logistic:
		raw, err := c.logisticMargin()
		if err != nil {
			return err
		}
		cols = append(cols, raw+" AS raw_score")
	case models.GBM:
		raw, err := c.gbmMargin()
		if err != nil {
			return err
		}
		cols = append(cols, raw+" AS raw_score")
	}
	if c.model == models.Rules {
		cols = append(cols, "rules_points AS raw_score")
	}
	var srcNames []string
	if c.opt.Explain > 0 {
		var ctr []string
		var err error
		srcNames, ctr, err = c.contributions()
		if err != nil {
			return err
		}
		for k, e := range ctr {
			cols = append(cols, fmt.Sprintf("%s AS ctr%d", e, k))
		}
	}
	if len(cols) == 0 {
		cols = append(cols, "0 AS mdl_none")
	}
	c.add("mdl", fmt.Sprintf("SELECT\n  *,\n  %s\nFROM %s", strings.Join(cols, ",\n  "), from))

	// prob: calibration. Every discrete outcome (score, tier, the
	// percentile's interval) is then decided on the raw score against
	// thresholds found with the Go calibrator itself (see rawAtLeast), so
	// a probability one unit in the last place away from Go's (engines'
	// exp differ from Go's in the last bit) cannot move a lead across a
	// threshold it sits on.
	cal := b.Calibrators[c.model]
	p, err := c.calibration(cal, "raw_score")
	if err != nil {
		return err
	}
	f := cal.Apply
	scoreAt := func(s int) string { return c.rawAtLeast(f, func(p float64) bool { return models.ScoreOf(p) >= s }) }
	score := search(1, 99, func(mid int) string { return "NOT (" + scoreAt(mid+1) + ")" }, func(k int) string { return fmt.Sprint(k) })
	c.add("prob", fmt.Sprintf("SELECT *, %s AS probability, CAST(%s AS %s) AS score FROM {{mdl}} AS md", p, score, d.integer))

	// scored: percentile, grade, tier and the output columns.
	sc := b.Scoring
	out := []string{
		"lead_id", "probability", "score",
		c.percentile(sc.Population[c.model], f) + " AS percentile",
		fmt.Sprintf("CASE WHEN score >= %d THEN 'A' WHEN score >= %d THEN 'B' WHEN score >= %d THEN 'C' ELSE 'D' END AS grade", sc.GradeScores[0], sc.GradeScores[1], sc.GradeScores[2]),
		fmt.Sprintf("CASE WHEN %s THEN 'hot' WHEN %s THEN 'warm' ELSE 'cold' END AS tier",
			c.rawAtLeast(f, func(p float64) bool { return p >= sc.HotThreshold }), c.rawAtLeast(f, func(p float64) bool { return p >= sc.WarmThreshold })),
		d.Str(c.model) + " AS model",
	}
	if c.plan != nil {
		out = append(out, "rules_points", c.ruleTier()+" AS rules_tier")
	}
	if c.opt.Explain > 0 && c.d.reasonsArray {
		// The reasons from the contribution columns in the same SELECT:
		// no stage more for ClickHouse to analyse.
		c.final = fmt.Sprintf("SELECT\n  %s,\n  %s AS reasons\nFROM {{prob}} AS pb", strings.Join(out, ",\n  "), c.reasonsArray(srcNames))
		return nil
	}
	for k := range srcNames {
		out = append(out, fmt.Sprintf("ctr%d", k))
	}
	scored := fmt.Sprintf("SELECT\n  %s\nFROM {{prob}} AS pb", strings.Join(out, ",\n  "))
	if c.opt.Explain == 0 {
		c.final = scored
		return nil
	}
	c.add("scored", scored)
	cols = append([]string(nil), outputColumns...)
	if c.plan != nil {
		cols = append(cols, "rules_points", "rules_tier")
	}
	c.explainStages(srcNames)
	c.final = fmt.Sprintf("SELECT %s, COALESCE(reasons, '[]') AS reasons\nFROM {{scored}} AS s LEFT JOIN {{reasons}} AS r USING (lead_id)", strings.Join(cols, ", "))
	return nil
}

// ruleInputStage adds rin: the rule sheet's totals (rules_fit, rules_eng,
// rules_disq, rules_points) and the rule inputs the models read after the
// Spec's features (models.RuleInputs), as raw columns x<n+k> (n features):
// the fit and engagement points, and per fired input 1 when a rule of that
// name fired (a disqualifying one included), else 0.
func (c *compiler) ruleInputStage() {
	d := c.d
	fit, eng, disq := c.ruleTotals()
	points := c.rulePointsExpr(fit, eng)
	cols := []string{fit + " AS rules_fit", eng + " AS rules_eng", disq + " AS rules_disq", points + " AS rules_points"}
	n := len(c.spec.Features)
	for k, ri := range c.ruleInputs() {
		var e string
		switch ri.Kind {
		case "fit_points":
			e = fit
		case "engagement_points":
			e = eng
		default:
			var fired []string
			for i, r := range c.plan.Rules {
				if r.Name == ri.Rule {
					fired = append(fired, fmt.Sprintf("rf%d", i))
				}
			}
			e = d.Float(0)
			if len(fired) > 0 {
				e = fmt.Sprintf("CASE WHEN %s > 0 THEN %s ELSE %s END", strings.Join(fired, " + "), d.Float(1), d.Float(0))
			}
		}
		cols = append(cols, fmt.Sprintf("%s AS x%d", e, n+k))
	}
	c.add("rin", fmt.Sprintf("SELECT\n  *,\n  %s\nFROM {{base}} AS bs", strings.Join(cols, ",\n  ")))
}

// ruleInputs are the bundle's rule inputs (none without a sheet).
func (c *compiler) ruleInputs() []models.RuleInput {
	if c.b.RuleInputs == nil || c.plan == nil {
		return nil
	}
	return c.b.RuleInputs.Columns
}

// ruleInputZ is the linear value of rule input k: (x - Mean) / Std *
// LinearScale, as models.RuleInputs.Encode (not clipped).
func (c *compiler) ruleInputZ(k int) string {
	ri := c.ruleInputs()[k]
	z := fmt.Sprintf("((x%d - %s) / %s)", len(c.spec.Features)+k, c.d.Float(ri.Mean), c.d.Float(ri.Std))
	if s := ri.LinearScale(); s != 1 {
		z = fmt.Sprintf("(%s * %s)", z, c.d.Float(s))
	}
	return z
}

// logisticMargin is Intercept + sum_j Weights[j] x_j over the linear
// columns in order (columns that are 0 add nothing and are left out): the
// Spec's, then the rule inputs.
func (c *compiler) logisticMargin() (string, error) {
	d := c.d
	m := c.b.Logistic
	offs, n := c.linearOffsets()
	if n+len(c.ruleInputs()) != len(m.Weights) {
		return "", fmt.Errorf("logistic model has %d weights, the feature spec and rule inputs encode %d linear columns", len(m.Weights), n+len(c.ruleInputs()))
	}
	var b strings.Builder
	b.WriteString(d.Float(m.Intercept))
	for i := range c.spec.Features {
		f := &c.spec.Features[i]
		j := offs[i]
		if f.Categorical {
			nl := len(f.Levels)
			fmt.Fprintf(&b, "\n  + CASE WHEN x%d IS NULL THEN %s", i, d.Float(m.Weights[j+nl+1]))
			for k := 0; k <= nl; k++ {
				fmt.Fprintf(&b, " WHEN x%d = %d THEN %s", i, k, d.Float(m.Weights[j+k]))
			}
			b.WriteString(" END")
			continue
		}
		fmt.Fprintf(&b, "\n  + %s * %s", d.Float(m.Weights[j]), c.z(i))
		if f.Missing {
			fmt.Fprintf(&b, "\n  + CASE WHEN x%d IS NULL THEN %s ELSE %s END", i, d.Float(m.Weights[j+1]), d.Float(0))
		}
	}
	for k := range c.ruleInputs() {
		fmt.Fprintf(&b, "\n  + %s * %s", d.Float(m.Weights[n+k]), c.ruleInputZ(k))
	}
	return "(" + b.String() + ")", nil
}

// contributions returns the explained sources (the names leadscore score
// reports) and, for each, its contribution: for the logistic model the sum
// over the source's linear columns of Weights[j] * (x_j - Means[j]), in
// column order from 0; for the rule sheet the points of the rules of that
// name.
func (c *compiler) contributions() ([]string, []string, error) {
	d := c.d
	var names []string
	index := map[string]int{}
	var sums []string
	addTerm := func(src, term string) {
		k, ok := index[src]
		if !ok {
			k = len(names)
			index[src] = k
			names = append(names, src)
			sums = append(sums, d.Float(0))
		}
		sums[k] = sums[k] + "\n    + " + term
	}
	if c.model == models.Rules {
		for i, r := range c.plan.Rules {
			addTerm(r.Name, fmt.Sprintf("rp%d", i))
		}
	} else {
		m := c.b.Logistic
		if len(m.Means) != len(m.Weights) {
			return nil, nil, fmt.Errorf("logistic model has %d means for %d weights", len(m.Means), len(m.Weights))
		}
		offs, _ := c.linearOffsets()
		for i := range c.spec.Features {
			f := &c.spec.Features[i]
			j := offs[i]
			const1 := func(j int) (string, string) {
				w, mu := m.Weights[j], m.Means[j]
				return d.Float(w * (1 - mu)), d.Float(w * (0 - mu))
			}
			if f.Categorical {
				nl := len(f.Levels)
				if _, seen := index[f.Source]; !seen {
					// The first terms of their source: their sum from 0,
					// added in column order as the query would add them,
					// is a constant per level, so one CASE replaces a
					// CASE per column (much less for an engine to plan).
					level := func(hot int) string {
						sum := 0.0
						for k := 0; k <= nl+1; k++ {
							w, mu := m.Weights[j+k], m.Means[j+k]
							x := 0.0
							if k == hot {
								x = 1
							}
							sum += w * (x - mu)
						}
						return d.Float(sum)
					}
					var b strings.Builder
					fmt.Fprintf(&b, "CASE WHEN x%d IS NULL THEN %s", i, level(nl+1))
					for k := 0; k <= nl; k++ {
						fmt.Fprintf(&b, " WHEN x%d = %d THEN %s", i, k, level(k))
					}
					b.WriteString(" END")
					addTerm(f.Source, b.String())
					continue
				}
				for k := 0; k <= nl+1; k++ {
					one, zero := const1(j + k)
					addTerm(f.Source, fmt.Sprintf("CASE WHEN %s THEN %s ELSE %s END", hotCond(i, k, nl), one, zero))
				}
				continue
			}
			addTerm(f.Source, fmt.Sprintf("%s * (%s - %s)", d.Float(m.Weights[j]), c.z(i), d.Float(m.Means[j])))
			if f.Missing {
				one, zero := const1(j + 1)
				addTerm(f.Source, fmt.Sprintf("CASE WHEN x%d IS NULL THEN %s ELSE %s END", i, one, zero))
			}
		}
		_, n := c.linearOffsets()
		for k, ri := range c.ruleInputs() {
			addTerm(ri.Source, fmt.Sprintf("%s * (%s - %s)", d.Float(m.Weights[n+k]), c.ruleInputZ(k), d.Float(m.Means[n+k])))
		}
	}
	for k := range sums {
		sums[k] = "(" + sums[k] + ")"
	}
	return names, sums, nil
}

// explainStages rank each lead's contributions and keep the K largest
// positive ones, largest first, then the K most negative, most negative
// first, ties by feature name, as models.Scorer explains; reasons is their
// JSON array.
func (c *compiler) explainStages(names []string) {
	d := c.d
	k := c.opt.Explain
	var idx, feat, ctr strings.Builder
	feat.WriteString("CASE n.i")
	ctr.WriteString("CASE n.i")
	for i, name := range names {
		if i > 0 {
			idx.WriteString(" UNION ALL ")
		}
		fmt.Fprintf(&idx, "SELECT %d AS i", i)
		fmt.Fprintf(&feat, " WHEN %d THEN %s", i, d.Str(name))
		fmt.Fprintf(&ctr, " WHEN %d THEN ctr%d", i, i)
	}
	feat.WriteString(" END")
	ctr.WriteString(" END")
	c.add("ex", fmt.Sprintf("SELECT lead_id, %s AS feature, %s AS contribution\nFROM {{scored}} AS s CROSS JOIN (%s) AS n", feat.String(), ctr.String(), idx.String()))
	c.add("rk", "SELECT lead_id, feature, contribution,\n  ROW_NUMBER() OVER (PARTITION BY lead_id, CASE WHEN contribution > 0 THEN 1 ELSE 0 END\n    ORDER BY CASE WHEN contribution > 0 THEN -contribution ELSE contribution END,\n      CASE WHEN contribution > 0 THEN feature END, CASE WHEN contribution < 0 THEN feature END DESC) AS rn\nFROM {{ex}} AS e WHERE contribution <> 0")
	order := fmt.Sprintf("CASE WHEN contribution > 0 THEN rn ELSE %d + rn END", k)
	keep := fmt.Sprintf("rn <= %d", k)
	c.add("reasons", fmt.Sprintf("SELECT lead_id, %s AS reasons\nFROM {{rk}} AS r WHERE %s GROUP BY lead_id", fmt.Sprintf(d.reasons, "feature", "contribution", order, keep), keep))
}

// reasonsArray is explainStages' JSON array for an engine without window
// functions (ClickHouse), per lead from its contribution columns: the
// (-contribution, feature, JSON name) tuples of the positive ones sorted
// ascending (largest first, ties by name) and of the negative ones sorted
// descending (most negative first, ties by name descending), K of each.
func (c *compiler) reasonsArray(names []string) string {
	d := c.d
	var tuples []string
	for i, name := range names {
		js, _ := json.Marshal(name)
		tuples = append(tuples, fmt.Sprintf("(-assumeNotNull(ctr%d), %s, %s)", i, d.Str(name), d.Str(string(js))))
	}
	all := "[" + strings.Join(tuples, ", ") + "]"
	k := c.opt.Explain
	pos := fmt.Sprintf("arraySlice(arraySort(arrayFilter(t -> t.1 < 0, %s)), 1, %d)", all, k)
	neg := fmt.Sprintf("arraySlice(arrayReverseSort(arrayFilter(t -> t.1 > 0, %s)), 1, %d)", all, k)
	return fmt.Sprintf(`concat('[', arrayStringConcat(arrayMap(t -> concat('{"feature":', t.3, ',"contribution":', toString(-t.1), '}'), arrayConcat(%s, %s)), ','), ']')`, pos, neg)
}

// gbmMargin is BaseScore + the leaf value of every tree, in tree order,
// each tree a nested CASE on the raw (tree-encoded) features.
func (c *compiler) gbmMargin() (string, error) {
	d := c.d
	m := c.b.GBM
	if n := len(c.spec.Features) + len(c.ruleInputs()); len(m.Columns) != n {
		return "", fmt.Errorf("gbm model has %d columns, the feature spec and rule inputs encode %d tree columns", len(m.Columns), n)
	}
	var b strings.Builder
	b.WriteString(d.Float(m.BaseScore))
	for _, root := range m.Roots {
		b.WriteString("\n  + ")
		if err := c.tree(&b, root, 1); err != nil {
			return "", err
		}
	}
	return "(" + b.String() + ")", nil
}

func (c *compiler) tree(b *strings.Builder, n int32, depth int) error {
	d := c.d
	m := c.b.GBM
	if depth > 512 {
		return fmt.Errorf("gbm tree deeper than 512 nodes")
	}
	f := m.Feature[n]
	if f < 0 {
		b.WriteString(d.Float(m.Value[n]))
		return nil
	}
	x := fmt.Sprintf("x%d", f)
	var cond string
	if m.CatLen[n] == 0 {
		t := m.Threshold[n]
		switch {
		case math.IsNaN(t):
			cond = "1 = 0"
		case math.IsInf(t, 1):
			cond = x + " IS NOT NULL"
		case math.IsInf(t, -1):
			cond = "1 = 0"
		default:
			cond = x + " <= " + d.Float(t)
		}
	} else {
		var codes []string
		start := int(m.CatStart[n])
		for w := 0; w < int(m.CatLen[n]); w++ {
			bits := m.CatBits[start+w]
			for k := 0; k < 64; k++ {
				if bits&(1<<k) != 0 {
					codes = append(codes, fmt.Sprint(w*64+k))
				}
			}
		}
		cond = "1 = 0"
		if len(codes) > 0 {
			cond = x + " IN (" + strings.Join(codes, ", ") + ")"
		}
	}
	if m.DefaultLeft[n] {
		cond = "(" + cond + " OR " + x + " IS NULL)"
	}
	fmt.Fprintf(b, "CASE WHEN %s THEN ", cond)
	if err := c.tree(b, m.Left[n], depth+1); err != nil {
		return err
	}
	b.WriteString(" ELSE ")
	if err := c.tree(b, m.Left[n]+1, depth+1); err != nil {
		return err
	}
	b.WriteString(" END")
	return nil
}

// calibration is the calibrated probability, as calibrate.Calibrator.Apply:
// Platt's sigmoid of cal_z without overflow, or the isotonic map of cal_x
// (linear between block centres, constant beyond them, clipped to
// [1e-6, 1-1e-6]) as a binary search of nested CASEs.
func (c *compiler) calibration(cal *calibrate.Calibrator, x string) (string, error) {
	d := c.d
	z := "(" + d.Float(cal.A) + " * " + x + " + " + d.Float(cal.B) + ")"
	switch cal.Method {
	case calibrate.Platt:
		return fmt.Sprintf("CASE WHEN %s >= 0 THEN %s / (%s + %s) ELSE %s / (%s + %s) END",
			z, d.Float(1), d.Float(1), d.Exp("-"+z), d.Exp(z), d.Float(1), d.Exp(z)), nil
	case calibrate.Isotonic:
		n := len(cal.X)
		if n == 0 || len(cal.Y) != n {
			return "", fmt.Errorf("isotonic calibrator has %d centres and %d values", n, len(cal.Y))
		}
		// k = the first index with X[k] >= x (sort.SearchFloat64s).
		var leaf func(k int) string
		leaf = func(k int) string {
			switch {
			case k == 0:
				return d.Float(cal.Y[0])
			case k == n:
				return d.Float(cal.Y[n-1])
			}
			x0, x1 := cal.X[k-1], cal.X[k]
			return fmt.Sprintf("(%s + ("+x+" - %s) / %s * %s)", d.Float(cal.Y[k-1]), d.Float(x0), d.Float(x1-x0), d.Float(cal.Y[k]-cal.Y[k-1]))
		}
		v := search(0, n, func(mid int) string { return x + " <= " + d.Float(cal.X[mid]) }, leaf)
		const clip = 1e-6
		return d.Least(d.Greatest(v, d.Float(clip)), d.Float(1-clip)), nil
	}
	return "", fmt.Errorf("calibrator method %q cannot be compiled to SQL", cal.Method)
}

// search writes a binary search over k in [lo, hi] as nested CASEs: left
// (k <= mid) when cond(mid) holds, leaf(k) at the end.
func search(lo, hi int, cond func(mid int) string, leaf func(k int) string) string {
	if lo == hi {
		return leaf(lo)
	}
	mid := (lo + hi) / 2
	return "CASE WHEN " + cond(mid) + " THEN " + search(lo, mid, cond, leaf) + " ELSE " + search(mid+1, hi, cond, leaf) + " END"
}

// percentile is round2(Scoring.Percentile(model, probability)): the
// share of the training population at or below p, interpolated between
// the 1001 quantiles q.
func (c *compiler) percentile(q []float64, f func(float64) float64) string {
	d := c.d
	n := len(q)
	if n < 2 {
		return d.Null(d.double)
	}
	// i = the first index with q[i] > p (sort.Search).
	leaf := func(i int) string {
		switch {
		case i == 0:
			return d.Float(0)
		case i == n:
			return d.Float(100)
		}
		lo, hi := q[i-1], q[i]
		if hi-lo == 0 {
			return d.Float(0) // unreachable: q[i-1] <= p < q[i]
		}
		return fmt.Sprintf("(%s + (probability - %s) / %s) / %s * %s", d.Float(float64(i-1)), d.Float(lo), d.Float(hi-lo), d.Float(float64(n-1)), d.Float(100))
	}
	v := search(0, n, func(mid int) string {
		return "NOT (" + c.rawAtLeast(f, func(p float64) bool { return p >= q[mid] }) + ")"
	}, leaf)
	return "FLOOR((" + v + ") * " + d.Float(100) + " + " + d.Float(0.5) + ") / " + d.Float(100)
}

// rawAtLeast is the condition on raw_score under which ok(f(raw)) holds,
// for ok monotone in the probability and f the calibrator (non-decreasing):
// raw_score >= r, with r the least float64 for which ok(f(r)), found by
// bisection over the ordered float64s with the Go calibrator itself.
func (c *compiler) rawAtLeast(f func(float64) float64, ok func(float64) bool) string {
	const top = math.MaxFloat64
	switch {
	case ok(f(-top)):
		return "1 = 1"
	case !ok(f(top)):
		return "1 = 0"
	}
	lo, hi := orderedKey(-top), orderedKey(top) // ok fails at lo, holds at hi
	for uint64(hi)-uint64(lo) > 1 {
		mid := lo + int64((uint64(hi)-uint64(lo))/2)
		if ok(f(fromKey(mid))) {
			hi = mid
		} else {
			lo = mid
		}
	}
	return "raw_score >= " + c.d.Float(fromKey(hi))
}

// orderedKey maps float64s to int64s in the same order (-0 and +0 apart).
func orderedKey(x float64) int64 {
	b := math.Float64bits(x)
	if b>>63 == 0 {
		return int64(b)
	}
	return -int64(b &^ (1 << 63))
}

func fromKey(k int64) float64 {
	if k >= 0 {
		return math.Float64frombits(uint64(k))
	}
	return math.Float64frombits(uint64(-k) | 1<<63)
}

// z is the standardised linear value of numeric feature i: a column of the
// enc stage when there is one, else its expression.
func (c *compiler) z(i int) string {
	if c.encStage {
		return fmt.Sprintf("z%d", i)
	}
	return "(" + c.zExpr(&c.spec.Features[i], fmt.Sprintf("x%d", i)) + ")"
}
