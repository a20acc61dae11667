package benchkit

import (
	"time"

	"github.com/leadscore/leadscore/datasets"
	"github.com/leadscore/leadscore/features"
)

// RulesLead returns the lead of models/rules' BenchmarkEvaluate: a b2b lead
// (software, 450 employees, a VP of marketing in Germany, from a webinar)
// with 54 events over the 60 days before its cutoff of 2026-03-01 12:00 UTC.
func RulesLead() *features.Lead {
	const day = 24 * time.Hour
	cutoff := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	types := []string{"email_sent", "email_open", "page_view", "email_click", "page_view", "content_download",
		"page_view", "social_interaction", "webinar_attended", "form_submit"}
	pages := []string{"home", "pricing", "product", "blog", "careers", "contact"}
	channels := []string{"email", "web", "linkedin", "twitter"}
	cat := func(s string) features.Value { return features.Value{Kind: datasets.KindCategory, Str: s} }
	num := func(f float64) features.Value { return features.Value{Kind: datasets.KindNumber, Num: f} }
	l := &features.Lead{
		ID:      "bench",
		Created: cutoff.Add(-60 * day),
		Cutoff:  cutoff,
		Fields: map[string]features.Value{
			"industry":       cat("Software"),
			"employees":      num(450),
			"annual_revenue": num(3.2e7),
			"job_title":      {Kind: datasets.KindText, Str: "VP Marketing"},
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
