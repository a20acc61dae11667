package rules_test

import (
	"math"
	"path/filepath"
	"sort"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/leadscore/leadscore/datasets"
	"github.com/leadscore/leadscore/datasets/synth"
	"github.com/leadscore/leadscore/features"
	"github.com/leadscore/leadscore/internal/realdata"
	"github.com/leadscore/leadscore/models/rules"
)

// TestDefaultSheetsRankGeneratedLeads scores generated histories with the
// shipped sheets through the same Dataset.Lead path training uses: the
// points must rank converters above the rest (ROC AUC) and MQLs must convert
// more often than the leads below the threshold.
func TestDefaultSheetsRankGeneratedLeads(t *testing.T) {
	if testing.Short() {
		t.Skip("generates and scores two synthetic data sets")
	}
	for _, profile := range []string{synth.ProfileB2B, synth.ProfileB2C} {
		t.Run(profile, func(t *testing.T) {
			dir := t.TempDir()
			_, err := synth.Generate(synth.Config{Profile: profile, Leads: 2000, Seed: 11, Format: "csv", Workers: 1}, dir, nil)
			require.NoError(t, err)
			var in features.Inputs
			for _, f := range []struct {
				name string
				dst  **datasets.Table
			}{{"leads.csv", &in.Leads}, {"events.csv", &in.Events}, {"outcomes.csv", &in.Outcomes}} {
				*f.dst, _, err = datasets.ReadFile(filepath.Join(dir, f.name), datasets.ReadOptions{})
				require.NoError(t, err)
			}
			assert.Empty(t, rules.Lint(rules.Default(profile), profile+".yaml", in.Leads.Schema(), nil),
				"the shipped sheet lints clean against the generated schema")
			d, err := features.Build(features.DefaultConfig(), in)
			require.NoError(t, err)
			require.Positive(t, d.Rows)

			sheet, err := rules.Parse(rules.Default(profile), profile+".yaml")
			require.NoError(t, err)
			points := make([]float64, d.Rows)
			var mql, mqlPos, pos int
			for i := range d.Rows {
				res := sheet.Evaluate(d.Lead(i))
				points[i] = res.Points
				if res.Disqualified {
					points[i] = math.Inf(-1)
				}
				y := d.Labels[i] == 1
				if y {
					pos++
				}
				if res.Tier == rules.TierWarm || res.Tier == rules.TierHot {
					mql++
					if y {
						mqlPos++
					}
				}
			}
			auc := rocAUC(points, d.Labels)
			rateMQL := float64(mqlPos) / math.Max(1, float64(mql))
			rateRest := float64(pos-mqlPos) / math.Max(1, float64(d.Rows-mql))
			t.Logf("%s: %d rows, %d positives, ROC AUC %.3f, %d MQLs converting %.1f%%, the rest %.1f%%",
				profile, d.Rows, pos, auc, mql, 100*rateMQL, 100*rateRest)
			assert.Greater(t, auc, 0.6)
			assert.Greater(t, rateMQL, rateRest)
		})
	}
}

// TestXEducationBaseline scores the real X Education export with the shipped
// sheet, read by the datasets reader and turned into leads by features.Build
// as in production: the sheet lints clean against the inferred schema, its
// points rank converters above the rest and MQLs convert clearly more often
// than the leads below the threshold.
func TestXEducationBaseline(t *testing.T) {
	path := realdata.Path(t, "xeducation/Leads.csv")
	tb, _, err := datasets.ReadFile(path, datasets.ReadOptions{})
	require.NoError(t, err)
	assert.Empty(t, rules.Lint(rules.Default("xeducation"), "xeducation.yaml", tb.Schema(), nil))

	cfg := features.DefaultConfig()
	cfg.ID, cfg.Target = "Prospect ID", "Converted"
	d, err := features.Build(cfg, features.Inputs{Leads: tb})
	require.NoError(t, err)
	require.Equal(t, 9237, d.Rows)
	sheet, err := rules.Parse(rules.Default("xeducation"), "xeducation.yaml")
	require.NoError(t, err)

	points := make([]float64, d.Rows)
	var mql, mqlPos, pos int
	for i := range d.Rows {
		res := sheet.Evaluate(d.Lead(i))
		points[i] = res.Points
		y := d.Labels[i] == 1
		if y {
			pos++
		}
		if res.Tier == rules.TierWarm || res.Tier == rules.TierHot {
			mql++
			if y {
				mqlPos++
			}
		}
	}
	auc := rocAUC(points, d.Labels)
	rateMQL := float64(mqlPos) / float64(mql)
	rateRest := float64(pos-mqlPos) / float64(d.Rows-mql)
	t.Logf("%d leads, ROC AUC %.3f, %d MQLs (%.1f%%) converting %.1f%%; the rest convert %.1f%%",
		d.Rows, auc, mql, 100*float64(mql)/float64(d.Rows), 100*rateMQL, 100*rateRest)
	assert.Greater(t, auc, 0.8)
	assert.Greater(t, rateMQL, 2*rateRest)
	assert.Greater(t, mql, d.Rows/10)
}

// rocAUC is the probability that a random positive scores above a random
// negative, ties counting one half.
func rocAUC(score, label []float64) float64 {
	idx := make([]int, len(score))
	for i := range idx {
		idx[i] = i
	}
	sort.Slice(idx, func(a, b int) bool { return score[idx[a]] < score[idx[b]] })
	var rankSum, nPos float64
	for i := 0; i < len(idx); {
		j := i
		for j < len(idx) && score[idx[j]] == score[idx[i]] {
			j++
		}
		mid := float64(i+j+1) / 2
		for k := i; k < j; k++ {
			if label[idx[k]] == 1 {
				rankSum += mid
				nPos++
			}
		}
		i = j
	}
	nNeg := float64(len(score)) - nPos
	if nPos == 0 || nNeg == 0 {
		return math.NaN()
	}
	return (rankSum - nPos*(nPos+1)/2) / (nPos * nNeg)
}
