package sqlgen

import (
	"fmt"
	"strings"

	"github.com/leadscore/leadscore/features"
)

// eventsStages adds the events of every lead before its cutoff (ev) and
// their aggregates per lead (agg), as features.Spec folds them: counts in
// windows, decayed counts, the age of the latest event, distinct active
// days, email classes and negative signals per event key, and the rule
// sheet's event rules.
func (c *compiler) eventsStages() error {
	d := c.d
	ts := d.Micros(d.Ident(c.cols.EventTimestamp))
	var sel []string
	from := c.table(c.opt.Events) + " AS e"
	cut := ""
	if c.opt.AsOfColumn != "" {
		// Each lead has its own cutoff: join it in.
		from += " INNER JOIN (SELECT lead_id AS " + d.Ident(c.cols.EventLeadID) + ", cut_us FROM {{leads_in}}) AS lc USING (" + d.Ident(c.cols.EventLeadID) + ")"
		cut = "cut_us"
	} else {
		cut = d.Int(c.opt.AsOf.UnixMicro())
	}
	perEvent := []string{"(" + cut + " - " + ts + ") AS age_us", c.cleanText(d.Ident(c.cols.EventType)) + " AS typ"}
	for i, a := range c.attrs {
		perEvent = append(perEvent, c.cleanText(d.Ident(a))+fmt.Sprintf(" AS a%d", i))
	}
	sel = append(sel, d.ToText(d.Ident(c.cols.EventLeadID))+" AS lead_id")
	sel = append(sel, perEvent...)
	where := ts + " < " + cut

	// Per event: the decay weight, the email class and the negative
	// signal (as features/aggregate.go classifies them).
	lt := d.Lower("typ")
	pv := d.Lower("typ") + " = " + d.Str(strings.ToLower(c.spec.Config.WithDefaults().Events.PageViewType))
	page := "NULL"
	if c.pageAttr >= 0 {
		page = d.Lower(fmt.Sprintf("a%d", c.pageAttr))
	}
	has := func(x, sub string) string { return d.Contains(x, d.Str(sub)) }
	email := fmt.Sprintf("CASE WHEN typ IS NULL OR NOT %s OR %s OR %s THEN NULL WHEN %s THEN 2 WHEN %s THEN 1 WHEN %s OR %s OR %s THEN 0 END",
		has(lt, "mail"), has(lt, "unsub"), has(lt, "bounce"), has(lt, "click"), has(lt, "open"), has(lt, "sent"), has(lt, "send"), has(lt, "deliver"))
	signal := fmt.Sprintf("CASE WHEN typ IS NULL THEN NULL WHEN %s THEN 0 WHEN %s THEN 1 WHEN %s THEN 2 WHEN %s AND %s IS NOT NULL AND (%s OR %s) THEN 2 END",
		has(lt, "unsub"), has(lt, "bounce"), has(lt, "career"), pv, page, has(page, "career"), has(page, "jobs"))
	hl := c.spec.Config.HalfLifeDays * float64(dayNanos)
	weight := "0"
	if hl > 0 {
		// round(2^(-age/half-life) * 2^32), rounded half up as math.Round
		// rounds these positive numbers.
		weight = fmt.Sprintf("FLOOR(%s * %s + %s)", d.Pow(d.Float(2), "-"+d.ToDouble("age_us * 1000")+" / "+d.Float(hl)), d.Float(decayScale), d.Float(0.5))
	}
	pvFlag := "CASE WHEN " + pv + " THEN 1 ELSE 0 END"
	derived := []string{weight + " AS w", email + " AS em", signal + " AS sg", pvFlag + " AS pv"}
	// The rule sheet compares types and attributes trimmed and folded
	// (features.FoldText): once per event here.
	if c.plan != nil && c.planHasEvents() {
		derived = append(derived, d.FoldTrim("typ")+" AS rtyp")
		for i := range c.attrs {
			if c.ruleAttr(i) {
				derived = append(derived, d.FoldTrim(fmt.Sprintf("a%d", i))+fmt.Sprintf(" AS ra%d", i))
			}
		}
	}

	aggs, err := c.eventAggregates()
	if err != nil {
		return err
	}
	c.eventAgg = aggs
	var cols []string
	for _, a := range aggs {
		cols = append(cols, a.expr+" AS "+a.alias)
	}
	if len(cols) == 0 {
		cols = append(cols, "COUNT(*) AS n_events")
	}
	if !c.d.cte && c.opt.AsOfColumn == "" {
		// One GROUP BY straight over the events table, with the per-event
		// values as WITH aliases (ClickHouse): over a Distributed table
		// every shard aggregates its own events and the initiator merges
		// the partial aggregates.
		c.add("agg", fmt.Sprintf("WITH\n  %s\nSELECT\n  %s AS lead_id,\n  %s\nFROM %s\nWHERE %s\nGROUP BY lead_id",
			strings.Join(append(perEvent, derived...), ",\n  "), d.ToText(d.Ident(c.cols.EventLeadID)), strings.Join(cols, ",\n  "), from, where))
		return nil
	}
	c.add("ev_raw", fmt.Sprintf("SELECT\n  %s\nFROM %s\nWHERE %s", strings.Join(sel, ",\n  "), from, where))
	c.add("ev", fmt.Sprintf("SELECT *, %s FROM {{ev_raw}} AS r", strings.Join(derived, ", ")))
	c.add("agg", fmt.Sprintf("SELECT\n  lead_id,\n  %s\nFROM {{ev}}\nGROUP BY lead_id", strings.Join(cols, ",\n  ")))
	return nil
}

