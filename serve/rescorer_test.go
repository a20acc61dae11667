package serve

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/leadscore/leadscore/datasets/store"
	"github.com/leadscore/leadscore/internal/pgtest"
	"github.com/leadscore/leadscore/serve/webhook"
)

// TestRescoreAfterChanges: leads, events and outcomes arriving through the
// API are rescored once per burst after the debounce (a simulated clock),
// every rescore is in the prediction log, and the tier changes and the
// rescore after an outcome reach a local receiver signed, once each and in
// order.
func TestRescoreAfterChanges(t *testing.T) {
	var mu sync.Mutex
	var got []webhook.Payload
	var ids []string
	rcv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		if !webhook.Verify([]byte("s3cret"), body, r.Header.Get(webhook.HeaderSignature)) {
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		var p webhook.Payload
		require.NoError(t, json.Unmarshal(body, &p))
		mu.Lock()
		got, ids = append(got, p), append(ids, r.Header.Get(webhook.HeaderDelivery))
		mu.Unlock()
	}))
	defer rcv.Close()
	secret := filepath.Join(t.TempDir(), "secret")
	require.NoError(t, os.WriteFile(secret, []byte("s3cret\n"), 0o600))
	var clockMu sync.Mutex
	now := testNow
	clock := func() time.Time { clockMu.Lock(); defer clockMu.Unlock(); return now }
	advance := func(d time.Duration) { clockMu.Lock(); now = now.Add(d); clockMu.Unlock() }
	s, env := newTestServer(t, testOptions{store: sqliteURL(t), now: clock,
		webhooks: WebhookConfig{URLs: []string{rcv.URL}, SecretFiles: []string{secret}}})
	t.Cleanup(func() { s.Close() })
	ctx := context.Background()
	rescore := func() int {
		t.Helper()
		n, err := s.RescoreDue(ctx)
		require.NoError(t, err)
		_, err = s.Webhooks().RunOnce(ctx)
		require.NoError(t, err)
		return n
	}

	// The fake model: p = logistic(0.1 x TotalVisits + 0.2 x events);
	// warm from 0.4, hot from 0.7.
	ingest(t, env, "/v1/leads", `[{"lead_id": "L-1", "created_at": "2024-05-01T10:00:00Z", "fields": {"TotalVisits": 0}},
		{"lead_id": "L-2", "created_at": "2024-05-01T10:00:00Z", "fields": {"TotalVisits": -30}}]`, 200)
	assert.Equal(t, 2, s.Pending())
	assert.Zero(t, rescore(), "the debounce is not over")
	advance(DefaultDebounce)
	assert.Equal(t, 2, rescore())
	// A burst of five events, 200 ms apart: one rescore, a second after
	// the last.
	for i := range 5 {
		ingest(t, env, "/v1/events", fmt.Sprintf(`{"lead_id": "L-1", "event_id": "e%d", "type": "page_view", "timestamp": "2024-05-0%dT10:00:00Z"}`, i, i+2), 200)
		advance(200 * time.Millisecond)
		assert.Zero(t, rescore(), "event %d: still in the burst", i)
	}
	advance(DefaultDebounce)
	assert.Equal(t, 1, rescore())
	// An outcome: rescored, and said so although the tier stays.
	ingest(t, env, "/v1/outcomes", `{"lead_id": "L-1", "converted_at": "2024-06-01T00:00:00Z"}`, 200)
	advance(DefaultDebounce)
	assert.Equal(t, 1, rescore())

	mu.Lock()
	defer mu.Unlock()
	type ev struct{ lead, kind, old, cur string }
	var evs []ev
	for _, p := range got {
		evs = append(evs, ev{p.LeadID, p.Event, p.OldTier, p.NewTier})
	}
	assert.Equal(t, []ev{
		{"L-1", webhook.KindTierChanged, "", "warm"}, // a first score warm; L-2 starts cold: no event
		{"L-1", webhook.KindTierChanged, "warm", "hot"},
		{"L-1", webhook.KindRescoredAfterOutcome, "hot", "hot"},
	}, evs)
	seen := map[string]bool{}
	for _, id := range ids {
		assert.False(t, seen[id], "delivered once")
		seen[id] = true
	}
	assert.NotEmpty(t, got[1].TopReasons)
	logged, err := s.store.LeadScores(ctx, "L-1", 0, 10)
	require.NoError(t, err)
	require.Len(t, logged, 3, "three rescores of L-1 in the prediction log")
	for _, sc := range logged {
		assert.Equal(t, store.SourceRescore, sc.Source)
	}
	assert.Equal(t, "hot", logged[0].Tier)
}

