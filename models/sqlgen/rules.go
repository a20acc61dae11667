package sqlgen

import (
	"fmt"
	"strings"

	"github.com/leadscore/leadscore/datasets"
	"github.com/leadscore/leadscore/models/rules"
)

// eventRuleCond is the condition an event (a row of the ev stage) counts
// for an event rule: its type (trimmed, case folded as features.FoldText)
// among the rule's, every attribute filter matched the same way, and its
// age within the window.
func (c *compiler) eventRuleCond(e *rules.EventPlan) string {
	d := c.d
	var parts []string
	if len(e.Types) > 0 {
		parts = append(parts, "rtyp IN ("+c.strList(e.Types)+")")
	}
	for _, a := range e.Attrs {
		idx := -1
		for i, name := range c.attrs {
			if name == a.Key {
				idx = i
			}
		}
		if idx < 0 {
			// The events carry no such attribute: the rule never fires,
			// as in Go, where the event's attribute map lacks the key.
			parts = append(parts, "1 = 0")
			continue
		}
		parts = append(parts, fmt.Sprintf("ra%d IN (%s)", idx, c.strList(a.Values)))
	}
	if e.Within > 0 {
		// age <= within, both in nanoseconds.
		parts = append(parts, fmt.Sprintf("age_us * 1000 <= %s", d.Int(int64(e.Within))))
	}
	if len(parts) == 0 {
		return ""
	}
	return strings.Join(parts, " AND ")
}

// ruleAttr says whether an event rule filters on event attribute i.
func (c *compiler) ruleAttr(i int) bool {
	for _, r := range c.plan.Rules {
		if r.Event == nil {
			continue
		}
		for _, a := range r.Event.Attrs {
			if a.Key == c.attrs[i] {
				return true
			}
		}
	}
	return false
}

func isTextKind(k datasets.Kind) bool {
	return k != datasets.KindNumber && k != datasets.KindBool && k != datasets.KindTime
}

// ruleText says whether a field rule compares the field's text: the
// field is text and the rule tests equality, a list or a substring.
func (c *compiler) ruleText(f *rules.FieldPlan) bool {
	return !f.Missing && isTextKind(c.fieldKind[f.Field]) && (f.Equals != nil || f.HasIn || f.HasNotIn || f.HasContains)
}

func (c *compiler) strList(vs []string) string {
	out := make([]string, len(vs))
	for i, v := range vs {
		out[i] = c.d.Str(v)
	}
	return strings.Join(out, ", ")
}

// fieldRuleCond is a field rule's condition on a lead (a boolean SQL
// expression), as models/rules matches it: a missing value matches only
// missing: true; a present one must pass every operator.
func (c *compiler) fieldRuleCond(f *rules.FieldPlan) string {
	d := c.d
	col := c.fieldAlias[f.Field]
	kind := c.fieldKind[f.Field]
	if f.Missing {
		return col + " IS NULL"
	}
	var ops []string
	isText := isTextKind(kind)
	t := d.Trim(col)
	// The trimmed, folded text (features.FoldText), once per field in
	// leads_tx.
	lt := c.textCols["rule:"+f.Field]
	equal := func(l rules.Literal) string {
		switch kind {
		case datasets.KindNumber:
			if !l.IsNum {
				return "1 = 0"
			}
			return col + " = " + d.Float(l.Num)
		case datasets.KindBool:
			if !l.IsBool {
				return "1 = 0"
			}
			if l.Bool {
				return col + " <> 0"
			}
			return col + " = 0"
		case datasets.KindTime:
			return "1 = 0"
		}
		e := lt + " = " + d.Str(l.Text)
		if l.IsBool {
			words := "'yes', 'true', '1'"
			if !l.Bool {
				words = "'no', 'false', '0'"
			}
			e = "(" + e + " OR " + lt + " IN (" + words + "))"
		}
		return e
	}
	anyOf := func(ls []rules.Literal) string {
		if len(ls) == 0 {
			return "1 = 0"
		}
		var es []string
		for _, l := range ls {
			es = append(es, equal(l))
		}
		return "(" + strings.Join(es, " OR ") + ")"
	}
	if f.Equals != nil {
		ops = append(ops, equal(*f.Equals))
	}
	if f.HasIn {
		ops = append(ops, anyOf(f.In))
	}
	if f.HasNotIn {
		ops = append(ops, "NOT "+anyOf(f.NotIn))
	}
	if f.HasGte || f.HasLte {
		num := col
		switch {
		case kind == datasets.KindTime:
			num = "NULL"
		case isText:
			num = d.TryNum(t)
		}
		var cmp []string
		cmp = append(cmp, num+" IS NOT NULL")
		if f.HasGte {
			cmp = append(cmp, num+" >= "+d.Float(f.Gte))
		}
		if f.HasLte {
			cmp = append(cmp, num+" <= "+d.Float(f.Lte))
		}
		ops = append(ops, "("+strings.Join(cmp, " AND ")+")")
	}
	if f.HasContains {
		if isText {
			ops = append(ops, d.Contains(lt, d.Str(f.Contains)))
		} else {
			ops = append(ops, "1 = 0")
		}
	}
	if len(ops) == 0 {
		return col + " IS NOT NULL"
	}
	return "(" + col + " IS NOT NULL AND " + strings.Join(ops, " AND ") + ")"
}

