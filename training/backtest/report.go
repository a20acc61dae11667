package backtest

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/leadscore/leadscore/metrics"
	"github.com/leadscore/leadscore/models"
	"github.com/leadscore/leadscore/training"
	"github.com/leadscore/leadscore/training/htmlreport"
)

// f3 and pct format report numbers the same way in every table.
func f3(x htmlreport.Float) string  { return htmlreport.Num(float64(x), 3) }
func pct(x htmlreport.Float) string { return htmlreport.Percent(float64(x)) }

func ci3(iv Interval) string {
	if math.IsNaN(float64(iv.Lo)) {
		return "–"
	}
	return f3(iv.Lo) + " to " + f3(iv.Hi)
}

func ciPct(iv Interval) string {
	if math.IsNaN(float64(iv.Lo)) {
		return "–"
	}
	return pct(iv.Lo) + " to " + pct(iv.Hi)
}

// modelLabel names a model row for readers.
func modelLabel(m ModelMetrics) string {
	switch m.Model {
	case Champion:
		if m.Source != "" {
			return "champion (" + m.Source + ")"
		}
		return "champion (per period)"
	case models.Rules:
		return "rule sheet"
	case "predictive":
		return "predictive (per period)"
	}
	return m.Model
}

func find(ev *Evaluation, model string) (ModelMetrics, bool) {
	if ev == nil {
		return ModelMetrics{}, false
	}
	for _, m := range ev.Models {
		if m.Model == model {
			return m, true
		}
	}
	return ModelMetrics{}, false
}

// pValue formats a bootstrap p-value; 0 reads as below one resample.
func pValue(p htmlreport.Float, resamples int) string {
	if p == 0 {
		return fmt.Sprintf("p < %s", htmlreport.Num(1/float64(resamples), 3))
	}
	return "p = " + htmlreport.Num(float64(p), 3)
}

// summarize writes the sentences at the top of the report.
func summarize(r *Result) []string {
	var out []string
	unit := r.Settings.Period
	var evaluated, incomplete, warm, failed int
	for _, p := range r.Periods {
		switch p.Status {
		case StatusEvaluated:
			evaluated++
		case StatusIncomplete:
			incomplete++
		case StatusWarmUp:
			warm++
		case StatusFailed:
			failed++
		}
	}
	if r.Overall == nil {
		out = append(out, fmt.Sprintf("No %s could be evaluated yet: %d %s(s) lacked training history (--min-train %d) and %d are incomplete (outcomes not known yet).",
			unit, warm, unit, r.Settings.MinTrain, incomplete))
		return out
	}
	ov := r.Overall
	pred, hasPred := find(ov, "predictive")
	predName := "the predictive model"
	if !hasPred {
		pred, _ = find(ov, Champion)
		predName = "the champion model"
	}
	head := fmt.Sprintf("Over %d out-of-time %ss (%d leads, %d conversions), %s captured %s of conversions in its top 10%% of leads",
		evaluated, unit, ov.Leads, ov.Conversions, predName, pct(pred.Capture10.Value))
	if rs, ok := find(ov, models.Rules); ok {
		head += fmt.Sprintf("; the rule sheet captured %s.", pct(rs.Capture10.Value))
		out = append(out, head)
		s := fmt.Sprintf("ROC AUC: predictive %s (95%% interval %s), rule sheet %s (%s).",
			f3(pred.ROCAUC.Value), ci3(pred.ROCAUC), f3(rs.ROCAUC.Value), ci3(rs.ROCAUC))
		for _, pt := range ov.Paired {
			if pt.Metric == "roc_auc" {
				s += fmt.Sprintf(" The predictive model's AUC was above the rule sheet's in %s of %d paired bootstrap resamples (%s).",
					pct(1-pt.PValue), pt.Resamples, pValue(pt.PValue, pt.Resamples))
			}
		}
		out = append(out, s)
		out = append(out, fmt.Sprintf("Leads the rule sheet marks as MQL converted at %s; leads the predictive model puts in its warm or hot tier converted at %s.",
			pct(rs.MQLRate), pct(pred.MQLRate)))
	} else {
		out = append(out, head+" (no rule sheet was given: pass --rules to compare).")
		out = append(out, fmt.Sprintf("ROC AUC %s (95%% interval %s).", f3(pred.ROCAUC.Value), ci3(pred.ROCAUC)))
	}
	out = append(out, ageSummary(r)...)
	var notes []string
	if incomplete > 0 {
		notes = append(notes, fmt.Sprintf("%d %s(s) at the end are incomplete: their leads have not all had the %d-day horizon yet, so they are not scored against outcomes", incomplete, unit, r.Settings.HorizonDays))
	}
	if warm > 0 {
		notes = append(notes, fmt.Sprintf("%d %s(s) at the start had too little history to train on", warm, unit))
	}
	if failed > 0 {
		notes = append(notes, fmt.Sprintf("%d %s(s) failed to fit (see the table)", failed, unit))
	}
	if len(notes) > 0 {
		out = append(out, strings.ToUpper(notes[0][:1])+strings.Join(notes, "; ")[1:]+".")
	}
	var drifted []string
	for _, p := range r.Periods {
		if p.ScoreDrift {
			drifted = append(drifted, fmt.Sprintf("the champion's score in %s (PSI %s)", p.Label, htmlreport.Num(float64(p.ScorePSI), 2)))
		}
		for _, d := range p.Drift {
			if d.Flagged {
				drifted = append(drifted, fmt.Sprintf("%s in %s (PSI %s)", d.Feature, p.Label, htmlreport.Num(float64(d.PSI), 2)))
			}
		}
	}
	switch {
	case len(drifted) == 0:
		out = append(out, fmt.Sprintf("No feature drifted beyond a population stability index of %.1f between a period's training window and its leads.", DriftThreshold))
	case len(drifted) <= 4:
		out = append(out, "Drift beyond PSI 0.2: "+strings.Join(drifted, ", ")+".")
	default:
		out = append(out, fmt.Sprintf("Drift beyond PSI 0.2 in %d feature-periods, e.g. %s.", len(drifted), strings.Join(drifted[:3], ", ")))
	}
	return out
}

