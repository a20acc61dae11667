package serve

import (
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/leadscore/leadscore/serve/webhook"
)

// TestWebhookAdmin: a server configured with a receiver that refuses
// every delivery dead-letters it after --webhook-max-attempts, lists it
// on GET /v1/admin/webhooks/deliveries?state=dead (admin only), counts the
// attempts in /metrics, and POST .../replay delivers it once the receiver
// accepts.
func TestWebhookAdmin(t *testing.T) {
	var refuse atomic.Bool
	refuse.Store(true)
	var mu sync.Mutex
	var got []string
	rcv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		if !webhook.Verify([]byte("hook-secret"), body, r.Header.Get(webhook.HeaderSignature)) {
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		if refuse.Load() {
			w.WriteHeader(http.StatusServiceUnavailable)
			return
		}
		mu.Lock()
		got = append(got, r.Header.Get(webhook.HeaderDelivery))
		mu.Unlock()
	}))
	defer rcv.Close()
	secret := filepath.Join(t.TempDir(), "hook.secret")
	require.NoError(t, os.WriteFile(secret, []byte("hook-secret\n"), 0o600))
	var nowMu sync.Mutex
	now := testNow
	clock := func() time.Time { nowMu.Lock(); defer nowMu.Unlock(); return now }
	s, env := newTestServer(t, testOptions{keys: true, now: clock, webhooks: WebhookConfig{
		URLs: []string{rcv.URL + "/crm"}, SecretFiles: []string{secret}, MaxAttempts: 2, BaseDelay: time.Second, MaxDelay: time.Second,
	}})
	require.NotNil(t, s.Webhooks())
	ctx := context.Background()
	require.NoError(t, s.Webhooks().Publish(ctx, []webhook.Payload{{Event: webhook.KindTierChanged, LeadID: "L-9", OldTier: "warm", NewTier: "hot", Score: 77}}))
	_, err := s.Webhooks().RunOnce(ctx)
	require.NoError(t, err)
	nowMu.Lock()
	now = now.Add(time.Second)
	nowMu.Unlock()
	_, err = s.Webhooks().RunOnce(ctx)
	require.NoError(t, err)

	path := "/v1/admin/webhooks/deliveries?state=dead"
	rec := env.do(t, "GET", path, "", "Authorization", "Bearer "+scoreKey)
	assert.Equal(t, http.StatusForbidden, rec.Code)
	rec = env.do(t, "GET", path, "", "Authorization", "Bearer "+adminKey)
	require.Equal(t, http.StatusOK, rec.Code, rec.Body.String())
	env.check(t, "GET", path, rec)
	var list deliveriesResponse
	require.NoError(t, json.Unmarshal(rec.Body.Bytes(), &list))
	require.Len(t, list.Deliveries, 1)
	d := list.Deliveries[0]
	assert.Equal(t, "L-9", d.LeadID)
	assert.Equal(t, webhook.StateDead, d.State)
	assert.Equal(t, 2, d.Attempts)
	assert.Equal(t, 503, d.LastStatus)
	assert.Equal(t, []string{strings.TrimPrefix(rcv.URL, "http://") + "/crm"}, list.Targets)

	for _, bad := range []string{"?state=lost", "?limit=0", "?limit=x"} {
		rec = env.do(t, "GET", "/v1/admin/webhooks/deliveries"+bad, "", "Authorization", "Bearer "+adminKey)
		assert.Equal(t, http.StatusBadRequest, rec.Code, bad)
		env.check(t, "GET", "/v1/admin/webhooks/deliveries"+bad, rec)
	}

	metrics := env.do(t, "GET", "/metrics", "").Body.String()
	assert.Contains(t, metrics, `leadscore_webhook_attempts_total{result="retry",target=`)
	assert.Contains(t, metrics, `leadscore_webhook_attempts_total{result="dead",target=`)

	replay := "/v1/admin/webhooks/deliveries/" + d.ID + "/replay"
	rec = env.do(t, "POST", "/v1/admin/webhooks/deliveries/dlv_nope/replay", "", "Authorization", "Bearer "+adminKey)
	assert.Equal(t, http.StatusNotFound, rec.Code)
	refuse.Store(false)
	rec = env.do(t, "POST", replay, "", "Authorization", "Bearer "+adminKey)
	require.Equal(t, http.StatusOK, rec.Code, rec.Body.String())
	env.check(t, "POST", replay, rec)
	_, err = s.Webhooks().RunOnce(ctx)
	require.NoError(t, err)
	mu.Lock()
	assert.Equal(t, []string{d.ID}, got)
	mu.Unlock()
	rec = env.do(t, "POST", replay, "", "Authorization", "Bearer "+adminKey)
	assert.Equal(t, http.StatusConflict, rec.Code)
	env.check(t, "POST", replay, rec)
	assert.NotContains(t, env.logs.String(), "hook-secret")
}

