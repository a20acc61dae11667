package sqlgen

import (
	"fmt"
	"strings"

	"github.com/leadscore/leadscore/features"
)

// eventsStages adds the aggregates of every lead's events before its
// cutoff (agg), as features.Spec folds them: counts in windows, decayed
// counts, the age of the latest event, distinct active days, email classes
// and negative signals per event key, and the rule sheet's event rules.
//
// Nearly all of them are sums or minimums over the events of one key (a
// type, an attribute value, a page). Rather than test every event row
// against every key, some 240 conditional aggregates per event, the events
// are first grouped per lead, type and attributes (grp), with the few sums
// that depend on an event's age alone; the grouped rows, a few per key a
// lead has, are then pivoted into the feature columns (agg). Distinct
// active days need the events themselves and are counted apart (act).
func (c *compiler) eventsStages() error {
	d := c.d
	ts := d.Micros(d.Ident(c.cols.EventTimestamp))
	from := c.table(c.opt.Events) + " AS e"
	cut := ""
	if c.opt.AsOfColumn != "" {
		// Each lead has its own cutoff: join it in.
		from += " " + d.InnerJoin() + " (SELECT lead_id AS " + d.Ident(c.cols.EventLeadID) + ", cut_us FROM {{leads_in}}) AS lc USING (" + d.Ident(c.cols.EventLeadID) + ")"
		cut = "cut_us"
	} else {
		cut = d.Int(c.opt.AsOf.UnixMicro())
	}
	perEvent := []string{"(" + cut + " - " + ts + ") AS age_us", c.cleanText(d.Ident(c.cols.EventType)) + " AS typ"}
	keys := []string{"typ"}
	for i, a := range c.attrs {
		perEvent = append(perEvent, c.cleanText(d.Ident(a))+fmt.Sprintf(" AS a%d", i))
		keys = append(keys, fmt.Sprintf("a%d", i))
	}
	where := ts + " < " + cut

	// Per type and attributes: the email class, the negative signal (as
	// features/aggregate.go classifies them) and whether it is a page view.
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
	classes := []string{email + " AS em", signal + " AS sg", "CASE WHEN " + pv + " THEN 1 ELSE 0 END AS pv"}
	// The rule sheet compares types and attributes trimmed and folded
	// (features.FoldText): once per type and attributes here.
	if c.plan != nil && c.planHasEvents() {
		classes = append(classes, d.FoldTrim("typ")+" AS rtyp")
		for i := range c.attrs {
			if c.ruleAttr(i) {
				classes = append(classes, d.FoldTrim(fmt.Sprintf("a%d", i))+fmt.Sprintf(" AS ra%d", i))
			}
		}
	}

	if err := c.eventAggregates(); err != nil {
		return err
	}
	// The distinct days, counted back from the cutoff, of the events in
	// the active-days window.
	an := "age_us * 1000 - 1"
	activeIn := fmt.Sprintf("%s < %s", an, d.Int(c.activeDays*dayNanos))
	activeDay := d.IntDiv(an, d.Int(dayNanos))

	if !c.d.cte && c.opt.AsOfColumn == "" {
		// One GROUP BY straight over the events table, with the per-event
		// values as WITH aliases (ClickHouse): over a Distributed table
		// every shard aggregates its own events and the initiator merges
		// the partial aggregates.
		var cols []string
		for _, a := range c.eventAgg {
			cols = append(cols, a.flat()+" AS "+a.alias)
		}
		if c.activeDays > 0 {
			cols = append(cols, fmt.Sprintf("COUNT(DISTINCT CASE WHEN %s THEN %s END) AS active", activeIn, activeDay))
		}
		if len(cols) == 0 {
			cols = append(cols, "COUNT(*) AS n_events")
		}
		c.add("agg", fmt.Sprintf("WITH\n  %s\nSELECT\n  %s AS lead_id,\n  %s\nFROM %s\nWHERE %s\nGROUP BY lead_id",
			strings.Join(append(perEvent, classes...), ",\n  "), d.ToText(d.Ident(c.cols.EventLeadID)), strings.Join(cols, ",\n  "), from, where))
		return nil
	}

	// The events before the cutoff, one row each. The fence keeps the
	// engine from folding this subquery into the grouping above it, which
	// would evaluate the per-event expressions once per reference.
	ev := func(cols []string) string {
		return fmt.Sprintf("SELECT\n  %s AS lead_id,\n  %s\nFROM %s\nWHERE %s%s", d.ToText(d.Ident(c.cols.EventLeadID)), strings.Join(cols, ",\n  "), from, where, d.fence)
	}
	var hs, cols []string
	hIndex := map[string]string{}
	for _, a := range c.eventAgg {
		m := a.measure()
		h, ok := hIndex[m]
		if !ok {
			h = fmt.Sprintf("h%d", len(hs))
			hIndex[m] = h
			hs = append(hs, m+" AS "+h)
		}
		cols = append(cols, a.pivot(h)+" AS "+a.alias)
	}
	if len(hs) == 0 {
		hs = append(hs, "COUNT(*) AS h0")
		cols = append(cols, "SUM(h0) AS n_events")
	}
	c.add("grp", fmt.Sprintf("SELECT\n  lead_id,\n  %s,\n  %s,\n  %s\nFROM (\n%s\n) AS r\nGROUP BY lead_id, %s",
		strings.Join(keys, ", "), strings.Join(classes, ",\n  "), strings.Join(hs, ",\n  "), ev(perEvent), strings.Join(keys, ", ")))
	pivot := fmt.Sprintf("SELECT\n  lead_id,\n  %s\nFROM {{grp}} AS g\nGROUP BY lead_id", strings.Join(cols, ",\n  "))
	if c.activeDays == 0 {
		c.add("agg", pivot)
		return nil
	}
	c.add("act", fmt.Sprintf("SELECT\n  lead_id,\n  COUNT(DISTINCT %s) AS active\nFROM (\n%s\n) AS r\nWHERE %s\nGROUP BY lead_id", activeDay, ev(perEvent[:1]), activeIn))
	c.add("agg", fmt.Sprintf("SELECT *\nFROM (\n%s\n) AS p\n%s {{act}} AS t USING (lead_id)", pivot, d.leftJoin))
	return nil
}

