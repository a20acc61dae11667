package serve

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"math"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/leadscore/leadscore/datasets/store"
	lsmetrics "github.com/leadscore/leadscore/metrics"
	"github.com/leadscore/leadscore/serve/webhook"
)

// replayItem is one arrival of the generated history: a lead, an event or
// an outcome, at the time it happened.
type replayItem struct {
	at   time.Time
	kind string // leads, events, outcomes
	lead string
	body map[string]any
}

// TestReplayHistory replays part of the generated history through the API
// hour by hour with a simulated clock: leads, events and outcomes arrive
// as they happened, the server is restarted halfway, a sweep runs at the
// end. It checks that every change was rescored and logged, that the tier
// changes in the prediction log reach a local receiver signed, once each
// and in order across the restart, and that the monitoring figures equal
// package metrics on the same log judged by hand. The last two
// checks, a retrain on schedule during a replay and a shuffled-labels
// challenger refused there, need the trainer, which serve does not import:
// they are cmd/leadscore's TestScheduledRetrainInReplay.
func TestReplayHistory(t *testing.T) {
	if testing.Short() {
		t.Skip("replays a history; skipped with -short")
	}
	f := realBundle(t)
	items, leads := replayItems(t, f)
	var mu sync.Mutex
	var got []webhook.Payload
	var gotIDs []string
	rcv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		if !webhook.Verify([]byte("replay-secret"), body, r.Header.Get(webhook.HeaderSignature)) {
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		var p webhook.Payload
		if json.Unmarshal(body, &p) != nil {
			w.WriteHeader(http.StatusBadRequest)
			return
		}
		mu.Lock()
		got, gotIDs = append(got, p), append(gotIDs, r.Header.Get(webhook.HeaderDelivery))
		mu.Unlock()
	}))
	defer rcv.Close()
	secret := filepath.Join(t.TempDir(), "secret")
	require.NoError(t, os.WriteFile(secret, []byte("replay-secret\n"), 0o600))

	dir := t.TempDir()
	copyBundle(t, f.bundle, dir, "real-v1", time.Date(2024, 12, 1, 0, 0, 0, 0, time.UTC))
	storeURL := sqliteURL(t)
	var clockMu sync.Mutex
	now := items[0].at.Truncate(time.Hour)
	clock := func() time.Time { clockMu.Lock(); defer clockMu.Unlock(); return now }
	setClock := func(t time.Time) { clockMu.Lock(); now = t; clockMu.Unlock() }
	start := func() (*Server, *testEnv) {
		env := &testEnv{dir: dir, logs: &syncBuffer{}}
		s, err := New(Config{ModelsDir: dir, Addr: "127.0.0.1:0", PollInterval: -1, StoreURL: storeURL, Now: clock,
			Webhooks: WebhookConfig{URLs: []string{rcv.URL}, SecretFiles: []string{secret}},
			Logger:   slog.New(slog.NewJSONHandler(env.logs, nil))})
		require.NoError(t, err)
		env.oa, env.h = loadOpenAPI(t), s.Handler()
		return s, env
	}
	s, env := start()
	ctx := context.Background()
	post := func(kind string, bodies []map[string]any) {
		if len(bodies) == 0 {
			return
		}
		b, err := json.Marshal(bodies)
		require.NoError(t, err)
		ingest(t, env, "/v1/"+kind, string(b), http.StatusOK)
	}
	restarted := false
	for i := 0; i < len(items); {
		hour := items[i].at.Truncate(time.Hour).Add(time.Hour)
		setClock(hour)
		_, err := s.RescoreDue(ctx)
		require.NoError(t, err)
		batch := map[string][]map[string]any{}
		for ; i < len(items) && items[i].at.Before(hour); i++ {
			batch[items[i].kind] = append(batch[items[i].kind], items[i].body)
		}
		post("leads", batch["leads"])
		post("events", batch["events"])
		post("outcomes", batch["outcomes"])
		if !restarted && i >= len(items)/2 {
			// Halfway: rescore what is pending, leave the deliveries in
			// the outbox, and restart.
			setClock(hour.Add(DefaultDebounce))
			_, err := s.RescoreDue(ctx)
			require.NoError(t, err)
			require.NoError(t, s.Close())
			s, env = start()
			restarted = true
		} else if i%7 == 0 {
			_, err := s.Webhooks().RunOnce(ctx)
			require.NoError(t, err)
		}
	}
	end := clock().Add(DefaultDebounce)
	setClock(end)
	_, err := s.RescoreDue(ctx)
	require.NoError(t, err)
	assert.Zero(t, s.Pending())
	// The sweep rescores every stored lead a day later.
	setClock(end.Add(24 * time.Hour))
	n, err := s.Sweep(ctx, false)
	require.NoError(t, err)
	assert.Equal(t, len(leads), n)
	_, err = s.Webhooks().RunOnce(ctx)
	require.NoError(t, err)
	t.Cleanup(func() { s.Close() })

	st := s.store.(*store.Store)
	var log []store.Score
	require.NoError(t, scanLog(ctx, st, func(sc store.Score) { log = append(log, sc) }))
	byLead := map[string][]store.Score{}
	for _, sc := range log {
		require.Equal(t, store.SourceRescore, sc.Source)
		byLead[sc.LeadID] = append(byLead[sc.LeadID], sc)
	}
	require.Len(t, byLead, len(leads), "every lead was rescored")

	// The tier changes of the log, lead by lead, are what the receiver
	// got, in the same order, each delivery once.
	want := map[string][][2]string{}
	for id, scs := range byLead {
		prev := ""
		for k, sc := range scs {
			if (k == 0 && (sc.Tier == "hot" || sc.Tier == "warm")) || (k > 0 && sc.Tier != prev) {
				want[id] = append(want[id], [2]string{prev, sc.Tier})
			}
			prev = sc.Tier
		}
	}
	mu.Lock()
	defer mu.Unlock()
	assert.Len(t, slices.Compact(slices.Sorted(slices.Values(gotIDs))), len(gotIDs), "each delivery once")
	have := map[string][][2]string{}
	outcomeEvents := 0
	for _, p := range got {
		switch p.Event {
		case webhook.KindTierChanged:
			have[p.LeadID] = append(have[p.LeadID], [2]string{p.OldTier, p.NewTier})
		case webhook.KindRescoredAfterOutcome:
			outcomeEvents++
		}
	}
	assert.Equal(t, want, have)
	assert.NotEmpty(t, want, "the replay moved some tiers")
	assert.Positive(t, outcomeEvents, "outcomes were followed by a rescore")
	t.Logf("%d items replayed, %d scores logged, %d deliveries (%d tier changes, %d after outcomes)", len(items), len(log), len(got), len(got)-outcomeEvents, outcomeEvents)

	// Monitoring, once every horizon is over: the figures equal package
	// metrics on the log, judged here by hand (horizon 90 days, not after
	// the conversion, one score per lead and day).
	judgeAt := end.Add(200 * 24 * time.Hour)
	setClock(judgeAt)
	require.NoError(t, s.RefreshMonitoring(ctx))
	conv, err := st.Conversions(ctx)
	require.NoError(t, err)
	var y, p, ry, rp, rs []float64
	seen := map[string]bool{}
	sort.SliceStable(log, func(a, b int) bool { return log[a].AsOf.Before(log[b].AsOf) })
	horizon := 90 * 24 * time.Hour
	for _, sc := range log {
		c, won := conv[sc.LeadID]
		if sc.AsOf.Add(horizon).After(judgeAt) || won && !c.After(sc.AsOf) {
			continue
		}
		key := sc.LeadID + sc.AsOf.UTC().Format("2006-01-02")
		if seen[key] {
			continue
		}
		seen[key] = true
		label := 0.0
		if won && !c.After(sc.AsOf.Add(horizon)) {
			label = 1
		}
		y, p = append(y, label), append(p, sc.Probability)
		require.False(t, math.IsNaN(sc.RulesProbability), "the log keeps the rule sheet's calibrated probability")
		ry, rp, rs = append(ry, label), append(rp, sc.RulesProbability), append(rs, sc.RulesPoints)
	}
	m := s.Monitoring()
	require.NotEmpty(t, m.Series)
	g := m.Series[0]
	assert.Equal(t, len(y), g.N)
	t.Logf("monitoring: %d judged scores, AUC %.3f, ECE %.3f", g.N, g.AUC, g.ECE)
	assert.InDelta(t, lsmetrics.ROCAUC(y, p, nil), g.AUC, 1e-12)
	assert.InDelta(t, lsmetrics.ECE(y, p, 10), g.ECE, 1e-12)
	if top := lsmetrics.TopShareCaptured(y, p, 0.1); !math.IsNaN(top) {
		assert.InDelta(t, top, g.Top10, 1e-12)
	}
	// The rule sheet's series: ranked by points, calibrated by the
	// sheet's probability the log kept.
	require.Len(t, m.Series, 2)
	r := m.Series[1]
	require.Equal(t, "rules", r.Model)
	assert.Equal(t, len(ry), r.N)
	t.Logf("rule sheet: AUC %.3f, ECE %.3f", r.AUC, r.ECE)
	assert.InDelta(t, lsmetrics.ECE(ry, rp, 10), r.ECE, 1e-12)
	assert.InDelta(t, lsmetrics.ROCAUC(ry, rs, nil), r.AUC, 1e-12)
	require.Len(t, r.Calibration, 10)
}