// keyCond is the condition an event counts for event key key, as
// features.Spec routes events to keys: a page of a page view, an
// attribute's value, or a type.
func (c *compiler) keyCond(key string) string {
	d := c.d
	cfg := c.spec.Config.WithDefaults()
	prefix := cfg.Events.PageViewType + ":"
	if c.pageAttr >= 0 && strings.HasPrefix(key, prefix) {
		return fmt.Sprintf("pv = 1 AND a%d = %s", c.pageAttr, d.Str(strings.TrimPrefix(key, prefix)))
	}
	for i, a := range c.attrs {
		if i != c.pageAttr && strings.HasPrefix(key, a+"=") {
			return fmt.Sprintf("a%d = %s", i, d.Str(strings.TrimPrefix(key, a+"=")))
		}
	}
	return "typ = " + d.Str(key)
}

// agg returns the alias of an aggregate, adding it when new.
func (c *compiler) aggAlias(out *[]aggCol, key, expr string) string {
	if a, ok := c.aggIndex[key]; ok {
		return a
	}
	a := fmt.Sprintf("g%d", len(*out))
	c.aggIndex[key] = a
	*out = append(*out, aggCol{alias: a, expr: expr})
	return a
}

// eventAggregates lists the aggregates per lead the features and rules
// need.
func (c *compiler) eventAggregates() ([]aggCol, error) {
	var out []aggCol
	d := c.d
	when := func(cond, then string) string {
		if cond == "" {
			return then
		}
		return "CASE WHEN " + cond + " THEN " + then + " END"
	}
	sumIf := func(cond, then string) string {
		if cond == "" {
			return "SUM(" + then + ")"
		}
		return "SUM(CASE WHEN " + cond + " THEN " + then + " ELSE 0 END)"
	}
	for _, f := range c.spec.Features {
		cond := ""
		switch f.Origin {
		case originEvent:
			cond = c.keyCond(f.Key)
		case originAll:
		case originActive:
			days := int64(0)
			for _, w := range c.spec.Config.WindowDays {
				days = max(days, int64(w))
			}
			days = min(days, 512)
			an := "age_us * 1000 - 1"
			c.aggAlias(&out, "active", fmt.Sprintf("COUNT(DISTINCT CASE WHEN %s < %s THEN %s END)", an, d.Int(days*dayNanos), d.IntDiv(an, d.Int(dayNanos))))
			continue
		case originOpenRate, originClickRate:
			for k := 0; k < 3; k++ {
				c.aggAlias(&out, fmt.Sprintf("email%d", k), sumIf(fmt.Sprintf("em = %d", k), "1"))
			}
			continue
		case originSignal:
			c.aggAlias(&out, fmt.Sprintf("signal%d", f.Signal), sumIf(fmt.Sprintf("sg = %d", f.Signal), "1"))
			continue
		default:
			continue
		}
		k := "key:" + f.Key + ":" + f.Origin
		c.aggAlias(&out, k+":n", sumIf(cond, "1"))
		switch f.Agg {
		case "count":
			if c.hasWindow(f.Window) {
				wc := fmt.Sprintf("age_us <= %s", d.Int(int64(f.Window)*dayMicros))
				if cond != "" {
					wc = cond + " AND " + wc
				}
				c.aggAlias(&out, fmt.Sprintf("%s:w%d", k, f.Window), sumIf(wc, "1"))
			}
		case "decayed":
			c.aggAlias(&out, k+":decay", sumIf(cond, "w"))
		case "days_since_last":
			c.aggAlias(&out, k+":last", "MIN("+when(cond, "age_us")+")")
		default:
			return nil, fmt.Errorf("feature %q: aggregate %q cannot be compiled to SQL by this version of leadscore", f.Name, f.Agg)
		}
	}
	if c.plan != nil {
		for i, r := range c.plan.Rules {
			if r.Event == nil {
				continue
			}
			cond := c.eventRuleCond(r.Event)
			c.aggAlias(&out, fmt.Sprintf("rule%d:n", i), sumIf(cond, "1"))
			if r.PerEvent {
				c.aggAlias(&out, fmt.Sprintf("rule%d:sum", i), sumIf(cond, d.Float(r.Points)+" * "+c.decay("age_us", r.HalfLifeDays)))
			} else {
				c.aggAlias(&out, fmt.Sprintf("rule%d:min", i), "MIN("+when(cond, "age_us")+")")
			}
		}
	}
	return out, nil
}