// ruleColumns are the base stage's columns of rule i: rf<i> (1 when it
// fired) and rp<i> (its points when it fired, after decay and max_points).
func (c *compiler) ruleColumns() []string {
	d := c.d
	var out []string
	agg := func(key string) string { return "COALESCE(" + c.aggIndex[key] + ", 0)" }
	for i, r := range c.plan.Rules {
		var fired, pts string
		if r.Field != nil {
			fired = c.fieldRuleCond(r.Field)
			pts = d.Float(r.Points)
		} else {
			fired = fmt.Sprintf("%s >= %d", agg(fmt.Sprintf("rule%d:n", i)), r.Event.MinCount)
			if r.PerEvent {
				pts = d.ToDouble(agg(fmt.Sprintf("rule%d:sum", i)))
				if r.MaxPoints > 0 {
					pts = d.Greatest(d.Float(-r.MaxPoints), d.Least(d.Float(r.MaxPoints), pts))
				}
			} else {
				pts = d.Float(r.Points) + " * " + c.decay(c.aggIndex[fmt.Sprintf("rule%d:min", i)], r.HalfLifeDays)
			}
		}
		if r.Disqualify {
			pts = d.Float(0)
		}
		out = append(out, fmt.Sprintf("CASE WHEN %s THEN 1 ELSE 0 END AS rf%d", fired, i))
		out = append(out, fmt.Sprintf("CASE WHEN %s THEN %s ELSE %s END AS rp%d", fired, pts, d.Float(0), i))
	}
	return out
}

// ruleTotals are the sheet's fit and engagement totals and whether a
// disqualifying rule fired, as rules.Sheet.EvaluateInto adds them (rule
// order, group caps after the sums).
func (c *compiler) ruleTotals() (fit, eng, disq string) {
	d := c.d
	sum := func(group string) string {
		e := d.Float(0)
		for i, r := range c.plan.Rules {
			if r.Group == group && !r.Disqualify {
				e = fmt.Sprintf("%s + rp%d", e, i)
			}
		}
		return "(" + e + ")"
	}
	capped := func(e string, cp float64) string {
		if cp <= 0 {
			return e
		}
		return d.Greatest(d.Float(-cp), d.Least(d.Float(cp), e))
	}
	fit = capped(sum(rules.GroupFit), c.plan.FitCap)
	eng = capped(sum(rules.GroupEngagement), c.plan.EngagementCap)
	var dqs []string
	for i, r := range c.plan.Rules {
		if r.Disqualify {
			dqs = append(dqs, fmt.Sprintf("rf%d", i))
		}
	}
	disq = "0"
	if len(dqs) > 0 {
		disq = "CASE WHEN " + strings.Join(dqs, " + ") + " > 0 THEN 1 ELSE 0 END"
	}
	return fit, eng, disq
}

// ruleTier is the sheet's tier: disqualified, or hot, warm or cold by the
// total points.
func (c *compiler) ruleTier() string {
	d := c.d
	p := c.plan
	return fmt.Sprintf("CASE WHEN rules_disq = 1 THEN 'disqualified' WHEN rules_points >= %s THEN 'hot' WHEN rules_points >= %s THEN 'warm' ELSE 'cold' END",
		d.Float(p.Hot), d.Float(p.Warm))
}

// rulePointsExpr is the sheet's total: ungrouped points, then the fit
// and engagement totals.
func (c *compiler) rulePointsExpr(fit, eng string) string {
	none := c.d.Float(0)
	for i, r := range c.plan.Rules {
		if r.Group == "" && !r.Disqualify {
			none = fmt.Sprintf("%s + rp%d", none, i)
		}
	}
	return "((" + none + ") + " + fit + " + " + eng + ")"
}
