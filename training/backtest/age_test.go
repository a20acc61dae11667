package backtest

import (
	"context"
	"encoding/csv"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/leadscore/leadscore/metrics"
	"github.com/leadscore/leadscore/training"
	"github.com/leadscore/leadscore/training/htmlreport"
)

// readCSV reads a small CSV written by genData into its rows (header
// dropped).
func readCSV(t *testing.T, path string) [][]string {
	t.Helper()
	f, err := os.Open(path)
	require.NoError(t, err)
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	require.NoError(t, err)
	return rows[1:]
}

func mustTime(t *testing.T, s string) time.Time {
	t.Helper()
	v, err := time.Parse(time.RFC3339, s)
	require.NoError(t, err)
	return v
}

// ageConfig backtests genData's files at the ages 1 and 7 (snapshots 1, 7
// and 14), logistic only, to keep the test small.
func ageConfig(dir string) Config {
	cfg := testConfig(dir)
	cfg.SnapshotDays = []int{1, 7, 14}
	cfg.ScoreAges = []int{7, 1}
	cfg.Models = []string{"logistic"}
	return cfg
}

// TestBacktestAtAges checks the backtest at several ages against the raw
// files: at each age a period's scored leads are exactly those created in
// it that had not converted by then, each scored at creation + age and
// labelled by a conversion within the horizon after that moment; the pooled
// ROC AUC per age is the one computed directly from the periods' scores.
func TestBacktestAtAges(t *testing.T) {
	dir, _ := genData(t, 2400, 12, 1)
	cfg := ageConfig(dir)
	res, err := Run(context.Background(), cfg)
	require.NoError(t, err)
	assert.Equal(t, []int{1, 7}, res.Settings.ScoreAges, "sorted")
	require.Len(t, res.ByAge, 2)
	assert.Same(t, res.Overall, res.ByAge[0].Overall, "Overall is the primary (first) age")

	created := map[string]time.Time{}
	for _, r := range readCSV(t, filepath.Join(dir, "leads.csv")) {
		created[r[0]] = mustTime(t, r[1])
	}
	converted := map[string]time.Time{}
	for _, r := range readCSV(t, filepath.Join(dir, "outcomes.csv")) {
		converted[r[0]] = mustTime(t, r[1])
	}
	opt, err := cfg.withDefaults().trainingOptions()
	require.NoError(t, err)
	prep, err := training.Prepare(context.Background(), opt)
	require.NoError(t, err)
	ds := prep.Dataset
	horizon := time.Duration(cfg.HorizonDays) * 24 * time.Hour

	later := 0 // leads of evaluated periods left out at day 7: converted by then
	for k, age := range res.Settings.ScoreAges {
		var y, champ, sheet []float64
		var periods []string
		for _, p := range res.Periods {
			if p.Status != StatusEvaluated {
				continue
			}
			ae := p.age(age)
			require.NotNil(t, ae, "period %s has an entry at age %d", p.Label, age)
			if k == 0 {
				assert.Same(t, p.Eval, ae.Eval, "the period's Eval is its primary age")
			}
			if ae.Status != StatusEvaluated {
				assert.Nil(t, ae.Eval)
				assert.True(t, p.End.Add(time.Duration(age)*24*time.Hour+horizon).After(res.Data.AsOf), "period %s at day %d is incomplete only when its outcomes are", p.Label, age)
				continue
			}
			periods = append(periods, p.Label)
			sc := p.scoredAt[age]
			require.NotNil(t, sc)
			// The leads expected from the raw files.
			var want []string
			for id, c := range created {
				if c.Before(p.Start) || !c.Before(p.End) {
					continue
				}
				moment := c.Add(time.Duration(age) * 24 * time.Hour)
				if conv, ok := converted[id]; ok && !conv.After(moment) {
					later++
					continue // converted by the scoring moment: not scored
				}
				want = append(want, id)
			}
			var got []string
			for i, r := range sc.rows {
				id := ds.LeadIDs[r]
				got = append(got, id)
				moment := created[id].Add(time.Duration(age) * 24 * time.Hour)
				require.Equal(t, moment, ds.Cutoffs[r], "lead %s scored at creation + %d days", id, age)
				conv, ok := converted[id]
				label := 0.0
				if ok && conv.After(moment) && !conv.After(moment.Add(horizon)) {
					label = 1
				}
				require.Equal(t, label, sc.y[i], "lead %s at day %d: converted within the horizon after the scoring moment", id, age)
			}
			slices.Sort(want)
			slices.Sort(got)
			require.Equal(t, want, got, "period %s at day %d", p.Label, age)
			assert.Equal(t, len(got), ae.Leads)
			y = append(y, sc.y...)
			champ = append(champ, sc.scores[slices.Index(sc.names, Champion)].prob...)
			sheet = append(sheet, sc.scores[sc.rules].val...)
		}
		require.NotEmpty(t, periods, "age %d is evaluated somewhere", age)
		ar := res.ByAge[k]
		assert.Equal(t, age, ar.AgeDays)
		assert.Equal(t, periods, ar.Periods)
		require.NotNil(t, ar.Overall)
		assert.Equal(t, len(y), ar.Overall.Leads)
		ch, _ := find(ar.Overall, Champion)
		rs, _ := find(ar.Overall, "rules")
		assert.InDelta(t, metrics.ROCAUC(y, champ, nil), float64(ch.ROCAUC.Value), 1e-12, "pooled champion AUC at day %d", age)
		assert.InDelta(t, metrics.ROCAUC(y, sheet, nil), float64(rs.ROCAUC.Value), 1e-12, "pooled rule sheet AUC at day %d", age)
		c, ok := comparison(ar.Overall, Champion, "rules")
		require.True(t, ok)
		assert.InDelta(t, float64(ch.ROCAUC.Value-rs.ROCAUC.Value), float64(c.Difference.Value), 1e-12)
		assert.True(t, c.Difference.Lo <= c.Difference.Value && c.Difference.Value <= c.Difference.Hi, "the estimate lies in its interval: %+v", c.Difference)
	}
	assert.Positive(t, later, "some leads converted between day 1 and day 7 and are left out at day 7")

	// Every score at every age pooled: the concatenation of the ages'
	// scores, the champion ranked by probability and the sheet by points.
	require.NotNil(t, res.AllAges)
	assert.Equal(t, []int{1, 7}, res.AllAges.Ages)
	var y, champ, sheet []float64
	leads := map[string]bool{}
	for _, age := range res.Settings.ScoreAges {
		for _, p := range res.Periods {
			if sc := p.scoredAt[age]; p.Status == StatusEvaluated && sc != nil {
				y = append(y, sc.y...)
				champ = append(champ, sc.scores[slices.Index(sc.names, Champion)].prob...)
				sheet = append(sheet, sc.scores[sc.rules].val...)
				for _, r := range sc.rows {
					leads[ds.LeadIDs[r]] = true
				}
			}
		}
	}
	all := res.AllAges.Overall
	assert.Equal(t, res.ByAge[0].Overall.Leads+res.ByAge[1].Overall.Leads, all.Leads, "one row per score")
	assert.Equal(t, len(leads), res.AllAges.Leads)
	assert.Less(t, res.AllAges.Leads, all.Leads, "leads scored at both ages count once as leads")
	ch, _ := find(all, Champion)
	rs, _ := find(all, "rules")
	assert.InDelta(t, metrics.ROCAUC(y, champ, nil), float64(ch.ROCAUC.Value), 1e-12)
	assert.InDelta(t, metrics.ROCAUC(y, sheet, nil), float64(rs.ROCAUC.Value), 1e-12)
	c, ok := comparison(all, Champion, "rules")
	require.True(t, ok)
	assert.True(t, c.Difference.Lo <= c.Difference.Value && c.Difference.Value <= c.Difference.Hi, "%+v", c.Difference)

	// The report shows the per-age tables.
	out := filepath.Join(t.TempDir(), "report")
	require.NoError(t, WriteReport(out, res))
	page, err := os.ReadFile(filepath.Join(out, htmlreport.HTMLFile))
	require.NoError(t, err)
	rows := tableRows(t, string(page), "Pooled ROC AUC by lead age")
	require.Len(t, rows, 4, "the header, ages 1 and 7, and all ages pooled")
	assert.Equal(t, "7", rows[2][0])
	assert.Equal(t, "all (1 and 7)", rows[3][0])
	assert.Len(t, tableRows(t, string(page), "Paired bootstrap of the ROC AUC by lead age"), 7, "the header, logistic and champion against rules at each age and pooled")
	assert.Contains(t, fmt.Sprint(res.Summary), "At 7 days after creation")
	assert.Contains(t, fmt.Sprint(res.Summary), "Every score at every age pooled")
}

