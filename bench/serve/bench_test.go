package main

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/stretchr/testify/require"

	"github.com/leadscore/leadscore/bench/suite"
	"github.com/leadscore/leadscore/internal/cputime"
	"github.com/leadscore/leadscore/serve"
)

// The scoring API's Go benchmarks: the requests of run.sh through the
// server's handler in this process, responses written to a discarding
// writer as to a socket. They live here rather than in serve because they
// need a trained bundle, and serve's tests must not import the trainer.

// fixture is a bench/serve work directory: models/ holds the bundle,
// lead.json and batch.json the request bodies.
var (
	fixtureOnce sync.Once
	fixtureDir  string
	fixtureErr  error
)

func TestMain(m *testing.M) {
	code := m.Run()
	if fixtureDir != "" && os.Getenv("LEADSCORE_BENCH_DIR") == "" {
		os.RemoveAll(fixtureDir)
	}
	os.Exit(code)
}

// benchDir returns LEADSCORE_BENCH_DIR, a bench/serve/run.sh work directory
// (its bundle of 5,000 leads and its bodies), or else a directory prepared
// once per run as `leadscore bench serve --size small` prepares it: 2,000
// generated b2b leads, every model with a GBM champion (logistic lambda
// fixed at 1e-3), a batch body of 1,000 leads.
func benchDir(b *testing.B) string {
	b.Helper()
	if dir := os.Getenv("LEADSCORE_BENCH_DIR"); dir != "" {
		return dir
	}
	fixtureOnce.Do(func() {
		if fixtureDir, fixtureErr = os.MkdirTemp("", "leadscore-bench-serve-*"); fixtureErr != nil {
			return
		}
		data := filepath.Join(fixtureDir, "data")
		opt := suite.ServeOptions{Leads: 2000, LogisticLambda: 1e-3}
		if fixtureErr = suite.PrepareServe(context.Background(), data, filepath.Join(fixtureDir, "models"), opt); fixtureErr != nil {
			return
		}
		_, fixtureErr = suite.WriteServeBodies(data, fixtureDir, 1000)
	})
	require.NoError(b, fixtureErr)
	return fixtureDir
}

// benchServer serves the bundle of benchDir and returns its lead.json and
// batch.json.
func benchServer(b *testing.B) (*serve.Server, []byte, []byte) {
	b.Helper()
	dir := benchDir(b)
	gin.SetMode(gin.ReleaseMode)
	s, err := serve.New(serve.Config{ModelsDir: filepath.Join(dir, "models"), PollInterval: -1, MaxBatchLeads: 100000})
	require.NoError(b, err)
	one, err := os.ReadFile(filepath.Join(dir, "lead.json"))
	require.NoError(b, err)
	batch, err := os.ReadFile(filepath.Join(dir, "batch.json"))
	require.NoError(b, err)
	return s, one, batch
}

func benchPost(b *testing.B, h http.Handler, path string, body []byte, leads int) {
	b.ReportAllocs()
	b.SetBytes(int64(len(body)))
	start := time.Now()
	cpu0 := cputime.Used()
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
	b.ReportMetric(float64((cputime.Used()-cpu0).Nanoseconds())/1e3/float64(b.N*leads), "cpu-us/lead")
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

// BenchmarkScore posts lead.json to POST /v1/score?explain=5.
func BenchmarkScore(b *testing.B) {
	s, one, _ := benchServer(b)
	benchPost(b, s.Handler(), "/v1/score?explain=5", one, 1)
}

// BenchmarkBatch posts batch.json to POST /v1/score/batch without and with
// five contributions per lead.
func BenchmarkBatch(b *testing.B) {
	s, _, batch := benchServer(b)
	h := s.Handler()
	var n []json.RawMessage
	require.NoError(b, json.Unmarshal(batch, &n))
	b.Run("explain=0", func(b *testing.B) { benchPost(b, h, "/v1/score/batch?explain=0", batch, len(n)) })
	b.Run("explain=5", func(b *testing.B) { benchPost(b, h, "/v1/score/batch?explain=5", batch, len(n)) })
}
