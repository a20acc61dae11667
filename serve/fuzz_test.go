package serve

import (
	"encoding/json"
	"github.com/leadscore/leadscore/features"
	"math"
	"reflect"
	"slices"
	"strings"
	"testing"
)

// FuzzDecodeLead feeds arbitrary bodies to the request decoder: it must
// never panic, and every lead it accepts is well formed (finite numbers,
// events sorted and of known types, no timestamp past as_of + 1 day, every
// required field present).
func FuzzDecodeLead(f *testing.F) {
	for _, s := range []string{
		goodLead,
		`{}`,
		`{"lead_id": 7, "as_of": "2024-01-01", "fields": {"TotalVisits": "1e3", "Do Not Email": "YES", "Lead Source": 3, "last_contact": "2023-12-31T23:59:59+02:00"}}`,
		`{"fields": {"TotalVisits": null}, "events": [{"type": "page_view", "timestamp": "2024-01-01", "page": 1, "x": null}]}`,
		`{"fields": {"TotalVisits": "\u0031"}, "events": [{"type": "email_open", "timestamp": "2024-01-02"}, {"type": "page_view", "timestamp": "2024-01-01"}]}`,
		`{"fields": {"TotalVisits": 1e309}}`,
		`[`,
	} {
		f.Add([]byte(s))
	}
	sc, err := compileSchema(fakeSchema)
	if err != nil {
		f.Fatal(err)
	}
	// A decoder reused across inputs (as the server's are) must decode each
	// exactly as a fresh one does: its string cache, lead, event buffers and
	// container tape carry nothing over.
	reused := newDecoder(sc)
	f.Fuzz(func(t *testing.T, data []byte) {
		l, _, aerr := decodeLead(data, sc, testNow)
		l2, _, aerr2 := reused.decode(data, testNow)
		if (aerr == nil) != (aerr2 == nil) || aerr != nil && !reflect.DeepEqual(*aerr, *aerr2) {
			t.Fatalf("reused decoder: error %+v, fresh: %+v", aerr2, aerr)
		}
		if aerr == nil && !sameLead(l, l2) {
			t.Fatalf("reused decoder: lead %+v, fresh: %+v", l2, l)
		}
		// The scanner agrees with encoding/json on what is JSON (bar the
		// nesting limit).
		if aerr == nil && !json.Valid(data) {
			t.Fatal("invalid JSON accepted")
		}
		if aerr != nil && strings.HasPrefix(aerr.Message, "malformed JSON") && json.Valid(data) && !strings.Contains(aerr.Message, "nested too deeply") {
			t.Fatalf("valid JSON refused: %s", aerr.Message)
		}
		if aerr != nil {
			if l != nil {
				t.Fatal("a lead and an error")
			}
			if aerr.Status != 400 || aerr.Code == "" || aerr.Message == "" {
				t.Fatalf("bad error %+v", aerr)
			}
			return
		}
		limit := l.Cutoff.Add(maxFuture)
		for name, v := range l.Fields {
			if math.IsNaN(v.Num) || math.IsInf(v.Num, 0) {
				t.Fatalf("field %s: non-finite %v", name, v.Num)
			}
			if v.Time.After(limit) {
				t.Fatalf("field %s: far-future time", name)
			}
		}
		if !slices.IsSortedFunc(l.Events, cmpEventTime) {
			t.Fatal("events not sorted")
		}
		for _, e := range l.Events {
			if _, ok := sc.eventTypes[e.Type]; !ok {
				t.Fatalf("unknown event type %q accepted", e.Type)
			}
			if e.Time.IsZero() || e.Time.After(limit) {
				t.Fatalf("event time %v", e.Time)
			}
		}
		if l.Cutoff.IsZero() {
			t.Fatal("no cutoff")
		}
	})
}

// sameLead compares decoded leads, an empty event list or attribute map
// equal to none.
func sameLead(a, b *features.Lead) bool {
	if a.ID != b.ID || !a.Created.Equal(b.Created) || !a.Cutoff.Equal(b.Cutoff) || !reflect.DeepEqual(a.Fields, b.Fields) || len(a.Events) != len(b.Events) {
		return false
	}
	for i := range a.Events {
		ea, eb := a.Events[i], b.Events[i]
		if ea.Type != eb.Type || !ea.Time.Equal(eb.Time) || len(ea.Attrs) != len(eb.Attrs) {
			return false
		}
		for k, v := range ea.Attrs {
			if w, ok := eb.Attrs[k]; !ok || w != v {
				return false
			}
		}
	}
	return true
}

// FuzzFastTime checks the allocation-free timestamp parser against
// time.Parse on the forms it accepts.
func FuzzFastTime(f *testing.F) {
	for _, s := range []string{"2024-02-29", "2023-02-29", "2024-12-31T23:59:59Z", "2024-01-01T24:00:00Z", "0000-01-01", "2024-1-01"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, ok := fastTime([]byte(s))
		if !ok {
			return
		}
		want, wantOK := parseTime(s)
		if !wantOK || !got.Equal(want) {
			t.Fatalf("fastTime(%q) = %v, parseTime = %v %v", s, got, want, wantOK)
		}
	})
}
