package rules

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"math"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/leadscore/leadscore/features"

	"gopkg.in/yaml.v3"

	"github.com/leadscore/leadscore/datasets"
)

// The keys a sheet, a rule, a group, a tier list and a field condition know.
var (
	sheetKeys     = []string{"name", "description", "tiers", "groups", "grades", "rules"}
	ruleKeys      = []string{"name", "description", "group", "when", "points", "per_event", "max_points", "disqualify"}
	groupKeys     = []string{"cap", "half_life_days"}
	fieldOpKeys   = []string{"equals", "in", "not_in", "gte", "lte", "between", "contains", "missing"}
	fieldCondKeys = append([]string{"field"}, fieldOpKeys...)
)

// ruleInfo keeps the YAML nodes of one rule that Lint points at.
type ruleInfo struct {
	node   *yaml.Node            // the rule's mapping
	name   *yaml.Node            // value of name
	field  *yaml.Node            // value of field, field rules only
	ops    map[string]*yaml.Node // operator key nodes of a field rule
	events []*yaml.Node          // the event type scalars
}

// parser collects the problems found while walking a sheet's YAML tree.
type parser struct {
	file  string
	probs []Problem
}

func (p *parser) add(line, col int, sev Severity, format string, args ...any) {
	if line < 1 {
		line = 1
	}
	if col < 1 {
		col = 1
	}
	p.probs = append(p.probs, Problem{File: p.file, Line: line, Column: col, Severity: sev, Message: fmt.Sprintf(format, args...)})
}

func (p *parser) errorf(n *yaml.Node, format string, args ...any) {
	p.add(n.Line, n.Column, SeverityError, format, args...)
}

func (p *parser) warnf(n *yaml.Node, format string, args ...any) {
	p.add(n.Line, n.Column, SeverityWarning, format, args...)
}

// yamlLine finds the line number in a yaml.v3 syntax error.
var yamlLine = regexp.MustCompile(`line (\d+)`)

// parse walks data into a Sheet. The sheet is only usable when no problem
// has severity error.
func parse(data []byte, file string) (*Sheet, []ruleInfo, []Problem) {
	p := &parser{file: file}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var doc yaml.Node
	err := dec.Decode(&doc)
	if err == nil {
		var next yaml.Node
		if dec.Decode(&next) == nil {
			p.add(next.Line, next.Column, SeverityError, "a sheet is one YAML document; remove the second document (after ---) or split it into its own file")
			return nil, nil, p.probs
		}
	}
	switch {
	case errors.Is(err, io.EOF) || (err == nil && len(doc.Content) == 0):
		p.add(1, 1, SeverityError, "empty sheet: expected a mapping with name, tiers and rules")
		return nil, nil, p.probs
	case err != nil:
		line := 1
		if m := yamlLine.FindStringSubmatch(err.Error()); m != nil {
			line, _ = strconv.Atoi(m[1])
		}
		msg := strings.TrimPrefix(err.Error(), "yaml: ")
		msg = strings.TrimPrefix(msg, fmt.Sprintf("line %d: ", line))
		p.add(line, 1, SeverityError, "invalid YAML: %s", msg)
		return nil, nil, p.probs
	}
	s := &Sheet{source: append([]byte(nil), data...)}
	infos := p.sheet(resolve(doc.Content[0]), s)
	return s, infos, p.probs
}

// resolve follows aliases to the node they name.
func resolve(n *yaml.Node) *yaml.Node {
	for n != nil && n.Kind == yaml.AliasNode {
		n = n.Alias
	}
	return n
}

// describe names what n holds, for "expected X, got Y" messages.
func describe(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	case yaml.ScalarNode:
		switch n.ShortTag() {
		case "!!null":
			return "nothing"
		case "!!str":
			return fmt.Sprintf("the text %q", n.Value)
		}
		return n.Value
	}
	return "an unsupported YAML node"
}

