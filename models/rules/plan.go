package rules

import "time"

// Plan is a compiled sheet laid out as plain values, for code that
// translates the sheet into another language (models/sqlgen compiles it to
// SQL). It says exactly what Evaluate computes; it is a copy, so changing it
// changes nothing in the Sheet.
type Plan struct {
	// Hot and Warm are the tier thresholds in points.
	Hot, Warm float64
	// FitCap and EngagementCap clip the group totals to [-cap, cap] (0: no
	// cap).
	FitCap, EngagementCap float64
	// GradeFit are the lowest fit points of letters A, B and C;
	// GradeEngagement the lowest engagement points of digits 1 and 2.
	GradeFit        [3]float64
	GradeEngagement [2]float64
	// Rules in sheet order.
	Rules []RulePlan
}

// RulePlan is one rule of a Plan. Exactly one of Field and Event is set.
type RulePlan struct {
	Name string
	// Group is GroupFit, GroupEngagement or "" (ungrouped).
	Group      string
	Points     float64
	MaxPoints  float64 // 0: no limit; per-event rules only
	PerEvent   bool
	Disqualify bool
	// HalfLifeDays is the group's decay half-life (0: no decay).
	HalfLifeDays float64
	Field        *FieldPlan
	Event        *EventPlan
}

// Literal is a condition's literal compiled for every kind of value: Text
// is trimmed and case folded (features.FoldText; the sheet compares the
// trimmed, folded value with it); Num is set when IsNum, Bool when IsBool
// (yes/no/true/false/1/0).
type Literal struct {
	Text   string
	Num    float64
	IsNum  bool
	Bool   bool
	IsBool bool
}

// FieldPlan is a field condition: every set operator must hold, on a
// present value (see the package documentation for missing values).
type FieldPlan struct {
	Field        string
	Equals       *Literal
	In, NotIn    []Literal // nil when unset
	HasIn        bool
	HasNotIn     bool
	Gte, Lte     float64
	HasGte       bool
	HasLte       bool
	Contains     string // features.FoldText, trimmed
	HasContains  bool
	Missing      bool // missing: true
	MissingFalse bool // missing: false
	MissingIsSet bool
}

// EventPlan is an event condition.
type EventPlan struct {
	// Types are event types, trimmed and case folded (features.FoldText;
	// empty: any type).
	Types []string
	// Attrs are attribute filters: the trimmed attribute must equal one of
	// Values ignoring case.
	Attrs []AttrPlan
	// Within is the look-back window (0: none): an event counts when its
	// age (cutoff minus its time) is at most Within.
	Within   time.Duration
	MinCount int
}

// AttrPlan is one attribute filter of an EventPlan.
type AttrPlan struct {
	Key    string
	Values []string // trimmed, features.FoldText
}

func planLit(l lit) Literal {
	return Literal{Text: l.s, Num: l.num, IsNum: l.isNum, Bool: l.b, IsBool: l.isBool}
}

func planLits(s *litSet) []Literal {
	out := make([]Literal, len(s.lits))
	for i, l := range s.lits {
		out[i] = planLit(l)
	}
	return out
}

// Plan returns the sheet as plain values.
func (s *Sheet) Plan() Plan {
	p := Plan{
		Hot: s.hot, Warm: s.warm,
		FitCap: s.groups[groupFit].cap, EngagementCap: s.groups[groupEngagement].cap,
		GradeFit: s.grades.fit, GradeEngagement: s.grades.engagement,
	}
	for i := range s.rules {
		r := &s.rules[i]
		rp := RulePlan{Name: r.name, Group: groupNames[r.group], Points: r.points, MaxPoints: r.maxPoints,
			PerEvent: r.perEvent, Disqualify: r.disqualify, HalfLifeDays: r.halfLife}
		if c := r.field; c != nil {
			f := &FieldPlan{Field: c.field, Gte: c.gte, Lte: c.lte, HasGte: c.hasGte, HasLte: c.hasLte,
				Contains: c.contains, HasContains: c.hasContains,
				Missing: c.missing == 1, MissingFalse: c.missing == 0, MissingIsSet: c.missing >= 0}
			if c.equals != nil {
				l := planLit(*c.equals)
				f.Equals = &l
			}
			if c.in != nil {
				f.In, f.HasIn = planLits(c.in), true
			}
			if c.notIn != nil {
				f.NotIn, f.HasNotIn = planLits(c.notIn), true
			}
			rp.Field = f
		}
		if c := r.event; c != nil {
			e := &EventPlan{Types: append([]string(nil), c.types...), Within: c.within, MinCount: c.minCount}
			for _, a := range c.attrs {
				e.Attrs = append(e.Attrs, AttrPlan{Key: a.key, Values: append([]string(nil), a.vals...)})
			}
			rp.Event = e
		}
		p.Rules = append(p.Rules, rp)
	}
	return p
}
