package backtest

import (
	"fmt"
	"math"
	"strings"

	"github.com/leadscore/leadscore/models"
	"github.com/leadscore/leadscore/training/htmlreport"
)

// summarize writes the sentences at the top of the comparison report.
func (c *Comparison) summarize() []string {
	var out []string
	ct := c.CrossTab
	var agree, coldHot, hotCold int
	for i, rt := range ct.RulesTiers {
		for j, mt := range ct.ModelTiers {
			n := ct.Counts[i][j]
			switch {
			case rt == mt:
				agree += n
			case (rt == "cold" || rt == "disqualified") && mt == "hot":
				coldHot += n
			case rt == "hot" && mt == "cold":
				hotCold += n
			}
		}
	}
	out = append(out, fmt.Sprintf("Of %d leads, the rule sheet and the predictive model (%s) put %s in the same tier; %d leads are cold under the rules but hot for the model, and %d the reverse.",
		c.Leads, c.Champion, htmlreport.Percent(float64(agree)/float64(c.Leads)), coldHot, hotCold))
	if c.Eval != nil {
		rs, _ := find(c.Eval, models.Rules)
		ch, _ := find(c.Eval, Champion)
		out = append(out, fmt.Sprintf("The predictive model captured %s of conversions in its top 10%% of leads; the rule sheet captured %s (ROC AUC %s against %s).",
			pct(ch.Capture10.Value), pct(rs.Capture10.Value), f3(ch.ROCAUC.Value), f3(rs.ROCAUC.Value)))
	}
	var moves []string
	for _, r := range c.Rules {
		if !r.Fitted {
			continue
		}
		if d := float64(r.SuggestedPoints - r.Points); math.Abs(d) >= math.Max(5, 0.5*math.Abs(float64(r.Points))) {
			moves = append(moves, fmt.Sprintf("%s %s → %s", r.Rule, htmlreport.Num(float64(r.Points), 0), htmlreport.Num(float64(r.SuggestedPoints), 0)))
		}
	}
	switch {
	case !c.Labelled:
		out = append(out, "Outcomes were not given, so no conversion rates or suggested points are shown.")
	case len(moves) == 0 && c.SuggestNote == "":
		out = append(out, "The data agrees with the sheet's points: no rule's suggested points differ much from its current points.")
	case len(moves) > 0:
		if len(moves) > 4 {
			moves = append(moves[:4], "…")
		}
		out = append(out, "The data suggests changing: "+strings.Join(moves, ", ")+".")
	}
	if c.Labelled {
		out = append(out, "If the bundle was trained on these same leads, the model's figures here are optimistic; for an out-of-time view run leadscore backtest, or compare on leads created after the bundle's training data.")
	}
	for _, t := range c.Thresholds {
		if t.Model == "rule sheet" {
			continue
		}
		out = append(out, fmt.Sprintf("For %s: pass leads with a probability of at least %s (score %d) — about %s leads and %s conversions a week (%s of conversions).",
			t.Goal, htmlreport.Num(float64(t.Threshold), 3), t.Score, htmlreport.Num(float64(t.LeadsPerWeek), 1),
			htmlreport.Num(float64(t.ConversionsPerWeek), 1), pct(t.Capture)))
	}
	return out
}