// keyVal is one entry of a mapping.
type keyVal struct {
	key, val *yaml.Node
}

// mapping returns the entries of mapping n, reporting a non-mapping,
// non-scalar keys and duplicate keys.
func (p *parser) mapping(n *yaml.Node, path, expect string) ([]keyVal, bool) {
	if n.Kind != yaml.MappingNode {
		p.errorf(n, "%s: expected %s, got %s", path, expect, describe(n))
		return nil, false
	}
	kvs := make([]keyVal, 0, len(n.Content)/2)
	seen := make(map[string]bool, len(n.Content)/2)
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := resolve(n.Content[i]), resolve(n.Content[i+1])
		if k.Kind != yaml.ScalarNode {
			p.errorf(k, "%s: expected a plain key, got %s", path, describe(k))
			continue
		}
		if seen[k.Value] {
			p.errorf(k, "%s: key %q appears twice; keep one", path, k.Value)
			continue
		}
		seen[k.Value] = true
		kvs = append(kvs, keyVal{k, v})
	}
	return kvs, true
}

// unknownKey reports key k, which is not one of known.
func (p *parser) unknownKey(k *yaml.Node, path string, known []string) {
	msg := fmt.Sprintf("%s: unknown key %q; expected one of %s", path, k.Value, strings.Join(known, ", "))
	if s := suggest(k.Value, known); s != "" {
		msg += fmt.Sprintf(" (did you mean %q?)", s)
	}
	p.errorf(k, "%s", msg)
}

// number reads a finite number.
func (p *parser) number(n *yaml.Node, path string) (float64, bool) {
	if n.Kind == yaml.ScalarNode {
		switch n.ShortTag() {
		case "!!int", "!!float":
			f, err := strconv.ParseFloat(n.Value, 64)
			if err != nil {
				i, ierr := strconv.ParseInt(n.Value, 0, 64)
				if ierr == nil {
					f, err = float64(i), nil
				}
			}
			if err == nil && !math.IsInf(f, 0) && !math.IsNaN(f) {
				return f, true
			}
		}
	}
	p.errorf(n, "%s: expected a number, got %s", path, describe(n))
	return 0, false
}

// positive reads a number above zero.
func (p *parser) positive(n *yaml.Node, path string) (float64, bool) {
	f, ok := p.number(n, path)
	if ok && f <= 0 {
		p.errorf(n, "%s: expected a number above 0, got %s", path, n.Value)
		return 0, false
	}
	return f, ok
}

// boolean reads true or false.
func (p *parser) boolean(n *yaml.Node, path string) (bool, bool) {
	if n.Kind == yaml.ScalarNode && n.ShortTag() == "!!bool" {
		if b, err := strconv.ParseBool(n.Value); err == nil {
			return b, true
		}
	}
	p.errorf(n, "%s: expected true or false, got %s", path, describe(n))
	return false, false
}

// text reads any non-null scalar as text.
func (p *parser) text(n *yaml.Node, path string) (string, bool) {
	if n.Kind == yaml.ScalarNode && n.ShortTag() != "!!null" && strings.TrimSpace(n.Value) != "" {
		return n.Value, true
	}
	p.errorf(n, "%s: expected a text, got %s", path, describe(n))
	return "", false
}

// scalars reads one value or a non-empty list of values.
func (p *parser) scalars(n *yaml.Node, path string) ([]*yaml.Node, bool) {
	switch n.Kind {
	case yaml.ScalarNode:
		if _, ok := p.text(n, path); ok {
			return []*yaml.Node{n}, true
		}
		return nil, false
	case yaml.SequenceNode:
		if len(n.Content) == 0 {
			p.errorf(n, "%s: expected a value or a list of values, got an empty list", path)
			return nil, false
		}
		out := make([]*yaml.Node, 0, len(n.Content))
		ok := true
		for i, c := range n.Content {
			c = resolve(c)
			if _, good := p.text(c, fmt.Sprintf("%s[%d]", path, i)); !good {
				ok = false
				continue
			}
			out = append(out, c)
		}
		return out, ok
	}
	p.errorf(n, "%s: expected a value or a list of values, got %s", path, describe(n))
	return nil, false
}

