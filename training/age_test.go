package training

import (
	"context"
	"math"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/leadscore/leadscore/features"
	"github.com/leadscore/leadscore/models"
)

// With a rule sheet, its points and fired rules are inputs of both fitted
// models; contributions name them "rule sheet: ..." and add up; the inputs
// survive a save and load, and each carries its fit or engagement group.
func TestRulesAsFeatures(t *testing.T) {
	res := trainedSample(t)
	b := res.Bundle
	require.NotNil(t, b.RuleInputs)
	require.Greater(t, b.RuleInputs.Len(), 2, "fit points, engagement points and fired rules")
	for _, c := range b.RuleInputs.Columns {
		assert.Contains(t, []string{models.GroupFit, models.GroupEngagement}, c.Group, c.Name)
		assert.True(t, strings.HasPrefix(c.Source, "rule sheet: "), c.Source)
	}
	require.Len(t, b.Logistic.Weights, len(b.LinearColumns()))
	assert.Equal(t, len(b.TreeColumns()), res.Tree.Cols)
	assert.Equal(t, res.Report.RuleInputs, b.RuleInputs.Columns)

	dir := filepath.Join(t.TempDir(), "b")
	require.NoError(t, b.Save(dir))
	loaded, err := models.Load(dir)
	require.NoError(t, err)
	require.Equal(t, b.RuleInputs, loaded.RuleInputs)

	ds := res.Probabilities // every example's probability, per model
	prep := trainedPrepared(t)
	rows := []int{0, 1, 2, 3, 4, 5, 6, 7, 8, 9}
	for _, champ := range []string{models.Logistic, models.GBM} {
		lb := *loaded
		lb.Scoring.Champion = champ
		sawRule := false
		for _, i := range rows {
			r, err := lb.NewScorer().Score(prep.Dataset.Lead(i), models.ScoreOptions{Explain: models.ExplainAll, AllModels: true})
			require.NoError(t, err)
			assert.InDelta(t, ds[champ][i], r.Probabilities[champ], 1e-9, "row %d scores as in training", i)
			sum := r.Explanation.BaseValue
			for _, c := range r.Explanation.Contributions {
				sum += c.Contribution
				if strings.HasPrefix(c.Feature, "rule sheet: ") && c.Contribution != 0 {
					sawRule = true
				}
			}
			assert.InDelta(t, r.Explanation.Raw, sum, 1e-6)
		}
		assert.True(t, sawRule, "%s: some contribution comes from the rule sheet", champ)
	}
}

// Without --rule-features the models read the spec's columns only.
func TestRuleFeaturesOff(t *testing.T) {
	opt := sampleOptions(t)
	opt.NoRuleFeatures = true
	opt.Models = []string{models.Rules, models.Logistic}
	res, err := Train(t.Context(), opt)
	require.NoError(t, err)
	assert.Nil(t, res.Bundle.RuleInputs)
	assert.Len(t, res.Bundle.Logistic.Weights, len(res.Bundle.Spec.LinearColumns()))

	// Rechampion moves the champion, its tiers and the report's reason,
	// and refuses a model the bundle does not hold.
	other := models.Rules
	if res.Report.Champion == models.Rules {
		other = models.Logistic
	}
	require.NoError(t, res.Rechampion(opt, other, "chosen by a backtest"))
	b := res.Bundle
	assert.Equal(t, other, b.Scoring.Champion)
	assert.Equal(t, other, res.Report.Champion)
	assert.Equal(t, "chosen by a backtest", res.Report.ChampionReason)
	assert.Equal(t, b.Scoring.HotThreshold, res.Report.Tiers.Hot)
	assert.Contains(t, string(b.Report), `"champion": "`+other+`"`)
	r, err := b.NewScorer().Score(trainedPrepared(t).Dataset.Lead(0), models.ScoreOptions{})
	require.NoError(t, err)
	assert.Equal(t, other, r.Model.Name)
	assert.Error(t, res.Rechampion(opt, "forest", "no such model"))
}

