package training

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/leadscore/leadscore/datasets"
	"github.com/leadscore/leadscore/features"
	"github.com/leadscore/leadscore/models"
)

// weightedCSV writes flat leads where group A (weight 1) converts more
// often as x grows and group B (weight 0, the majority) less often: only
// the weights say which group to learn from.
func weightedCSV(t *testing.T, n int, weight func(i int, a bool) string) string {
	t.Helper()
	rng := rand.New(rand.NewPCG(41, 42))
	var b strings.Builder
	b.WriteString("lead_id,x,z,w,converted\n")
	for i := range n {
		x, z := rng.NormFloat64(), rng.NormFloat64()
		a := i%5 < 2
		logit := 2.5 * x
		if !a {
			logit = -2.5 * x
		}
		y := 0
		if rng.Float64() < 1/(1+math.Exp(-logit)) {
			y = 1
		}
		fmt.Fprintf(&b, "L%05d,%.4f,%.4f,%s,%d\n", i, x, z, weight(i, a), y)
	}
	path := filepath.Join(t.TempDir(), "leads.csv")
	require.NoError(t, os.WriteFile(path, []byte(b.String()), 0o644))
	return path
}

func weightedOptions(path, weight string) Options {
	cfg := features.DefaultConfig()
	cfg.Target = "converted"
	return Options{Data: path, Config: cfg, Models: []string{models.Logistic, models.GBM}, Seed: 5,
		GBM: fastGBM(), LogisticLambda: 1e-3, Weight: weight}
}

// TestWeightsDecideWhatIsLearned trains on data whose majority (weight 0)
// has the opposite relation to x from the minority (weight 1): weighted,
// both models score a larger x higher; unweighted, the logistic model
// scores it lower.
func TestWeightsDecideWhatIsLearned(t *testing.T) {
	path := weightedCSV(t, 3000, func(i int, a bool) string {
		if a {
			return "1"
		}
		return "0"
	})
	for _, c := range []struct {
		weight string
		sign   float64
	}{{"w", 1}, {"", -1}} {
		opt := weightedOptions(path, c.weight)
		opt.Config.Exclude = []string{"w"} // unweighted, w would tell the groups apart
		res, err := Train(context.Background(), opt)
		require.NoError(t, err, c.weight)
		b := res.Bundle
		// The weight column is never a feature.
		assert.False(t, slices.ContainsFunc(b.Spec.Features, func(f features.Feature) bool { return f.Source == "w" }), "w is a feature")
		lead := func(x float64) *features.Lead {
			num := func(v float64) features.Value { return features.Value{Kind: datasets.KindNumber, Num: v} }
			return &features.Lead{ID: "q", Fields: map[string]features.Value{"x": num(x), "z": num(0)}}
		}
		sc := b.NewScorer()
		lo, err := sc.Score(lead(-1.5), models.ScoreOptions{AllModels: true})
		require.NoError(t, err)
		hi, err := sc.Score(lead(1.5), models.ScoreOptions{AllModels: true})
		require.NoError(t, err)
		for _, m := range []string{models.Logistic, models.GBM} {
			pl, ph := lo.Probabilities[m], hi.Probabilities[m]
			t.Logf("%s, weight %q: p(x=1.5) %.3f, p(x=-1.5) %.3f", m, c.weight, ph, pl)
			if c.sign > 0 || m == models.Logistic {
				assert.Greater(t, c.sign*(ph-pl), 0.1, "%s, weight %q: p(x=1.5) %.3f, p(x=-1.5) %.3f", m, c.weight, ph, pl)
			} else {
				// Unweighted, the trees find little (the groups cancel out
				// at depth one): at least not the minority's relation.
				assert.Less(t, ph-pl, 0.05, "%s unweighted", m)
			}
		}
		if c.weight != "" {
			require.NotNil(t, res.Report.Weight)
			assert.Equal(t, WeightInfo{Column: "w", Min: 0, Mean: res.Report.Weight.Mean, Max: 1, Zero: 1800}, *res.Report.Weight)
			assert.InDelta(t, 0.4, res.Report.Weight.Mean, 1e-9)
			assert.Contains(t, res.Report.Markdown(), `weighted by the leads column "w"`)
		} else {
			assert.Nil(t, res.Report.Weight)
		}
	}
}

func TestBadWeightsAreRefused(t *testing.T) {
	for _, c := range []struct {
		name   string
		weight func(i int, a bool) string
		col    string
		want   string
	}{
		{"missing", func(i int, a bool) string { return map[bool]string{true: "", false: "1"}[i == 7] }, "w", `line 9: weight column "w" of lead "L00007" is missing`},
		{"negative", func(i int, a bool) string { return map[bool]string{true: "-2", false: "1"}[i == 3] }, "w", `line 5: weight column "w" of lead "L00003" is -2`},
		{"all zero", func(int, bool) string { return "0" }, "w", `weight column "w" is 0 for every lead`},
		{"not numeric", func(i int, a bool) string { return map[bool]string{true: "high", false: "low"}[a] }, "w", `weight column "w" was read as category`},
		{"no such column", func(int, bool) string { return "1" }, "weight", `has no column "weight" (set it with --weight COL)`},
	} {
		path := weightedCSV(t, 200, c.weight)
		_, err := Train(context.Background(), weightedOptions(path, c.col))
		require.Error(t, err, c.name)
		assert.Contains(t, err.Error(), c.want, c.name)
	}
}