// TestRescoreMaxWait: a lead that keeps changing is rescored at the latest
// five debounces after its first change.
func TestRescoreMaxWait(t *testing.T) {
	var clockMu sync.Mutex
	now := testNow
	clock := func() time.Time { clockMu.Lock(); defer clockMu.Unlock(); return now }
	s, env := newTestServer(t, testOptions{store: sqliteURL(t), now: clock})
	t.Cleanup(func() { s.Close() })
	ingest(t, env, "/v1/leads", `{"lead_id": "L-1", "created_at": "2024-05-01T10:00:00Z", "fields": {"TotalVisits": 3}}`, 200)
	rescored := 0
	for i := range 12 {
		clockMu.Lock()
		now = now.Add(DefaultDebounce / 2)
		clockMu.Unlock()
		ingest(t, env, "/v1/events", fmt.Sprintf(`{"lead_id": "L-1", "event_id": "m%d", "type": "email_open", "timestamp": "2024-05-02T10:00:00Z"}`, i), 200)
		n, err := s.RescoreDue(context.Background())
		require.NoError(t, err)
		rescored += n
		if i < 9 {
			assert.Zero(t, rescored, "step %d", i)
		}
	}
	assert.Equal(t, 1, rescored, "once, at five debounces")
}

// TestPendingRescoresSurviveRestart: a server stopped hard between the
// ingestion of changes and their rescore (no drain, nothing rescored)
// leaves the rescores pending in the store; the next server on the store
// takes them back at start and rescores the leads on its first pass once
// the debounce is over, not at the next sweep, an outcome's cause intact.
// On both backends.
func TestPendingRescoresSurviveRestart(t *testing.T) {
	for _, b := range []struct {
		name string
		url  func(testing.TB) string
	}{{"sqlite", sqliteURL}, {"postgres", pgtest.URL}} {
		t.Run(b.name, func(t *testing.T) {
			ctx := context.Background()
			url := b.url(t)
			var mu sync.Mutex
			var got []webhook.Payload
			rcv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				var p webhook.Payload
				require.NoError(t, json.NewDecoder(r.Body).Decode(&p))
				mu.Lock()
				got = append(got, p)
				mu.Unlock()
			}))
			defer rcv.Close()
			secret := filepath.Join(t.TempDir(), "secret")
			require.NoError(t, os.WriteFile(secret, []byte("s3cret\n"), 0o600))
			var clockMu sync.Mutex
			now := testNow
			clock := func() time.Time { clockMu.Lock(); defer clockMu.Unlock(); return now }
			advance := func(d time.Duration) { clockMu.Lock(); now = now.Add(d); clockMu.Unlock() }
			opts := testOptions{store: url, now: clock, webhooks: WebhookConfig{URLs: []string{rcv.URL}, SecretFiles: []string{secret}}}

			s, env := newTestServer(t, opts)
			ingest(t, env, "/v1/leads", `[{"lead_id": "L-1", "created_at": "2024-05-01T10:00:00Z", "fields": {"TotalVisits": 0}},
				{"lead_id": "L-2", "created_at": "2024-05-01T10:00:00Z", "fields": {"TotalVisits": 30}}]`, 200)
			advance(DefaultDebounce)
			n, err := s.RescoreDue(ctx)
			require.NoError(t, err)
			require.Equal(t, 2, n)
			// Changes after the first rescores, then a hard stop.
			ingest(t, env, "/v1/events", `{"lead_id": "L-1", "event_id": "e1", "type": "page_view", "timestamp": "2024-05-02T10:00:00Z"}`, 200)
			ingest(t, env, "/v1/outcomes", `{"lead_id": "L-2", "converted_at": "2024-05-03T00:00:00Z"}`, 200)
			require.Equal(t, 2, s.Pending())
			require.NoError(t, s.Close())

			advance(time.Minute)
			s, _ = newTestServer(t, opts)
			assert.Equal(t, 2, s.Pending(), "taken back from the store at start")
			n, err = s.RescoreDue(ctx)
			require.NoError(t, err)
			assert.Equal(t, 2, n, "rescored on the first pass")
			assert.Zero(t, s.Pending())
			left, err := s.store.(*store.Store).PendingRescores(ctx)
			require.NoError(t, err)
			assert.Empty(t, left, "settled with the rescore")
			for _, id := range []string{"L-1", "L-2"} {
				logged, err := s.store.LeadScores(ctx, id, 0, 10)
				require.NoError(t, err)
				require.Len(t, logged, 2, id)
				assert.Equal(t, clock(), logged[0].AsOf, "%s: rescored by the restarted server", id)
			}
			_, err = s.Webhooks().RunOnce(ctx)
			require.NoError(t, err)
			mu.Lock()
			defer mu.Unlock()
			kinds := map[string]int{}
			for _, p := range got {
				kinds[p.Event]++
			}
			assert.Equal(t, 1, kinds[webhook.KindRescoredAfterOutcome], "the outcome's cause survived the restart: %v", got)

			// A third start finds nothing pending.
			require.NoError(t, s.Close())
			s, _ = newTestServer(t, opts)
			assert.Zero(t, s.Pending())
		})
	}
}
