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
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/leadscore/leadscore/datasets/store"
	lsmetrics "github.com/leadscore/leadscore/metrics"
	"github.com/leadscore/leadscore/serve/monitor/monitortest"
	"github.com/leadscore/leadscore/serve/webhook"
)

// TestReplayHistory replays part of the generated history through the API
// with Replay, hour by hour on a simulated clock: leads, events and
// outcomes arrive as they happened, the server is restarted halfway while
// the webhook receiver is down (deliveries wait in the outbox), a sweep
// runs at the end. It checks that every change was rescored and logged,
// that the tier changes in the prediction log reach the receiver signed,
// once each and in order across the restart, and that the monitoring
// figures equal package metrics on the same log judged by hand. The
// issue's last two checks, a retrain on schedule during a replay and a
// shuffled-labels challenger refused there, need the trainer, which serve
// does not import: they are cmd/leadscore's TestScheduledRetrainInReplay.
func TestReplayHistory(t *testing.T) {
	if testing.Short() {
		t.Skip("replays a history; skipped with -short")
	}
	f := realBundle(t)
	items, leads := replayItems(t, f)
	var mu sync.Mutex
	var got []webhook.Payload
	var gotIDs []string
	refused := 0
	var clock *ReplayClock
	var refuseFrom, refuseUntil time.Time // the receiver is down then
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
		defer mu.Unlock()
		if now := clock.Now(); !now.Before(refuseFrom) && now.Before(refuseUntil) {
			refused++
			w.WriteHeader(http.StatusServiceUnavailable)
			return
		}
		got, gotIDs = append(got, p), append(gotIDs, r.Header.Get(webhook.HeaderDelivery))
	}))
	defer rcv.Close()
	secret := filepath.Join(t.TempDir(), "secret")
	require.NoError(t, os.WriteFile(secret, []byte("replay-secret\n"), 0o600))

	dir := t.TempDir()
	copyBundle(t, f.bundle, dir, "real-v1", time.Date(2024, 12, 1, 0, 0, 0, 0, time.UTC))
	storeURL := sqliteURL(t)
	begin := items[0].At().Truncate(time.Hour)
	// The restart: two hours after the first outcome of the second half
	// of the items, so the rescore after that outcome publishes a
	// delivery while the receiver is down.
	half := len(items) / 2
	for half < len(items)-1 && items[half].Outcome == nil {
		half++
	}
	mid := items[half].At().Truncate(time.Hour).Add(2 * time.Hour)
	for half < len(items) && items[half].At().Before(mid) {
		half++
	}
	end := items[len(items)-1].At().Truncate(time.Hour).Add(time.Hour)
	clock = NewReplayClock(begin)
	// The receiver is down for the first half's last six hours (fewer
	// than a delivery's attempts, one a step): what the rescores then
	// publish waits in the outbox across the restart.
	refuseFrom, refuseUntil = mid.Add(-6*time.Hour), mid.Add(DefaultDebounce+time.Nanosecond)
	ctx := context.Background()
	replay := func(part []store.Item, from, to time.Time) *Server {
		s, err := New(Config{ModelsDir: dir, Addr: "127.0.0.1:0", PollInterval: -1, StoreURL: storeURL, Now: clock.Now,
			Webhooks: WebhookConfig{URLs: []string{rcv.URL}, SecretFiles: []string{secret}},
			Logger:   slog.New(slog.NewJSONHandler(io.Discard, nil))})
		require.NoError(t, err)
		api := httptest.NewServer(s.Handler())
		defer api.Close()
		_, err = Replay(ctx, s, clock, part, from, to, ReplayOptions{URL: api.URL, SweepEvery: -1})
		require.NoError(t, err)
		return s
	}
	// Halfway the server stops with deliveries pending, and a new one
	// replays the rest on the same store.
	s := replay(items[:half], begin, mid)
	require.NoError(t, s.Close())
	mu.Lock()
	require.Positive(t, refused, "deliveries were left pending across the restart")
	mu.Unlock()
	s = replay(items[half:], mid, end)
	assert.Zero(t, s.Pending())
	// The sweep rescores every stored lead a day later.
	clock.Set(end.Add(DefaultDebounce + 24*time.Hour))
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
	clock.Set(judgeAt)
	require.NoError(t, s.RefreshMonitoring(ctx))
	conv, err := st.Conversions(ctx)
	require.NoError(t, err)
	j := monitortest.Judge(log, conv, judgeAt, 90*24*time.Hour)
	y, p, ry, rp, rs := j.Y, j.P, j.Y, j.RulesP, j.RulesPoints
	for _, v := range rp {
		require.False(t, math.IsNaN(v), "the log keeps the rule sheet's calibrated probability")
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
func replayItems(t *testing.T, f *realFixture) ([]store.Item, map[string]bool) {
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
	var items []store.Item
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
		b, err := json.Marshal(fields)
		require.NoError(t, err)
		items = append(items, store.Item{Lead: &store.Lead{ID: r[0], Created: at(r[1]), Fields: b}})
	}
	for k, r := range erows {
		if !leads[r[0]] {
			continue
		}
		e := &store.Event{LeadID: r[0], EventID: fmt.Sprint("e", k), Type: r[2], Time: at(r[1]), Attrs: map[string]string{}}
		for i, c := range eh {
			if i > 2 && r[i] != "" {
				e.Attrs[c] = r[i]
			}
		}
		items = append(items, store.Item{Event: e})
	}
	for _, r := range orows {
		if !leads[r[0]] {
			continue
		}
		o := &store.Outcome{LeadID: r[0], ConvertedAt: at(r[1]), Amount: math.NaN()}
		if len(oh) > 2 && r[2] != "" {
			v, err := strconv.ParseFloat(r[2], 64)
			require.NoError(t, err)
			o.Amount = v
		}
		items = append(items, store.Item{Outcome: o})
	}
	// Stable: a lead arrives before its events of the same instant.
	sort.SliceStable(items, func(a, b int) bool { return items[a].At().Before(items[b].At()) })
	return items, leads
}