// comparison returns the paired ROC AUC comparison a minus b of ev.
func comparison(ev *Evaluation, a, b string) (Paired, bool) {
	for _, c := range ev.Comparisons {
		if c.Predictive == a && c.Baseline == b {
			return c, true
		}
	}
	return Paired{}, false
}

// days writes 1 day, 7 days.
func days(n int) string {
	if n == 1 {
		return "1 day"
	}
	return fmt.Sprintf("%d days", n)
}

// signed formats a difference with its sign, to 4 decimals.
func signed(x htmlreport.Float) string {
	if math.IsNaN(float64(x)) {
		return "–"
	}
	return fmt.Sprintf("%+.4f", float64(x))
}

// ageSummary is one sentence per score age when there are several: the
// champion against the rule sheet on the leads still open at that age.
func ageSummary(r *Result) []string {
	if len(r.ByAge) < 2 {
		return nil
	}
	var out []string
	for _, a := range r.ByAge {
		ev := a.Overall
		if ev == nil {
			out = append(out, fmt.Sprintf("At %s after creation no period is evaluated yet (outcomes not all known).", days(a.AgeDays)))
			continue
		}
		ch, _ := find(ev, Champion)
		s := fmt.Sprintf("At %s after creation (%d leads not converted by then, %d conversions, %d %ss): champion ROC AUC %s",
			days(a.AgeDays), ev.Leads, ev.Conversions, len(a.Periods), r.Settings.Period, htmlreport.Num(float64(ch.ROCAUC.Value), 4))
		if rs, ok := find(ev, models.Rules); ok {
			s += fmt.Sprintf(", rule sheet %s", htmlreport.Num(float64(rs.ROCAUC.Value), 4))
			if c, ok := comparison(ev, Champion, models.Rules); ok {
				s += fmt.Sprintf(", difference %s (95%% interval %s to %s, %s)", signed(c.Difference.Value), signed(c.Difference.Lo), signed(c.Difference.Hi), pValue(c.PValue, c.Resamples))
			}
		}
		out = append(out, s+".")
	}
	if aa := r.AllAges; aa != nil {
		ev := aa.Overall
		ch, _ := find(ev, Champion)
		s := fmt.Sprintf("Every score at every age pooled (%d scores of %d leads at %s days, %d conversions), as a queue holds leads of every age at once: champion ROC AUC %s",
			ev.Leads, aa.Leads, joinInts(aa.Ages), ev.Conversions, htmlreport.Num(float64(ch.ROCAUC.Value), 4))
		if rs, ok := find(ev, models.Rules); ok {
			s += fmt.Sprintf(", rule sheet %s", htmlreport.Num(float64(rs.ROCAUC.Value), 4))
			if c, ok := comparison(ev, Champion, models.Rules); ok {
				s += fmt.Sprintf(", difference %s (95%% interval %s to %s, %s; leads resampled with all their scores)", signed(c.Difference.Value), signed(c.Difference.Lo), signed(c.Difference.Hi), pValue(c.PValue, c.Resamples))
			}
		}
		out = append(out, s+".")
	}
	return out
}