// scanLog reads the whole prediction log in order.
func scanLog(ctx context.Context, st *store.Store, fn func(store.Score)) error {
	var after int64
	for {
		page, err := st.Scores(ctx, time.Time{}, after, 1000)
		if err != nil {
			return err
		}
		for _, sc := range page {
			fn(sc)
		}
		if len(page) < 1000 {
			return nil
		}
		after = page[len(page)-1].ID
	}
}

// replayItems takes the first 30 leads of the fixture history and 20 of
// its converted leads, with their events and outcomes, in time order.
func replayItems(t *testing.T, f *realFixture) ([]replayItem, map[string]bool) {
	t.Helper()
	lh, lrows := readCSV(t, filepath.Join(f.data, "leads.csv"))
	eh, erows := readCSV(t, filepath.Join(f.data, "events.csv"))
	oh, orows := readCSV(t, filepath.Join(f.data, "outcomes.csv"))
	leads := map[string]bool{}
	for _, r := range orows {
		if len(leads) == 20 {
			break
		}
		leads[r[0]] = true
	}
	for _, r := range lrows[:30] {
		leads[r[0]] = true
	}
	var items []replayItem
	at := func(s string) time.Time {
		ts, err := time.Parse(time.RFC3339, s)
		require.NoError(t, err)
		return ts
	}
	for _, r := range lrows {
		if !leads[r[0]] {
			continue
		}
		fields := map[string]any{}
		for i, c := range lh {
			if i > 1 && r[i] != "" {
				fields[c] = r[i]
			}
		}
		items = append(items, replayItem{at: at(r[1]), kind: "leads", lead: r[0], body: map[string]any{"lead_id": r[0], "created_at": r[1], "fields": fields}})
	}
	for k, r := range erows {
		if !leads[r[0]] {
			continue
		}
		ev := map[string]any{"lead_id": r[0], "timestamp": r[1], "type": r[2], "event_id": fmt.Sprint("e", k)}
		for i, c := range eh {
			if i > 2 && r[i] != "" {
				ev[c] = r[i]
			}
		}
		items = append(items, replayItem{at: at(r[1]), kind: "events", lead: r[0], body: ev})
	}
	for _, r := range orows {
		if !leads[r[0]] {
			continue
		}
		o := map[string]any{"lead_id": r[0], "converted_at": r[1]}
		if len(oh) > 2 && r[2] != "" {
			o["amount"] = json.Number(r[2])
		}
		items = append(items, replayItem{at: at(r[1]), kind: "outcomes", lead: r[0], body: o})
	}
	// Stable: a lead arrives before its events of the same instant.
	sort.SliceStable(items, func(a, b int) bool { return items[a].at.Before(items[b].at) })
	return items, leads
}