// weight is an event's decay weight in the decayed counts,
// round(2^(-age/half-life) * 2^32), rounded half up as math.Round rounds
// these positive numbers; 0 without a half-life.
func (c *compiler) weight() string {
	d := c.d
	hl := c.spec.Config.HalfLifeDays * float64(dayNanos)
	if hl <= 0 {
		return "0"
	}
	return fmt.Sprintf("FLOOR(%s * %s + %s)", d.Pow(d.Float(2), "-"+d.ToDouble("age_us * 1000")+" / "+d.Float(hl)), d.Float(decayScale), d.Float(0.5))
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

// eventAgg is one aggregate of a lead's events: the sum of value, or the
// minimum age (value empty), over the events whose type and attributes
// pass cond and whose age (age_us) passes age; an empty condition passes
// every event.
type eventAgg struct {
	alias, cond, age, value string
}

// flat is the aggregate over the event rows themselves.
func (a eventAgg) flat() string {
	cond := a.cond
	if a.age != "" {
		cond = strings.TrimPrefix(cond+" AND "+a.age, " AND ")
	}
	return a.over(cond, a.value, "age_us")
}

// measure is the part of the aggregate that depends on the age, over the
// events of one lead, type and attributes (a grp row).
func (a eventAgg) measure() string {
	if a.age == "" && a.value == "1" {
		return "COUNT(*)"
	}
	return a.over(a.age, a.value, "age_us")
}

// pivot is the aggregate over a lead's grp rows, whose measure is h.
func (a eventAgg) pivot(h string) string {
	return a.over(a.cond, h, h)
}

// over is SUM(sum) or, for a minimum, MIN(min), over the rows passing cond.
func (a eventAgg) over(cond, sum, min string) string {
	if a.value == "" {
		if cond == "" {
			return "MIN(" + min + ")"
		}
		return "MIN(CASE WHEN " + cond + " THEN " + min + " END)"
	}
	if cond == "" {
		return "SUM(" + sum + ")"
	}
	return "SUM(CASE WHEN " + cond + " THEN " + sum + " ELSE 0 END)"
}

// addAgg adds aggregate a under key, once; its alias is then
// c.aggIndex[key].
func (c *compiler) addAgg(key string, a eventAgg) {
	if _, ok := c.aggIndex[key]; ok {
		return
	}
	a.alias = fmt.Sprintf("g%d", len(c.eventAgg))
	c.aggIndex[key] = a.alias
	c.eventAgg = append(c.eventAgg, a)
}

// eventAggregates lists the aggregates per lead the features and rules
// need (c.eventAgg), and the active-days window (c.activeDays, 0 when no
// feature counts active days).
func (c *compiler) eventAggregates() error {
	d := c.d
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
			c.activeDays = min(days, 512)
			c.aggIndex["active"] = "active"
			continue
		case originOpenRate, originClickRate:
			for k := 0; k < 3; k++ {
				c.addAgg(fmt.Sprintf("email%d", k), eventAgg{cond: fmt.Sprintf("em = %d", k), value: "1"})
			}
			continue
		case originSignal:
			c.addAgg(fmt.Sprintf("signal%d", f.Signal), eventAgg{cond: fmt.Sprintf("sg = %d", f.Signal), value: "1"})
			continue
		default:
			continue
		}
		k := "key:" + f.Key + ":" + f.Origin
		c.addAgg(k+":n", eventAgg{cond: cond, value: "1"})
		switch f.Agg {
		case "count":
			if c.hasWindow(f.Window) {
				c.addAgg(fmt.Sprintf("%s:w%d", k, f.Window), eventAgg{cond: cond, age: fmt.Sprintf("age_us <= %s", d.Int(int64(f.Window)*dayMicros)), value: "1"})
			}
		case "decayed":
			c.addAgg(k+":decay", eventAgg{cond: cond, value: c.weight()})
		case "days_since_last":
			c.addAgg(k+":last", eventAgg{cond: cond})
		default:
			return fmt.Errorf("feature %q: aggregate %q cannot be compiled to SQL by this version of leadscore", f.Name, f.Agg)
		}
	}
	if c.plan != nil {
		for i, r := range c.plan.Rules {
			if r.Event == nil {
				continue
			}
			cond, age := c.eventRuleCond(r.Event)
			c.addAgg(fmt.Sprintf("rule%d:n", i), eventAgg{cond: cond, age: age, value: "1"})
			if r.PerEvent {
				c.addAgg(fmt.Sprintf("rule%d:sum", i), eventAgg{cond: cond, age: age, value: d.Float(r.Points) + " * " + c.decay("age_us", r.HalfLifeDays)})
			} else {
				c.addAgg(fmt.Sprintf("rule%d:min", i), eventAgg{cond: cond, age: age})
			}
		}
	}
	return nil
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
