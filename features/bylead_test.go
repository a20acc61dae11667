package features

import (
	"math"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/leadscore/leadscore/datasets"
	"github.com/leadscore/leadscore/datasets/synth"
)

// groupedByLead returns the events of t (lead_id, timestamp, type, page,
// channel) stably sorted by lead id: grouped by lead, each lead's events in
// their order in t.
func groupedByLead(t *datasets.Table) *datasets.Table {
	n := t.Rows()
	str := func(name string) []string {
		c := t.Col(name)
		out := make([]string, n)
		for i := range out {
			if !c.IsMissing(i) {
				out[i] = c.Dict.Value(c.Codes[i])
			}
		}
		return out
	}
	ids, types, pages, chans := str("lead_id"), str("type"), str("page"), str("channel")
	times := make([]time.Time, n)
	for i, ts := range t.Col("timestamp").Time {
		times[i] = time.Unix(0, ts).UTC()
	}
	perm := make([]int, n)
	for i := range perm {
		perm[i] = i
	}
	slices.SortStableFunc(perm, func(a, b int) int {
		switch {
		case ids[a] < ids[b]:
			return -1
		case ids[a] > ids[b]:
			return 1
		}
		return 0
	})
	p := func(xs []string) []string {
		out := make([]string, n)
		for i, r := range perm {
			out[i] = xs[r]
		}
		return out
	}
	pt := make([]time.Time, n)
	for i, r := range perm {
		pt[i] = times[r]
	}
	return synth.Table(t.Source, synth.CatCol("lead_id", p(ids)...), synth.TimeCol("timestamp", pt...),
		synth.CatCol("type", p(types)...), synth.CatCol("page", p(pages)...), synth.CatCol("channel", p(chans)...))
}

func TestBuildByLeadMatchesBuild(t *testing.T) {
	s := genSynth(1, 300, 8)
	ev := groupedByLead(s.events)
	in := Inputs{Leads: s.leads, Events: ev, Outcomes: s.outcomes}
	whole, err := Build(Config{}, in)
	require.NoError(t, err)
	visited := map[int]*Lead{}
	streamed, err := BuildByLead(Config{}, in, batches(ev, 97), func(row int, l *Lead) {
		require.NotContains(t, visited, row, "each row is visited once")
		visited[row] = l
	})
	require.NoError(t, err)
	require.Equal(t, whole.Report, streamed.Report)
	require.Equal(t, whole.FeatureNames(), streamed.FeatureNames())
	requireSameNumbers(t, whole, streamed)
	withEvents := 0
	for i := range whole.Rows {
		want := whole.Lead(i)
		require.Equal(t, want, visited[streamed.SourceRow(i)], "row %d", i)
		if len(want.Events) > 0 {
			withEvents++
		}
	}
	assert.Greater(t, withEvents, whole.Rows/2)
	assert.GreaterOrEqual(t, len(visited), whole.Rows, "censored rows are visited too")
	assert.Empty(t, streamed.Lead(0).Events)
	train := allRows(whole.Rows)[:whole.Rows/3]
	types := whole.trainEventTypes(train)
	require.NotEmpty(t, types)
	assert.Equal(t, types, streamed.trainEventTypes(train))
	early := []int{slices.IndexFunc(allRows(whole.Rows), func(i int) bool { return len(whole.Lead(i).Events) == 1 })}
	require.GreaterOrEqual(t, early[0], 0)
	assert.Equal(t, whole.trainEventTypes(early), streamed.trainEventTypes(early), "a row sees only the types before its cutoff")
	assert.Len(t, streamed.trainEventTypes(early), 1)
}

func TestBuildByLeadRefusesUngroupedEvents(t *testing.T) {
	s := genSynth(1, 100, 8) // events shuffled
	in := Inputs{Leads: s.leads, Outcomes: s.outcomes}
	_, err := BuildByLead(Config{}, in, batches(s.events, 50), nil)
	require.ErrorIs(t, err, ErrEventsNotGrouped)
	assert.Regexp(t, `events.csv line \d+: an event of lead "L\d+" after events of other leads`, err.Error())
}

func TestMaxExamplesSamplesLeadsWeighted(t *testing.T) {
	s := genSynth(2, 3000, 4)
	in := Inputs{Leads: s.leads, Events: s.events, Outcomes: s.outcomes}
	full, err := Build(Config{}, in)
	require.NoError(t, err)
	require.Nil(t, full.Report.Sampling)
	assert.Equal(t, 1.0, full.SampleWeight())
	before := full.Rows + full.Report.Censored
	cfg := Config{MaxExamples: before / 4}
	d, err := Build(cfg, in)
	require.NoError(t, err)
	sp := d.Report.Sampling
	require.NotNil(t, sp)
	assert.Equal(t, before, sp.Examples)
	assert.InDelta(t, float64(cfg.MaxExamples)/float64(before), sp.Rate, 1e-12)
	assert.Equal(t, 1/sp.Rate, d.SampleWeight())
	assert.InEpsilon(t, cfg.MaxExamples, sp.ExamplesKept, 0.15, "about MaxExamples examples are kept")
	assert.LessOrEqual(t, d.Rows, sp.ExamplesKept)

	// Whole leads: a kept lead has every example it has without sampling.
	perLead := func(ds *Dataset) map[string]int {
		m := map[string]int{}
		for _, id := range ds.LeadIDs {
			m[id]++
		}
		return m
	}
	fullRows, kept := perLead(full), perLead(d)
	for id, n := range kept {
		assert.Equal(t, fullRows[id], n, id)
		assert.True(t, SampledIn(id, sp.Rate))
	}

	// Calibrated: weighted by 1/rate, the sample's examples and
	// conversions stand for the whole population's.
	pos := func(ds *Dataset) float64 {
		n := 0.0
		for _, y := range ds.Labels {
			n += y
		}
		return n
	}
	require.Greater(t, pos(full), 100.0)
	assert.InEpsilon(t, float64(full.Rows), float64(d.Rows)*d.SampleWeight(), 0.12)
	assert.InEpsilon(t, pos(full), pos(d)*d.SampleWeight(), 0.2)
	assert.InEpsilon(t, pos(full)/float64(full.Rows), pos(d)/float64(d.Rows), 0.2, "the conversion rate is unchanged")

	// Deterministic: the same sample from events in another order and in
	// batches, and from the streamed build.
	again, err := BuildStreaming(cfg, in, batches(groupedByLead(s.events), 101), false)
	require.NoError(t, err)
	assert.Equal(t, d.LeadIDs, again.LeadIDs)
	assert.Equal(t, d.Report.Sampling, again.Report.Sampling)
	assert.False(t, math.IsNaN(d.Labels[0]))

	// Scoring never samples.
	sc, err := ScoringDataset(cfg, Inputs{Leads: s.leads, Events: s.events}, synth.HistoryStart.AddDate(2, 0, 0))
	require.NoError(t, err)
	assert.Equal(t, s.leads.Rows(), sc.Rows)
	assert.Nil(t, sc.Report.Sampling)
}
