package store_test

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
)

// trainingTables are the tables the training readers return, as CSV text.
type trainingTables struct {
	leads, events, outcomes string
	validFrom               []int64
}

// readForTraining reads a store as training does.
func readForTraining(t *testing.T, s *store.Store) trainingTables {
	t.Helper()
	ctx := context.Background()
	h, err := s.ReadLeadHistory(ctx, datasets.ReadOptions{})
	require.NoError(t, err)
	r, err := s.OpenEvents(ctx, datasets.ReadOptions{})
	require.NoError(t, err)
	ev, _, err := datasets.ReadAll(r)
	require.NoError(t, err)
	out, _, err := s.ReadWonOutcomes(ctx, datasets.ReadOptions{})
	require.NoError(t, err)
	return trainingTables{leads: tableCSV(t, h.Table), events: tableCSV(t, ev), outcomes: tableCSV(t, out), validFrom: h.ValidFrom}
}

// tableCSV writes a table as CSV text.
func tableCSV(t *testing.T, tb *datasets.Table) string {
	t.Helper()
	schema := make([]datasets.Field, len(tb.Columns))
	for i, c := range tb.Columns {
		schema[i] = datasets.Field{Name: c.Name, Kind: c.Kind}
	}
	p := filepath.Join(t.TempDir(), "t.csv")
	w, err := datasets.CreateWriter(p, "csv", schema)
	require.NoError(t, err)
	require.NoError(t, w.Write(tb))
	require.NoError(t, w.Close())
	b, err := os.ReadFile(p)
	require.NoError(t, err)
	return string(b)
}

func ns(t *testing.T, s string) int64 {
	t.Helper()
	v, err := time.Parse(time.RFC3339, s)
	require.NoError(t, err)
	return v.UnixNano()
}

// TestLeadHistoryForTraining: the training reader returns every version of
// a lead's fields with the time it became valid, and a lead whose fields
// were first posted after its creation gets a first version without
// fields: before that its fields were unknown.
func TestLeadHistoryForTraining(t *testing.T) {
	backends(t, func(t *testing.T, url string) {
		ctx := context.Background()
		s := open(t, url)
		up := func(now time.Time, leads ...store.Lead) {
			t.Helper()
			_, err := s.UpsertLeads(ctx, leads, now, []string{"industry", "employees"}, "")
			require.NoError(t, err)
		}
		day := 24 * time.Hour
		up(t0.Add(time.Hour), store.Lead{ID: "a", Created: t0, Fields: json.RawMessage(`{"industry":"retail"}`)})
		up(t0.Add(10*day), store.Lead{ID: "a", Created: t0, Fields: json.RawMessage(`{"industry":"software","employees":50}`)})
		up(t0.Add(10*day), store.Lead{ID: "a", Created: t0, Fields: json.RawMessage(`{"industry":"software","employees":50}`)}) // unchanged: no version
		up(t0.Add(5*day), store.Lead{ID: "b", Fields: json.RawMessage(`{"industry":"media"}`)})                                 // no creation time yet
		up(t0.Add(6*day), store.Lead{ID: "b", Created: t0, Fields: json.RawMessage(`{"industry":"media"}`)})

		tr := readForTraining(t, s)
		assert.Equal(t, "lead_id,created_at,industry,employees\n"+
			"a,2025-03-01T09:00:00Z,retail,\n"+
			"a,2025-03-01T09:00:00Z,software,50\n"+
			"b,2025-03-01T09:00:00Z,,\n"+
			"b,2025-03-01T09:00:00Z,media,\n", tr.leads)
		assert.Equal(t, []int64{t0.UnixNano(), t0.Add(10 * day).UnixNano(), math.MinInt64, t0.Add(5 * day).UnixNano()}, tr.validFrom)
	})
}
