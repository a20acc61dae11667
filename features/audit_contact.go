package features

import (
	"fmt"
	"math"
	"slices"
	"strings"
	"unicode"

	"github.com/leadscore/leadscore/datasets"
)

// AfterContactReason starts the reason of every column the audit suspects
// was filled in or updated by sales after first contact (or at the
// outcome). Such a column may separate the classes only moderately, so the
// statistical checks keep it, yet a new lead has no value in it when it is
// scored: the offline metrics overstate what a user gets.
const AfterContactReason = "suspect: likely filled after contact"

// Uninformative reports whether the suspect's reasons only say that the
// column carries no information (constant, or a distinct id-like value per
// lead): such a column is left out as what it is, not as leakage.
func (s Suspect) Uninformative() bool {
	for _, part := range strings.Split(s.Reason, "; ") {
		if !strings.HasPrefix(part, "constant") && !strings.HasPrefix(part, "id-like") {
			return false
		}
	}
	return true
}

// Thresholds of the after-contact checks.
const (
	// contactMinLeads is the fewest leads with a creation time the checks
	// by age compare.
	contactMinLeads = 200
	// contactFillGap: the oldest quarter of leads (by creation) filled at
	// least this much more often than the newest quarter.
	contactFillGap = 0.20
	// contactDrift: the values of the newest and oldest quarters differ by
	// at least this total variation distance (categories) or separate the
	// two quarters with at least this ROC AUC (numbers).
	contactDriftTV  = 0.40
	contactDriftAUC = 0.80
)

// contactWords are name words that say sales set or updates a column: its
// status, stage or result, a quality, profile, score, rating or index
// (grade) given by sales, or the tags sales puts on a lead.
var contactWords = []string{"status", "stage", "result", "outcome", "quality", "profile", "score", "rating", "index", "tags", "disposition"}

// salesContactWords name contacts by sales; with a count or duration word
// ("number of calls", "call duration") the column measures contacts made
// after the lead arrived.
var salesContactWords = []string{"call", "calls", "meeting", "meetings", "contact", "contacts", "contacted", "touch", "touches", "attempt", "attempts", "followup", "followups"}
var countWords = []string{"count", "number", "num", "total", "duration", "minutes", "seconds", "length", "times"}

// nameWords splits a column name into lower-case words at every character
// that is not a letter or digit and at lower-to-upper case changes
// ("LastActivity", "last_activity" and "Last Activity" give "last",
// "activity").
func nameWords(name string) []string {
	var words []string
	var cur []rune
	var prev rune
	flush := func() {
		if len(cur) > 0 {
			words = append(words, strings.ToLower(string(cur)))
			cur = cur[:0]
		}
	}
	for _, r := range name {
		switch {
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			if unicode.IsUpper(r) && unicode.IsLower(prev) {
				flush()
			}
			cur = append(cur, r)
		default:
			flush()
		}
		prev = r
	}
	flush()
	return words
}

// contactNameEvidence returns why a column's name says sales fills it after
// contact, or "".
func contactNameEvidence(name string) string {
	w := nameWords(name)
	if len(w) == 0 {
		return ""
	}
	if w[0] == "last" || w[0] == "latest" {
		return fmt.Sprintf("the name %q starts with %q: a value updated as the lead's history grows", name, w[0])
	}
	for _, x := range w {
		if slices.Contains(contactWords, x) {
			return fmt.Sprintf("the name %q holds %q, a word for what sales records about a lead", name, x)
		}
	}
	var contact, count string
	for _, x := range w {
		if contact == "" && slices.Contains(salesContactWords, x) {
			contact = x
		}
		if count == "" && slices.Contains(countWords, x) {
			count = x
		}
	}
	if contact != "" && count != "" {
		return fmt.Sprintf("the name %q holds %q and %q: a count or duration of sales contacts", name, contact, count)
	}
	return ""
}

// afterContactEvidence returns the evidence that lead field f of d was
// filled in or updated by sales after first contact, joined by "; ", or ""
// when there is none: its name, values that change with the lead's age at
// the end of the data, fill rates that grow with that age, or (flat data)
// a timestamp after the lead's creation.
func afterContactEvidence(f *Feature, d *Dataset, leadRows []int) string {
	var ev []string
	if e := contactNameEvidence(f.Field); e != "" {
		ev = append(ev, e)
	}
	c := d.Leads.Col(f.Field)
	created := d.Leads.Col(d.cfg.Created)
	if c != nil && created != nil && created.Kind == datasets.KindTime {
		ev = append(ev, ageEvidence(c, created, leadRows)...)
		if f.Origin == originFieldTime && d.Report.Mode == "flat" {
			if e := afterCreation(c, created, leadRows); e != "" {
				ev = append(ev, e)
			}
		}
	}
	return strings.Join(ev, "; ")
}

