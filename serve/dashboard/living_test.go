package dashboard

import (
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/leadscore/leadscore/models"
	"github.com/leadscore/leadscore/serve"
	"github.com/leadscore/leadscore/serve/monitor"
	"github.com/leadscore/leadscore/serve/webhook"
)

// judgedFunc adapts a function to serve.JudgedSource.
type judgedFunc func(ctx context.Context, now time.Time) ([]monitor.Judged, error)

func (f judgedFunc) Judged(ctx context.Context, now time.Time) ([]monitor.Judged, error) {
	return f(ctx, now)
}

// noisyJudged are judged scores of the served version whose outcomes
// ignore the scores: a live AUC near 0.5, far below the bundle's held-out
// AUC, so the monitoring alert is raised.
func noisyJudged(n int) []monitor.Judged {
	rng := rand.New(rand.NewPCG(21, 21))
	out := make([]monitor.Judged, n)
	tiers := []string{"hot", "warm", "cold"}
	for i := range out {
		p := rng.Float64() * 0.5
		out[i] = monitor.Judged{Issued: monitor.Issued{LeadID: fmt.Sprint("L-", i), Version: "real-v1", Model: "gbm",
			At: realAsOf.Add(-120 * 24 * time.Hour), Probability: p, Tier: tiers[i%3],
			HasRules: true, RulesPoints: float64(i % 70), RulesTier: tiers[i%3], RulesProbability: float64(i%70) / 100},
			Converted: rng.Float64() < 0.15}
	}
	return out
}

// livingEnv is a dashboard over a server with a webhook receiver, a
// judged-score source and two decision records.
type livingEnv struct {
	*env
	refuse   *atomic.Bool
	received func() []string
	judged   []monitor.Judged
	recs     []models.Decision
}

func newLivingEnv(t *testing.T, keys bool) *livingEnv {
	t.Helper()
	le := &livingEnv{refuse: &atomic.Bool{}, judged: noisyJudged(600)}
	le.refuse.Store(true)
	var mu sync.Mutex
	var got []string
	rcv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		if !webhook.Verify([]byte("crm-secret"), body, r.Header.Get(webhook.HeaderSignature)) || le.refuse.Load() {
			w.WriteHeader(http.StatusInternalServerError)
			return
		}
		mu.Lock()
		got = append(got, r.Header.Get(webhook.HeaderDelivery))
		mu.Unlock()
	}))
	t.Cleanup(rcv.Close)
	le.received = func() []string { mu.Lock(); defer mu.Unlock(); return append([]string(nil), got...) }
	secret := filepath.Join(t.TempDir(), "crm.secret")
	require.NoError(t, os.WriteFile(secret, []byte("crm-secret\n"), 0o600))
	f := realFixture(t)
	le.env = newEnv(t, f, envOptions{keys: keys,
		webhooks: serve.WebhookConfig{URLs: []string{rcv.URL + "/hooks/leadscore"}, SecretFiles: []string{secret}, MaxAttempts: 1},
		monitor:  serve.MonitorConfig{Source: judgedFunc(func(context.Context, time.Time) ([]monitor.Judged, error) { return le.judged, nil })},
	})
	ctx := context.Background()
	h := le.s.Webhooks()
	require.NoError(t, h.Publish(ctx, []webhook.Payload{
		{Event: webhook.KindTierChanged, LeadID: "L-7", OldTier: "warm", NewTier: "hot", Score: 71},
		{Event: webhook.KindMQLChanged, LeadID: "L-8", OldTier: "cold", NewTier: "cold", Score: 12},
	}))
	_, err := h.RunOnce(ctx)
	require.NoError(t, err)
	require.NoError(t, le.s.RefreshMonitoring(ctx))
	dir := le.s.Config().ModelsDir
	le.recs = []models.Decision{
		{At: realAsOf.Add(-48 * time.Hour), Verdict: models.VerdictNotEnoughData, Champion: "real-v1", Serving: "real-v1",
			Reason: "not enough data to train and judge a challenger: needs 400 more leads", Data: models.DataCheck{Leads: 600, Conversions: 80, MinLeads: 1000, MinConversions: 120}},
		{At: realAsOf.Add(-24 * time.Hour), Verdict: models.VerdictRefused, Champion: "real-v1", Challenger: "chal-2", Serving: "real-v1",
			Reason: "the challenger ranks worse than champion real-v1 beyond the interval", Data: models.DataCheck{Leads: 1500, Conversions: 200, MinLeads: 1000, MinConversions: 120},
			Comparison: &models.Comparison{Baseline: "champion", WindowStart: realAsOf.Add(-60 * 24 * time.Hour), WindowEnd: realAsOf.Add(-30 * 24 * time.Hour),
				Leads: 300, Rows: 1100, Conversions: 90,
				Challenger: models.ModelFigures{Version: "chal-2", Model: "gbm", ROCAUC: 0.5123, LogLoss: 0.41, ECE: 0.031},
				Champion:   models.ModelFigures{Version: "real-v1", Model: "gbm", ROCAUC: 0.7861, LogLoss: 0.33, ECE: 0.022},
				AUCDiff:    models.PairedFigures{Value: -0.2738, Lo: -0.31, Hi: -0.24, Resamples: 200, Seed: 1}}},
	}
	for _, d := range le.recs {
		_, err := models.WriteDecision(dir, d)
		require.NoError(t, err)
	}
	return le
}

