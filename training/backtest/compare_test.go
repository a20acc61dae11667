package backtest

import (
	"context"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gopkg.in/yaml.v3"

	"github.com/leadscore/leadscore/features"
	"github.com/leadscore/leadscore/models/rules"
	"github.com/leadscore/leadscore/training"
	"github.com/leadscore/leadscore/training/htmlreport"
)

const plantedSheet = `# A sheet whose two rules carry the same points.
name: planted
tiers: {hot: 20, warm: 10}
rules:
  - {name: rule A, when: {field: a, equals: "yes"}, points: 10}  # strong in truth
  - {name: rule B, when: {field: b, equals: "yes"}, points: 10}
  - {name: rule C, when: {field: c, equals: "yes"}, points: -5}
`

// TestSuggestedPointsRecoverPlantedEffects builds leads where rule A adds
// 2.0 to the log-odds of converting, rule B 0.5 and rule C -1.0, scores them
// with a sheet that gives A and B equal points, and checks that the
// suggested points order the rules as the truth does, with A about four
// times B.
func TestSuggestedPointsRecoverPlantedEffects(t *testing.T) {
	sheet, err := rules.Parse([]byte(plantedSheet), "planted.yaml")
	require.NoError(t, err)
	doc, err := parseSheetDoc([]byte(plantedSheet))
	require.NoError(t, err)
	srs, err := sheetRules(doc)
	require.NoError(t, err)
	require.Len(t, srs, 3)

	rng := rand.New(rand.NewPCG(5, 5))
	const n = 20000
	yes := func(p float64) (string, bool) {
		if rng.Float64() < p {
			return "yes", true
		}
		return "no", false
	}
	fired := make([][]bool, n)
	y := make([]float64, n)
	for i := range fired {
		a, aOn := yes(0.3)
		b, bOn := yes(0.4)
		c, cOn := yes(0.25)
		l := &features.Lead{ID: "x", Fields: map[string]features.Value{
			"a": {Str: a}, "b": {Str: b}, "c": {Str: c},
		}}
		res := sheet.Evaluate(l)
		fired[i] = make([]bool, len(srs))
		for _, f := range res.Fired {
			for r := range srs {
				if srs[r].Name == f.Rule {
					fired[i][r] = true
				}
			}
		}
		require.Equal(t, []bool{aOn, bOn, cOn}, fired[i])
		logit := -2.0
		if aOn {
			logit += 2.0
		}
		if bOn {
			logit += 0.5
		}
		if cOn {
			logit -= 1.0
		}
		if rng.Float64() < 1/(1+math.Exp(-logit)) {
			y[i] = 1
		}
	}
	sug, err := suggestPoints(fired, y, srs)
	require.NoError(t, err)
	for r := range srs {
		assert.True(t, sug.Fitted[r])
	}
	assert.InDelta(t, 2.0, sug.Weight[0], 0.15)
	assert.InDelta(t, 0.5, sug.Weight[1], 0.15)
	assert.InDelta(t, -1.0, sug.Weight[2], 0.15)
	a, b, c := sug.Points[0], sug.Points[1], sug.Points[2]
	assert.Greater(t, a, b, "A truly adds more log-odds than B")
	assert.Less(t, c, 0.0, "C lowers the odds")
	assert.InDelta(t, 4.0, a/b, 1.5, "A/B ratio follows the log-odds ratio (%v/%v)", a, b)
	// The sheet's total absolute points (25) is kept, up to rounding.
	assert.InDelta(t, 25, math.Abs(a)+math.Abs(b)+math.Abs(c), 1.5)

	// The suggested sheet keeps everything but the points, and parses.
	out, err := SuggestSheet([]byte(plantedSheet), map[string]float64{"rule A": a, "rule B": b, "rule C": c})
	require.NoError(t, err)
	s2, err := rules.Parse(out, "suggested.yaml")
	require.NoError(t, err)
	assert.Equal(t, sheet.RuleNames(), s2.RuleNames())
	assert.Contains(t, string(out), "# strong in truth", "comments are kept")
	var check struct {
		Rules []struct {
			Name   string  `yaml:"name"`
			Points float64 `yaml:"points"`
		} `yaml:"rules"`
	}
	require.NoError(t, yaml.Unmarshal(out, &check))
	assert.Equal(t, a, check.Rules[0].Points)
	assert.Equal(t, b, check.Rules[1].Points)
}

