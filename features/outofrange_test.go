package features

import (
	"math"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/leadscore/leadscore/datasets"
)

// Each mode bounds the linear encoding as documented; trees get the raw
// value; every mode reports the value as out of range.
func TestOutOfRangeModes(t *testing.T) {
	spec := &Spec{Version: SpecVersion, Config: DefaultConfig(), Features: []Feature{
		{Name: "employees", Source: "employees", Origin: originField, Field: "employees", Min: 10, Max: 110, Mean: 0, Std: 1, Median: 50},
	}}
	lead := &Lead{Fields: map[string]Value{"employees": {Kind: datasets.KindNumber, Num: 1000}}}
	tests := []struct {
		o    OutOfRange
		want float64
	}{
		{OutOfRange{}, 110},
		{OutOfRange{Mode: RangeClip}, 110},
		{OutOfRange{Mode: RangeWidened, Margin: 0.5}, 160},
		{OutOfRange{Mode: RangeNone}, 1000},
	}
	for _, tc := range tests {
		t.Run(tc.o.String(), func(t *testing.T) {
			s, err := spec.WithOutOfRange(tc.o)
			require.NoError(t, err)
			lin, tree := make([]float64, 1), make([]float64, 1)
			w := s.TransformLead(lead, lin, tree)
			assert.Equal(t, tc.want, lin[0])
			assert.Equal(t, 1000.0, tree[0])
			assert.Equal(t, map[string]int{"employees": 1}, w.OutOfRange, "reported whatever the mode")
		})
	}
	_, err := spec.WithOutOfRange(OutOfRange{Mode: "stretch"})
	assert.ErrorContains(t, err, `"stretch"`)
	_, err = spec.WithOutOfRange(OutOfRange{Mode: RangeWidened, Margin: math.NaN()})
	assert.Error(t, err)
}