func TestWebhooksOff(t *testing.T) {
	s, env := newTestServer(t, testOptions{})
	assert.Nil(t, s.Webhooks())
	rec := env.do(t, "GET", "/v1/admin/webhooks/deliveries", "")
	assert.Equal(t, http.StatusNotFound, rec.Code)
	assert.Contains(t, rec.Body.String(), "--webhook-url")
}

func TestWebhookFlagsChecked(t *testing.T) {
	dir := t.TempDir()
	writeFakeBundle(t, dir, "v1", testNow, fakeParams{})
	_, err := New(Config{ModelsDir: dir, Load: loadFake, Webhooks: WebhookConfig{URLs: []string{"http://127.0.0.1:9/h"}}})
	require.ErrorContains(t, err, "--webhook-url given 1 times and --webhook-secret-file 0 times")
}

// TestWebhookTestReceiver: with --webhook-test-receiver the server
// delivers to a receiver of its own over HTTP, which accepts the
// deliveries signed with its secret and lists them on GET
// /v1/admin/webhooks/received (admin only), refuses a forged one (401,
// counted), and the outbox shows the deliveries delivered.
func TestWebhookTestReceiver(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	s, env := newTestServer(t, testOptions{keys: true, addr: ln.Addr().String(), webhooks: WebhookConfig{TestReceiver: true}})
	srv := &http.Server{Handler: s.Handler()}
	go srv.Serve(ln)
	defer srv.Close()
	require.Equal(t, []string{TestReceiverName}, s.Webhooks().Targets())
	ctx := context.Background()
	require.NoError(t, s.Webhooks().Publish(ctx, []webhook.Payload{
		{Event: webhook.KindTierChanged, LeadID: "L-1", OldTier: "cold", NewTier: "warm", Score: 55},
		{Event: webhook.KindTierChanged, LeadID: "L-1", OldTier: "warm", NewTier: "hot", Score: 81},
		{Event: webhook.KindTierChanged, LeadID: "L-2", OldTier: "", NewTier: "hot", Score: 90},
	}))
	_, err = s.Webhooks().RunOnce(ctx)
	require.NoError(t, err)

	forged := `{"event":"tier_changed","lead_id":"L-666"}`
	rec := env.do(t, "POST", TestReceiverPath, forged, webhook.HeaderSignature, webhook.Sign([]byte("guess"), []byte(forged)))
	assert.Equal(t, http.StatusUnauthorized, rec.Code)
	env.check(t, "POST", TestReceiverPath, rec)

	path := "/v1/admin/webhooks/received"
	assert.Equal(t, http.StatusForbidden, env.do(t, "GET", path, "", "Authorization", "Bearer "+scoreKey).Code)
	rec = env.do(t, "GET", path, "", "Authorization", "Bearer "+adminKey)
	require.Equal(t, http.StatusOK, rec.Code, rec.Body.String())
	env.check(t, "GET", path, rec)
	var got ReceivedList
	require.NoError(t, json.Unmarshal(rec.Body.Bytes(), &got))
	assert.Equal(t, 3, got.Accepted)
	assert.Equal(t, 1, got.Rejected)
	require.Len(t, got.Received, 3)
	var l1 []string
	for _, r := range got.Received {
		assert.True(t, strings.HasPrefix(r.Delivery, "dlv_"), r.Delivery)
		if r.LeadID == "L-1" {
			l1 = append(l1, r.OldTier+">"+r.NewTier)
		}
	}
	assert.Equal(t, []string{"cold>warm", "warm>hot"}, l1, "one lead's deliveries in order")
	ds, err := s.Webhooks().Outbox().List(ctx, webhook.StateDelivered, 0)
	require.NoError(t, err)
	assert.Len(t, ds, 3, "acknowledged by the receiver")

	// Off by default, and the receiver needs a fixed port to be reached.
	_, env2 := newTestServer(t, testOptions{})
	assert.Equal(t, http.StatusNotFound, env2.do(t, "GET", path, "").Code)
	assert.Equal(t, http.StatusNotFound, env2.do(t, "POST", TestReceiverPath, forged).Code)
	_, err = New(Config{ModelsDir: t.TempDir(), Addr: "127.0.0.1:0", Load: loadFake, Webhooks: WebhookConfig{TestReceiver: true}})
	assert.ErrorContains(t, err, "--webhook-test-receiver")
}