func TestSuggestPointsSkipsRareRules(t *testing.T) {
	srs := []sheetRule{{Name: "common", Points: 10}, {Name: "never", Points: 7}, {Name: "dq", Disqualify: true}}
	fired := make([][]bool, 100)
	y := make([]float64, 100)
	for i := range fired {
		fired[i] = []bool{i%2 == 0, false, i%3 == 0}
		if i%4 == 0 {
			y[i] = 1
		}
	}
	sug, err := suggestPoints(fired, y, srs)
	require.NoError(t, err)
	assert.True(t, sug.Fitted[0])
	assert.False(t, sug.Fitted[1])
	assert.False(t, sug.Fitted[2])
	assert.Equal(t, 7.0, sug.Points[1], "an unfitted rule keeps its points")
	assert.True(t, math.IsNaN(sug.Weight[1]))
}

// TestCompare trains a bundle on generated data and compares it with its
// rule sheet on the same leads.
func TestCompare(t *testing.T) {
	dir, _ := genData(t, 1500, 6, 9)
	opt := training.Options{
		Data: filepath.Join(dir, "leads.csv"), Events: filepath.Join(dir, "events.csv"), Outcomes: filepath.Join(dir, "outcomes.csv"),
		RulesFile: filepath.Join(dir, "rules.yaml"), Models: []string{"rules", "logistic"}, Seed: 1, Threads: 2,
	}
	opt.Config = features.DefaultConfig()
	opt.Config.HorizonDays = 45
	opt.Config.SnapshotDays = []int{1, 7}
	res, err := training.Train(context.Background(), opt)
	require.NoError(t, err)
	bundle := filepath.Join(t.TempDir(), "bundle")
	require.NoError(t, res.Bundle.Save(bundle))

	c, err := Compare(context.Background(), CompareOptions{
		Model: bundle, In: opt.Data, Events: opt.Events, Outcomes: opt.Outcomes,
		Capacity: 20, Precision: 0.3, Threads: 2, Seed: 1,
	})
	require.NoError(t, err)
	assert.True(t, c.Labelled)
	total := 0
	for i := range c.CrossTab.Counts {
		for j := range c.CrossTab.Counts[i] {
			total += c.CrossTab.Counts[i][j]
			if n := c.CrossTab.Counts[i][j]; n > 0 {
				assert.InDelta(t, float64(c.CrossTab.Conversions[i][j])/float64(n), float64(c.CrossTab.Rates[i][j]), 1e-12)
			}
		}
	}
	assert.Equal(t, c.Leads, total, "every scored lead is in one cell")
	require.Len(t, c.Rules, 5)
	for _, r := range c.Rules {
		if r.Rule == "demo request" || r.Rule == "senior" {
			assert.True(t, r.Fitted, r.Rule)
			assert.Greater(t, float64(r.RateFired), float64(r.RateNotFired), "%s leads convert more", r.Rule)
			assert.Greater(t, float64(r.SuggestedPoints), 0.0)
		}
	}
	for _, d := range c.Disagreements {
		if d.Kind == "rules cold, model hot" {
			assert.Equal(t, "hot", d.ModelTier)
			assert.Contains(t, []string{"cold", "disqualified"}, d.RulesTier)
		}
	}
	require.Len(t, c.Thresholds, 4, "capacity and precision, for the model and the rule sheet")
	for _, th := range c.Thresholds {
		if th.Achievable && strings.HasPrefix(th.Goal, "capacity") {
			assert.LessOrEqual(t, float64(th.LeadsPerWeek), 20.0+1e-9)
		}
	}
	require.NotNil(t, c.Eval)
	assert.Len(t, c.Eval.Paired, 2)

	rep := filepath.Join(t.TempDir(), "compare")
	require.NoError(t, WriteCompareReport(rep, c))
	page, err := os.ReadFile(filepath.Join(rep, htmlreport.HTMLFile))
	require.NoError(t, err)
	assert.Empty(t, externalRef.FindAllString(string(page), -1))
	assert.Contains(t, string(page), "Leads by tier")

	sug := filepath.Join(t.TempDir(), "suggested.yaml")
	require.NoError(t, c.WriteSuggestedSheet(sug))
	s2, err := rules.Load(sug)
	require.NoError(t, err)
	assert.Len(t, s2.RuleNames(), 5)

	// Unlabelled: counts only.
	u, err := Compare(context.Background(), CompareOptions{Model: bundle, In: opt.Data, Events: opt.Events, Threads: 2})
	require.NoError(t, err)
	assert.False(t, u.Labelled)
	assert.Nil(t, u.Eval)
	assert.True(t, math.IsNaN(float64(u.CrossTab.Rates[0][0])))
	_, err = u.SuggestedSheet()
	assert.Error(t, err)
}