// sheet walks the top-level mapping into s.
func (p *parser) sheet(n *yaml.Node, s *Sheet) []ruleInfo {
	kvs, ok := p.mapping(n, "sheet", "a mapping with name, tiers and rules")
	if !ok {
		return nil
	}
	var nameN, tiersN, groupsN, gradesN, rulesN *yaml.Node
	for _, kv := range kvs {
		switch kv.key.Value {
		case "name":
			nameN = kv.val
		case "description":
			s.description, _ = p.text(kv.val, "description")
		case "tiers":
			tiersN = kv.val
		case "groups":
			groupsN = kv.val
		case "grades":
			gradesN = kv.val
		case "rules":
			rulesN = kv.val
		default:
			p.unknownKey(kv.key, "sheet", sheetKeys)
		}
	}
	if nameN == nil {
		p.errorf(n, "sheet: missing name; add name: <sheet name>")
	} else {
		s.name, _ = p.text(nameN, "name")
	}
	if tiersN == nil {
		p.errorf(n, "sheet: missing tiers; add tiers: {hot: 60, warm: 30}")
	} else {
		p.tiers(tiersN, s)
	}
	if groupsN != nil {
		p.groups(groupsN, s)
	}
	p.grades(gradesN, s)
	if rulesN == nil {
		p.errorf(n, "sheet: missing rules; add rules: with at least one rule")
		return nil
	}
	return p.rules(rulesN, s)
}

// tiers reads {hot: N, warm: N}.
func (p *parser) tiers(n *yaml.Node, s *Sheet) {
	kvs, ok := p.mapping(n, "tiers", "{hot: <points>, warm: <points>}")
	if !ok {
		return
	}
	var hotN, warmN *yaml.Node
	good := true
	for _, kv := range kvs {
		switch kv.key.Value {
		case "hot":
			hotN = kv.val
			s.hot, ok = p.number(kv.val, "tiers.hot")
		case "warm":
			warmN = kv.val
			s.warm, ok = p.number(kv.val, "tiers.warm")
		default:
			p.unknownKey(kv.key, "tiers", []string{"hot", "warm"})
			ok = false
		}
		good = good && ok
	}
	switch {
	case !good:
	case hotN == nil:
		p.errorf(n, "tiers: missing hot; add hot: <points>")
	case warmN == nil:
		p.errorf(n, "tiers: missing warm; add warm: <points> (the MQL threshold)")
	case s.hot <= s.warm:
		p.errorf(hotN, "tiers.hot: %v must be above tiers.warm (%v)", s.hot, s.warm)
	}
}

// groups reads {fit: {cap, half_life_days}, engagement: {...}}.
func (p *parser) groups(n *yaml.Node, s *Sheet) {
	kvs, ok := p.mapping(n, "groups", "a mapping of fit and engagement")
	if !ok {
		return
	}
	for _, kv := range kvs {
		g := groupByName(kv.key.Value)
		if g == groupNone {
			p.unknownKey(kv.key, "groups", []string{GroupFit, GroupEngagement})
			continue
		}
		path := "groups." + kv.key.Value
		gkvs, ok := p.mapping(kv.val, path, "{cap: <points>, half_life_days: <days>}")
		if !ok {
			continue
		}
		for _, e := range gkvs {
			switch e.key.Value {
			case "cap":
				s.groups[g].cap, _ = p.positive(e.val, path+".cap")
			case "half_life_days":
				s.groups[g].halfLife, _ = p.positive(e.val, path+".half_life_days")
			default:
				p.unknownKey(e.key, path, groupKeys)
			}
		}
	}
}

