package training

import (
	"context"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/leadscore/leadscore/datasets"
	"github.com/leadscore/leadscore/datasets/store"
	"github.com/leadscore/leadscore/datasets/synth"
	"github.com/leadscore/leadscore/internal/pgtest"
	"github.com/leadscore/leadscore/models"
)

// smallHistory writes a small generated history (600 leads) and returns
// training options reading it.
func smallHistory(t *testing.T) Options {
	t.Helper()
	dir := t.TempDir()
	_, err := synth.Generate(synth.Config{Profile: "b2b", Leads: 600, Seed: 11, Format: "csv"}, dir, nil)
	require.NoError(t, err)
	opt := sampleOptions(t)
	opt.Data, opt.Events, opt.Outcomes = filepath.Join(dir, "leads.csv"), filepath.Join(dir, "events.csv"), filepath.Join(dir, "outcomes.csv")
	return opt
}

// importSample loads a history's files into a fresh store.
func importSample(t *testing.T, url string, opt Options) *store.Store {
	t.Helper()
	st, err := store.Open(context.Background(), url)
	require.NoError(t, err)
	t.Cleanup(func() { st.Close() })
	rep, err := st.Import(context.Background(), store.ImportOptions{Leads: opt.Data, Events: opt.Events, Outcomes: opt.Outcomes})
	require.NoError(t, err)
	require.Zero(t, rep.Leads.Rejected+rep.Events.Rejected+rep.Outcomes.Rejected, "%+v %+v %+v", rep.Leads, rep.Events, rep.Outcomes)
	return st
}

// TestTrainFromStoreMatchesFiles: one history, loaded from files (events
// read whole) and from a store the same files were imported into (events
// streamed by lead), gives identical training rows, identical encoded
// features and an identical bundle.
func TestTrainFromStoreMatchesFiles(t *testing.T) {
	ctx := context.Background()
	files := smallHistory(t)
	st := importSample(t, "sqlite:"+filepath.Join(t.TempDir(), "store.db"), files)
	fromStore := FromStore(st, files)
	assert.Empty(t, fromStore.Data, "read from the store, not from files")

	p1, err := Prepare(ctx, files)
	require.NoError(t, err)
	// The store's events stream one lead at a time (as train does), the
	// files' are read whole: the same rows, features and bundle.
	fromStore.StreamEvents = true
	p2, err := Prepare(ctx, fromStore)
	require.NoError(t, err)
	require.NotNil(t, p2.ruleResults, "the store's events come grouped by lead")
	assert.Nil(t, p2.Inputs.Events)
	assert.Equal(t, p1.Counts, p2.Counts)
	d1, d2 := p1.Dataset, p2.Dataset
	require.Positive(t, d1.Rows)
	assert.Equal(t, d1.Report, d2.Report)
	assert.Equal(t, d1.LeadIDs, d2.LeadIDs)
	assert.Equal(t, d1.Cutoffs, d2.Cutoffs)
	assert.Equal(t, d1.Created, d2.Created)
	assert.Equal(t, d1.Labels, d2.Labels)
	assert.Equal(t, d1.ConvertedAt, d2.ConvertedAt)
	assert.Equal(t, d1.Report.Leads, p2.Counts["leads_rows"])

	split, err := DefaultSplit(files, d1)
	require.NoError(t, err)
	r1, err := Fit(ctx, files, p1, split)
	require.NoError(t, err)
	r2, err := Fit(ctx, fromStore, p2, split)
	require.NoError(t, err)
	sameBits(t, r1.Linear.Data, r2.Linear.Data, "the encoded training rows (linear)")
	sameBits(t, r1.Tree.Data, r2.Tree.Data, "the encoded training rows (trees)")
	for name, p := range r1.Probabilities {
		sameBits(t, p, r2.Probabilities[name], "probabilities of "+name)
	}

	b1, b2 := filepath.Join(t.TempDir(), "b"), filepath.Join(t.TempDir(), "b")
	require.NoError(t, r1.Bundle.Save(b1))
	require.NoError(t, r2.Bundle.Save(b2))
	entries, err := os.ReadDir(b1)
	require.NoError(t, err)
	compared := 0
	for _, e := range entries {
		switch e.Name() {
		case models.ManifestFile, "report.json", "report.md":
			continue // a version, times and the input file names
		}
		want, err := os.ReadFile(filepath.Join(b1, e.Name()))
		require.NoError(t, err)
		got, err := os.ReadFile(filepath.Join(b2, e.Name()))
		require.NoError(t, err, e.Name())
		assert.Equal(t, string(want), string(got), e.Name())
		compared++
	}
	assert.GreaterOrEqual(t, compared, 5, "spec, models, calibration, scoring and rules")
	assert.Equal(t, r1.Report.Metrics, r2.Report.Metrics)
}

