package serve

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestSweep: the active sweep rescores the leads with a recent event, the
// full sweep every stored lead, each logged as a rescore.
func TestSweep(t *testing.T) {
	now := time.Date(2024, 6, 1, 0, 0, 0, 0, time.UTC)
	s, env := newTestServer(t, testOptions{store: sqliteURL(t), now: func() time.Time { return now }})
	t.Cleanup(func() { s.Close() })
	ingest(t, env, "/v1/leads", `[{"lead_id": "recent", "created_at": "2024-04-01T10:00:00Z", "fields": {"TotalVisits": 1}},
		{"lead_id": "quiet", "created_at": "2024-01-01T10:00:00Z", "fields": {"TotalVisits": 1}},
		{"lead_id": "silent", "created_at": "2024-01-01T10:00:00Z", "fields": {"TotalVisits": 1}}]`, 200)
	ingest(t, env, "/v1/events", `[{"lead_id": "recent", "type": "page_view", "timestamp": "2024-05-20T10:00:00Z"},
		{"lead_id": "quiet", "type": "page_view", "timestamp": "2024-02-01T10:00:00Z"}]`, 200)
	ctx := context.Background()
	count := func(id string) int {
		sc, err := s.store.LeadScores(ctx, id, 0, 100)
		require.NoError(t, err)
		return len(sc)
	}
	n, err := s.Sweep(ctx, true)
	require.NoError(t, err)
	assert.Equal(t, 1, n)
	assert.Equal(t, []int{1, 0, 0}, []int{count("recent"), count("quiet"), count("silent")})
	n, err = s.Sweep(ctx, false)
	require.NoError(t, err)
	assert.Equal(t, 3, n)
	assert.Equal(t, []int{2, 1, 1}, []int{count("recent"), count("quiet"), count("silent")})

	none, _ := newTestServer(t, testOptions{store: "none"})
	_, err = none.Sweep(ctx, false)
	assert.ErrorContains(t, err, "no lead store")
}
