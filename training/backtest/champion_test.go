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
