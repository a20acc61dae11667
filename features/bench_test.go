package features

import (
	"syscall"
	"testing"
	"time"

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
	start, cpu := time.Now(), cpuTime()
	for b.Loop() {
		d, err := BuildStreaming(Config{}, in, batches(s.events, 1<<16), false)
		require.NoError(b, err)
		require.Equal(b, events, d.Report.Events)
	}
	b.ReportMetric(float64(events)*float64(b.N)/time.Since(start).Seconds(), "events/s")
	b.ReportMetric(float64(events)*float64(b.N)/(cpuTime()-cpu).Seconds(), "events/cpu-s")
	b.ReportMetric(float64(events), "events/op")
}

// cpuTime is the CPU time (user + system) the process has used: on a
// shared machine it measures the work better than the wall clock.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
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
	cpu := cpuTime()
	for b.Loop() {
		spec.TransformLead(l, lin, tree)
	}
	b.ReportMetric(float64((cpuTime()-cpu).Nanoseconds())/float64(b.N), "cpu-ns/op")
	b.ReportMetric(float64(len(l.Events)), "events/lead")
	b.ReportMetric(float64(len(lin)), "linear-cols")
}
