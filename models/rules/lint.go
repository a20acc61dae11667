package rules

import (
	"fmt"
	"sort"
	"strings"

	"github.com/leadscore/leadscore/features"

	"github.com/leadscore/leadscore/datasets"
)

// Lint checks a sheet and returns every problem found, sorted by position:
// the errors Parse would report, the warnings it does not (points: 0,
// max_points without per_event, ...), and, when schema is not nil, checks of
// the rules against it: a field not in the schema (warning, with a "did you
// mean"), a numeric condition (gte, lte, between) on a field that is not a
// number, contains on a field that is not text, equals or in values that can
// never match a number or boolean field. When eventTypes is not nil an event
// type outside it is a warning. A sheet is usable when no problem has
// severity error.
func Lint(data []byte, filename string, schema []datasets.Field, eventTypes []string) []Problem {
	s, infos, probs := parse(data, filename)
	p := &parser{file: filename, probs: probs}
	if s != nil && schema != nil {
		lintFields(p, s, infos, schema)
	}
	if s != nil && eventTypes != nil {
		lintEvents(p, s, infos, eventTypes)
	}
	sort.SliceStable(p.probs, func(i, j int) bool {
		a, b := p.probs[i], p.probs[j]
		if a.Line != b.Line {
			return a.Line < b.Line
		}
		return a.Column < b.Column
	})
	return p.probs
}

// lintFields checks field rules against the schema.
func lintFields(p *parser, s *Sheet, infos []ruleInfo, schema []datasets.Field) {
	kinds := make(map[string]datasets.Kind, len(schema))
	names := make([]string, len(schema))
	for i, f := range schema {
		kinds[f.Name] = f.Kind
		names[i] = f.Name
	}
	for i := range s.rules {
		r, info := &s.rules[i], &infos[i]
		if r.field == nil || info.field == nil {
			continue
		}
		kind, ok := kinds[r.field.field]
		if !ok {
			msg := fmt.Sprintf("rule %q: field %q is not in the schema, so the rule sees it as missing", r.name, r.field.field)
			if sg := suggestField(r.field.field, names); sg != "" {
				msg += fmt.Sprintf("; did you mean %q?", sg)
			}
			p.warnf(info.field, "%s", msg)
			continue
		}
		lintKind(p, r, info, kind)
	}
}

// suggestField finds a schema field close to name: the same name in another
// case first, then the closest by edit distance.
func suggestField(name string, names []string) string {
	for _, n := range names {
		if strings.EqualFold(strings.TrimSpace(n), strings.TrimSpace(name)) {
			return n
		}
	}
	return suggest(name, names)
}

// lintKind reports operators of r that cannot work on a field of kind.
func lintKind(p *parser, r *rule, info *ruleInfo, kind datasets.Kind) {
	c := r.field
	bad := func(op, why string) {
		p.errorf(info.ops[op], "rule %q: %s on %s field %q %s", r.name, op, kind, c.field, why)
	}
	numeric := kind == datasets.KindNumber
	for _, op := range []string{"gte", "lte", "between"} {
		if info.ops[op] != nil && !numeric {
			bad(op, "is a numeric condition on a field that is not a number")
		}
	}
	if info.ops["contains"] != nil && kind != datasets.KindCategory && kind != datasets.KindText {
		bad("contains", "never fires: contains needs a category or text field")
	}
	check := func(op string, lits []lit) {
		for _, l := range lits {
			switch {
			case kind == datasets.KindNumber && !l.isNum:
				bad(op, fmt.Sprintf("never matches %q: it is not a number", l.s))
				return
			case kind == datasets.KindBool && !l.isBool:
				bad(op, fmt.Sprintf("never matches %q: use yes/no, true/false or 1/0", l.s))
				return
			case kind == datasets.KindTime:
				bad(op, "never fires: timestamps support missing only")
				return
			}
		}
	}
	if c.equals != nil {
		check("equals", []lit{*c.equals})
	}
	if c.in != nil {
		check("in", c.in.lits)
	}
	if c.notIn != nil {
		check("not_in", c.notIn.lits)
	}
}

// lintEvents warns about event types outside the known ones.
func lintEvents(p *parser, s *Sheet, infos []ruleInfo, eventTypes []string) {
	known := make(map[string]bool, len(eventTypes))
	for _, t := range eventTypes {
		known[features.FoldText(strings.TrimSpace(t))] = true
	}
	for i := range s.rules {
		for _, n := range infos[i].events {
			t := features.FoldText(strings.TrimSpace(n.Value))
			if known[t] {
				continue
			}
			msg := fmt.Sprintf("rule %q: event type %q does not occur in the data, so the rule never fires", s.rules[i].name, n.Value)
			if sg := suggest(n.Value, eventTypes); sg != "" {
				msg += fmt.Sprintf("; did you mean %q?", sg)
			}
			p.warnf(n, "%s", msg)
		}
	}
}
