package rules

import (
	"math"
	"strings"
	"time"

	"github.com/leadscore/leadscore/features"
)

// Result is the score of one lead under a sheet.
type Result struct {
	// Points is FitPoints + EngagementPoints + the points of ungrouped rules.
	Points float64 `json:"points"`
	// FitPoints and EngagementPoints are the group totals after decay and
	// caps.
	FitPoints        float64 `json:"fit_points"`
	EngagementPoints float64 `json:"engagement_points"`
	// Tier is hot, warm, cold or disqualified.
	Tier string `json:"tier"`
	// Grade is "A1".."D3": the letter from the fit points, the digit from
	// the engagement points.
	Grade string `json:"grade"`
	// Fired lists the rules that fired, in sheet order.
	Fired []Fired `json:"fired"`
	// Disqualified is set when a disqualify rule fired.
	Disqualified bool `json:"disqualified"`
}

// Fired is one rule that fired for a lead.
type Fired struct {
	// Rule is the rule's name; Group its group, empty for none.
	Rule  string `json:"rule"`
	Group string `json:"group,omitempty"`
	// Points are the rule's points after decay and max_points, before the
	// group cap; 0 for a disqualify rule.
	Points float64 `json:"points"`
	// Count is the number of matching events of an event rule.
	Count int `json:"count,omitempty"`
}

// ruleState accumulates one rule while a lead is evaluated.
type ruleState struct {
	fired  bool
	seen   bool
	count  int
	sum    float64       // per_event: decayed points so far
	minAge time.Duration // otherwise: age of the most recent match
	points float64
}

// stackRules is the number of rules Evaluate tracks without allocating.
const stackRules = 64

// Evaluate scores l. It reads l and never modifies it; a nil l scores as a
// lead without fields or events. Only events strictly before l.Cutoff count.
// It allocates the Fired slice only (and a state buffer for sheets of more
// than 64 rules).
func (s *Sheet) Evaluate(l *features.Lead) Result {
	var res Result
	s.EvaluateInto(l, &res)
	return res
}

// EvaluateInto is Evaluate writing into res and reusing the capacity of
// res.Fired, so a caller that scores many leads allocates nothing.
func (s *Sheet) EvaluateInto(l *features.Lead, res *Result) {
	fired := res.Fired[:0]
	*res = Result{}
	var empty features.Lead
	if l == nil {
		l = &empty
	}
	var buf [stackRules]ruleState
	var st []ruleState
	if len(s.rules) <= stackRules {
		st = buf[:len(s.rules)]
	} else {
		st = make([]ruleState, len(s.rules))
	}

	for _, i := range s.fieldRules {
		r := &s.rules[i]
		v, ok := l.Fields[r.field.field]
		if r.field.match(v, ok) {
			st[i].fired = true
			st[i].points = r.points
		}
	}

	if len(s.eventRules) > 0 {
		cutSec, cutNsec := l.Cutoff.Unix(), l.Cutoff.Nanosecond()
		for ei := range l.Events {
			ev := &l.Events[ei]
			age, before := ageAt(cutSec, cutNsec, ev.Time)
			if !before {
				continue
			}
			idx, ok := s.byType[ev.Type]
			if !ok {
				if t := features.FoldText(strings.TrimSpace(ev.Type)); t != ev.Type {
					idx = s.byType[t]
				}
			}
			// Decay factors of this event's age, per group, computed on
			// first use (-1: not yet).
			fac := [numGroups]float64{-1, -1, -1}
			var attrs attrCache
			s.count(st, idx, ev, age, &fac, &attrs)
			s.count(st, s.anyType, ev, age, &fac, &attrs)
		}
		for _, i := range s.eventRules {
			r, rs := &s.rules[i], &st[i]
			if rs.count < r.event.minCount {
				continue
			}
			rs.fired = true
			if r.perEvent {
				rs.points = clipMax(rs.sum, r.maxPoints)
			} else {
				rs.points = r.points * decay(rs.minAge, r.halfLife)
			}
		}
	}

	var totals [numGroups]float64
	n := 0
	for i := range s.rules {
		if !st[i].fired {
			continue
		}
		n++
		if s.rules[i].disqualify {
			res.Disqualified = true
			continue
		}
		totals[s.rules[i].group] += st[i].points
	}
	for g := groupFit; g < numGroups; g++ {
		if c := s.groups[g].cap; c > 0 {
			totals[g] = math.Max(-c, math.Min(c, totals[g]))
		}
	}
	res.FitPoints = totals[groupFit]
	res.EngagementPoints = totals[groupEngagement]
	res.Points = totals[groupNone] + totals[groupFit] + totals[groupEngagement]
	switch {
	case res.Disqualified:
		res.Tier = TierDisqualified
	case res.Points >= s.hot:
		res.Tier = TierHot
	case res.Points >= s.warm:
		res.Tier = TierWarm
	default:
		res.Tier = TierCold
	}
	res.Grade = s.grade(res.FitPoints, res.EngagementPoints)

	if fired == nil || cap(fired) < n {
		fired = make([]Fired, 0, n)
	}
	res.Fired = fired
	for i := range s.rules {
		if !st[i].fired {
			continue
		}
		r := &s.rules[i]
		f := Fired{Rule: r.name, Group: groupNames[r.group], Points: st[i].points}
		if r.disqualify {
			f.Points = 0
		}
		if r.event != nil {
			f.Count = st[i].count
		}
		res.Fired = append(res.Fired, f)
	}
}