// TestLivingPages: the monitoring, webhooks and model history pages show
// what the server holds, the alert banner is on every page, and only an
// admin replays a dead letter.
func TestLivingPages(t *testing.T) {
	le := newLivingEnv(t, true)
	base := le.srv.URL
	login := func(key string) *http.Client {
		c := client(t)
		_, page := get(t, c, base+"/ui/login")
		resp, err := c.PostForm(base+"/ui/login", url.Values{"key": {key}, "csrf": {csrfOf(t, page)}})
		require.NoError(t, err)
		resp.Body.Close()
		require.Equal(t, http.StatusSeeOther, resp.StatusCode)
		return c
	}
	scorer, admin := login(scoreKey), login(adminKey)

	code, page := get(t, scorer, base+"/")
	require.Equal(t, http.StatusOK, code)
	assert.Contains(t, page, `id="monitoring-banner"`)
	assert.Contains(t, page, "live ROC AUC")

	code, page = get(t, scorer, base+"/ui/monitoring")
	require.Equal(t, http.StatusOK, code)
	figs := monitor.Compute(le.judged)
	require.Len(t, figs, 2)
	for i, f := range figs {
		assert.Contains(t, page, `id="series-`+fmt.Sprint(i)+`"`)
		assert.Contains(t, page, `<b class="auc">`+num(f.AUC, 3)+`</b>`)
		assert.Contains(t, page, `<b class="ece">`+num(f.ECE, 3)+`</b>`)
		assert.Contains(t, page, `<b class="top10">`+pctOrDash(f.Top10)+`</b>`)
		assert.Contains(t, page, `<b class="judged">`+fmt.Sprint(f.N)+`</b>`)
	}
	assert.Contains(t, page, "Rule sheet of version real-v1")
	assert.Contains(t, page, `<svg class="calibration"`)
	assert.Contains(t, page, `class="error alert"`)

	code, page = get(t, scorer, base+"/ui/webhooks")
	require.Equal(t, http.StatusOK, code)
	dead, err := le.s.Webhooks().Outbox().List(context.Background(), webhook.StateDead, 0)
	require.NoError(t, err)
	require.Len(t, dead, 2)
	for _, d := range dead {
		assert.Contains(t, page, `id="dead-`+d.ID+`"`)
	}
	assert.Contains(t, page, "admins replay", "a score key sees no replay button")
	assert.NotContains(t, page, `class="replay"`)
	csrf := csrfOf(t, page)
	resp, err := scorer.PostForm(base+"/ui/webhooks/"+dead[0].ID+"/replay", url.Values{"csrf": {csrf}})
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusForbidden, resp.StatusCode)

	_, page = get(t, admin, base+"/ui/webhooks")
	assert.Contains(t, page, `class="replay"`)
	resp, err = admin.PostForm(base+"/ui/webhooks/"+dead[0].ID+"/replay", url.Values{"csrf": {csrfOf(t, page)}})
	require.NoError(t, err)
	resp.Body.Close()
	require.Equal(t, http.StatusSeeOther, resp.StatusCode)
	resp, err = admin.PostForm(base+"/ui/webhooks/"+dead[0].ID+"/replay", url.Values{"csrf": {csrfOf(t, page)}})
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusConflict, resp.StatusCode, "a pending delivery is not replayed twice")
	le.refuse.Store(false)
	_, err = le.s.Webhooks().RunOnce(context.Background())
	require.NoError(t, err)
	assert.Equal(t, []string{dead[0].ID}, le.received())

	code, page = get(t, scorer, base+"/ui/models")
	require.Equal(t, http.StatusOK, code)
	assert.Equal(t, 2, strings.Count(page, `<section class="card decision">`))
	assert.Less(t, strings.Index(page, "v-refused"), strings.Index(page, "v-not_enough_data"), "newest first")
	assert.Contains(t, page, "0.5123")
	assert.Contains(t, page, "[-0.3100, -0.2400]")
	assert.Contains(t, page, "needs 400 more leads")
}

