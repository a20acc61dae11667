// Package rules scores leads with the points sheet marketing already uses:
// a YAML file of rules that add (or take away) points for who a lead is (fit)
// and what it has done (engagement). It is the baseline every learned model is
// compared with, and it explains itself: every score lists the rules that
// fired.
//
// A sheet looks like this:
//
//	name: default
//	tiers: {hot: 50, warm: 30}          # points; below warm is cold; warm = the MQL threshold
//	groups:
//	  engagement: {cap: 60, half_life_days: 30}
//	  fit: {cap: 40}
//	grades:                             # optional; defaults below
//	  fit: {A: 30, B: 20, C: 10}
//	  engagement: {"1": 40, "2": 20}
//	rules:
//	  - {name: pricing page, group: engagement, when: {event: page_view, page: pricing, within_days: 30}, points: 10, per_event: true, max_points: 30}
//	  - {name: senior title, group: fit, when: {field: seniority, in: [director, vp, c_level]}, points: 15}
//	  - {name: student, when: {field: occupation, equals: student}, disqualify: true}
//
// # Field conditions
//
// A rule whose when has a field key tests Lead.Fields[field]. The operators
// are equals, in, not_in, gte, lte, between ([lo, hi], inclusive), contains
// (case-insensitive substring) and missing (true or false); several operators
// in one when must all hold. String comparisons are case-insensitive and
// ignore surrounding white space (Unicode white space; case folded rune by
// rune with features.FoldRune, as category levels are, so "İ" matches "i"
// and "ẞ" matches "ß", and leadscore sql reproduces them exactly). A boolean field equals yes, true or 1 when
// set and no, false or 0 when not. A field absent from Lead.Fields, marked
// Missing, or a category or text that is empty after trimming is missing:
// only missing: true fires on it; every other operator (not_in included)
// needs a value. Numeric operators compare numbers and booleans (0/1)
// directly and a category or text only when it parses as a number.
//
// # Event conditions
//
// A rule without a field key counts Lead.Events: event (a type or a list of
// types; absent means any type), attribute filters (every other key, such as
// page: pricing or channel: [linkedin, twitter], matched case-insensitively
// against Event.Attrs; a list means any of), within_days and min_count
// (default 1; the rule fires once that many events match). Only events
// strictly before Lead.Cutoff count. With within_days d an event counts when
// its time t satisfies cutoff-d <= t < cutoff: an event exactly at the cutoff
// is excluded, one exactly d days before it is included. A zero Cutoff means
// no event counts; callers scoring "now" must set Cutoff to now.
//
// # Points
//
// A firing rule adds its points, once. With per_event: true it adds its
// points for every matching event instead (every one, once min_count is
// reached), and the sum is clipped to max_points (to -max_points for
// negative points). A rule belongs to the
// group fit or engagement, or to none: ungrouped rules count toward the total
// only.
//
// A group may decay and cap its points. With half_life_days h, an event rule
// in the group is worth points * 0.5^(age/h), where age is cutoff minus the
// event time in days: per event for per_event rules (before max_points is
// applied), the most recent matching event for the others. Field rules never
// decay. With cap c the group total is clipped to [-c, c] after decay. The
// points reported per fired rule are after decay and max_points but before
// the group cap, so they may add up to more than the group total.
//
// The total (Points) is fit + engagement + ungrouped points. The tier is hot
// when Points >= hot, warm when Points >= warm (the MQL threshold), cold
// below. A disqualify rule adds no points; when it fires the tier is
// "disqualified" while points, grade and the other fired rules are still
// reported.
//
// # Grades
//
// The grade is a letter from the fit points and a digit from the engagement
// points: A when fit >= grades.fit.A, B when >= B, C when >= C, D below; 1
// when engagement >= grades.engagement."1", 2 when >= "2", 3 below. Absent
// grades default to 3/4, 1/2 and 1/4 of the fit cap for A, B, C and 2/3 and
// 1/3 of the engagement cap for 1 and 2. A group without a cap uses the hot
// threshold in place of its cap.
package rules

import (
	"fmt"
	"os"
	"strings"
	"time"
)

// Group names a rule may belong to.
const (
	GroupFit        = "fit"
	GroupEngagement = "engagement"
)

// Tiers a Result can carry.
const (
	TierHot          = "hot"
	TierWarm         = "warm"
	TierCold         = "cold"
	TierDisqualified = "disqualified"
)

// groupID indexes Sheet.groups; groupNone is a rule without a group.
type groupID uint8

const (
	groupNone groupID = iota
	groupFit
	groupEngagement
	numGroups
)

var groupNames = [numGroups]string{"", GroupFit, GroupEngagement}

// group is the cap (0: none) and decay half-life in days (0: none) of one
// group.
type group struct {
	cap      float64
	halfLife float64
}

// grades holds the lower bounds of the grade bands: letters A, B, C from fit
// points and digits 1, 2 from engagement points.
type grades struct {
	fit        [3]float64
	engagement [2]float64
}

