package dashboard

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestHistogramAxis(t *testing.T) {
	scores := []int{10, 10, 10, 20, 30, 30}
	tiers := []string{"cold", "cold", "cold", "warm", "hot", "hot"}
	for _, tc := range []struct {
		name    string
		asShare bool
		labels  []string
		ylabel  string
	}{
		{"counts of leads", false, []string{"0", "2", "3"}, "leads"},
		{"shares of a population", true, []string{"0.0%", "25.0%", "50.0%"}, "% of leads"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := histogram(scores, tiers, tc.asShare)
			require.NotNil(t, h)
			require.Len(t, h.YTicks, 3)
			for i, want := range tc.labels {
				assert.Equal(t, want, h.YTicks[i].Label)
			}
			assert.Equal(t, tc.ylabel, h.YLabel)
			assert.InDelta(t, h.Height-20, h.YTicks[0].Y, 1e-9, "0 at the bottom")
			assert.InDelta(t, 0, h.YTicks[2].Y, 1e-9, "the maximum at the top")
			for _, b := range h.Bars {
				assert.GreaterOrEqual(t, b.X, h.Left, "bars right of the axis")
				assert.LessOrEqual(t, b.X+b.W, h.Width+1e-9)
			}
		})
	}
}