// TestLivingPagesOff: without webhooks, a prediction log or decisions the
// pages say how to turn them on, and no banner shows.
func TestLivingPagesOff(t *testing.T) {
	e := newEnv(t, realFixture(t), envOptions{})
	c := client(t)
	for path, want := range map[string]string{
		"/ui/monitoring": `id="monitoring-off"`,
		"/ui/webhooks":   "--webhook-url URL --webhook-secret-file FILE",
		"/ui/models":     `id="no-decisions"`,
	} {
		code, page := get(t, c, e.srv.URL+path)
		require.Equal(t, http.StatusOK, code, path)
		assert.Contains(t, page, want, path)
		assert.NotContains(t, page, `id="monitoring-banner"`, path)
	}
	code, page := get(t, c, e.srv.URL+"/ui/score")
	require.Equal(t, http.StatusOK, code)
	resp, err := c.PostForm(e.srv.URL+"/ui/webhooks/dlv_x/replay", url.Values{"csrf": {csrfOf(t, page)}})
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusNotFound, resp.StatusCode)
}

// TestLivingBrowser drives the monitoring, webhooks and model history
// pages in headless Chromium: the alert banner, the charts, a replay by an
// admin and the decision records.
func TestLivingBrowser(t *testing.T) {
	le := newLivingEnv(t, true)
	ctx := browserContext(t)
	shots := os.Getenv("LEADSCORE_SCREENSHOTS")
	if shots == "" {
		shots = t.TempDir()
	}
	base := le.srv.URL
	do := func(what string, steps ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		require.NoError(t, chromedp.Do(ctx, steps...), what)
	}
	do("log in as an admin", chromedp.Navigate(base+"/"), chromedp.WaitVisible(chromedp.ID("key")),
		chromedp.SetValue(chromedp.ID("key"), adminKey), chromedp.Click(chromedp.ID("login")),
		chromedp.WaitVisible(chromedp.ID("monitoring-banner")))
	assert.Contains(t, browserText(t, ctx, "monitoring-banner"), "Live scores have degraded")

	do("open monitoring", chromedp.Navigate(base+"/ui/monitoring"), chromedp.WaitVisible(chromedp.ID("series-0")))
	points, err := chromedp.Run(ctx, chromedp.Nodes(chromedp.CSSAll("#series-0 svg.calibration circle")))
	require.NoError(t, err)
	assert.Len(t, points, 10, "one point per decile")
	bars, err := chromedp.Run(ctx, chromedp.Nodes(chromedp.CSSAll("#series-1 svg.tiers rect")))
	require.NoError(t, err)
	assert.Len(t, bars, 4, "the rule sheet's four tiers")
	screenshot(t, ctx, shots, "monitoring")

	dead, err := le.s.Webhooks().Outbox().List(context.Background(), webhook.StateDead, 0)
	require.NoError(t, err)
	require.Len(t, dead, 2)
	le.refuse.Store(false)
	do("open webhooks", chromedp.Navigate(base+"/ui/webhooks"), chromedp.WaitVisible(chromedp.ID("dead-"+dead[1].ID)))
	screenshot(t, ctx, shots, "webhooks")
	do("replay a dead letter", chromedp.Click(chromedp.CSS("#dead-"+dead[1].ID+" button.replay")), chromedp.WaitVisible(chromedp.ID("replayed")))
	assert.Contains(t, browserText(t, ctx, "replayed"), dead[1].ID)
	_, err = le.s.Webhooks().RunOnce(context.Background())
	require.NoError(t, err)
	assert.Equal(t, []string{dead[1].ID}, le.received())
	do("reload webhooks", chromedp.Navigate(base+"/ui/webhooks"), chromedp.WaitVisible(chromedp.ID("dead-letters")))
	assert.Contains(t, browserText(t, ctx, "dead-letters"), "Dead letters (1)")
	assert.Contains(t, browserText(t, ctx, "delivery-log"), "delivered")

	do("open model history", chromedp.Navigate(base+"/ui/models"), chromedp.WaitVisible(chromedp.ID("decisions")))
	cards, err := chromedp.Run(ctx, chromedp.Nodes(chromedp.CSSAll("#decisions .decision")))
	require.NoError(t, err)
	assert.Len(t, cards, len(le.recs))
	assert.Contains(t, browserText(t, ctx, "decisions"), "refused")
	screenshot(t, ctx, shots, "model-history")
}
