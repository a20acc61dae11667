package webhook

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"
)

// BenchmarkDeliver measures the outbox and sender: b.N payloads of 100
// leads published, then delivered signed to a local receiver that answers
// 204 (ns/op is per delivery, queueing included).
func BenchmarkDeliver(b *testing.B) {
	rcv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusNoContent) }))
	defer rcv.Close()
	tr := &http.Transport{MaxIdleConnsPerHost: 64}
	defer tr.CloseIdleConnections()
	d, err := New(Options{Targets: []Target{{URL: rcv.URL, Secret: []byte("bench-secret")}}, Client: &http.Client{Transport: tr, Timeout: 10 * time.Second}, Workers: 16, Batch: 500})
	if err != nil {
		b.Fatal(err)
	}
	ps := make([]Payload, b.N)
	for i := range ps {
		ps[i] = Payload{Event: KindTierChanged, LeadID: fmt.Sprint("L-", i%100), OldTier: "warm", NewTier: "hot", Score: i % 99}
	}
	ctx := context.Background()
	b.ResetTimer()
	if err := d.Publish(ctx, ps); err != nil {
		b.Fatal(err)
	}
	n, err := d.RunOnce(ctx)
	if err != nil {
		b.Fatal(err)
	}
	if n != b.N {
		b.Fatalf("%d attempts for %d deliveries", n, b.N)
	}
}