// groupByName returns the group called name, or groupNone.
func groupByName(name string) groupID {
	switch name {
	case GroupFit:
		return groupFit
	case GroupEngagement:
		return groupEngagement
	}
	return groupNone
}

// grades reads the optional grade bands; n may be nil. Bands default to
// fractions of the group caps (or of the hot threshold without a cap).
func (p *parser) grades(n *yaml.Node, s *Sheet) {
	fitRef, engRef := s.groups[groupFit].cap, s.groups[groupEngagement].cap
	if fitRef <= 0 {
		fitRef = s.hot
	}
	if engRef <= 0 {
		engRef = s.hot
	}
	s.grades.fit = [3]float64{0.75 * fitRef, 0.5 * fitRef, 0.25 * fitRef}
	s.grades.engagement = [2]float64{engRef * 2 / 3, engRef / 3}
	if n == nil {
		return
	}
	kvs, ok := p.mapping(n, "grades", "{fit: {A, B, C}, engagement: {\"1\", \"2\"}}")
	if !ok {
		return
	}
	for _, kv := range kvs {
		switch kv.key.Value {
		case GroupFit:
			p.bands(kv.val, "grades.fit", []string{"A", "B", "C"}, s.grades.fit[:])
		case GroupEngagement:
			p.bands(kv.val, "grades.engagement", []string{"1", "2"}, s.grades.engagement[:])
		default:
			p.unknownKey(kv.key, "grades", []string{GroupFit, GroupEngagement})
		}
	}
}

// bands reads the lower bounds of the named bands into out; every band is
// required and the bounds must fall strictly.
func (p *parser) bands(n *yaml.Node, path string, names []string, out []float64) {
	kvs, ok := p.mapping(n, path, "a mapping of "+strings.Join(names, ", ")+" to points")
	if !ok {
		return
	}
	got := make([]float64, len(names))
	nodes := make([]*yaml.Node, len(names))
	for _, kv := range kvs {
		i := -1
		for j, nm := range names {
			if strings.EqualFold(kv.key.Value, nm) {
				i = j
			}
		}
		if i < 0 {
			p.unknownKey(kv.key, path, names)
			continue
		}
		f, ok := p.number(kv.val, path+"."+names[i])
		if !ok {
			return
		}
		got[i], nodes[i] = f, kv.val
	}
	for i, nd := range nodes {
		if nd == nil {
			p.errorf(n, "%s: missing %s; give all of %s", path, names[i], strings.Join(names, ", "))
			return
		}
		if i > 0 && got[i] >= got[i-1] {
			p.errorf(nd, "%s.%s: %v must be below %s (%v)", path, names[i], got[i], names[i-1], got[i-1])
			return
		}
	}
	copy(out, got)
}

// rules reads the rule list and indexes the rules for Evaluate.
func (p *parser) rules(n *yaml.Node, s *Sheet) []ruleInfo {
	if n.Kind != yaml.SequenceNode {
		p.errorf(n, "rules: expected a list of rules, got %s", describe(n))
		return nil
	}
	if len(n.Content) == 0 {
		p.errorf(n, "rules: the list is empty; add at least one rule")
		return nil
	}
	infos := make([]ruleInfo, 0, len(n.Content))
	names := make(map[string]*yaml.Node, len(n.Content))
	s.byType = make(map[string][]int32)
	for i, c := range n.Content {
		c = resolve(c)
		r, info, ok := p.rule(c, fmt.Sprintf("rules[%d]", i), s)
		if !ok {
			continue
		}
		key := strings.ToLower(strings.TrimSpace(r.name))
		if prev, dup := names[key]; dup {
			p.errorf(info.name, "rules[%d]: name %q is already used by the rule at line %d; rule names must be unique", i, r.name, prev.Line)
		} else {
			names[key] = info.name
		}
		idx := int32(len(s.rules))
		s.rules = append(s.rules, r)
		infos = append(infos, info)
		if r.field != nil {
			s.fieldRules = append(s.fieldRules, idx)
			continue
		}
		s.eventRules = append(s.eventRules, idx)
		if len(r.event.types) == 0 {
			s.anyType = append(s.anyType, idx)
		}
		for _, t := range r.event.types {
			s.byType[t] = append(s.byType[t], idx)
		}
	}
	return infos
}