func (c *compiler) hasWindow(w int) bool {
	for _, x := range c.spec.Config.WindowDays {
		if x == w {
			return true
		}
	}
	return false
}

// decay is 0.5^(age/half-life) as models/rules computes it,
// e^(-ln2 * hours / 24 / half-life), with hours as time.Duration.Hours
// computes them; ageUs is an age in microseconds.
func (c *compiler) decay(ageUs string, halfLife float64) string {
	if halfLife <= 0 {
		return c.d.Float(1)
	}
	d := c.d
	ns := "(" + ageUs + " * 1000)"
	h := d.IntDiv(ns, d.Int(hourNanos))
	hours := fmt.Sprintf("(%s + %s / %s)", d.ToDouble(h), d.ToDouble(ns+" - "+h+" * "+d.Int(hourNanos)), d.Float(60*60*1e9))
	return d.Exp(fmt.Sprintf("%s * %s / %s / %s", d.Float(-0.6931471805599453), hours, d.Float(24), d.Float(halfLife)))
}

// rawFeature is the raw value of feature f in the base stage: a double
// (NULL when missing) for numbers, the level code (0..len(Levels)-1, len
// for other, NULL when missing) for categories. The lead's columns are
// l.<alias> and its event aggregates a.<alias>.
func (c *compiler) rawFeature(f *features.Feature) (string, error) {
	d := c.d
	days := func(ageUs string) string {
		return d.ToDouble(ageUs+" * 1000") + " / " + d.Float(float64(dayNanos))
	}
	agg := func(key string) string { return c.aggIndex[key] }
	zero := func(x string) string { return "COALESCE(" + x + ", 0)" }
	if f.Categorical {
		var val string
		switch f.Origin {
		case originField:
			if c.spec.FoldCategories {
				// As features.Spec levels a folded value: its FoldCategory
				// against the levels' (the last level of a key wins).
				key := map[string]int{}
				for i, l := range f.Levels {
					key[features.FoldCategory(l)] = i
				}
				return c.levelCaseFolded(c.textCols["cat:"+f.Field], f.Levels, key), nil
			}
			val = c.fieldAlias[f.Field]
			return c.levelCase(val, f.Levels), nil
		case originHour, originWeekday:
			// The hour (0-23) or weekday (0 Sunday) of creation, in UTC,
			// mapped to the level of its name.
			var n, dayOff int64 = 24, 0
			names := hourNames()
			unit := d.IntDiv("created_us", d.Int(3_600_000_000))
			if f.Origin == originWeekday {
				n, dayOff, names = 7, 4, weekdayNames
				unit = "(" + d.IntDiv("created_us", d.Int(dayMicros)) + " + " + d.Int(dayOff) + ")"
			}
			idx := "(" + unit + " - " + d.IntDiv(unit, d.Int(n)) + " * " + d.Int(n) + ")"
			var b strings.Builder
			fmt.Fprintf(&b, "CASE WHEN created_us IS NULL THEN NULL")
			for i := int64(0); i < n; i++ {
				fmt.Fprintf(&b, " WHEN %s = %d THEN %d", idx, i, levelOf(f.Levels, names[i]))
			}
			b.WriteString(" END")
			return b.String(), nil
		}
		return "", fmt.Errorf("feature %q: categorical kind %q cannot be compiled to SQL by this version of leadscore", f.Name, f.Origin)
	}
	switch f.Origin {
	case originField:
		return c.fieldAlias[f.Field], nil
	case originToken:
		// 1 when the field's words (features.TokenText) hold the word or
		// bigram, space-delimited; 0 otherwise, missing text included.
		t := c.textCols["tok:"+f.Field]
		return fmt.Sprintf("CASE WHEN %s IS NOT NULL AND %s THEN %s ELSE %s END", t,
			d.Contains("' ' || "+t+" || ' '", d.Str(" "+f.Key+" ")), d.Float(1), d.Float(0)), nil
	case originFieldTime:
		t := c.fieldAlias[f.Field]
		return fmt.Sprintf("CASE WHEN %s IS NULL OR %s > cut_us THEN NULL ELSE %s END", t, t, days("(cut_us - "+t+")")), nil
	case originAge:
		return fmt.Sprintf("CASE WHEN created_us IS NULL OR created_us > cut_us THEN NULL ELSE %s END", days("(cut_us - created_us)")), nil
	case originEvent, originAll:
		k := "key:" + f.Key + ":" + f.Origin
		switch f.Agg {
		case "count":
			if !c.hasWindow(f.Window) {
				return d.Float(0), nil // as features: a window the Spec does not aggregate counts nothing
			}
			return d.ToDouble(zero(agg(fmt.Sprintf("%s:w%d", k, f.Window)))), nil
		case "decayed":
			return d.ToDouble(zero(agg(k+":decay"))) + " / " + d.Float(decayScale), nil
		case "days_since_last":
			return fmt.Sprintf("CASE WHEN %s = 0 THEN NULL ELSE %s END", zero(agg(k+":n")), days(agg(k+":last"))), nil
		}
	case originActive:
		return d.ToDouble(zero(agg("active"))), nil
	case originOpenRate, originClickRate:
		num, den := agg("email1"), agg("email0")
		if f.Origin == originClickRate {
			num, den = agg("email2"), agg("email1")
		}
		return fmt.Sprintf("CASE WHEN %s = 0 THEN NULL ELSE %s / %s END", zero(den), d.ToDouble(zero(num)), d.ToDouble(zero(den))), nil
	case originSignal:
		return fmt.Sprintf("CASE WHEN %s > 0 THEN %s ELSE %s END", zero(agg(fmt.Sprintf("signal%d", f.Signal))), d.Float(1), d.Float(0)), nil
	}
	return "", fmt.Errorf("feature %q: kind %q cannot be compiled to SQL by this version of leadscore", f.Name, f.Origin)
}

