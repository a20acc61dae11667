package synth

import (
	"time"

	"github.com/leadscore/leadscore/datasets"
)

// LeadRecord is one generated lead at one moment as plain values: its
// fields, its events and the moment it is scored (Cutoff). Callers turn it
// into their own lead type (features.Lead); synth does not import features.
type LeadRecord struct {
	ID      string
	Created time.Time
	Cutoff  time.Time
	Fields  map[string]FieldValue
	// Events are in time order.
	Events []EventRecord
}

// FieldValue is one field of a LeadRecord: Kind says which of Num
// (numbers) or Str (categories, text) is set.
type FieldValue struct {
	Kind datasets.Kind
	Num  float64
	Str  string
}

// EventRecord is one event of a LeadRecord; Attrs holds its optional
// attributes (page, channel) by column name.
type EventRecord struct {
	Type  string
	Time  time.Time
	Attrs map[string]string
}

// RulesLead returns the lead of models/rules' BenchmarkEvaluate and
// `leadscore bench rules`: a b2b lead (software, 450 employees, a VP of
// marketing in Germany, from a webinar) with 54 events, one every 27 hours
// from 60 days before its cutoff of 2026-03-01 12:00 UTC, cycling through
// ten event types (page views with one of six pages) and four channels.
func RulesLead() LeadRecord {
	const day = 24 * time.Hour
	cutoff := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	types := []string{"email_sent", "email_open", "page_view", "email_click", "page_view", "content_download",
		"page_view", "social_interaction", "webinar_attended", "form_submit"}
	pages := []string{"home", "pricing", "product", "blog", "careers", "contact"}
	channels := []string{"email", "web", "linkedin", "twitter"}
	cat := func(s string) FieldValue { return FieldValue{Kind: datasets.KindCategory, Str: s} }
	num := func(f float64) FieldValue { return FieldValue{Kind: datasets.KindNumber, Num: f} }
	l := LeadRecord{
		ID:      "bench",
		Created: cutoff.Add(-60 * day),
		Cutoff:  cutoff,
		Fields: map[string]FieldValue{
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
		e := EventRecord{
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