// rule is one compiled rule.
type rule struct {
	name       string
	group      groupID
	points     float64
	maxPoints  float64 // 0: no limit; only with perEvent
	perEvent   bool
	disqualify bool
	field      *fieldCond // exactly one of field and event is set
	event      *eventCond
	halfLife   float64 // days, copied from the group; 0: no decay
}

// Sheet is a parsed, compiled points sheet. Once parsed it is never changed
// (only UnmarshalText replaces it wholesale), so Evaluate is safe for
// concurrent use by any number of goroutines.
type Sheet struct {
	name        string
	description string
	source      []byte
	hot, warm   float64
	groups      [numGroups]group
	grades      grades
	rules       []rule
	fieldRules  []int32
	eventRules  []int32
	// byType maps a lower-cased event type to the event rules that test for
	// it; anyType lists the event rules without an event key.
	byType  map[string][]int32
	anyType []int32
}

// Parse reads a sheet from YAML. filename is used in messages only. Parsing
// is strict: unknown keys, values of the wrong type, missing names, points or
// tiers, an empty rule list and contradictory conditions are errors. The
// error is a *ParseError listing every error found, each as
// "file:line:col: what was expected".
func Parse(data []byte, filename string) (*Sheet, error) {
	s, _, probs := parse(data, filename)
	var errs []Problem
	for _, p := range probs {
		if p.Severity == SeverityError {
			errs = append(errs, p)
		}
	}
	if len(errs) > 0 {
		return nil, &ParseError{Problems: errs}
	}
	return s, nil
}

// Load reads and parses the sheet in the file at path.
func Load(path string) (*Sheet, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("load rule sheet: %w", err)
	}
	return Parse(data, path)
}

// Name is the sheet's name.
func (s *Sheet) Name() string { return s.name }

// Description is the sheet's optional description.
func (s *Sheet) Description() string { return s.description }

// MQL is the warm threshold in points: a lead with at least this many points
// is marketing-qualified.
func (s *Sheet) MQL() float64 { return s.warm }

// Hot is the hot threshold in points.
func (s *Sheet) Hot() float64 { return s.hot }

// RuleNames returns the names of the sheet's rules in sheet order.
func (s *Sheet) RuleNames() []string {
	names := make([]string, len(s.rules))
	for i := range s.rules {
		names[i] = s.rules[i].name
	}
	return names
}

// Source returns a copy of the YAML the sheet was parsed from.
func (s *Sheet) Source() []byte { return append([]byte(nil), s.source...) }

// MarshalText returns the sheet's YAML source, so a sheet embedded in a JSON
// document (a model bundle) is stored as the text a marketer wrote.
func (s *Sheet) MarshalText() ([]byte, error) { return s.Source(), nil }

// UnmarshalText parses a sheet written by MarshalText.
func (s *Sheet) UnmarshalText(b []byte) error {
	p, err := Parse(b, "sheet")
	if err != nil {
		return err
	}
	*s = *p
	return nil
}

// Severity says whether a Problem makes a sheet unusable (error) or only
// suspicious (warning).
type Severity string

// The severities of a Problem.
const (
	SeverityError   Severity = "error"
	SeverityWarning Severity = "warning"
)

// Problem is one finding about a sheet, at a 1-based line and column of its
// YAML source.
type Problem struct {
	File     string   `json:"file,omitempty"`
	Line     int      `json:"line"`
	Column   int      `json:"column"`
	Severity Severity `json:"severity"`
	Message  string   `json:"message"`
}

// String formats p as "file:line:col: severity: message".
func (p Problem) String() string {
	return fmt.Sprintf("%s:%d:%d: %s: %s", p.File, p.Line, p.Column, p.Severity, p.Message)
}

// ParseError is the error Parse and Load return for an invalid sheet.
type ParseError struct {
	Problems []Problem
}

// Error lists every problem as "file:line:col: message", one per line.
func (e *ParseError) Error() string {
	var b strings.Builder
	for i, p := range e.Problems {
		if i > 0 {
			b.WriteByte('\n')
		}
		fmt.Fprintf(&b, "%s:%d:%d: %s", p.File, p.Line, p.Column, p.Message)
	}
	return b.String()
}

// days converts a number of days to a Duration, saturating at the largest
// Duration.
func days(d float64) time.Duration {
	const maxDays = float64(1<<63-1) / float64(24*time.Hour)
	if d >= maxDays {
		return time.Duration(1<<63 - 1)
	}
	return time.Duration(d * float64(24*time.Hour))
}

// RuleInfo describes one rule of a sheet: its name, its group ("fit",
// "engagement" or "" for none) and whether it tests the lead's events
// (else a field).
type RuleInfo struct {
	Name  string
	Group string
	Event bool
}

// Rules describes the sheet's rules in sheet order.
func (s *Sheet) Rules() []RuleInfo {
	out := make([]RuleInfo, len(s.rules))
	for i := range s.rules {
		r := &s.rules[i]
		out[i] = RuleInfo{Name: r.name, Group: groupNames[r.group], Event: r.event != nil}
	}
	return out
}