// ageEvidence compares the newest quarter of leads (by creation time) with
// the oldest quarter: a column filled far more often among the old leads,
// or whose values differ strongly between them, is one sales fills in or
// updates as time passes after the lead arrived.
func ageEvidence(c, created *datasets.Column, leadRows []int) []string {
	rows := make([]int, 0, len(leadRows))
	for _, r := range leadRows {
		if created.Time[r] != datasets.MissingTime {
			rows = append(rows, r)
		}
	}
	if len(rows) < contactMinLeads {
		return nil
	}
	slices.SortFunc(rows, func(a, b int) int {
		ta, tb := created.Time[a], created.Time[b]
		switch {
		case ta < tb:
			return -1
		case ta > tb:
			return 1
		}
		return a - b
	})
	q := len(rows) / 4
	old, young := rows[:q], rows[len(rows)-q:]
	fill := func(rs []int) float64 {
		n := 0
		for _, r := range rs {
			if !c.IsMissing(r) {
				n++
			}
		}
		return float64(n) / float64(len(rs))
	}
	var ev []string
	fo, fy := fill(old), fill(young)
	if fo-fy >= contactFillGap {
		ev = append(ev, fmt.Sprintf("filled for %.0f%% of the oldest quarter of leads but %.0f%% of the newest: it fills in as time passes after creation", 100*fo, 100*fy))
	}
	switch c.Kind {
	case datasets.KindCategory, datasets.KindText:
		if tv := totalVariation(c, old, young); tv >= contactDriftTV {
			ev = append(ev, fmt.Sprintf("its values change with the lead's age (the oldest and newest quarters of leads differ by %.2f in total variation): it is updated after creation", tv))
		}
	case datasets.KindNumber:
		x := make([]float64, 0, len(old)+len(young))
		y := make([]float64, 0, len(old)+len(young))
		for _, r := range old {
			if !math.IsNaN(c.Num[r]) {
				x, y = append(x, c.Num[r]), append(y, 1)
			}
		}
		for _, r := range young {
			if !math.IsNaN(c.Num[r]) {
				x, y = append(x, c.Num[r]), append(y, 0)
			}
		}
		if len(x) >= contactMinLeads/2 {
			if a := aucAbs(x, y); a >= contactDriftAUC {
				ev = append(ev, fmt.Sprintf("its values change with the lead's age (they tell the oldest quarter of leads from the newest with AUC %.3f): it is updated after creation", a))
			}
		}
	}
	return ev
}

// totalVariation returns the total variation distance between the value
// distributions (filled rows only) of category column c in rows a and b.
func totalVariation(c *datasets.Column, a, b []int) float64 {
	dist := func(rs []int) (map[int32]float64, bool) {
		m := map[int32]float64{}
		n := 0.0
		for _, r := range rs {
			if code := c.Codes[r]; code >= 0 {
				m[code]++
				n++
			}
		}
		if n < 20 {
			return nil, false
		}
		for k := range m {
			m[k] /= n
		}
		return m, true
	}
	pa, okA := dist(a)
	pb, okB := dist(b)
	if !okA || !okB {
		return 0
	}
	tv := 0.0
	for k, p := range pa {
		tv += math.Abs(p - pb[k])
	}
	for k, p := range pb {
		if _, ok := pa[k]; !ok {
			tv += p
		}
	}
	return tv / 2
}

// afterCreation reports a timestamp column later than the lead's creation
// for most filled leads of a flat export: a date recorded after the lead
// arrived (a call, a meeting, a status change) that the export's single
// moment cannot place before or after the score.
func afterCreation(c, created *datasets.Column, leadRows []int) string {
	n, after := 0, 0
	for _, r := range leadRows {
		if c.Time[r] == datasets.MissingTime || created.Time[r] == datasets.MissingTime {
			continue
		}
		n++
		if c.Time[r] > created.Time[r] {
			after++
		}
	}
	if n < 20 || float64(after) <= 0.5*float64(n) {
		return ""
	}
	return fmt.Sprintf("a date after the lead's creation for %.0f%% of %d leads: recorded after the lead arrived", 100*float64(after)/float64(n), n)
}
