package serve

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/leadscore/leadscore/datasets/store"
)

// TestBuildReplayedStore loads the fixture history into a store, backfills
// its scores and replays its last three days through the API: every row of the
// files is loaded, replayed or after the end; every replayed item reached
// the store; the leads that arrived in those days were rescored within it;
// the test receiver verified every delivery; the file replaced the old
// one whole.
func TestBuildReplayedStore(t *testing.T) {
	if testing.Short() {
		t.Skip("loads and replays a history")
	}
	f := realBundle(t)
	models := t.TempDir()
	copyBundle(t, f.bundle, models, "real-v1", time.Date(2024, 12, 1, 0, 0, 0, 0, time.UTC))
	path := filepath.Join(t.TempDir(), DefaultStoreFile)
	require.NoError(t, os.WriteFile(path, []byte("an older store"), 0o600))
	ctx := context.Background()
	files := HistoryOptions{Leads: filepath.Join(f.data, "leads.csv"), Events: filepath.Join(f.data, "events.csv"),
		Outcomes: filepath.Join(f.data, "outcomes.csv"), Replay: 3 * 24 * time.Hour}
	rs, err := BuildReplayedStore(ctx, StoreReplayOptions{ModelsDir: models, StoreFile: path, History: files, Threads: 2,
		BackfillEvery: 14 * 24 * time.Hour})
	require.NoError(t, err)
	h, r := rs.History, rs.Replay
	t.Logf("%+v; backfilled %d; replay %+v; delivered %d", rs.Counts, rs.Backfilled, *r, rs.Delivered)
	assert.Equal(t, 3*24*time.Hour, h.End.Sub(h.Start))
	assert.Equal(t, h.End, h.End.Truncate(time.Hour))
	held := h.Loaded.Leads.Held + h.Loaded.Events.Held + h.Loaded.Outcomes.Held
	assert.EqualValues(t, held, len(h.Items)+h.Later, "every held row is replayed or after the end")
	assert.Equal(t, len(h.Items), r.Items, "every replayed item was posted")
	for i := 1; i < len(h.Items); i++ {
		require.False(t, h.Items[i].At().Before(h.Items[i-1].At()), "in time order")
	}
	leadsIn := 0
	for _, it := range h.Items {
		if it.Lead != nil {
			leadsIn++
		}
	}
	require.Positive(t, leadsIn, "leads arrived in the replayed week")
	assert.EqualValues(t, h.Loaded.Leads.Loaded+int64(leadsIn), rs.Counts.Leads)
	assert.Positive(t, rs.Backfilled)
	assert.Positive(t, r.Rescored)
	assert.Positive(t, r.Swept)
	assert.Positive(t, rs.Delivered)
	assert.Equal(t, rs.Delivered, rs.Received.Accepted, "the test receiver verified every delivery")
	assert.Zero(t, rs.Received.Rejected)
	assert.Zero(t, rs.Dead)
	require.NotEmpty(t, rs.Monitoring.Series)
	assert.Positive(t, rs.Monitoring.Series[0].N)
	assert.Equal(t, h.End.Add(DefaultDebounce), rs.Clock.Now(), "the clock stands at the end")

	st, err := store.Open(ctx, "sqlite:"+path)
	require.NoError(t, err)
	defer st.Close()
	for _, it := range h.Items {
		if it.Lead == nil {
			continue
		}
		scs, err := st.LeadScores(ctx, it.Lead.ID, 0, 1)
		require.NoError(t, err)
		require.Len(t, scs, 1, "lead %s arrived in the replay and was scored", it.Lead.ID)
		assert.False(t, scs[0].AsOf.Before(it.Lead.Created))
		assert.False(t, scs[0].AsOf.After(h.End.Add(DefaultDebounce)))
		assert.Equal(t, scs[0].AsOf, scs[0].ScoredAt, "logged at the simulated time")
	}
	left, err := filepath.Glob(filepath.Join(filepath.Dir(path), ".*"))
	require.NoError(t, err)
	assert.Empty(t, left, "no temporary file left")

	clock := NewReplayClock(h.End)
	clock.Run()
	time.Sleep(2 * time.Millisecond)
	assert.True(t, clock.Now().After(h.End), "a running clock moves on")
	clock.Set(h.Start)
	assert.Equal(t, h.Start, clock.Now())
}
