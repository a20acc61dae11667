package features

import (
	"time"

	"github.com/leadscore/leadscore/datasets"
)

// Value is one field of one lead as the scoring path sees it. Kind says which
// of Num (numbers, booleans as 0/1), Str (categories, text) or Time is set.
// A Value with Missing set carries no value whatever its Kind.
type Value struct {
	Kind    datasets.Kind
	Num     float64
	Str     string
	Time    time.Time
	Missing bool
}

// Event is one activity of a lead: a page view, an email open, a form submit.
// Attrs holds the optional attributes (page, channel, ...) by column name.
type Event struct {
	Type  string
	Time  time.Time
	Attrs map[string]string
}

// Lead is one lead at one moment: its fields as of the lead record, the events
// known so far and the moment it is scored (Cutoff). Only events strictly
// before Cutoff may influence a score. Events are sorted by Time.
type Lead struct {
	ID      string
	Created time.Time
	Cutoff  time.Time
	Fields  map[string]Value
	Events  []Event
}