// TestStoreTablesSameOnPostgres: the tables a PostgreSQL store gives
// training are those of a SQLite store holding the same history.
func TestStoreTablesSameOnPostgres(t *testing.T) {
	ctx := context.Background()
	files := smallHistory(t)
	lite := FromStore(importSample(t, "sqlite:"+filepath.Join(t.TempDir(), "store.db"), files), files)
	pg := FromStore(importSample(t, pgtest.URL(t), files), files)
	p1, err := Prepare(ctx, lite)
	require.NoError(t, err)
	p2, err := Prepare(ctx, pg)
	require.NoError(t, err)
	assert.Equal(t, p1.Counts, p2.Counts)
	for _, tb := range [][2]*datasets.Table{{p1.Inputs.Leads, p2.Inputs.Leads}, {p1.Inputs.Events, p2.Inputs.Events}, {p1.Inputs.Outcomes, p2.Inputs.Outcomes}} {
		require.Equal(t, tb[0].Names(), tb[1].Names())
		for j, c := range tb[0].Columns {
			d := tb[1].Columns[j]
			require.Equal(t, c.Kind, d.Kind, c.Name)
			require.Equal(t, tb[0].Rows(), tb[1].Rows())
			for i := range tb[0].Rows() {
				if c.IsMissing(i) || d.IsMissing(i) {
					require.Equal(t, c.IsMissing(i), d.IsMissing(i), "%s row %d", c.Name, i)
					continue
				}
				require.Equal(t, c.String(i), d.String(i), "%s row %d", c.Name, i)
			}
		}
	}
	assert.Equal(t, p1.Inputs.ValidFrom, p2.Inputs.ValidFrom)
	assert.Equal(t, p1.Dataset.LeadIDs, p2.Dataset.LeadIDs)
	assert.Equal(t, p1.Dataset.Labels, p2.Dataset.Labels)
}

// sameBits asserts two float slices hold the same bits (NaN included).
func sameBits(t *testing.T, want, got []float64, what string) {
	t.Helper()
	require.Equal(t, len(want), len(got), what)
	for i := range want {
		if math.Float64bits(want[i]) != math.Float64bits(got[i]) {
			t.Errorf("%s: element %d: %v != %v", what, i, want[i], got[i])
			return
		}
	}
}

// TestTrainFromStoreSeesFieldHistory: a lead whose fields change through
// the store between two of its snapshots gives each snapshot its own
// value, and a change after its last cutoff is never seen.
func TestTrainFromStoreSeesFieldHistory(t *testing.T) {
	ctx := context.Background()
	files := smallHistory(t)
	st := importSample(t, "sqlite:"+filepath.Join(t.TempDir(), "store.db"), files)
	opt := FromStore(st, files)
	opt.StreamEvents = true
	before, err := Prepare(ctx, opt)
	require.NoError(t, err)
	ds := before.Dataset
	// A lead with at least two labelled snapshots.
	var id string
	var rows []int
	for i := 0; i < ds.Rows && len(rows) < 2; i++ {
		if ds.LeadIDs[i] != id {
			id, rows = ds.LeadIDs[i], nil
		}
		rows = append(rows, i)
	}
	require.Len(t, rows, 2)
	orig := ds.Lead(rows[0]).Fields["industry"].Str
	require.NotEmpty(t, orig)
	last := ds.Cutoffs[rows[1]]
	for i := rows[1]; i < ds.Rows && ds.LeadIDs[i] == id; i++ {
		last = ds.Cutoffs[i]
	}
	between := ds.Cutoffs[rows[0]].Add(ds.Cutoffs[rows[1]].Sub(ds.Cutoffs[rows[0]]) / 2)
	for _, v := range []struct {
		at       time.Time
		industry string
	}{{between, "zz-changed"}, {last.Add(time.Second), "zz-late"}} {
		_, err := st.UpsertLeads(ctx, []store.Lead{{ID: id, Created: ds.Created[rows[0]], Fields: json.RawMessage(`{"industry":"` + v.industry + `"}`)}}, v.at, nil, "")
		require.NoError(t, err)
	}

	after, err := Prepare(ctx, opt)
	require.NoError(t, err)
	d := after.Dataset
	assert.Equal(t, ds.LeadIDs, d.LeadIDs, "the same examples")
	assert.Equal(t, 2, after.Counts["lead_versions"]-after.Counts["leads_rows"], "two versions more than leads")
	n := 0
	for i := range d.Rows {
		if d.LeadIDs[i] != id {
			continue
		}
		got := d.Lead(i).Fields["industry"].Str
		want := orig
		if d.Cutoffs[i].After(between) {
			want = "zz-changed"
		}
		assert.Equal(t, want, got, "snapshot at %s", d.Cutoffs[i])
		assert.NotEqual(t, "zz-late", got, "changed after the last cutoff")
		n++
	}
	assert.GreaterOrEqual(t, n, 2)
}
