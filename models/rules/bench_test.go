package rules

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/leadscore/leadscore/features"
)

// benchLead is a b2b lead with 50 events over the 60 days before the cutoff
// and a few more after it.
func benchLead() *features.Lead {
	types := []string{"email_sent", "email_open", "page_view", "email_click", "page_view", "content_download",
		"page_view", "social_interaction", "webinar_attended", "form_submit"}
	pages := []string{"home", "pricing", "product", "blog", "careers", "contact"}
	channels := []string{"email", "web", "linkedin", "twitter"}
	l := &features.Lead{
		ID:      "bench",
		Created: cutoff.Add(-60 * day),
		Cutoff:  cutoff,
		Fields: map[string]features.Value{
			"industry":       cat("Software"),
			"employees":      num(450),
			"annual_revenue": num(3.2e7),
			"job_title":      text("VP Marketing"),
			"seniority":      cat("vp"),
			"country":        cat("DE"),
			"lead_source":    cat("webinar"),
		},
	}
	for i := range 54 {
		e := features.Event{
			Type:  types[i%len(types)],
			Time:  cutoff.Add(-60*day + time.Duration(i)*27*time.Hour),
			Attrs: map[string]string{"channel": channels[i%len(channels)]},
		}
		if e.Type == "page_view" {
			e.Attrs["page"] = pages[i%len(pages)]
		}
		l.Events = append(l.Events, e)
	}
	return l
}

// BenchmarkEvaluate scores the 54-event b2b lead of benchLead. Besides
// ns/op (wall time) it reports cpu-ns/op, the process CPU time per op, which
// a busy shared machine distorts far less.
func BenchmarkEvaluate(b *testing.B) {
	s, err := Parse(Default("b2b"), "b2b.yaml")
	require.NoError(b, err)
	l := benchLead()
	b.ReportAllocs()
	var res Result
	cpu0 := processCPU()
	for b.Loop() {
		res = s.Evaluate(l)
	}
	b.ReportMetric(float64(processCPU()-cpu0)/float64(b.N), "cpu-ns/op")
	if len(res.Fired) == 0 {
		b.Fatal("no rule fired")
	}
}

func TestEvaluateAllocatesOnlyFired(t *testing.T) {
	s, err := Parse(Default("b2b"), "b2b.yaml")
	require.NoError(t, err)
	l := benchLead()
	allocs := testing.AllocsPerRun(100, func() { s.Evaluate(l) })
	assert.LessOrEqual(t, allocs, 1.0, "Evaluate should allocate the Fired slice only")
}