// levelCase maps category text (NULL missing) to its level code.
func (c *compiler) levelCase(val string, levels []string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "CASE WHEN %s IS NULL THEN NULL", val)
	for i, l := range levels {
		fmt.Fprintf(&b, " WHEN %s = %s THEN %d", val, c.d.Str(l), i)
	}
	fmt.Fprintf(&b, " ELSE %d END", len(levels))
	return b.String()
}

// levelCaseFolded maps folded category text (NULL missing) to its level
// code: the level whose folded spelling it is (key), else other.
func (c *compiler) levelCaseFolded(val string, levels []string, key map[string]int) string {
	var b strings.Builder
	fmt.Fprintf(&b, "CASE WHEN %s IS NULL THEN NULL", val)
	for i, l := range levels {
		k := features.FoldCategory(l)
		if key[k] == i {
			fmt.Fprintf(&b, " WHEN %s = %s THEN %d", val, c.d.Str(k), i)
		}
	}
	fmt.Fprintf(&b, " ELSE %d END", len(levels))
	return b.String()
}

func levelOf(levels []string, v string) int {
	for i, l := range levels {
		if l == v {
			return i
		}
	}
	return len(levels)
}

func hourNames() []string {
	h := make([]string, 24)
	for i := range h {
		h[i] = fmt.Sprintf("%02d", i)
	}
	return h
}

var weekdayNames = []string{"Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"}
