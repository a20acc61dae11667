package backtest

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/leadscore/leadscore/training/htmlreport"
)

func TestChampionChoice(t *testing.T) {
	row := func(name string, ll, auc float64) ModelMetrics {
		return ModelMetrics{Model: name, LogLoss: Interval{Value: htmlreport.Float(ll)}, ROCAUC: Interval{Value: htmlreport.Float(auc)}}
	}
	r := &Result{Settings: Settings{Period: Month}, Periods: []Period{{Status: StatusEvaluated}, {Status: StatusWarmUp}},
		Overall: &Evaluation{Leads: 100, Models: []ModelMetrics{row("rules", 0.30, 0.75), row("logistic", 0.26, 0.76), row("gbm", 0.27, 0.73), row(Champion, 0.26, 0.76)}}}
	tests := []struct {
		name  string
		names []string
		want  string
		ok    bool
	}{
		{"lowest pooled log loss", []string{"rules", "logistic", "gbm"}, "logistic", true},
		{"among the named only", []string{"rules", "gbm"}, "gbm", true},
		{"a model the backtest did not evaluate", []string{"rules", "gbm", "other"}, "", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, why, ok := r.ChampionChoice(tc.names)
			assert.Equal(t, tc.ok, ok)
			assert.Equal(t, tc.want, got)
			if ok {
				assert.Contains(t, why, "over 1 periods and 100 leads")
			}
		})
	}
	_, _, ok := (&Result{}).ChampionChoice([]string{"gbm"})
	assert.False(t, ok, "no evaluated period")
}

// TestChampionChoiceAges: with several score ages the log loss that
// decides is every score's, all ages together (each age's pooled log loss
// weighted by its leads), not the first age's alone.
func TestChampionChoiceAges(t *testing.T) {
	row := func(name string, ll float64) ModelMetrics {
		return ModelMetrics{Model: name, LogLoss: Interval{Value: htmlreport.Float(ll)}, ROCAUC: Interval{Value: 0.7}}
	}
	day1 := &Evaluation{Leads: 100, Models: []ModelMetrics{row("logistic", 0.30), row("gbm", 0.31)}}
	day30 := &Evaluation{Leads: 300, Models: []ModelMetrics{row("logistic", 0.20), row("gbm", 0.19)}}
	r := &Result{Settings: Settings{Period: Month, ScoreAges: []int{1, 30}}, Periods: []Period{{Status: StatusEvaluated}},
		Overall: day1, ByAge: []AgeResult{{AgeDays: 1, Overall: day1}, {AgeDays: 30, Overall: day30}}}
	// logistic (0.30*100 + 0.20*300)/400 = 0.225; gbm (31 + 57)/400 = 0.22.
	got, why, ok := r.ChampionChoice([]string{"logistic", "gbm"})
	assert.True(t, ok)
	assert.Equal(t, "gbm", got, why)
	assert.Contains(t, why, "400 scores of leads 1 and 30 days old")
	assert.Contains(t, why, "gbm 0.2200")
	r.ByAge = r.ByAge[:1]
	got, _, _ = r.ChampionChoice([]string{"logistic", "gbm"})
	assert.Equal(t, "logistic", got, "one age: its log loss decides")
}