// Three-table data is split out of time by default, and the report says
// so; the snapshot ages are derived from the data and recorded; the
// logistic model's out-of-range handling is chosen and recorded.
func TestAgeAndTimeDefaults(t *testing.T) {
	res := trainedSample(t)
	rep := res.Report
	require.NotNil(t, rep.Split.TimeCutoff)
	assert.Contains(t, rep.Split.Method, "out-of-time")
	assert.True(t, rep.Build.SnapshotsDerived)
	assert.Equal(t, []int{1, 3, 7, 14, 30}, rep.Build.SnapshotDays[:5])
	assert.Equal(t, rep.Build.SnapshotDays, res.Bundle.Spec.Config.SnapshotDays, "the bundle records the ages it was trained at")
	require.NotNil(t, rep.OutOfRange)
	assert.Len(t, rep.OutOfRange.Candidates, 3)
	assert.Equal(t, rep.OutOfRange.Mode, res.Bundle.Spec.OutOfRange.Mode)
	assert.Contains(t, rep.OutOfRange.Reason, "log loss on the latest")
	assert.Contains(t, string(res.Bundle.ReportMD), "Numbers beyond their training range")
	// The held-out metrics by lead age start at the first snapshot age.
	require.NotEmpty(t, rep.MetricsByAge)
	assert.Equal(t, 1, rep.MetricsByAge[0].AgeDays)
	n := 0
	for _, a := range rep.MetricsByAge {
		n += a.Examples
		assert.Contains(t, a.ROCAUC, models.Logistic)
	}
	assert.LessOrEqual(t, n, rep.Split.TestRows)
}

// No lead gets an extrapolated score without an out_of_range warning: a
// lead older than any snapshot is warned on lead_age, and values beyond
// every training range on their field; a lead inside every range is not.
func TestNoSilentExtrapolation(t *testing.T) {
	res := trainedSample(t)
	b := res.Bundle
	prep := trainedPrepared(t)
	ages := b.Spec.Config.SnapshotDays
	oldest := ages[len(ages)-1]
	for i := 0; i < 50; i++ {
		l := *prep.Dataset.Lead(i)
		l.Cutoff = l.Created.Add(time.Duration(oldest+30) * 24 * time.Hour)
		r, err := b.NewScorer().Score(&l, models.ScoreOptions{})
		require.NoError(t, err)
		assert.True(t, hasWarning(r, models.WarnOutOfRange, "lead_age"), "lead %s scored %d days old: %v", l.ID, oldest+30, r.Warnings)
	}
	// Every numeric lead field beyond its training range.
	for _, f := range b.Spec.Features {
		if f.Origin != "field" || f.Categorical {
			continue
		}
		l := *prep.Dataset.Lead(0)
		l.Fields = map[string]features.Value{}
		for k, v := range prep.Dataset.Lead(0).Fields {
			l.Fields[k] = v
		}
		v := l.Fields[f.Field]
		v.Num, v.Missing = f.Max+10*(f.Max-f.Min)+1, false
		l.Fields[f.Field] = v
		r, err := b.NewScorer().Score(&l, models.ScoreOptions{})
		require.NoError(t, err)
		assert.True(t, hasWarning(r, models.WarnOutOfRange, f.Field), "%s beyond its range: %v", f.Field, r.Warnings)
		assert.False(t, math.IsNaN(r.Probability))
	}
}

func hasWarning(r *models.Result, code, field string) bool {
	for _, w := range r.Warnings {
		if w.Code == code && w.Field == field {
			return true
		}
	}
	return false
}

var (
	preparedOnce sync.Once
	prepared     *Prepared
	preparedErr  error
)

// trainedPrepared is the sample as trainedSample's training read it.
func trainedPrepared(t *testing.T) *Prepared {
	t.Helper()
	opt := sampleOptions(t)
	preparedOnce.Do(func() { prepared, preparedErr = Prepare(context.Background(), opt) })
	require.NoError(t, preparedErr)
	return prepared
}
