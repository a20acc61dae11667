package features

import (
	"os"
	"runtime"
	"strconv"
	"testing"
	"time"

	"github.com/leadscore/leadscore/datasets/synth"
	"github.com/leadscore/leadscore/internal/cputime"

	"github.com/stretchr/testify/require"
)

// BenchmarkAggregateEvents folds generated event batches (any order) into
// point-in-time aggregates: 20,000 leads x 4 snapshots, about 1,000,000
// events in batches of 65,536. It reports events per second.
func BenchmarkAggregateEvents(b *testing.B) {
	s := genSynth(11, 20000, 25)
	in := Inputs{Leads: s.leads, Outcomes: s.outcomes}
	events := s.events.Rows()
	b.ResetTimer()
	start, cpu := time.Now(), cputime.Used()
	for b.Loop() {
		d, err := BuildStreaming(Config{}, in, batches(s.events, 1<<16), false)
		require.NoError(b, err)
		require.Equal(b, events, d.Report.Events)
	}
	b.ReportMetric(float64(events)*float64(b.N)/time.Since(start).Seconds(), "events/s")
	b.ReportMetric(float64(events)*float64(b.N)/(cputime.Used()-cpu).Seconds(), "events/cpu-s")
	b.ReportMetric(float64(events), "events/op")
}

// BenchmarkTransformLead encodes one lead with about 20 events into both the
// linear and the tree row, as the API does per request.
func BenchmarkTransformLead(b *testing.B) {
	d, _ := synthDataset(b, 12, 2000, 10)
	spec, err := Fit(Config{}, d, allRows(d.Rows))
	require.NoError(b, err)
	best := 0
	for i := range d.Rows {
		if n := len(d.Lead(i).Events); n > len(d.Lead(best).Events) && n <= 20 {
			best = i
		}
	}
	l := d.Lead(best)
	// A realistic API lead has every field filled.
	l.Fields["budget"] = Value{Kind: l.Fields["employees"].Kind, Num: 5000}
	l.Fields["lead_source"] = Value{Kind: l.Fields["lead_source"].Kind, Str: "referral"}
	lin := make([]float64, len(spec.LinearColumns()))
	tree := make([]float64, len(spec.TreeColumns()))
	b.ReportAllocs()
	cpu := cputime.Used()
	for b.Loop() {
		spec.TransformLead(l, lin, tree)
	}
	b.ReportMetric(float64((cputime.Used()-cpu).Nanoseconds())/float64(b.N), "cpu-ns/op")
	b.ReportMetric(float64(len(l.Events)), "events/lead")
	b.ReportMetric(float64(len(lin)), "linear-cols")
}

// BenchmarkAggregateStream folds a long stream of event batches into the
// snapshots of many leads, the shape of a warehouse extract: by default
// 100,000 leads (400,000 snapshots) and 5,000,000 events in batches of
// 65,536, replayed from 8 generated batches so that the events are never
// all in memory. LEADSCORE_BENCH_LEADS and LEADSCORE_BENCH_EVENTS scale it
// (1000000 and 50000000 is the production shape). It reports events per
// second and the live heap after the build, which grows with leads and
// event keys, not with events. The stream is synth.NewEventStream, as in
// `leadscore bench features`.
func BenchmarkAggregateStream(b *testing.B) {
	nLeads := envInt("LEADSCORE_BENCH_LEADS", 100_000)
	nEvents := envInt("LEADSCORE_BENCH_EVENTS", 5_000_000)
	s := synth.NewEventStream(nLeads, nEvents)
	in := Inputs{Leads: s.Leads, Outcomes: s.Outcomes}
	var heap uint64
	var cpu time.Duration
	b.ResetTimer()
	for b.Loop() {
		c0 := cputime.Used()
		d, err := BuildStreaming(Config{}, in, s.Next(), false)
		require.NoError(b, err)
		require.Equal(b, nEvents, d.Report.Events)
		cpu += cputime.Used() - c0
		b.StopTimer()
		runtime.GC()
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		heap = ms.HeapAlloc
		runtime.KeepAlive(d)
		b.StartTimer()
	}
	b.ReportMetric(float64(nEvents)*float64(b.N)/b.Elapsed().Seconds(), "events/s")
	b.ReportMetric(float64(nEvents)*float64(b.N)/cpu.Seconds(), "events/cpu-s")
	b.ReportMetric(float64(heap)/(1<<20), "heap-MB")
}

func envInt(name string, def int) int {
	if v, err := strconv.Atoi(os.Getenv(name)); err == nil && v > 0 {
		return v
	}
	return def
}