// ageSection is the pooled comparison at each score age and the same by
// period (nil with one age).
func ageSection(r *Result) *htmlreport.Section {
	if len(r.ByAge) < 2 {
		return nil
	}
	modelCols := slices.DeleteFunc(slices.Clone(r.Models), func(m string) bool { return m == Champion })
	if r.Settings.RuleSheet != "" && !slices.Contains(modelCols, models.Rules) {
		modelCols = append([]string{models.Rules}, modelCols...)
	}
	modelCols = append(modelCols, Champion)
	head := []string{"age (days)", "periods", "leads", "conversions"}
	for _, m := range modelCols {
		head = append(head, modelLabel(ModelMetrics{Model: m})+" ROC AUC")
	}
	pooled := &htmlreport.Table{Caption: "Pooled ROC AUC by lead age", Header: append(slices.Clone(head),
		"champion minus rules", "95% CI", "p (difference <= 0)")}
	comps := &htmlreport.Table{Caption: "Paired bootstrap of the ROC AUC by lead age",
		Header: []string{"age (days)", "comparison", "difference", "95% CI", "p (difference <= 0)"},
		Note:   "Each age draws its own resamples of its leads; p is the share of resamples in which the first model did not beat the second."}
	byPeriod := &htmlreport.Table{Caption: "ROC AUC by period and lead age", Header: append([]string{"period"}, head[2:]...)}
	aucCells := func(ev *Evaluation) []string {
		var c []string
		for _, m := range modelCols {
			mm, ok := find(ev, m)
			if !ok {
				c = append(c, "–")
				continue
			}
			c = append(c, htmlreport.Num(float64(mm.ROCAUC.Value), 4))
		}
		return c
	}
	for _, a := range r.ByAge {
		ev := a.Overall
		if ev == nil {
			continue
		}
		row := append([]string{fmt.Sprint(a.AgeDays), fmt.Sprint(len(a.Periods)), fmt.Sprint(ev.Leads), fmt.Sprint(ev.Conversions)}, aucCells(ev)...)
		if c, ok := comparison(ev, Champion, models.Rules); ok {
			row = append(row, signed(c.Difference.Value), signed(c.Difference.Lo)+" to "+signed(c.Difference.Hi), pValue(c.PValue, c.Resamples))
		} else {
			row = append(row, "–", "–", "–")
		}
		pooled.Rows = append(pooled.Rows, row)
		for _, c := range ev.Comparisons {
			comps.Rows = append(comps.Rows, []string{fmt.Sprint(a.AgeDays), modelLabel(ModelMetrics{Model: c.Predictive}) + " minus " + modelLabel(ModelMetrics{Model: c.Baseline}),
				signed(c.Difference.Value), signed(c.Difference.Lo) + " to " + signed(c.Difference.Hi), pValue(c.PValue, c.Resamples)})
		}
	}
	if aa := r.AllAges; aa != nil {
		ev := aa.Overall
		label := "all (" + joinInts(aa.Ages) + ")"
		row := append([]string{label, "–", fmt.Sprintf("%d scores of %d leads", ev.Leads, aa.Leads), fmt.Sprint(ev.Conversions)}, aucCells(ev)...)
		if c, ok := comparison(ev, Champion, models.Rules); ok {
			row = append(row, signed(c.Difference.Value), signed(c.Difference.Lo)+" to "+signed(c.Difference.Hi), pValue(c.PValue, c.Resamples))
		} else {
			row = append(row, "–", "–", "–")
		}
		pooled.Rows = append(pooled.Rows, row)
		pooled.Note = "The last row pools every score at every age, as a queue holds leads of every age at once; its bootstrap resamples leads with all their scores."
		for _, c := range ev.Comparisons {
			comps.Rows = append(comps.Rows, []string{label, modelLabel(ModelMetrics{Model: c.Predictive}) + " minus " + modelLabel(ModelMetrics{Model: c.Baseline}),
				signed(c.Difference.Value), signed(c.Difference.Lo) + " to " + signed(c.Difference.Hi), pValue(c.PValue, c.Resamples)})
		}
	}
	for _, p := range r.Periods {
		for _, ae := range p.ByAge {
			if ae.Eval == nil {
				continue
			}
			byPeriod.Rows = append(byPeriod.Rows, append([]string{p.Label, fmt.Sprint(ae.AgeDays), fmt.Sprint(ae.Eval.Leads), fmt.Sprint(ae.Eval.Conversions)}, aucCells(ae.Eval)...))
		}
	}
	byPeriod.Header = append([]string{"period", "age (days)", "leads", "conversions"}, head[4:]...)
	return &htmlreport.Section{Title: "By lead age", Blocks: []htmlreport.Block{
		{Text: fmt.Sprintf("The same fits score each period's leads again at %s days after creation: at each age only the leads that had not converted by then, with their fields and activity as of that moment, the rule sheet scored at the same moment, and a conversion counted within %d days after it. A period counts at an age once all its leads have had that age plus %d days.", joinInts(r.Settings.ScoreAges), r.Settings.HorizonDays, r.Settings.HorizonDays)},
		{Table: pooled}, {Table: comps}, {Table: byPeriod},
	}}
}