// count adds event ev, age before the cutoff, to the rules idx;
// fac caches the decay factor of age per group, attrs the last attribute
// read.
func (s *Sheet) count(st []ruleState, idx []int32, ev *features.Event, age time.Duration, fac *[numGroups]float64, attrs *attrCache) {
	for _, i := range idx {
		r := &s.rules[i]
		c := r.event
		if c.within > 0 && age > c.within {
			continue
		}
		if len(c.attrs) > 0 && !c.matchAttrs(ev, attrs) {
			continue
		}
		rs := &st[i]
		rs.count++
		if r.perEvent {
			if fac[r.group] < 0 {
				fac[r.group] = decay(age, r.halfLife)
			}
			rs.sum += r.points * fac[r.group]
		} else if !rs.seen || age < rs.minAge {
			rs.minAge = age
		}
		rs.seen = true
	}
}

// ageAt returns how long before the cutoff (cutSec, cutNsec as from
// time.Time.Unix and Nanosecond) t is, saturating at the largest Duration,
// and whether t is strictly before the cutoff. It is cutoff.Sub(t) without
// Sub's overflow checks, which dominate a tight loop.
func ageAt(cutSec int64, cutNsec int, t time.Time) (time.Duration, bool) {
	const maxSec = int64(math.MaxInt64/int64(time.Second)) - 1
	sec := cutSec - t.Unix()
	nsec := int64(cutNsec - t.Nanosecond())
	if sec < 0 || (sec == 0 && nsec <= 0) {
		return 0, false
	}
	if sec > maxSec {
		return math.MaxInt64, true
	}
	return time.Duration(sec*int64(time.Second) + nsec), true
}

// decay is 0.5^(age/halfLife) with age and halfLife in days; 1 when halfLife
// is 0. It is computed as e^(-ln2 * age/halfLife): math.Exp is assembly on
// common platforms, math.Exp2 is not.
func decay(age time.Duration, halfLife float64) float64 {
	if halfLife <= 0 {
		return 1
	}
	return math.Exp(-math.Ln2 * age.Hours() / 24 / halfLife)
}

// clipMax clips p to [-max, max]; max 0 means no limit.
func clipMax(p, max float64) float64 {
	if max <= 0 {
		return p
	}
	return math.Max(-max, math.Min(max, p))
}

// gradeTable holds the twelve grades, two bytes each, letter-major: grade
// (letter i, digit j) is gradeTable[2*(3*i+j):][:2].
const gradeTable = "A1A2A3B1B2B3C1C2C3D1D2D3"

// grade returns the grade of the given fit and engagement points.
func (s *Sheet) grade(fit, eng float64) string {
	li := 3
	for i, lo := range s.grades.fit {
		if fit >= lo {
			li = i
			break
		}
	}
	di := 2
	for i, lo := range s.grades.engagement {
		if eng >= lo {
			di = i
			break
		}
	}
	k := 2 * (3*li + di)
	return gradeTable[k : k+2]
}
