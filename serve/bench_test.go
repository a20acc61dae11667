package serve

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"
)

// benchServer serves the real fixture bundle; with LEADSCORE_BENCH_DIR set
// to a bench/serve/run.sh work directory it serves that bundle and posts
// its lead.json and batch.json instead.
func benchServer(b *testing.B) (*Server, []byte, []byte) {
	b.Helper()
	if dir := os.Getenv("LEADSCORE_BENCH_DIR"); dir != "" {
		s, err := New(Config{ModelsDir: filepath.Join(dir, "models"), PollInterval: -1, MaxBatchLeads: 100000})
		if err != nil {
			b.Fatal(err)
		}
		one, err := os.ReadFile(filepath.Join(dir, "lead.json"))
		if err != nil {
			b.Fatal(err)
		}
		batch, err := os.ReadFile(filepath.Join(dir, "batch.json"))
		if err != nil {
			b.Fatal(err)
		}
		return s, one, batch
	}
	f := realBundle(b)
	s, env := newRealServer(b, f)
	_, leads := realLeads(b, f, 500)
	one, _ := json.Marshal(leads[0])
	batch, _ := json.Marshal(leads)
	_ = env
	return s, one, batch
}

func benchPost(b *testing.B, h http.Handler, path string, body []byte, leads int) {
	b.ReportAllocs()
	b.SetBytes(int64(len(body)))
	start := time.Now()
	cpu0 := cpuTime()
	b.ResetTimer()
	w := &discardWriter{h: make(http.Header)}
	for b.Loop() {
		req := httptest.NewRequest("POST", path, bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		clear(w.h)
		w.code, w.n = 0, 0
		h.ServeHTTP(w, req)
		if w.code != http.StatusOK || w.n == 0 {
			b.Fatalf("status %d, %d bytes", w.code, w.n)
		}
	}
	b.ReportMetric(float64(b.N*leads)/time.Since(start).Seconds(), "leads/s")
	// On a shared machine wall time depends on the neighbours; CPU time
	// per lead (user + system, all goroutines, GC included) does not.
	b.ReportMetric(float64(cpuTime()-cpu0)/1e3/float64(b.N*leads), "cpu-us/lead")
}

// discardWriter is a ResponseWriter that counts the body and keeps
// nothing, as a socket would: httptest.ResponseRecorder's growing buffer
// would otherwise be a sizeable part of what a batch benchmark measures.
type discardWriter struct {
	h    http.Header
	code int
	n    int
}

func (w *discardWriter) Header() http.Header { return w.h }
func (w *discardWriter) WriteHeader(code int) {
	if w.code == 0 {
		w.code = code
	}
}
func (w *discardWriter) Write(p []byte) (int, error) {
	w.WriteHeader(http.StatusOK)
	w.n += len(p)
	return len(p), nil
}

// cpuTime is the process's user + system CPU time in nanoseconds.
func cpuTime() int64 {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return ru.Utime.Nano() + ru.Stime.Nano()
}

func BenchmarkScore(b *testing.B) {
	s, one, _ := benchServer(b)
	benchPost(b, s.Handler(), "/v1/score?explain=5", one, 1)
}

func BenchmarkBatch(b *testing.B) {
	s, _, batch := benchServer(b)
	h := s.Handler()
	var n []json.RawMessage
	if err := json.Unmarshal(batch, &n); err != nil {
		b.Fatal(err)
	}
	b.Run("explain=0", func(b *testing.B) { benchPost(b, h, "/v1/score/batch?explain=0", batch, len(n)) })
	b.Run("explain=5", func(b *testing.B) { benchPost(b, h, "/v1/score/batch?explain=5", batch, len(n)) })
}

// BenchmarkDecode decodes the leads of the batch body one by one with one
// decoder, as a batch worker does: the request decoder alone.
func BenchmarkDecode(b *testing.B) {
	s, _, batch := benchServer(b)
	items, aerr := splitArray(batch, 1<<20)
	if aerr != nil {
		b.Fatal(aerr)
	}
	d := s.reg.current().getDecoder()
	now := time.Now()
	b.ReportAllocs()
	b.SetBytes(int64(len(batch)))
	b.ResetTimer()
	for b.Loop() {
		for _, it := range items {
			if _, _, aerr := d.decode(it, now); aerr != nil {
				b.Fatal(aerr)
			}
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/1e3/float64(b.N*len(items)), "us/lead")
}