// metricsTable is the long table of model metrics: one row per model. A
// champion or per-period row that reads the same as a row above (with one
// predictive model both are that model) is left out and named in the note.
func metricsTable(caption string, ev *Evaluation, period string) *htmlreport.Table {
	t := &htmlreport.Table{Caption: caption, Header: []string{
		"period", "model", "leads", "conversions", "ROC AUC", "ROC AUC 95% CI", "PR AUC", "log loss", "Brier", "ECE",
		"top 10% capture", "top 10% 95% CI", "top 20% capture", "MQL leads", "MQL conv. rate", "hot leads", "hot conv. rate",
	}}
	var same []string
	seen := map[string]bool{}
	for _, m := range ev.Models {
		cells := []string{
			f3(m.ROCAUC.Value), ci3(m.ROCAUC), f3(m.PRAUC.Value), f3(m.LogLoss.Value), f3(m.Brier.Value), f3(m.ECE.Value),
			pct(m.Capture10.Value), ciPct(m.Capture10), pct(m.Capture20.Value),
			fmt.Sprint(m.MQLLeads), pct(m.MQLRate), fmt.Sprint(m.HotLeads), pct(m.HotRate),
		}
		key := strings.Join(cells, "\x00")
		if (m.Model == Champion || m.Model == "predictive") && seen[key] {
			same = append(same, modelLabel(m))
			continue
		}
		seen[key] = true
		t.Rows = append(t.Rows, append([]string{period, modelLabel(m), fmt.Sprint(ev.Leads), fmt.Sprint(ev.Conversions)}, cells...))
	}
	if len(same) > 0 {
		t.Note = fmt.Sprintf("Not repeated: %s, whose figures equal a row above.", strings.Join(same, " and "))
	}
	return t
}

func pairedRows(period string, ev *Evaluation) [][]string {
	var rows [][]string
	for _, pt := range ev.Paired {
		d := pt.Difference
		lab := "ROC AUC"
		val, lo, hi := f3(d.Value), f3(d.Lo), f3(d.Hi)
		if pt.Metric == "top10_capture" {
			lab = "top 10% capture"
			val, lo, hi = pct(d.Value), pct(d.Lo), pct(d.Hi)
		}
		p := htmlreport.Num(float64(pt.PValue), 3)
		if pt.PValue == 0 {
			p = "< " + htmlreport.Num(1/float64(pt.Resamples), 3)
		}
		rows = append(rows, []string{period, lab, pt.Predictive + " minus rules", val, lo + " to " + hi, p})
	}
	return rows
}

