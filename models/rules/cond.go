package rules

import (
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/leadscore/leadscore/datasets"
	"github.com/leadscore/leadscore/features"
)

// lit is one literal of a condition, compiled for every kind of value it may
// be compared with: as a trimmed case-folded string (features.FoldText), as a number when it reads
// as one and as a boolean when it is yes/no/true/false/1/0.
type lit struct {
	s      string
	num    float64
	isNum  bool
	b      bool
	isBool bool
}

// newLit compiles the literal text v.
func newLit(v string) lit {
	l := lit{s: features.FoldText(strings.TrimSpace(v))}
	if f, err := strconv.ParseFloat(l.s, 64); err == nil {
		l.num, l.isNum = f, true
	}
	l.b, l.isBool = boolWord(l.s)
	return l
}

// boolWord reads yes/no/true/false/1/0 in any case (features.FoldText).
func boolWord(s string) (val, ok bool) {
	switch {
	case foldEqual(s, "yes"), foldEqual(s, "true"), s == "1":
		return true, true
	case foldEqual(s, "no"), foldEqual(s, "false"), s == "0":
		return false, true
	}
	return false, false
}

// foldEqual reports whether features.FoldText(s) == folded, folded being
// a FoldText already: every text comparison of the sheet folds case this
// one way, which the SQL compiler reproduces. ASCII text is compared
// without allocating (strings.EqualFold gives the same answer there: no
// non-ASCII fold key is in the case orbit of an ASCII letter).
func foldEqual(s, folded string) bool {
	if isASCII(s) {
		return strings.EqualFold(s, folded)
	}
	return features.FoldText(s) == folded
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// litSet is the literal list of an in or not_in condition. Long lists also
// keep a map from lower-cased string to presence.
type litSet struct {
	lits    []lit
	m       map[string]struct{}
	hasBool bool // some literal is a yes/no word, which a string may match without being equal
}

// setMapMin is the list length from which a litSet keeps a map.
const setMapMin = 12

func newLitSet(vs []string) *litSet {
	s := &litSet{lits: make([]lit, len(vs))}
	for i, v := range vs {
		s.lits[i] = newLit(v)
		s.hasBool = s.hasBool || s.lits[i].isBool
	}
	if len(vs) >= setMapMin {
		s.m = make(map[string]struct{}, len(vs))
		for _, l := range s.lits {
			s.m[l.s] = struct{}{}
		}
	}
	return s
}

// view is a present field value prepared for comparison.
type view struct {
	kind   datasets.Kind
	str    string // trimmed; categories and text
	num    float64
	isNum  bool
	b      bool
	isBool bool
}

// makeView prepares v; ok is false when v counts as missing.
func makeView(v features.Value, present bool) (view, bool) {
	if !present || v.Missing {
		return view{}, false
	}
	w := view{kind: v.Kind}
	switch v.Kind {
	case datasets.KindNumber:
		w.num, w.isNum = v.Num, true
	case datasets.KindBool:
		w.num, w.isNum = v.Num, true
		w.b, w.isBool = v.Num != 0, true
	case datasets.KindCategory, datasets.KindText, datasets.KindUnknown:
		w.str = strings.TrimSpace(v.Str)
		if w.str == "" {
			return view{}, false
		}
	case datasets.KindTime:
		if v.Time.IsZero() {
			return view{}, false
		}
	}
	return w, true
}

// number returns the value as a number, parsing strings on demand.
func (w *view) number() (float64, bool) {
	if w.isNum {
		return w.num, true
	}
	if w.str != "" {
		if f, err := strconv.ParseFloat(w.str, 64); err == nil {
			return f, true
		}
	}
	return 0, false
}

// equal reports whether the value equals l.
func (w *view) equal(l *lit) bool {
	switch w.kind {
	case datasets.KindNumber:
		return l.isNum && w.num == l.num
	case datasets.KindBool:
		return l.isBool && w.b == l.b
	case datasets.KindCategory, datasets.KindText, datasets.KindUnknown:
		if foldEqual(w.str, l.s) {
			return true
		}
		if l.isBool {
			if b, ok := boolWord(w.str); ok {
				return b == l.b
			}
		}
		return false
	}
	return false
}

// in reports whether the value equals any literal of s.
func (w *view) in(s *litSet) bool {
	if s.m != nil && w.str != "" {
		if _, ok := s.m[features.FoldText(w.str)]; ok {
			return true
		}
		if !s.hasBool {
			return false
		}
	}
	for i := range s.lits {
		if w.equal(&s.lits[i]) {
			return true
		}
	}
	return false
}

// fieldCond is the compiled condition of a field rule. Every set operator
// must hold.
type fieldCond struct {
	field       string
	equals      *lit
	in          *litSet
	notIn       *litSet
	gte, lte    float64
	hasGte      bool
	hasLte      bool
	contains    string // features.FoldText, trimmed
	hasContains bool
	missing     int8 // -1 unset, 0 missing: false, 1 missing: true
}

// match tests the condition on value v; present says whether the field
// exists in the lead at all.
func (c *fieldCond) match(v features.Value, present bool) bool {
	w, ok := makeView(v, present)
	if !ok {
		return c.missing == 1
	}
	if c.missing == 1 {
		return false
	}
	if c.equals != nil && !w.equal(c.equals) {
		return false
	}
	if c.in != nil && !w.in(c.in) {
		return false
	}
	if c.notIn != nil && w.in(c.notIn) {
		return false
	}
	if c.hasGte || c.hasLte {
		f, ok := w.number()
		if !ok || (c.hasGte && !(f >= c.gte)) || (c.hasLte && !(f <= c.lte)) {
			return false
		}
	}
	if c.hasContains && (w.str == "" || !containsFold(w.str, c.contains)) {
		return false
	}
	return true
}

// containsFold reports whether sub (a features.FoldText) occurs in
// FoldText(s).
func containsFold(s, sub string) bool {
	if !isASCII(s) {
		return strings.Contains(features.FoldText(s), sub)
	}
	n := len(sub)
	for i := 0; i+n <= len(s); i++ {
		if strings.EqualFold(s[i:i+n], sub) {
			return true
		}
	}
	return false
}

// attrFilter is one attribute filter of an event rule: Attrs[key] must be one
// of vals (features.FoldText, trimmed).
type attrFilter struct {
	key  string
	vals []string
}

// eventCond is the compiled condition of an event rule.
type eventCond struct {
	types    []string // features.FoldText, trimmed; empty: any type
	attrs    []attrFilter
	within   time.Duration // 0: no window
	minCount int
}

// attrCache remembers the last attribute looked up on one event, so the
// several rules filtering on the same attribute (page: pricing, page:
// careers, ...) read the event's map once.
type attrCache struct {
	key string
	val string
	ok  bool
	set bool
}

// lookup returns ev.Attrs[key], trimmed.
func (a *attrCache) lookup(ev *features.Event, key string) (string, bool) {
	if !a.set || a.key != key {
		v, ok := ev.Attrs[key]
		a.key, a.val, a.ok, a.set = key, strings.TrimSpace(v), ok, true
	}
	return a.val, a.ok
}

// matchAttrs reports whether ev passes every attribute filter.
func (c *eventCond) matchAttrs(ev *features.Event, cache *attrCache) bool {
	for i := range c.attrs {
		f := &c.attrs[i]
		v, ok := cache.lookup(ev, f.key)
		if !ok {
			return false
		}
		hit := false
		for _, want := range f.vals {
			if foldEqual(v, want) {
				hit = true
				break
			}
		}
		if !hit {
			return false
		}
	}
	return true
}
