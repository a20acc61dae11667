package serve

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/leadscore/leadscore/datasets/store"
	"github.com/leadscore/leadscore/internal/pgtest"
)

// benchStoreServer serves the fixture bundle over a fresh SQLite store
// holding one lead (bench-lead) with nEvents events, and returns the
// handler and a POST /v1/score body of the same lead.
func benchStoreServer(b *testing.B, nEvents int) (*Server, http.Handler, string) {
	f := realBundle(b)
	dir := b.TempDir()
	copyBundle(b, f.bundle, dir, "real-v1", time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC))
	st, err := store.Open(context.Background(), sqliteURL(b))
	require.NoError(b, err)
	b.Cleanup(func() { st.Close() })
	s, err := New(Config{ModelsDir: dir, PollInterval: -1, Store: st, Logger: slog.New(slog.DiscardHandler)})
	require.NoError(b, err)
	b.Cleanup(func() { s.Close() })
	created := realAsOf.Add(-60 * 24 * time.Hour)
	fields := map[string]any{}
	_, leads := realLeads(b, f, 1)
	for k, v := range leads[0]["fields"].(map[string]any) {
		if k != "created_at" {
			fields[k] = v
		}
	}
	_, err = st.UpsertLeads(context.Background(), []store.Lead{{ID: "bench-lead", Created: created, Fields: mustRaw(b, fields)}}, created, nil, store.NoRescore)
	require.NoError(b, err)
	types := []string{"page_view", "email_open", "email_sent", "form_submit"}
	evs := make([]store.Event, nEvents)
	plain := make([]map[string]any, nEvents)
	for i := range evs {
		t := created.Add(time.Duration(i) * 5 * time.Hour)
		evs[i] = store.Event{LeadID: "bench-lead", EventID: fmt.Sprint("e", i), Type: types[i%4], Time: t, Attrs: map[string]string{"channel": "web", "page": "pricing"}}
		plain[i] = map[string]any{"type": types[i%4], "timestamp": t.Format(time.RFC3339), "channel": "web", "page": "pricing"}
	}
	_, err = st.AppendEvents(context.Background(), evs, created, store.NoRescore)
	require.NoError(b, err)
	fields["created_at"] = created.Format(time.RFC3339)
	body, err := json.Marshal(map[string]any{"lead_id": "bench-lead", "as_of": realAsOf.Format(time.RFC3339), "fields": fields, "events": plain})
	require.NoError(b, err)
	return s, s.Handler(), string(body)
}

func mustRaw(b testing.TB, v any) json.RawMessage {
	raw, err := json.Marshal(v)
	require.NoError(b, err)
	f, _, ierr := store.CanonicalFields(raw)
	require.Nil(b, ierr)
	return f
}

// BenchmarkStoredLead compares scoring a lead with 200 stored events by id
// (GET /v1/leads/{id}) with sending the same lead to POST /v1/score.
func BenchmarkStoredLead(b *testing.B) {
	s, h, body := benchStoreServer(b, 200)
	get := "/v1/leads/bench-lead?explain=5&as_of=" + realAsOf.Format(time.RFC3339)
	b.Run("get", func(b *testing.B) {
		for b.Loop() {
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, httptest.NewRequest("GET", get, nil))
			if rec.Code != 200 {
				b.Fatal(rec.Body.String())
			}
		}
		s.scores.flush()
	})
	b.Run("get-fresh", func(b *testing.B) { // the answer computed anew each time
		for b.Loop() {
			s.answers.clear()
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, httptest.NewRequest("GET", get, nil))
			if rec.Code != 200 {
				b.Fatal(rec.Body.String())
			}
		}
		s.scores.flush()
	})
	b.Run("get-nolog", func(b *testing.B) {
		sl := s.scores
		s.scores = nil
		defer func() { s.scores = sl }()
		for b.Loop() {
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, httptest.NewRequest("GET", get, nil))
			if rec.Code != 200 {
				b.Fatal(rec.Body.String())
			}
		}
	})
	b.Run("post", func(b *testing.B) {
		for b.Loop() {
			rec := httptest.NewRecorder()
			req := httptest.NewRequest("POST", "/v1/score?explain=5", strings.NewReader(body))
			req.Header.Set("Content-Type", "application/json")
			h.ServeHTTP(rec, req)
			if rec.Code != 200 {
				b.Fatal(rec.Body.String())
			}
		}
		s.scores.flush()
	})
}

// BenchmarkIngestEvents posts batches of 500 events (each with an
// event_id) to POST /v1/events, one request at a time, into each backend.
func BenchmarkIngestEvents(b *testing.B) {
	for _, backend := range []struct {
		name string
		url  func(testing.TB) string
	}{{"sqlite", sqliteURL}, {"postgres", pgtest.URL}} {
		b.Run(backend.name, func(b *testing.B) {
			st, err := store.Open(context.Background(), backend.url(b))
			require.NoError(b, err)
			b.Cleanup(func() { st.Close() })
			s, err := New(Config{ModelsDir: b.TempDir(), PollInterval: -1, Store: st, Logger: slog.New(slog.DiscardHandler)})
			require.NoError(b, err)
			b.Cleanup(func() { s.Close() })
			h := s.Handler()
			const batch = 500
			n := 0
			body := func() string {
				var sb strings.Builder
				sb.WriteByte('[')
				for i := range batch {
					if i > 0 {
						sb.WriteByte(',')
					}
					fmt.Fprintf(&sb, `{"lead_id":"L%07d","event_id":"e%d","type":"page_view","page":"pricing","channel":"web","timestamp":"2025-01-%02dT10:00:00Z"}`, n%10000, n, 1+n%28)
					n++
				}
				sb.WriteByte(']')
				return sb.String()
			}
			bodies := make([]string, 0, 64)
			for b.Loop() {
				b.StopTimer()
				if len(bodies) == 0 {
					for range 64 {
						bodies = append(bodies, body())
					}
				}
				req := httptest.NewRequest("POST", "/v1/events", strings.NewReader(bodies[len(bodies)-1]))
				bodies = bodies[:len(bodies)-1]
				req.Header.Set("Content-Type", "application/json")
				rec := httptest.NewRecorder()
				b.StartTimer()
				h.ServeHTTP(rec, req)
				if rec.Code != 200 {
					b.Fatal(rec.Body.String())
				}
			}
			b.ReportMetric(float64(b.N*batch)/b.Elapsed().Seconds(), "events/s")
		})
	}
}

// BenchmarkStoredLeadParallel is BenchmarkStoredLead from 50 goroutines,
// as wrk's 50 connections.
func BenchmarkStoredLeadParallel(b *testing.B) {
	s, h, body := benchStoreServer(b, 200)
	get := "/v1/leads/bench-lead?explain=5&as_of=" + realAsOf.Format(time.RFC3339)
	b.Run("get", func(b *testing.B) {
		b.SetParallelism(25)
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				rec := httptest.NewRecorder()
				h.ServeHTTP(rec, httptest.NewRequest("GET", get, nil))
				if rec.Code != 200 {
					b.Error(rec.Body.String())
					return
				}
			}
		})
		s.scores.flush()
	})
	b.Run("post", func(b *testing.B) {
		b.SetParallelism(25)
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				rec := httptest.NewRecorder()
				req := httptest.NewRequest("POST", "/v1/score?explain=5", strings.NewReader(body))
				req.Header.Set("Content-Type", "application/json")
				h.ServeHTTP(rec, req)
				if rec.Code != 200 {
					b.Error(rec.Body.String())
					return
				}
			}
		})
		s.scores.flush()
	})
}