// Doc lays the result out as a report document.
func (r *Result) Doc() *htmlreport.Doc {
	d := &htmlreport.Doc{
		Title: "Backtest: predictive scores out of time",
		Subtitle: fmt.Sprintf("%s; rolling origin by %s; %d-day outcome window; leads scored at the %s; data to %s; generated %s",
			strings.Join(r.Settings.Data, ", "), r.Settings.Period, r.Settings.HorizonDays, r.Settings.EvaluatedAt,
			r.Data.AsOf.Format("2006-01-02"), r.CreatedAt.Format("2006-01-02 15:04 UTC")),
		Summary: r.Summary,
	}
	if r.Settings.RuleSheet != "" {
		d.Title = "Backtest: predictive scores against the rule sheet"
	}
	if r.Overall != nil {
		sec := htmlreport.Section{Title: "All evaluated periods together"}
		sec.Blocks = append(sec.Blocks, htmlreport.Block{Text: "Every lead of every evaluated period, scored by the models fitted before its period began. Intervals are bootstrap 95% intervals over leads."})
		sec.Blocks = append(sec.Blocks, htmlreport.Block{Table: metricsTable("Out-of-time metrics, pooled", r.Overall, "all")})
		if len(r.Overall.Paired) > 0 {
			sec.Blocks = append(sec.Blocks, htmlreport.Block{Table: &htmlreport.Table{
				Caption: "Paired bootstrap: predictive minus rule sheet",
				Header:  []string{"period", "metric", "comparison", "difference", "95% CI", "p (difference <= 0)"},
				Rows:    pairedRows("all", r.Overall),
				Note:    "p is the share of resamples in which the predictive model did not beat the rule sheet.",
			}})
		}
		sec.Blocks = append(sec.Blocks, curveCharts(r)...)
		d.Sections = append(d.Sections, sec)
	}
	if sec := ageSection(r); sec != nil {
		d.Sections = append(d.Sections, *sec)
	}
	d.Sections = append(d.Sections, periodSections(r)...)
	d.Sections = append(d.Sections, htmlreport.Section{Title: "How this backtest works", Blocks: []htmlreport.Block{{List: methodNotes(r)}}})
	if len(r.Warnings) > 0 {
		d.Sections = append(d.Sections, htmlreport.Section{Title: "Warnings", Blocks: []htmlreport.Block{{List: r.Warnings}}})
	}
	return d
}

func curveCharts(r *Result) []htmlreport.Block {
	var roc, gains, rel []htmlreport.Series
	relMax := 0.05
	for _, c := range r.Curves {
		for _, p := range c.Reliability {
			relMax = math.Max(relMax, math.Max(float64(p.X), float64(p.Y)))
		}
		name := c.Model
		if name == models.Rules {
			name = "rule sheet"
		}
		dashed := c.Model == Champion
		roc = append(roc, xySeries(name, c.ROC, dashed))
		gains = append(gains, xySeries(name, c.Gains, dashed))
		s := xySeries(name, c.Reliability, dashed)
		s.Points = true
		rel = append(rel, s)
	}
	unit := [2]float64{0, 1}
	blocks := []htmlreport.Block{
		{Chart: &htmlreport.Chart{Title: "ROC curve (pooled out-of-time leads)", XLabel: "false positive rate", YLabel: "true positive rate",
			Series: roc, Diagonal: true, XRange: unit, YRange: unit, Legend: "bottom-right", Caption: "Higher and further left is better; the diagonal is a random order."}},
		{Chart: &htmlreport.Chart{Title: "Cumulative gains", XLabel: "share of leads worked, best scores first", YLabel: "share of conversions captured",
			Series: gains, Diagonal: true, XRange: unit, YRange: unit, Legend: "bottom-right", Caption: "Where a line crosses x = 0.1 is the share of conversions in the top 10% of leads."}},
		{Chart: &htmlreport.Chart{Title: "Calibration (reliability diagram)", XLabel: "mean predicted probability", YLabel: "observed conversion rate",
			Series: rel, Diagonal: true, Legend: "top-left", XRange: [2]float64{0, math.Min(1, relMax*1.1)}, YRange: [2]float64{0, math.Min(1, relMax*1.1)}, Caption: "Points on the diagonal are well calibrated: a lead scored 20% converts one time in five."}},
	}
	if dd := r.Distribution; dd != nil {
		var x []float64
		for k := 0; k+1 < len(dd.Edges); k++ {
			x = append(x, float64(dd.Edges[k]+dd.Edges[k+1])/2)
		}
		blocks = append(blocks, htmlreport.Block{Chart: &htmlreport.Chart{
			Title: "Champion probability by outcome", XLabel: "predicted probability", YLabel: "share of leads",
			Series: []htmlreport.Series{
				{Name: "converted", X: x, Y: floats(dd.Converted), Points: true},
				{Name: "not converted", X: x, Y: floats(dd.NotConverted), Points: true, Dashed: true},
			},
			Caption: "The further apart the two curves, the better the score separates converters.",
		}})
	}
	return blocks
}

func xySeries(name string, pts []Point, dashed bool) htmlreport.Series {
	s := htmlreport.Series{Name: name, Dashed: dashed}
	for _, p := range pts {
		s.X = append(s.X, float64(p.X))
		s.Y = append(s.Y, float64(p.Y))
	}
	return s
}

