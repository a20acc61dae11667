package training

import (
	"context"
	"math"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/leadscore/leadscore/features"
	"github.com/leadscore/leadscore/models"
	"github.com/leadscore/leadscore/models/gbm"
)

func TestParseMonotone(t *testing.T) {
	for s, want := range map[string]MonotoneRule{
		"event:page_view:pricing:count_*=+1": {"event:page_view:pricing:count_*", 1},
		"employees = 1":                      {"employees", 1},
		"a=increasing":                       {"a", 1},
		"a=-1":                               {"a", -1},
		"a=Decreasing":                       {"a", -1},
	} {
		got, err := ParseMonotone(s)
		require.NoError(t, err, s)
		assert.Equal(t, want, got, s)
	}
	for _, s := range []string{"a", "=+1", "a=2", "a=up", "[=+1"} {
		_, err := ParseMonotone(s)
		assert.Error(t, err, s)
	}
}

func TestResolveMonotone(t *testing.T) {
	cols := []features.ColumnInfo{
		{Name: "industry", Categorical: true}, {Name: "employees"},
		{Name: "event:x:count_1d"}, {Name: "event:x:count_7d"}, {Name: "event:x:days_since_last"},
	}
	got, names, err := resolveMonotone([]MonotoneRule{{"event:x:count_*", 1}, {"*days_since*", -1}}, cols)
	require.NoError(t, err)
	assert.Equal(t, []int8{0, 0, 1, 1, -1}, got)
	assert.Equal(t, map[string]int8{"event:x:count_1d": 1, "event:x:count_7d": 1, "event:x:days_since_last": -1}, names)
	// A pattern passes over categorical features; naming one is an error.
	got, _, err = resolveMonotone([]MonotoneRule{{"*", 1}}, cols)
	require.NoError(t, err)
	assert.Equal(t, []int8{0, 1, 1, 1, 1}, got)
	_, _, err = resolveMonotone([]MonotoneRule{{"industry", 1}}, cols)
	assert.ErrorContains(t, err, `"industry" is categorical`)
	_, _, err = resolveMonotone([]MonotoneRule{{"pricing", 1}}, cols)
	assert.ErrorContains(t, err, "matches no numeric feature")
	_, _, err = resolveMonotone([]MonotoneRule{{"event:x:*", 1}, {"*days_since*", -1}}, cols)
	assert.ErrorContains(t, err, `disagree on feature "event:x:days_since_last"`)
	got, names, err = resolveMonotone(nil, cols)
	assert.NoError(t, err)
	assert.Nil(t, got)
	assert.Nil(t, names)
}

// TestGBMMonotoneConstraints trains the gbm with constraints on the
// pricing-page features and scans each constrained feature across its
// range for examples: the margin must move only the allowed way. The same
// scan finds violations in the model trained without the constraints.
func TestGBMMonotoneConstraints(t *testing.T) {
	opt := sampleOptions(t)
	opt.Models = []string{models.GBM}
	opt.GBMMonotone = []MonotoneRule{{"event:page_view:pricing:count_*", 1}, {"event:page_view:pricing:decayed", 1}, {"event:page_view:pricing:days_since_last", -1}}
	res, err := Train(context.Background(), opt)
	require.NoError(t, err)
	m := res.Bundle.GBM
	require.NotNil(t, res.Report.GBM)
	signs := res.Report.GBM.Monotone
	assert.Len(t, signs, 6)
	split := 0 // constrained features the trees split on
	for j, c := range m.Columns {
		require.Equal(t, signs[c.Name], m.Params.Monotone[j], c.Name)
		if signs[c.Name] != 0 && slices.Contains(m.Feature, int32(j)) {
			split++
		}
	}
	assert.Positive(t, split, "the trees use constrained features")
	assert.Zero(t, violations(m, res.Tree, signs))

	opt.GBMMonotone = nil
	free, err := Train(context.Background(), opt)
	require.NoError(t, err)
	assert.Nil(t, free.Bundle.GBM.Params.Monotone)
	assert.Positive(t, violations(free.Bundle.GBM, free.Tree, signs))
}

// violations counts the steps at which moving a feature of signs across
// its range in X, for 40 examples of X, moves m's margin against the sign.
func violations(m *gbm.Model, X *features.Matrix, signs map[string]int8) int {
	n := 0
	for j, c := range m.Columns {
		sign := signs[c.Name]
		if sign == 0 {
			continue
		}
		lo, hi := math.Inf(1), math.Inf(-1)
		for i := range X.Rows {
			if v := X.Data[i*X.Cols+j]; !math.IsNaN(v) {
				lo, hi = min(lo, v), max(hi, v)
			}
		}
		for i := 0; i < X.Rows; i += X.Rows / 40 {
			row := slices.Clone(X.Row(i))
			prev := math.NaN()
			for k := range 101 {
				row[j] = lo + (hi-lo)*float64(k)/100
				got := m.Margin(row)
				if k > 0 && (got-prev)*float64(sign) < -1e-12 {
					n++
				}
				prev = got
			}
		}
	}
	return n
}