// TestBacktestAgePointInTime adds, for the leads of the last period
// evaluated at day 7, a demo request one hour after their day-7 scoring
// moment: their day-7 scores do not move. The same request one hour before
// the moment does move them (the sheet gives a demo request 25 points).
func TestBacktestAgePointInTime(t *testing.T) {
	dir, _ := genData(t, 2400, 12, 1)
	cfg := ageConfig(dir)
	base, err := Run(context.Background(), cfg)
	require.NoError(t, err)
	var last *Period
	for k := range base.Periods {
		if p := &base.Periods[k]; p.Status == StatusEvaluated && p.age(7).Status == StatusEvaluated {
			last = p
		}
	}
	require.NotNil(t, last)
	withDemo := func(offset time.Duration) *Period {
		d := t.TempDir()
		for _, f := range []string{"leads.csv", "outcomes.csv", "rules.yaml"} {
			b, err := os.ReadFile(filepath.Join(dir, f))
			require.NoError(t, err)
			require.NoError(t, os.WriteFile(filepath.Join(d, f), b, 0o644))
		}
		ev, err := os.ReadFile(filepath.Join(dir, "events.csv"))
		require.NoError(t, err)
		added := 0
		for _, r := range readCSV(t, filepath.Join(dir, "leads.csv")) {
			c := mustTime(t, r[1])
			if c.Before(last.Start) || !c.Before(last.End) {
				continue
			}
			ts := c.Add(7*24*time.Hour + offset)
			ev = fmt.Appendf(ev, "%s,%s,demo_request\n", r[0], ts.Format(time.RFC3339))
			added++
		}
		require.Positive(t, added)
		require.NoError(t, os.WriteFile(filepath.Join(d, "events.csv"), ev, 0o644))
		res, err := Run(context.Background(), ageConfig(d))
		require.NoError(t, err)
		for k := range res.Periods {
			if res.Periods[k].Label == last.Label {
				return &res.Periods[k]
			}
		}
		t.Fatalf("period %s missing", last.Label)
		return nil
	}
	scores := func(p *Period) [][]float64 {
		sc := p.scoredAt[7]
		require.NotNil(t, sc, "period %s evaluated at day 7", p.Label)
		var out [][]float64
		for _, m := range sc.scores {
			out = append(out, m.val)
		}
		return out
	}
	after := withDemo(time.Hour)
	assert.Equal(t, last.scoredAt[7].rows, after.scoredAt[7].rows)
	assert.Equal(t, scores(last), scores(after), "an event after the scoring moment never counts")
	before := withDemo(-time.Hour)
	assert.NotEqual(t, scores(last), scores(before), "the same event before the moment does")
}