func floats(xs []htmlreport.Float) []float64 {
	out := make([]float64, len(xs))
	for i, x := range xs {
		out[i] = float64(x)
	}
	return out
}

// periodSections are the per-period tables and the metric-over-time charts.
func periodSections(r *Result) []htmlreport.Section {
	status := &htmlreport.Table{
		Caption: "Periods",
		Header:  []string{"period", "status", "training leads", "training conversions (examples)", "leads", "conversions", "champion", "score PSI", "note"},
	}
	metricsT := &htmlreport.Table{Caption: "Metrics by period"}
	paired := &htmlreport.Table{
		Caption: "Paired bootstrap by period: predictive minus rule sheet",
		Header:  []string{"period", "metric", "comparison", "difference", "95% CI", "p (difference <= 0)"},
	}
	driftT := &htmlreport.Table{
		Caption: "Feature drift: population stability index, training window against the period",
		Header:  []string{"period", "feature", "PSI", "flag"},
		Note:    fmt.Sprintf("PSI above %.1f is flagged; the five largest per period are shown, every value is in report.json.", DriftThreshold),
	}
	var labels []string
	auc := map[string]*htmlreport.Series{}
	cap10 := map[string]*htmlreport.Series{}
	var order []string
	for k, p := range r.Periods {
		labels = append(labels, p.Label)
		conv, champ, psi := "", p.Champion, "–"
		if p.Eval != nil {
			conv = fmt.Sprint(p.Eval.Conversions)
			psi = htmlreport.Num(float64(p.ScorePSI), 3)
			if p.ScoreDrift {
				psi += " (drift)"
			}
		}
		leads := fmt.Sprint(p.Leads)
		if p.Unscored > 0 {
			leads += fmt.Sprintf(" (%d refused: a required field missing)", p.Unscored)
		}
		status.Rows = append(status.Rows, []string{p.Label, p.Status, fmt.Sprint(p.TrainLeads), fmt.Sprint(p.TrainPositives), leads, conv, champ, psi, p.Reason})
		if p.Eval == nil {
			continue
		}
		mt := metricsTable("", p.Eval, p.Label)
		metricsT.Header = mt.Header
		metricsT.Rows = append(metricsT.Rows, mt.Rows...)
		if mt.Note != "" && metricsT.Note == "" {
			metricsT.Note = "Rows whose figures equal a row above in the same period (the champion or the per-period pick, when they are that model) are not repeated."
		}
		paired.Rows = append(paired.Rows, pairedRows(p.Label, p.Eval)...)
		for i, dr := range p.Drift {
			if i >= 5 {
				break
			}
			flag := ""
			if dr.Flagged {
				flag = "drift"
			}
			driftT.Rows = append(driftT.Rows, []string{p.Label, dr.Feature, htmlreport.Num(float64(dr.PSI), 3), flag})
		}
		for _, m := range p.Eval.Models {
			name := m.Model
			if _, ok := auc[name]; !ok {
				label := name
				if name == models.Rules {
					label = "rule sheet"
				}
				order = append(order, name)
				auc[name] = &htmlreport.Series{Name: label, Points: true, Dashed: name == Champion}
				cap10[name] = &htmlreport.Series{Name: label, Points: true, Dashed: name == Champion}
			}
			add := func(s *htmlreport.Series, iv Interval) {
				s.X = append(s.X, float64(k))
				s.Y = append(s.Y, float64(iv.Value))
				s.Lo = append(s.Lo, float64(iv.Lo))
				s.Hi = append(s.Hi, float64(iv.Hi))
			}
			add(auc[name], m.ROCAUC)
			add(cap10[name], m.Capture10)
		}
	}
	sec := htmlreport.Section{Title: "Period by period"}
	sec.Blocks = append(sec.Blocks, htmlreport.Block{Table: status})
	if len(order) > 0 {
		var sa, sc []htmlreport.Series
		for i, n := range order {
			// Shift each model's points a little so intervals do not hide
			// each other.
			shift := (float64(i) - float64(len(order)-1)/2) * 0.08
			for _, s := range []*htmlreport.Series{auc[n], cap10[n]} {
				for k := range s.X {
					s.X[k] += shift
				}
			}
			sa = append(sa, *auc[n])
			sc = append(sc, *cap10[n])
		}
		sec.Blocks = append(sec.Blocks,
			htmlreport.Block{Chart: &htmlreport.Chart{Title: "ROC AUC by period", YLabel: "ROC AUC", XTicks: labels, Series: sa,
				Caption: "Bars are bootstrap 95% intervals; periods without a point were not evaluated."}},
			htmlreport.Block{Chart: &htmlreport.Chart{Title: "Share of conversions in the top 10% of leads, by period", YLabel: "share captured", XTicks: labels, Series: sc,
				Caption: "Bars are bootstrap 95% intervals."}},
			htmlreport.Block{Table: metricsT})
		if len(paired.Rows) > 0 {
			sec.Blocks = append(sec.Blocks, htmlreport.Block{Table: paired})
		}
		if len(driftT.Rows) > 0 {
			sec.Blocks = append(sec.Blocks, htmlreport.Block{Table: driftT})
		}
	}
	return []htmlreport.Section{sec}
}