// rule reads one rule.
func (p *parser) rule(n *yaml.Node, path string, s *Sheet) (rule, ruleInfo, bool) {
	info := ruleInfo{node: n}
	var r rule
	kvs, ok := p.mapping(n, path, "a rule: {name, when, points}")
	if !ok {
		return r, info, false
	}
	var whenN, pointsN, maxN, perN, groupN *yaml.Node
	good := true
	for _, kv := range kvs {
		switch kv.key.Value {
		case "name":
			info.name = kv.val
		case "description":
			p.text(kv.val, path+".description")
		case "group":
			groupN = kv.val
		case "when":
			whenN = kv.val
		case "points":
			pointsN = kv.val
		case "per_event":
			perN = kv.val
			r.perEvent, ok = p.boolean(kv.val, path+".per_event")
		case "max_points":
			maxN = kv.val
			r.maxPoints, ok = p.positive(kv.val, path+".max_points")
		case "disqualify":
			r.disqualify, ok = p.boolean(kv.val, path+".disqualify")
		default:
			p.unknownKey(kv.key, path, ruleKeys)
			ok = false
		}
		good = good && ok
		ok = true
	}
	if info.name == nil {
		p.errorf(n, "%s: missing name; add name: <what the rule is about>", path)
		good = false
	} else if r.name, ok = p.text(info.name, path+".name"); !ok {
		good = false
	}
	label := path
	if r.name != "" {
		label = fmt.Sprintf("%s (%s)", path, r.name)
	}
	if groupN != nil {
		gname, ok := p.text(groupN, path+".group")
		switch {
		case !ok:
			good = false
		case groupByName(gname) == groupNone:
			p.errorf(groupN, "%s.group: unknown group %q; expected fit or engagement (or no group)", path, gname)
			good = false
		case r.disqualify:
			p.warnf(groupN, "%s: group is ignored on a disqualify rule", label)
		default:
			r.group = groupByName(gname)
		}
	}
	switch {
	case pointsN != nil:
		r.points, ok = p.number(pointsN, path+".points")
		good = good && ok
		if ok && r.disqualify {
			p.warnf(pointsN, "%s: points are ignored on a disqualify rule", label)
		} else if ok && r.points == 0 {
			p.warnf(pointsN, "%s: points: 0 never changes the score", label)
		}
	case !r.disqualify:
		p.errorf(n, "%s: missing points; add points: <number> (negative to subtract) or disqualify: true", label)
		good = false
	}
	if r.disqualify {
		r.points = 0
	}
	if maxN != nil && !r.perEvent {
		p.warnf(maxN, "%s: max_points has no effect without per_event: true", label)
	}
	if whenN == nil {
		p.errorf(n, "%s: missing when; add when: {field: ..., equals: ...} or when: {event: ...}", label)
		return r, info, false
	}
	if !p.when(whenN, path+".when", &r, &info) {
		return r, info, false
	}
	if r.field != nil && perN != nil && r.perEvent {
		p.warnf(perN, "%s: per_event has no effect on a field rule", label)
		r.perEvent = false
	}
	if r.event != nil {
		r.halfLife = s.groups[r.group].halfLife
	}
	return r, info, good
}

