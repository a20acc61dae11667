package features

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/leadscore/leadscore/datasets"
)

func TestSnapshotSchedule(t *testing.T) {
	day := 24 * time.Hour
	start := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	// One lead a day for a year.
	year := make([]int64, 365)
	for i := range year {
		year[i] = start.Add(time.Duration(i) * day).UnixNano()
	}
	tests := []struct {
		name    string
		created []int64
		end     time.Time
		horizon int
		want    []int
	}{
		// 120 days after the last lead, horizon 90: age d is labelled for
		// leads created by day 395-d; 5% of 365 is 18.25 leads, so d <= 376.
		{"a year then 120 days", year, start.Add(485 * day), 90, []int{1, 3, 7, 14, 30, 60, 90, 180, 365}},
		// 150 days of history: age 30 is labelled for the 31 leads of
		// the first month, age 60 for one lead; day 1 always stays.
		{"short history", year, start.Add(150 * day), 90, []int{1, 3, 7, 14, 30}},
		{"no history", year, start.Add(10 * day), 90, []int{1}},
		{"two years, horizon 30", append(year, shift(year, 365*day)...), start.Add(760 * day), 30, []int{1, 3, 7, 14, 30, 60, 90, 180, 365, 545}},
		{"missing times ignored", append([]int64{datasets.MissingTime}, year...), start.Add(485 * day), 90, []int{1, 3, 7, 14, 30, 60, 90, 180, 365}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			assert.Equal(t, tc.want, SnapshotSchedule(tc.created, tc.end, tc.horizon))
		})
	}
}

func shift(ts []int64, d time.Duration) []int64 {
	out := make([]int64, len(ts))
	for i, t := range ts {
		out[i] = t + int64(d)
	}
	return out
}

// A dataset built without snapshot_days derives them and says so; with
// them it uses them as given.
func TestBuildDerivesSchedule(t *testing.T) {
	g := genSynth(7, 2000, 5)
	in := Inputs{Leads: g.leads, Events: g.events, Outcomes: g.outcomes}
	ds, err := Build(Config{}, in)
	require.NoError(t, err)
	require.True(t, ds.Report.SnapshotsDerived)
	got := ds.SnapshotDays()
	require.Equal(t, ds.Report.SnapshotDays, got)
	assert.Equal(t, []int{1, 3, 7, 14, 30}, got[:5])
	assert.Greater(t, got[len(got)-1], 30, "the history reaches past a month")
	ds, err = Build(Config{SnapshotDays: []int{2, 9}}, in)
	require.NoError(t, err)
	assert.False(t, ds.Report.SnapshotsDerived)
	assert.Equal(t, []int{2, 9}, ds.SnapshotDays())
}
