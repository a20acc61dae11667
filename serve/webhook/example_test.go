package webhook_test

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"time"

	"github.com/leadscore/leadscore/serve/webhook"
)

// A receiver needs nothing from leadscore: it recomputes the HMAC-SHA256
// of the body with its secret and compares it with the signature header
// in constant time, then drops delivery ids it has seen (deliveries are at
// least once). This is the README's receiver.
func Example_receiver() {
	secret := []byte("topsecret")
	seen := map[string]bool{}
	receiver := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		mac := hmac.New(sha256.New, secret)
		mac.Write(body)
		want := "sha256=" + hex.EncodeToString(mac.Sum(nil))
		if !hmac.Equal([]byte(want), []byte(r.Header.Get("X-Leadscore-Signature"))) {
			http.Error(w, "bad signature", http.StatusUnauthorized)
			return
		}
		if id := r.Header.Get("X-Leadscore-Delivery"); !seen[id] {
			seen[id] = true
			fmt.Printf("%s: %s\n", r.Header.Get("X-Leadscore-Event"), body[:60])
		}
		w.WriteHeader(http.StatusNoContent)
	})
	srv := httptest.NewServer(receiver)
	defer srv.Close()

	at := time.Date(2026, 3, 2, 9, 30, 0, 0, time.UTC)
	d, _ := webhook.New(webhook.Options{
		Targets: []webhook.Target{{URL: srv.URL, Secret: secret}},
		Now:     func() time.Time { return at },
	})
	ctx := context.Background()
	d.Publish(ctx, []webhook.Payload{{Event: webhook.KindTierChanged, LeadID: "L-1", OldTier: "warm", NewTier: "hot", Score: 64, OccurredAt: at}})
	d.RunOnce(ctx)
	// Output: tier_changed: {"event":"tier_changed","lead_id":"L-1","old_tier":"warm","n
}