// when reads a rule's condition into r.field or r.event.
func (p *parser) when(n *yaml.Node, path string, r *rule, info *ruleInfo) bool {
	kvs, ok := p.mapping(n, path, "a condition: {field: <column>, equals: ...} or {event: <type>, ...}")
	if !ok {
		return false
	}
	if len(kvs) == 0 {
		p.errorf(n, "%s: empty condition; expected field: <column> with an operator, or event: <type>", path)
		return false
	}
	isField := false
	for _, kv := range kvs {
		if kv.key.Value == "field" {
			isField = true
		}
	}
	if isField {
		return p.fieldCond(n, kvs, path, r, info)
	}
	return p.eventCond(kvs, path, r, info)
}

// fieldCond reads a field condition.
func (p *parser) fieldCond(n *yaml.Node, kvs []keyVal, path string, r *rule, info *ruleInfo) bool {
	c := &fieldCond{missing: -1}
	info.ops = make(map[string]*yaml.Node)
	good := true
	var between, gteN, lteN *yaml.Node
	for _, kv := range kvs {
		k, v := kv.key.Value, kv.val
		kpath := path + "." + k
		ok := true
		switch k {
		case "field":
			info.field = v
			c.field, ok = p.text(v, kpath)
		case "equals":
			var t string
			if t, ok = p.text(v, kpath); ok {
				l := newLit(t)
				c.equals = &l
			}
		case "in", "not_in":
			var vs []*yaml.Node
			if vs, ok = p.scalars(v, kpath); ok {
				texts := make([]string, len(vs))
				for i, x := range vs {
					texts[i] = x.Value
				}
				if k == "in" {
					c.in = newLitSet(texts)
				} else {
					c.notIn = newLitSet(texts)
				}
			}
		case "gte":
			gteN = kv.key
			c.gte, ok = p.number(v, kpath)
			c.hasGte = ok
		case "lte":
			lteN = kv.key
			c.lte, ok = p.number(v, kpath)
			c.hasLte = ok
		case "between":
			between = kv.key
			if v.Kind != yaml.SequenceNode || len(v.Content) != 2 {
				p.errorf(v, "%s: expected [low, high], got %s", kpath, describe(v))
				ok = false
				break
			}
			lo, ok1 := p.number(resolve(v.Content[0]), kpath+"[0]")
			hi, ok2 := p.number(resolve(v.Content[1]), kpath+"[1]")
			if ok = ok1 && ok2; ok {
				if lo > hi {
					p.errorf(v, "%s: low %v is above high %v: the rule can never fire; write [%v, %v]", kpath, lo, hi, hi, lo)
					ok = false
				}
				c.gte, c.lte, c.hasGte, c.hasLte = lo, hi, true, true
			}
		case "contains":
			var t string
			if t, ok = p.text(v, kpath); ok {
				c.contains, c.hasContains = features.FoldText(strings.TrimSpace(t)), true
			}
		case "missing":
			var b bool
			if b, ok = p.boolean(v, kpath); ok {
				c.missing = 0
				if b {
					c.missing = 1
				}
			}
		case "event", "within_days", "min_count":
			p.errorf(kv.key, "%s: %s is an event condition and cannot be combined with field:; use two rules", path, k)
			ok = false
		default:
			p.unknownKey(kv.key, path, fieldCondKeys)
			ok = false
		}
		if k != "field" {
			info.ops[k] = kv.key
		}
		good = good && ok
	}
	if len(info.ops) == 0 {
		p.errorf(n, "%s: field %q has no condition; add one of %s", path, c.field, strings.Join(fieldOpKeys, ", "))
		return false
	}
	if between != nil && (gteN != nil || lteN != nil) {
		p.errorf(between, "%s: use either between or gte/lte, not both", path)
		good = false
	}
	if good {
		good = p.conflicts(n, path, c)
	}
	r.field = c
	return good
}

