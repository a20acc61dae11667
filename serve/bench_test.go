package serve

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// benchServer serves the real fixture bundle; with LEADSCORE_BENCH_DIR set
// to a bench/serve/run.sh work directory it serves that bundle and posts
// its lead.json and batch.json instead. BenchmarkScore and BenchmarkBatch,
// which need a trained bundle, are in bench/serve.
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