// methodNotes explain how the numbers were made.
func methodNotes(r *Result) []string {
	s := r.Settings
	notes := []string{
		fmt.Sprintf("Leads are grouped into %ss by creation time. Each %s is scored by models fitted only on leads whose %d-day outcome window had closed when the %s began, so no outcome learned later reaches them.", s.Period, s.Period, s.HorizonDays, s.Period),
		"Of those training leads, the earliest 80% fit the models and the latest 20% choose the champion (lowest log loss) and nothing else; tier thresholds come from the training population.",
		fmt.Sprintf("A period's leads are scored at the %s and count as converted when they closed within %d days after it. A period is evaluated only once every one of its leads has had that long; later periods are marked incomplete.", s.EvaluatedAt, s.HorizonDays),
		fmt.Sprintf("A period needs %d training leads with known outcomes and %d conversions; earlier periods are a warm-up.", s.MinTrain, minConversions),
		"The rule sheet is scored as written: its points rank leads, and a calibrator fitted on the training window turns points into probabilities for log loss, Brier and ECE. Its MQL leads are those at or above the sheet's MQL points (disqualified leads excluded).",
		"A model's MQL leads are those in its warm or hot tier, hot leads those in its hot tier; for logistic and gbm when they are not the champion, the same shares of their training population.",
		"Top 10% capture is the share of a period's conversions among its 10% best-scored leads; leads tied at the cut count in proportion.",
		fmt.Sprintf("Intervals: %d bootstrap resamples of leads (seed %d), percentile 95%% intervals. The paired test resamples both scores together; p is the share of resamples in which the predictive model (the champion, or the better fitted model when the rule sheet is champion) did not beat the rule sheet.", s.Resamples, s.Seed),
		fmt.Sprintf("Drift: population stability index over deciles of the training window (categories: one bin each, those under 2%% of the training window together; missing values: a bin) of every encoded feature, per source field, and of the champion's probability; above %.1f is flagged.", DriftThreshold),
	}
	if len(s.ScoreAges) > 1 {
		notes = append(notes, "At a later age only the leads that had not converted by then are scored, with the fields and activity known at that moment; the same fit of the period scores every age. The champion of a period is the fitted model with the lowest log loss on its validation leads at every training snapshot age; the pooled tables at the top are at the first score age.")
	}
	return notes
}

// WriteReport writes the report directory (report.html, report.json,
// report.md) of r atomically.
func WriteReport(dir string, r *Result) error {
	return htmlreport.WriteDir(dir, r.Doc(), r)
}

// RunToDir runs the backtest of cfg and writes its report into a new
// directory named after the current UTC time under parentDir/reports (for
// example parentDir/reports/2026-11-22T2315Z), which it returns. A server
// calls it on a schedule; each run leaves its own dated report.
func RunToDir(ctx context.Context, cfg Config, parentDir string) (string, error) {
	res, err := Run(ctx, cfg)
	if err != nil {
		return "", err
	}
	base := filepath.Join(parentDir, "reports")
	name := res.CreatedAt.Format("2006-01-02T1504Z")
	dir := filepath.Join(base, name)
	for k := 2; ; k++ {
		if _, err := os.Stat(dir); os.IsNotExist(err) {
			break
		}
		dir = filepath.Join(base, fmt.Sprintf("%s-%d", name, k))
	}
	if err := WriteReport(dir, res); err != nil {
		return "", err
	}
	return dir, nil
}

// ReportInfo describes one report directory written by RunToDir.
type ReportInfo struct {
	// Name is the directory name (its UTC time, e.g. 2026-11-22T2315Z).
	Name string `json:"name"`
	// Dir is the directory's path.
	Dir       string    `json:"-"`
	Kind      string    `json:"kind"`
	CreatedAt time.Time `json:"created_at"`
	Summary   []string  `json:"summary"`
}

