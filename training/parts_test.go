package training

import (
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/leadscore/leadscore/datasets"
	"github.com/leadscore/leadscore/features"
	"github.com/leadscore/leadscore/models"
)

// TestFitEngagementSplit states the split's invariant for every model as
// champion: base value + fit + engagement = the raw score (log-odds; points
// for the rule sheet), fit is the sum of the contributions of the fit
// sources, each part ranks among the training leads recorded in the bundle,
// the grade follows from those ranks, and a saved and loaded bundle gives
// the same parts.
func TestFitEngagementSplit(t *testing.T) {
	opt := sampleOptions(t)
	res := trainedSample(t)
	in := features.Inputs{}
	var err error
	in.Leads, _, err = datasets.ReadFile(opt.Data, datasets.ReadOptions{})
	require.NoError(t, err)
	in.Events, _, err = datasets.ReadFile(opt.Events, datasets.ReadOptions{})
	require.NoError(t, err)
	ds, err := features.ScoringDataset(res.Bundle.Spec.Config, in, time.Date(2025, 6, 1, 0, 0, 0, 0, time.UTC))
	require.NoError(t, err)
	rows := sampleRows(allIndexes(ds.Rows), 300, 1, 1)

	for _, champ := range models.AllModels {
		t.Run(champ, func(t *testing.T) {
			b := *res.Bundle
			b.Scoring.Champion = champ
			pop := b.Scoring.Parts[champ]
			require.NotNil(t, pop, "the bundle records the parts of %s", champ)
			assert.Len(t, pop.Fit, 1001)
			assert.Len(t, pop.Engagement, 1001)
			require.NotNil(t, pop.Matrix)
			total := 0
			for i := range pop.Matrix.Leads {
				for j := range pop.Matrix.Leads[i] {
					total += pop.Matrix.Leads[i][j]
					assert.LessOrEqual(t, pop.Matrix.Converted[i][j], pop.Matrix.Leads[i][j])
				}
			}
			assert.Equal(t, min(res.Report.Split.TestRows, partsSample), total, "every held-out row is in one cell")

			fitSource := map[string]bool{}
			cols := b.Spec.TreeColumns()
			if champ == models.Logistic {
				cols = b.Spec.LinearColumns()
			}
			for _, c := range cols {
				fitSource[c.Source] = c.Group == features.GroupFit
			}
			scored := b.ScoreDataset(ds, rows, models.ScoreOptions{Explain: models.ExplainAll}, 2)
			n := 0
			for _, s := range scored {
				if s.Err != nil {
					continue
				}
				n++
				r := s.Result
				require.NotNil(t, r.Fit)
				require.NotNil(t, r.Engagement)
				ex := r.Explanation
				if champ == models.Rules {
					assert.Equal(t, r.Rules.FitPoints, r.Fit.Value)
					assert.Equal(t, r.Rules.EngagementPoints, r.Engagement.Value)
				} else {
					assert.InDelta(t, ex.Raw, ex.BaseValue+r.Fit.Value+r.Engagement.Value, 1e-9, "lead %s", r.LeadID)
					fit := 0.0
					for _, c := range ex.Contributions {
						if fitSource[c.Feature] {
							fit += c.Contribution
						}
					}
					assert.InDelta(t, r.Fit.Value, fit, 1e-9, "fit is the sum of the fit sources' contributions")
				}
				for _, p := range []*models.Part{r.Fit, r.Engagement} {
					assert.GreaterOrEqual(t, p.Percentile, 0.0)
					assert.LessOrEqual(t, p.Percentile, 100.0)
				}
				assert.Equal(t, models.FitEngagementGrade(r.Fit.Percentile, r.Engagement.Percentile), r.FitEngagementGrade)
			}
			require.Greater(t, n, 0)
		})
	}

	dir := filepath.Join(t.TempDir(), "v1")
	require.NoError(t, res.Bundle.Save(dir))
	loaded, err := models.Load(dir)
	require.NoError(t, err)
	a := res.Bundle.ScoreDataset(ds, rows, models.ScoreOptions{}, 1)
	c := loaded.ScoreDataset(ds, rows, models.ScoreOptions{}, 1)
	for i := range a {
		if a[i].Err == nil {
			assert.Equal(t, *a[i].Result.Fit, *c[i].Result.Fit)
			assert.Equal(t, *a[i].Result.Engagement, *c[i].Result.Engagement)
			assert.Equal(t, a[i].Result.FitEngagementGrade, c[i].Result.FitEngagementGrade)
		}
	}
}

func allIndexes(n int) []int {
	out := make([]int, n)
	for i := range out {
		out[i] = i
	}
	return out
}

func TestFitEngagementGrade(t *testing.T) {
	tests := []struct {
		fit, eng float64
		want     string
	}{
		{100, 100, "A1"}, {75, 66.67, "A1"}, {74.99, 66.66, "B2"}, {50, 33.34, "B2"},
		{49, 33.33, "C3"}, {25, 0, "C3"}, {0, 90, "D1"}, {10, 40, "D2"},
	}
	for _, tc := range tests {
		assert.Equal(t, tc.want, models.FitEngagementGrade(tc.fit, tc.eng), "fit %v engagement %v", tc.fit, tc.eng)
	}
}
