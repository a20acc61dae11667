package serve

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/leadscore/leadscore/datasets/store"
	"github.com/leadscore/leadscore/internal/pgtest"
	"github.com/leadscore/leadscore/serve/webhook"
	"github.com/leadscore/leadscore/serve/webhook/outboxtest"
)

// TestStoreOutbox runs the outbox suite on the lead store's table, on
// both backends.
func TestStoreOutbox(t *testing.T) {
	for _, backend := range []struct {
		name string
		url  func(testing.TB) string
	}{{"sqlite", sqliteURL}, {"postgres", pgtest.URL}} {
		t.Run(backend.name, func(t *testing.T) {
			outboxtest.Run(t, func(t *testing.T) webhook.Outbox {
				st, err := store.Open(context.Background(), backend.url(t))
				require.NoError(t, err)
				t.Cleanup(func() { st.Close() })
				return storeOutbox{st: st}
			})
		})
	}
}

// TestWebhooksSurviveRestart: deliveries queued while the receiver is
// down stay in the store's outbox across a server restart, and the next
// server delivers them once each, in order.
func TestWebhooksSurviveRestart(t *testing.T) {
	var up atomic.Bool
	var mu sync.Mutex
	var got []string
	rcv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		if !up.Load() || !webhook.Verify([]byte("k3y"), body, r.Header.Get(webhook.HeaderSignature)) {
			w.WriteHeader(http.StatusBadGateway)
			return
		}
		mu.Lock()
		got = append(got, r.Header.Get(webhook.HeaderDelivery))
		mu.Unlock()
	}))
	defer rcv.Close()
	secret := filepath.Join(t.TempDir(), "secret")
	require.NoError(t, os.WriteFile(secret, []byte("k3y\n"), 0o600))
	url := sqliteURL(t)
	now := testNow
	hooks := WebhookConfig{URLs: []string{rcv.URL}, SecretFiles: []string{secret}, BaseDelay: time.Second, MaxDelay: time.Second}
	ctx := context.Background()

	first, _ := newTestServer(t, testOptions{store: url, webhooks: hooks, now: func() time.Time { return now }})
	require.NoError(t, first.Webhooks().Publish(ctx, []webhook.Payload{
		{Event: webhook.KindTierChanged, LeadID: "L-1", OldTier: "cold", NewTier: "warm"},
		{Event: webhook.KindTierChanged, LeadID: "L-1", OldTier: "warm", NewTier: "hot"},
	}))
	_, err := first.Webhooks().RunOnce(ctx) // the receiver is down: a retry is scheduled
	require.NoError(t, err)
	queued, err := first.Webhooks().Outbox().List(ctx, webhook.StatePending, 0)
	require.NoError(t, err)
	require.Len(t, queued, 2)
	require.NoError(t, first.Close())

	up.Store(true)
	now = now.Add(time.Minute)
	second, _ := newTestServer(t, testOptions{store: url, webhooks: hooks, now: func() time.Time { return now }})
	t.Cleanup(func() { second.Close() })
	_, err = second.Webhooks().RunOnce(ctx)
	require.NoError(t, err)
	mu.Lock()
	defer mu.Unlock()
	assert.Equal(t, []string{queued[1].ID, queued[0].ID}, got, "both, once each, oldest first")
	done, err := second.Webhooks().Outbox().List(ctx, webhook.StateDelivered, 0)
	require.NoError(t, err)
	assert.Len(t, done, 2)
}
