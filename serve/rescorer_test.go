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
	"strings"
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

// TestRescoreDueInBatches: more due leads than a batch are rescored
// passBatch at a time; each batch's log entries, settled pending rows and
// webhook deliveries are written together, so once RescoreDue returns
// every lead is logged once, nothing is left pending in the store and
// every tier change waits in the outbox, and the dispatcher then delivers
// each once.
func TestRescoreDueInBatches(t *testing.T) {
	var mu sync.Mutex
	got := map[string]int{}
	rcv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var p webhook.Payload
		body, _ := io.ReadAll(r.Body)
		require.NoError(t, json.Unmarshal(body, &p))
		mu.Lock()
		got[p.LeadID]++
		mu.Unlock()
	}))
	defer rcv.Close()
	secret := filepath.Join(t.TempDir(), "secret")
	require.NoError(t, os.WriteFile(secret, []byte("s3cret\n"), 0o600))
	var clockMu sync.Mutex
	now := testNow
	clock := func() time.Time { clockMu.Lock(); defer clockMu.Unlock(); return now }
	s, env := newTestServer(t, testOptions{store: sqliteURL(t), now: clock,
		webhooks: WebhookConfig{URLs: []string{rcv.URL}, SecretFiles: []string{secret}}})
	t.Cleanup(func() { s.Close() })
	ctx := context.Background()
	const leads = 2*passBatch + 100
	for lo := 0; lo < leads; lo += 500 {
		var b []string
		for i := lo; i < min(lo+500, leads); i++ {
			// TotalVisits 5: p = logistic(0.5), a first score warm.
			b = append(b, fmt.Sprintf(`{"lead_id": "B-%04d", "created_at": "2024-05-01T10:00:00Z", "fields": {"TotalVisits": 5}}`, i))
		}
		ingest(t, env, "/v1/leads", "["+strings.Join(b, ",")+"]", 200)
	}
	clockMu.Lock()
	now = now.Add(DefaultDebounce)
	clockMu.Unlock()
	n, err := s.RescoreDue(ctx)
	require.NoError(t, err)
	assert.Equal(t, leads, n)
	st := s.store.(*store.Store)
	var logged, pending int
	require.NoError(t, st.DB().QueryRow(`SELECT COUNT(*) FROM predictions WHERE source = 'rescore'`).Scan(&logged))
	require.NoError(t, st.DB().QueryRow(`SELECT COUNT(*) FROM pending_rescores`).Scan(&pending))
	assert.Equal(t, leads, logged, "each lead logged once")
	assert.Zero(t, pending, "every pending rescore settled")
	waiting, err := s.Webhooks().Outbox().List(ctx, webhook.StatePending, 2*leads)
	require.NoError(t, err)
	assert.Len(t, waiting, leads, "a tier change per lead, in the outbox before any delivery")
	for {
		k, err := s.Webhooks().RunOnce(ctx)
		require.NoError(t, err)
		if k == 0 {
			break
		}
	}
	mu.Lock()
	defer mu.Unlock()
	assert.Len(t, got, leads)
	for id, k := range got {
		assert.Equal(t, 1, k, id)
	}
}

// TestDueLongestFirst: a pass takes the leads due, longest due first, and
// leaves those not due pending.
func TestDueLongestFirst(t *testing.T) {
	d := time.Second
	r := &rescorer{pending: map[string]pendingRescore{
		"quiet-since-3s": {first: testNow.Add(-10 * time.Second), last: testNow.Add(-3 * time.Second)},
		"quiet-since-2s": {first: testNow.Add(-2 * time.Second), last: testNow.Add(-2 * time.Second), cause: webhook.CauseOutcome},
		// Changing all along: due at five debounces after its first change.
		"busy-for-6s": {first: testNow.Add(-6 * time.Second), last: testNow},
		"not-due":     {first: testNow.Add(-500 * time.Millisecond), last: testNow.Add(-500 * time.Millisecond)},
	}}
	got := r.due(testNow, d)
	assert.Equal(t, []dueLead{
		{id: "quiet-since-3s", at: testNow.Add(-5 * time.Second)}, // five debounces after its first change
		{id: "busy-for-6s", at: testNow.Add(-time.Second)},
		{id: "quiet-since-2s", at: testNow.Add(-time.Second), cause: webhook.CauseOutcome},
	}, got)
	assert.Equal(t, 1, len(r.pending), "not-due stays")
	assert.Empty(t, r.due(testNow, d))
}

// TestEventsBeforeTheirLead: events may arrive before their lead. The
// rescore of such leads waits for the lead, is logged once per pass with
// a count (not one line per lead), and the lead is scored as soon as it is
// posted.
func TestEventsBeforeTheirLead(t *testing.T) {
	var clockMu sync.Mutex
	now := testNow
	clock := func() time.Time { clockMu.Lock(); defer clockMu.Unlock(); return now }
	advance := func(d time.Duration) { clockMu.Lock(); now = now.Add(d); clockMu.Unlock() }
	s, env := newTestServer(t, testOptions{store: sqliteURL(t), now: clock})
	t.Cleanup(func() { s.Close() })
	ctx := context.Background()
	var events []string
	for i := range 8 {
		events = append(events, fmt.Sprintf(`{"lead_id": "E-%d", "event_id": "e%d", "type": "page_view", "timestamp": "2024-05-02T10:00:00Z"}`, i, i))
	}
	ingest(t, env, "/v1/events", "["+strings.Join(events, ",")+"]", 200)
	advance(DefaultDebounce)
	_, err := s.RescoreDue(ctx)
	require.NoError(t, err)
	hist, err := s.Store().LeadScores(ctx, "E-0", 0, 10)
	require.NoError(t, err)
	assert.Empty(t, hist, "no lead is stored yet")
	logs := env.logs.String()
	assert.Equal(t, 1, strings.Count(logs, "leads with events but no stored lead"), logs)
	assert.Contains(t, logs, `"leads":8`)
	assert.NotContains(t, logs, "lead not scored")

	ingest(t, env, "/v1/leads", `{"lead_id": "E-3", "created_at": "2024-05-01T10:00:00Z", "fields": {"TotalVisits": 1}}`, 200)
	advance(DefaultDebounce)
	n, err := s.RescoreDue(ctx)
	require.NoError(t, err)
	assert.Equal(t, 1, n, "the lead is rescored once posted")
	hist, err = s.Store().LeadScores(ctx, "E-3", 0, 10)
	require.NoError(t, err)
	assert.Len(t, hist, 1)
}