// Doc lays the comparison out as a report document.
func (c *Comparison) Doc() *htmlreport.Doc {
	d := &htmlreport.Doc{
		Title: "Rule sheet against the predictive model",
		Subtitle: fmt.Sprintf("%s; model %s (champion %s); %s; leads scored at the %s; generated %s",
			strings.Join(c.Input, ", "), c.Bundle, c.Champion, c.RuleSheet, c.ScoredAt, c.CreatedAt.Format("2006-01-02 15:04 UTC")),
		Summary: c.Summary,
	}
	ct := c.CrossTab
	heat := &htmlreport.Heat{
		Caption: "Leads by tier", RowTitle: "rule sheet tier", ColTitle: "model tier",
		Rows: ct.RulesTiers, Cols: ct.ModelTiers, Counts: ct.Counts,
		Note: "Each cell: leads (their conversion rate, where outcomes are known). Darker cells convert more.",
	}
	if c.Labelled {
		heat.Rates = make([][]float64, len(ct.Rates))
		for i := range ct.Rates {
			heat.Rates[i] = floats(ct.Rates[i])
		}
	} else {
		heat.Note = "Each cell: leads. Darker cells hold more leads."
	}
	d.Sections = append(d.Sections, htmlreport.Section{Title: "Tier cross-tab", Blocks: []htmlreport.Block{{Heat: heat}}})

	if c.Eval != nil {
		sec := htmlreport.Section{Title: "How well each ranks the leads"}
		sec.Blocks = append(sec.Blocks, htmlreport.Block{Table: metricsTable("Metrics on these leads", c.Eval, "all")})
		if len(c.Eval.Paired) > 0 {
			sec.Blocks = append(sec.Blocks, htmlreport.Block{Table: &htmlreport.Table{
				Caption: "Paired bootstrap: predictive minus rule sheet",
				Header:  []string{"period", "metric", "comparison", "difference", "95% CI", "p (difference <= 0)"},
				Rows:    pairedRows("all", c.Eval),
			}})
		}
		r := &Result{Curves: c.Curves, Distribution: c.Distribution}
		sec.Blocks = append(sec.Blocks, curveCharts(r)...)
		d.Sections = append(d.Sections, sec)
	}

	dis := &htmlreport.Table{
		Caption: "Where the two disagree most",
		Header:  []string{"kind", "lead", "probability", "model tier", "rule points", "rules tier", "converted", "model's reasons", "rules that fired"},
		Note:    "Model reasons: the fields that moved the lead's log-odds most, up (+) and down (-). Rules: the largest points that fired.",
	}
	for _, g := range c.Disagreements {
		conv := "unknown"
		if g.Converted != nil {
			conv = map[bool]string{true: "yes", false: "no"}[*g.Converted]
		}
		var reasons, fired []string
		for _, r := range g.Reasons {
			v := htmlreport.Readable(r.Value)
			if v == "" {
				v = "missing"
			}
			reasons = append(reasons, fmt.Sprintf("%s = %s (%+.2f)", r.Feature, v, r.Contribution))
		}
		for _, f := range g.Fired {
			fired = append(fired, fmt.Sprintf("%s (%s)", f.Rule, htmlreport.Signed(f.Points, 1)))
		}
		dis.Rows = append(dis.Rows, []string{g.Kind, g.LeadID, htmlreport.Num(float64(g.Probability), 3), g.ModelTier,
			htmlreport.Num(float64(g.RulesPoints), 0), g.RulesTier, conv, strings.Join(reasons, "; "), strings.Join(fired, "; ")})
	}
	disBlocks := []htmlreport.Block{{Table: dis}}
	if len(dis.Rows) == 0 {
		disBlocks = []htmlreport.Block{{Text: "No lead is cold under one score and hot under the other."}}
	}
	d.Sections = append(d.Sections, htmlreport.Section{Title: "Disagreements", Blocks: disBlocks})

	rt := &htmlreport.Table{
		Caption: "Rules: how often they fire, how those leads convert, and the points the data suggests",
		Header:  []string{"rule", "group", "points", "fires", "share of leads", "conv. rate when fired", "conv. rate otherwise", "fitted log-odds", "suggested points"},
		Note: fmt.Sprintf("Suggested points come from a logistic regression on the rules' 0/1 indicators, scaled so the fitted rules keep the sheet's total points (%s points per unit of log-odds). Write them to a sheet with --suggest-rules FILE.",
			htmlreport.Num(float64(c.PointsScale), 1)),
	}
	for _, r := range c.Rules {
		pts := htmlreport.Num(float64(r.Points), 0)
		sug := htmlreport.Num(float64(r.SuggestedPoints), 0)
		if r.Disqualify {
			pts, sug = "disqualify", "disqualify"
		} else if !r.Fitted {
			sug = "– (kept " + pts + ")"
		}
		rt.Rows = append(rt.Rows, []string{r.Rule, r.Group, pts, fmt.Sprint(r.Fires), pct(r.FireShare), pct(r.RateFired), pct(r.RateNotFired),
			htmlreport.Num(float64(r.LogOdds), 2), sug})
	}
	blocks := []htmlreport.Block{{Table: rt}}
	if c.SuggestNote != "" {
		blocks = append(blocks, htmlreport.Block{Text: "No points suggested: " + c.SuggestNote + "."})
	}
	d.Sections = append(d.Sections, htmlreport.Section{Title: "Rules", Blocks: blocks})

	if len(c.Thresholds) > 0 {
		tt := &htmlreport.Table{
			Caption: "Threshold advice",
			Header:  []string{"goal", "score", "threshold", "1-99 score", "leads/week", "conversions/week", "share of conversions", "conversion rate", "basis", "met"},
			Note:    fmt.Sprintf("Per-week figures divide by the %s weeks the leads span. Model thresholds are probabilities; rule sheet thresholds are points.", htmlreport.Num(float64(c.Weeks), 1)),
		}
		for _, t := range c.Thresholds {
			score := ""
			if t.Score > 0 {
				score = fmt.Sprint(t.Score)
			}
			thr := htmlreport.Num(float64(t.Threshold), 3)
			if t.Model == "rule sheet" {
				thr = htmlreport.Num(float64(t.Threshold), 0)
			}
			met := "yes"
			if !t.Achievable {
				met = "no: the closest possible"
			}
			tt.Rows = append(tt.Rows, []string{t.Goal, t.Model, thr, score, htmlreport.Num(float64(t.LeadsPerWeek), 1),
				htmlreport.Num(float64(t.ConversionsPerWeek), 2), pct(t.Capture), pct(t.Precision), t.Basis, met})
		}
		d.Sections = append(d.Sections, htmlreport.Section{Title: "Thresholds", Blocks: []htmlreport.Block{{Table: tt}}})
	}
	return d
}

// WriteCompareReport writes the comparison's report directory atomically.
func WriteCompareReport(dir string, c *Comparison) error {
	return htmlreport.WriteDir(dir, c.Doc(), c)
}