// TestAgeAgreement sets the held-out table beside the backtest at the ages
// both have, and says whether they agree on champion minus rule sheet.
func TestAgeAgreement(t *testing.T) {
	ev := func(d float64) *Evaluation {
		return &Evaluation{Leads: 500, Comparisons: []Paired{{Metric: "roc_auc", Predictive: Champion, Baseline: "rules",
			Difference: Interval{Value: htmlreport.Float(d), Lo: htmlreport.Float(d - 0.01), Hi: htmlreport.Float(d + 0.01)}, PValue: 0.02, Resamples: 200}}}
	}
	r := &Result{ByAge: []AgeResult{{AgeDays: 1, Overall: ev(0.007)}, {AgeDays: 7, Overall: ev(-0.003)}, {AgeDays: 30, Overall: ev(0.03)}}}
	held := []training.AgeMetrics{
		{AgeDays: 1, Examples: 4000, ROCAUC: map[string]float64{"logistic": 0.78, "rules": 0.75}},
		{AgeDays: 7, Examples: 3900, ROCAUC: map[string]float64{"logistic": 0.82, "rules": 0.81}},
		{AgeDays: 90, Examples: 100, ROCAUC: map[string]float64{"logistic": 0.7, "rules": 0.6}},
	}
	lines := AgeAgreement(held, nil, "logistic", r)
	require.Len(t, lines, 2, "ages 1 and 7 are in both")
	assert.Contains(t, lines[0], "day 1: held-out logistic 0.7800, rule sheet 0.7500 (+0.0300, 4000 examples); backtest champion minus rule sheet +0.0070")
	assert.True(t, strings.HasSuffix(lines[0], "they agree"), lines[0])
	assert.True(t, strings.HasSuffix(lines[1], "they disagree"), lines[1])

	// With the every-age pools on both sides, a last line compares them.
	r.AllAges = &AllAgesResult{Ages: []int{1, 7, 30}, Leads: 600, Overall: ev(0.07)}
	pooled := map[string]metrics.Report{"logistic": {N: 8000, ROCAUC: 0.82}, "rules": {N: 8000, ROCAUC: 0.70}}
	lines = AgeAgreement(held, pooled, "logistic", r)
	require.Len(t, lines, 3)
	assert.Equal(t, "all ages pooled: held-out logistic 0.8200, rule sheet 0.7000 (+0.1200, 8000 examples at 1, 7 and 90 days); backtest champion minus rule sheet +0.0700 (95% interval +0.0600 to +0.0800, p = 0.020, 500 scores at 1, 7 and 30 days): they agree", lines[2])
	r.AllAges.Overall = ev(-0.01)
	assert.True(t, strings.HasSuffix(AgeAgreement(held, pooled, "logistic", r)[2], "they disagree"))
}
