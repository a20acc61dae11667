package store_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/leadscore/leadscore/datasets/store"
	"github.com/leadscore/leadscore/internal/pgtest"
)

// On PostgreSQL the store vacuums and analyzes the tables it grows every
// so many added rows (here 50), without waiting for autovacuum: a fresh
// events table gets its statistics (reltuples, -1 before a first
// ANALYZE) and its visibility map (relallvisible), which keep the reads of
// a lead's rows on the index.
func TestUpkeepVacuumsGrowingTables(t *testing.T) {
	ctx := context.Background()
	s := open(t, pgtest.URL(t))
	runs := store.UpkeepEvery(s, 50)
	stats := func() (tuples float64, allVisible int64) {
		require.NoError(t, s.DB().QueryRowContext(ctx, `SELECT reltuples, relallvisible FROM pg_class WHERE relname = 'events' AND relkind = 'r'
			AND relnamespace = (SELECT oid FROM pg_namespace WHERE nspname = current_schema())`).Scan(&tuples, &allVisible))
		return
	}
	tuples, _ := stats()
	require.Equal(t, float64(-1), tuples, "a fresh events table is not analyzed yet")
	var evs []store.Event
	for i := range 40 {
		evs = append(evs, store.Event{LeadID: fmt.Sprintf("L%d", i%7), EventID: fmt.Sprintf("e%d", i), Type: "page_view", Time: t0.Add(time.Duration(i) * time.Minute)})
	}
	_, err := s.AppendEvents(ctx, evs, t0, store.NoRescore)
	require.NoError(t, err)
	time.Sleep(50 * time.Millisecond)
	assert.Zero(t, runs(), "40 rows added: no run yet")
	evs = evs[:0]
	for i := range 40 {
		evs = append(evs, store.Event{LeadID: fmt.Sprintf("L%d", i%7), EventID: fmt.Sprintf("f%d", i), Type: "email_open", Time: t0.Add(time.Duration(i) * time.Minute)})
	}
	_, err = s.AppendEvents(ctx, evs, t0, store.NoRescore)
	require.NoError(t, err)
	require.Eventually(t, func() bool { return runs() >= 1 }, 10*time.Second, 10*time.Millisecond, "a run after 80 rows")
	tuples, allVisible := stats()
	assert.Equal(t, float64(80), tuples, "events analyzed")
	assert.Positive(t, allVisible, "events' pages marked all-visible")
}