// ListReports lists the report directories under parentDir/reports, newest
// first, with the summary of each report.json. Directories being written
// (their names start with a dot) and directories without a readable
// report.json are skipped. A missing reports directory is an empty list.
func ListReports(parentDir string) ([]ReportInfo, error) {
	base := filepath.Join(parentDir, "reports")
	entries, err := os.ReadDir(base)
	if os.IsNotExist(err) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("list reports: %w", err)
	}
	var out []ReportInfo
	for _, e := range entries {
		if !e.IsDir() || strings.HasPrefix(e.Name(), ".") {
			continue
		}
		dir := filepath.Join(base, e.Name())
		data, err := os.ReadFile(filepath.Join(dir, htmlreport.JSONFile))
		if err != nil {
			continue
		}
		var head struct {
			Kind      string    `json:"kind"`
			CreatedAt time.Time `json:"created_at"`
			Summary   []string  `json:"summary"`
		}
		if json.Unmarshal(data, &head) != nil {
			continue
		}
		out = append(out, ReportInfo{Name: e.Name(), Dir: dir, Kind: head.Kind, CreatedAt: head.CreatedAt, Summary: head.Summary})
	}
	sort.SliceStable(out, func(i, j int) bool {
		if !out[i].CreatedAt.Equal(out[j].CreatedAt) {
			return out[i].CreatedAt.After(out[j].CreatedAt)
		}
		return out[i].Name > out[j].Name
	})
	return out, nil
}

// AgeAgreement sets a bundle's held-out ROC AUC by lead age (the training
// report's metrics_by_age, for its champion and the rule sheet) beside the
// backtest's pooled ROC AUC at the same ages, one line per score age the
// held-out table also has, and says whether the two agree on the sign of
// champion minus rule sheet. Empty without a rule sheet or common ages.
// With the backtest's every-age pool (Result.AllAges) and the held-out
// metrics over all ages (pooled, the training report's metrics), a last
// line sets those two side by side the same way.
func AgeAgreement(held []training.AgeMetrics, pooled map[string]metrics.Report, champion string, r *Result) (out []string) {
	defer func() {
		hc, okc := pooled[champion]
		hr, okr := pooled[models.Rules]
		if len(out) == 0 || r.AllAges == nil || !okc || !okr {
			return
		}
		c, ok := comparison(r.AllAges.Overall, Champion, models.Rules)
		if !ok {
			return
		}
		var ages []int
		for _, h := range held {
			ages = append(ages, h.AgeDays)
		}
		verdict := "they agree"
		if (hc.ROCAUC-hr.ROCAUC > 0) != (c.Difference.Value > 0) {
			verdict = "they disagree"
		}
		out = append(out, fmt.Sprintf("all ages pooled: held-out %s %.4f, rule sheet %.4f (%+.4f, %d examples at %s days); backtest champion minus rule sheet %s (95%% interval %s to %s, %s, %d scores at %s days): %s",
			champion, hc.ROCAUC, hr.ROCAUC, hc.ROCAUC-hr.ROCAUC, hc.N, joinInts(ages), signed(c.Difference.Value), signed(c.Difference.Lo), signed(c.Difference.Hi), pValue(c.PValue, c.Resamples), r.AllAges.Overall.Leads, joinInts(r.AllAges.Ages), verdict))
	}()
	for _, a := range r.ByAge {
		k := slices.IndexFunc(held, func(h training.AgeMetrics) bool { return h.AgeDays == a.AgeDays })
		if k < 0 || a.Overall == nil {
			continue
		}
		h := held[k]
		hc, okc := h.ROCAUC[champion]
		hr, okr := h.ROCAUC[models.Rules]
		c, ok := comparison(a.Overall, Champion, models.Rules)
		if !okc || !okr || !ok {
			continue
		}
		verdict := "they agree"
		if (hc-hr > 0) != (c.Difference.Value > 0) {
			verdict = "they disagree"
		}
		out = append(out, fmt.Sprintf("day %d: held-out %s %.4f, rule sheet %.4f (%+.4f, %d examples); backtest champion minus rule sheet %s (95%% interval %s to %s, %s, %d leads): %s",
			a.AgeDays, champion, hc, hr, hc-hr, h.Examples, signed(c.Difference.Value), signed(c.Difference.Lo), signed(c.Difference.Hi), pValue(c.PValue, c.Resamples), a.Overall.Leads, verdict))
	}
	return out
}
