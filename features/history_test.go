package features

import (
	"math"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// historyInputs is a field history: lead a is created on day 0 as retail
// with no employee count, becomes software with 50 employees on day 10 and
// media with 99 on day 40, after its last snapshot (day 30); lead b has one
// version. The rows of a come out of order (as a file may give them).
func historyInputs() Inputs {
	leads := table("leads.csv",
		catCol("lead_id", "a", "b", "a", "a"),
		timeCol("created_at", day(0), day(0), day(0), day(0)),
		catCol("industry", "software", "retail", "retail", "media"),
		numCol("employees", 50, 7, math.NaN(), 99),
	)
	events := eventsTable([]ev{{"a", "page_view", "pricing", day(2)}, {"b", "page_view", "blog", day(3)}})
	outcomes := table("outcomes.csv", catCol("lead_id", "b"), timeCol("converted_at", day(50)))
	return Inputs{Leads: leads, Events: events, Outcomes: outcomes, AsOf: day(400),
		ValidFrom: []int64{day(10).UnixNano(), day(0).UnixNano(), day(0).UnixNano(), day(40).UnixNano()}}
}

// TestFieldHistoryPerSnapshot: each snapshot of a lead whose fields
// changed between two cutoffs sees the version valid at its own cutoff,
// in the Dataset's raw features, in Dataset.Lead and in what BuildByLead
// visits; a version valid from after the last cutoff is never seen.
func TestFieldHistoryPerSnapshot(t *testing.T) {
	cfg := Config{SnapshotDays: []int{1, 30}, HorizonDays: 30}
	in := historyInputs()
	type seen struct {
		industry  string
		employees float64
	}
	want := map[string][]seen{
		"a": {{"retail", math.NaN()}, {"software", 50}},
		"b": {{"retail", 7}, {"retail", 7}},
	}
	check := func(t *testing.T, d *Dataset) {
		t.Helper()
		require.Equal(t, 4, d.Rows)
		assert.Zero(t, d.Report.DuplicateLeadIDs, "versions are not duplicates")
		assert.Equal(t, 2, d.Report.Leads)
		next := map[string]int{}
		for i := range d.Rows {
			id := d.LeadIDs[i]
			w := want[id][next[id]]
			next[id]++
			l := d.Lead(i)
			assert.Equal(t, w.industry, l.Fields["industry"].Str, "%s at %s", id, d.Cutoffs[i])
			got := rawValue(t, d, "employees", i)
			assert.True(t, sameFloats([]float64{w.employees}, []float64{got}), "%s at %s: employees %v, want %v", id, d.Cutoffs[i], got, w.employees)
			assert.NotEqual(t, "media", l.Fields["industry"].Str, "valid from after every cutoff")
			assert.Equal(t, d.LeadRows[i] == 1, id == "b")
		}
		assert.Equal(t, d.LeadGroup(0), d.LeadGroup(1), "a's snapshots are one lead")
		assert.NotEqual(t, d.LeadRows[0], d.LeadRows[1], "seeing two versions")
		assert.NotEqual(t, d.LeadGroup(0), d.LeadGroup(2))
	}
	t.Run("Build", func(t *testing.T) {
		d, err := Build(cfg, in)
		require.NoError(t, err)
		check(t, d)
	})
	t.Run("BuildByLead", func(t *testing.T) {
		visited := map[int]string{}
		d, err := BuildByLead(cfg, in, tableOnce(in.Events), func(row int, l *Lead) {
			visited[row] = l.ID + " " + l.Cutoff.Format(time.DateOnly) + " " + l.Fields["industry"].Str
		})
		require.NoError(t, err)
		check(t, d)
		assert.Equal(t, map[int]string{0: "a 2025-03-04 retail", 1: "a 2025-04-02 software", 2: "b 2025-03-04 retail", 3: "b 2025-04-02 retail"}, visited)
	})
	t.Run("without a history each lead has one row", func(t *testing.T) {
		in := historyInputs()
		in.ValidFrom = nil
		d, err := Build(cfg, in)
		require.NoError(t, err)
		assert.Equal(t, 2, d.Report.DuplicateLeadIDs)
		for i := range d.Rows {
			if d.LeadIDs[i] == "a" {
				assert.Equal(t, "software", d.Lead(i).Fields["industry"].Str, "the lead's first row")
			}
		}
	})
}

// TestFieldHistoryNoVersionYet: a cutoff before every version of a lead is
// an error that names the lead and says what the history must give.
func TestFieldHistoryNoVersionYet(t *testing.T) {
	in := historyInputs()
	in.ValidFrom[1] = day(5).UnixNano() // b's only version
	_, err := Build(Config{SnapshotDays: []int{1, 30}, HorizonDays: 30}, in)
	require.ErrorContains(t, err, `lead "b" has no field version valid at its cutoff 2025-03-04T09:30:00Z (its first is valid from 2025-03-08T09:30:00Z)`)
	in.ValidFrom = in.ValidFrom[:2]
	_, err = Build(Config{SnapshotDays: []int{1, 30}, HorizonDays: 30}, in)
	require.ErrorContains(t, err, "the field history has 2 valid-from times for 4 rows")
}
