package store_test

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/leadscore/leadscore/datasets/store"
)

// TestUpgradeFromSchema5 builds a SQLite store at schema version 5 with
// data (events in a rowid table with the covering index, pending
// rescores), opens it with this binary and checks that migration 6 kept
// every event and pending rescore, that reads see the events in order,
// that a retried event_id is still ignored, and that new events take ids
// after the old ones.
func TestUpgradeFromSchema5(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "store.db")
	db, err := sql.Open("sqlite", "file:"+path+"?_pragma=journal_mode(WAL)")
	require.NoError(t, err)
	_, err = db.ExecContext(ctx, `CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)`)
	require.NoError(t, err)
	files, err := filepath.Glob("migrations/sqlite/000[1-5]_*.sql")
	require.NoError(t, err)
	require.Len(t, files, 5)
	sort.Strings(files)
	for i, f := range files {
		b, err := os.ReadFile(f)
		require.NoError(t, err)
		_, err = db.ExecContext(ctx, string(b))
		require.NoError(t, err, f)
		_, err = db.ExecContext(ctx, `INSERT INTO schema_migrations VALUES (?, ?, 0)`, i+1, filepath.Base(f))
		require.NoError(t, err)
	}
	_, err = db.ExecContext(ctx, `INSERT INTO leads (lead_id, created_at, first_seen, updated_at) VALUES ('a', ?, ?, ?), ('b', ?, ?, ?)`,
		t0.UnixNano(), t0.UnixNano(), t0.UnixNano(), t0.UnixNano(), t0.UnixNano(), t0.UnixNano())
	require.NoError(t, err)
	_, err = db.ExecContext(ctx, `INSERT INTO lead_versions (lead_id, valid_from, recorded_at, fields) VALUES ('a', ?, ?, '{}'), ('b', ?, ?, '{}')`,
		t0.UnixNano(), t0.UnixNano(), t0.UnixNano(), t0.UnixNano())
	require.NoError(t, err)
	// 30 events, arrival order interleaving the leads and going back in
	// time, so the table's rowid order is not the leads' time order; some
	// without event_id.
	for i := range 30 {
		lead := []string{"a", "b"}[i%2]
		ts := t0.Add(time.Duration(30-i) * time.Hour)
		if i == 29 {
			ts = t0.Add(2 * time.Hour) // lead b's earliest, tied with the event below
		}
		var eid any
		if i%3 != 0 {
			eid = fmt.Sprint("old-", i)
		}
		_, err = db.ExecContext(ctx, `INSERT INTO events (lead_id, event_id, type, ts, attrs, received_at) VALUES (?, ?, ?, ?, ?, ?)`,
			lead, eid, fmt.Sprint("t", i), ts.UnixNano(), `{"page":"p`+fmt.Sprint(i)+`"}`, t0.UnixNano())
		require.NoError(t, err)
	}
	_, err = db.ExecContext(ctx, `INSERT INTO events (lead_id, event_id, type, ts, attrs, received_at) VALUES ('b', NULL, 'tie', ?, NULL, ?)`,
		t0.Add(2*time.Hour).UnixNano(), t0.UnixNano())
	require.NoError(t, err)
	_, err = db.ExecContext(ctx, `INSERT INTO pending_rescores VALUES ('a', 1, 2, 'outcome')`)
	require.NoError(t, err)
	require.NoError(t, db.Close())

	s := open(t, "sqlite:"+path)
	v, err := s.Version(ctx)
	require.NoError(t, err)
	assert.Equal(t, store.SchemaVersion(), v)
	assert.GreaterOrEqual(t, v, 6)

	// Every event kept, each lead's in time order, ties in arrival order.
	far := t0.Add(100 * time.Hour)
	ra, err := s.Lead(ctx, "a", far, 0, nil)
	require.NoError(t, err)
	rb, err := s.Lead(ctx, "b", far, 0, nil)
	require.NoError(t, err)
	assert.Len(t, ra.Events, 15)
	require.Len(t, rb.Events, 16)
	for k, r := range []*store.Record{ra, rb} {
		for i := 1; i < len(r.Events); i++ {
			assert.False(t, r.Events[i].Time.Before(r.Events[i-1].Time), "lead %d event %d out of order", k, i)
		}
	}
	// Lead b at 2h: event 29 (stored first) then the tie.
	assert.Equal(t, "t29", rb.Events[0].Type)
	assert.Equal(t, "tie", rb.Events[1].Type)
	assert.Equal(t, map[string]string{"page": "p29"}, rb.Events[0].Attrs)

	// A retry of an old event_id is ignored; a new event is kept with an
	// id after every old one.
	n, err := s.AppendEvents(ctx, []store.Event{
		{LeadID: "a", EventID: "old-1", Type: "t1", Time: t0},
		{LeadID: "a", EventID: "new-1", Type: "new", Time: t0},
	}, t0, store.RescoreActivity)
	require.NoError(t, err)
	assert.Equal(t, 1, n)
	var newID, oldMax int64
	require.NoError(t, s.DB().QueryRowContext(ctx, `SELECT id FROM events WHERE event_id = 'new-1'`).Scan(&newID))
	require.NoError(t, s.DB().QueryRowContext(ctx, `SELECT MAX(id) FROM events WHERE event_id IS NOT 'new-1'`).Scan(&oldMax))
	assert.Equal(t, int64(31), oldMax)
	assert.Greater(t, newID, oldMax)

	// The pending rescore kept its first change and its sticky cause.
	p, err := s.PendingRescores(ctx)
	require.NoError(t, err)
	require.Len(t, p, 1)
	assert.Equal(t, "a", p[0].LeadID)
	assert.Equal(t, int64(1), p[0].First.UnixNano())
	assert.Equal(t, t0, p[0].Last)
	assert.Equal(t, store.RescoreOutcome, p[0].Cause)
}