// conflicts reports operator combinations of c that can never hold.
func (p *parser) conflicts(n *yaml.Node, path string, c *fieldCond) bool {
	var why string
	switch {
	case c.missing == 1 && (c.equals != nil || c.in != nil || c.notIn != nil || c.hasGte || c.hasLte || c.hasContains):
		why = "missing: true cannot hold together with a condition on the value"
	case c.hasGte && c.hasLte && c.gte > c.lte:
		why = fmt.Sprintf("gte %v is above lte %v", c.gte, c.lte)
	case c.equals != nil && c.in != nil && !litIn(c.equals, c.in):
		why = fmt.Sprintf("equals %q is not in the in list", c.equals.s)
	case c.equals != nil && c.notIn != nil && litIn(c.equals, c.notIn):
		why = fmt.Sprintf("equals %q is also in the not_in list", c.equals.s)
	case c.in != nil && c.notIn != nil && allIn(c.in, c.notIn):
		why = "every value of in is also in not_in"
	case c.equals != nil && c.equals.isNum && ((c.hasGte && c.equals.num < c.gte) || (c.hasLte && c.equals.num > c.lte)):
		why = fmt.Sprintf("equals %v is outside the gte/lte range", c.equals.num)
	case c.equals != nil && c.hasContains && !strings.Contains(c.equals.s, c.contains):
		why = fmt.Sprintf("equals %q does not contain %q", c.equals.s, c.contains)
	default:
		return true
	}
	p.errorf(n, "%s: conflicting conditions: %s, so the rule can never fire", path, why)
	return false
}

// litIn reports whether l's text is in s.
func litIn(l *lit, s *litSet) bool {
	for _, x := range s.lits {
		if x.s == l.s || (x.isNum && l.isNum && x.num == l.num) {
			return true
		}
	}
	return false
}

// allIn reports whether every literal of a is in b.
func allIn(a, b *litSet) bool {
	for i := range a.lits {
		if !litIn(&a.lits[i], b) {
			return false
		}
	}
	return true
}

// eventCond reads an event condition: every key that is not event,
// within_days or min_count is an attribute filter.
func (p *parser) eventCond(kvs []keyVal, path string, r *rule, info *ruleInfo) bool {
	c := &eventCond{minCount: 1}
	good := true
	for _, kv := range kvs {
		k, v := kv.key.Value, kv.val
		kpath := path + "." + k
		ok := true
		switch k {
		case "event":
			var vs []*yaml.Node
			if vs, ok = p.scalars(v, kpath); ok {
				info.events = vs
				for _, x := range vs {
					t := features.FoldText(strings.TrimSpace(x.Value))
					if slices.Contains(c.types, t) {
						p.warnf(x, "%s: event type %q is listed twice", kpath, x.Value)
						continue
					}
					c.types = append(c.types, t)
				}
			}
		case "within_days":
			var d float64
			if d, ok = p.positive(v, kpath); ok {
				c.within = days(d)
			}
		case "min_count":
			var f float64
			if f, ok = p.positive(v, kpath); ok && (f != math.Trunc(f) || f > math.MaxInt32) {
				p.errorf(v, "%s: expected a whole number of events, got %s", kpath, v.Value)
				ok = false
			}
			c.minCount = int(f)
		case "equals", "in", "not_in", "gte", "lte", "between", "contains", "missing":
			p.errorf(kv.key, "%s: %s needs a field; add field: <column> (or drop %s to filter events)", path, k, k)
			ok = false
		default:
			if strings.TrimSpace(k) == "" {
				p.errorf(kv.key, "%s: empty attribute name", path)
				ok = false
				break
			}
			var vs []*yaml.Node
			if vs, ok = p.scalars(v, kpath); ok {
				f := attrFilter{key: k}
				for _, x := range vs {
					f.vals = append(f.vals, features.FoldText(strings.TrimSpace(x.Value)))
				}
				c.attrs = append(c.attrs, f)
			}
		}
		good = good && ok
	}
	r.event = c
	return good
}

// suggest returns the candidate closest to s when it is close enough to be a
// likely typo, else "" (datasets.Suggest).
func suggest(s string, candidates []string) string { return datasets.Suggest(s, candidates) }
