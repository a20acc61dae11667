package suite

import (
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/leadscore/leadscore/datasets/synth"
	"github.com/leadscore/leadscore/internal/cputime"
)

// The features matrices share the generated data and mark the categorical
// columns.
func TestMatrixWraps(t *testing.T) {
	G, _ := synth.GBMMatrix(50, 3)
	X := Matrix(G)
	assert.Same(t, &G.Data[0], &X.Data[0], "shares the generated data")
	assert.True(t, X.Columns[35].Categorical)
	assert.Equal(t, 20, X.Columns[35].Categories)
	assert.False(t, X.Columns[0].Categorical)
	assert.Equal(t, "f0", X.Columns[0].Source)
	R := Rows(X, 10, 20)
	assert.Equal(t, X.Row(10), R.Row(0))
}

func TestLeadTablesDrain(t *testing.T) {
	path := filepath.Join(t.TempDir(), "l.csv")
	require.NoError(t, synth.WriteLeadTableCSVFile(path, 1234))
	n, err := DrainTable(path, synth.LeadTableMissing())
	require.NoError(t, err)
	assert.Equal(t, 1234, n)
}

func TestRulesLead(t *testing.T) {
	l := RulesLead()
	assert.Len(t, l.Events, 54)
	assert.Equal(t, "vp", l.Fields["seniority"].Str)
}

func TestDescribe(t *testing.T) {
	m := Describe()
	assert.Positive(t, m.Cores)
	assert.NotEmpty(t, m.GoVersion)
	assert.Positive(t, cputime.Used())
}

func TestFormatNumber(t *testing.T) {
	for _, tc := range []struct {
		in   float64
		want string
	}{
		{906728.4, "906,728"}, {1238429, "1,238,429"}, {5535, "5,535"}, {368.04, "368.0"},
		{34.31, "34.3"}, {4.123, "4.12"}, {0.81121, "0.8112"}, {0, "0"}, {-12345, "-12,345"},
	} {
		assert.Equal(t, tc.want, formatNumber(tc.in), "%v", tc.in)
	}
}
