package features

import (
	"fmt"
	"sort"
	"strings"
)

// Warnings counts what an encoding had to repair, per lead field: category
// values never seen in training (encoded as "other"), missing values
// (imputed with the training median, or encoded as the missing category)
// and numbers outside the range training saw (an extrapolation: the linear
// encoding clips them to the range, trees are constant beyond it). A lead
// field absent from the data counts as missing in every row. The zero value
// is empty and ready to use; values merge with Merge.
type Warnings struct {
	// UnseenCategories maps a field to the number of values not seen in training.
	UnseenCategories map[string]int `json:"unseen_categories,omitempty"`
	// ImputedMissing maps a field to the number of missing values imputed.
	ImputedMissing map[string]int `json:"imputed_missing,omitempty"`
	// OutOfRange maps a field to the number of values outside its training
	// range. The field is the lead column, "lead_age" for the lead's age,
	// "event:KEY" for the aggregates of one event key (a type, a page of a
	// page view, an attribute value), or the derived feature's name.
	OutOfRange map[string]int `json:"out_of_range,omitempty"`
}

func (w *Warnings) unseen(field string, n int) {
	if w.UnseenCategories == nil {
		w.UnseenCategories = make(map[string]int)
	}
	w.UnseenCategories[field] += n
}

func (w *Warnings) imputed(field string, n int) {
	if w.ImputedMissing == nil {
		w.ImputedMissing = make(map[string]int)
	}
	w.ImputedMissing[field] += n
}

func (w *Warnings) outOfRange(field string, n int) {
	if w.OutOfRange == nil {
		w.OutOfRange = make(map[string]int)
	}
	w.OutOfRange[field] += n
}

// Merge adds the counts of o to w.
func (w *Warnings) Merge(o Warnings) {
	for k, n := range o.UnseenCategories {
		w.unseen(k, n)
	}
	for k, n := range o.ImputedMissing {
		w.imputed(k, n)
	}
	for k, n := range o.OutOfRange {
		w.outOfRange(k, n)
	}
}

// Empty reports whether nothing was repaired.
func (w Warnings) Empty() bool {
	return len(w.UnseenCategories) == 0 && len(w.ImputedMissing) == 0 && len(w.OutOfRange) == 0
}

// String summarises the warnings, fields sorted by name, e.g.
// `unseen categories: "Lead Source" 3; imputed missing: "TotalVisits" 12`.
// It names fields and counts, never lead values.
func (w Warnings) String() string {
	var parts []string
	for _, g := range []struct {
		name string
		m    map[string]int
	}{{"unseen categories", w.UnseenCategories}, {"imputed missing", w.ImputedMissing}, {"out of range", w.OutOfRange}} {
		if len(g.m) == 0 {
			continue
		}
		keys := make([]string, 0, len(g.m))
		for k := range g.m {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		items := make([]string, len(keys))
		for i, k := range keys {
			items[i] = fmt.Sprintf("%q %d", k, g.m[k])
		}
		parts = append(parts, g.name+": "+strings.Join(items, ", "))
	}
	return strings.Join(parts, "; ")
}
