// Package sqlgen compiles a model bundle's whole scoring path to one SQL
// query, so a data warehouse scores its own leads: point-in-time features
// from the raw leads and events tables, their encoding, the model (logistic
// regression, gradient-boosted trees or the rule sheet), calibration, the
// score, percentile, grade and tier, the rule sheet's points and tier and,
// for the logistic model and the rule sheet, the top contributions.
//
// The query computes what models.Scorer computes, with the same float64
// operations in the same order where the result depends on it, so a lead's
// probability in SQL equals `leadscore score` to within 1e-9 and its
// score, grade and tier are the same. What differs between engines (date
// arithmetic, JSON, quoting, literals, greatest/least, integer division)
// lives in one table, dialects; the generator is written once.
//
// A new feature kind is one more case in (*compiler).rawFeature (the raw
// value of a feature from a lead's columns and event aggregates) and, when it
// needs a new aggregate of events, in (*compiler).eventAggregates.
package sqlgen

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/leadscore/leadscore/datasets"
	"github.com/leadscore/leadscore/features"
	"github.com/leadscore/leadscore/models"
	"github.com/leadscore/leadscore/models/rules"
)

// Options say what to compile.
type Options struct {
	// Dialect is one of Dialects().
	Dialect string
	// Leads and Events are the tables (optionally schema-qualified with
	// dots). Events may be empty when the bundle reads no events.
	Leads, Events string
	// AsOf is the scoring moment of every lead; AsOfColumn instead names a
	// timestamp column of the leads table holding each lead's own.
	AsOf       time.Time
	AsOfColumn string
	// Model is the model to score with: "logistic", "gbm" or "rules";
	// empty means the bundle's champion.
	Model string
	// Explain is the number of top positive and of top negative
	// contributions to return in a reasons column (0: none).
	Explain int
	// Columns, when set, renames the bundle's input columns (id, created,
	// the events' lead id, timestamp and type) to the warehouse's.
	Columns *Columns
}

// Columns maps the bundle's input column names to the warehouse's.
type Columns struct {
	ID, Created                            string
	EventLeadID, EventTimestamp, EventType string
}

// Output columns, named as `leadscore score` names them.
var outputColumns = []string{"lead_id", "probability", "score", "percentile", "grade", "tier", "model"}

// compiler holds one compilation.
type compiler struct {
	d      *Dialect
	b      *models.Bundle
	spec   *features.Spec
	opt    Options
	model  string
	cols   Columns
	stages []stage
	// final is the query's last SELECT.
	final string

	// Lead columns read into the first stage: name -> alias, and their
	// kinds.
	fieldAlias map[string]string
	fieldKind  map[string]datasets.Kind
	fieldOrder []string
	missing    []string // missing-value markers, trimmed
	plan       *rules.Plan
	// attrs are the events' attribute columns (Spec.EventAttrs), pageAttr
	// the index of the page attribute among them or -1.
	attrs    []string
	pageAttr int
	// eventAgg are the aggregate columns of the events stage, in order.
	eventAgg []aggCol
	aggIndex map[string]string
	// usesEvents says the query reads the events table.
	usesEvents bool
	// encStage says the linear encoding is a stage of its own (z<i>).
	encStage bool
	// textCols are the columns of the leads_tx stage (normalised text),
	// by key: "cat:", "tok:" or "rule:" and the field name.
	textCols  map[string]string
	textOrder []aggCol
	// leads is the stage the base stage reads the leads from.
	leads string
}

// stage is one step of the query: a SELECT that may refer to earlier
// stages as {{name}}.
type stage struct {
	name, sql string
}

// aggCol is one aggregate of the events per lead.
type aggCol struct {
	alias, expr string
}

// Compile returns the query scoring every lead of opt.Leads with b.
func Compile(b *models.Bundle, opt Options) (string, error) {
	d, err := LookupDialect(opt.Dialect)
	if err != nil {
		return "", err
	}
	c := &compiler{d: d, b: b, spec: b.Spec, opt: opt, fieldAlias: map[string]string{}, fieldKind: map[string]datasets.Kind{}, aggIndex: map[string]string{}, pageAttr: -1, textCols: map[string]string{}}
	if err := c.check(); err != nil {
		return "", err
	}
	return c.compile()
}

func (c *compiler) check() error {
	opt := c.opt
	c.model = opt.Model
	if c.model == "" {
		c.model = c.b.Scoring.Champion
	}
	switch c.model {
	case models.Logistic, models.GBM, models.Rules:
	default:
		return fmt.Errorf("--model-name %q: expected logistic, gbm or rules", c.model)
	}
	if !c.b.Has(c.model) {
		return fmt.Errorf("--model-name %s: the bundle has no %s model (it has %s)", c.model, c.model, strings.Join(c.b.Models(), ", "))
	}
	if opt.Leads == "" {
		return errors.New("--leads: expected the leads table name")
	}
	if opt.AsOf.IsZero() == (opt.AsOfColumn == "") {
		return errors.New("--as-of or --as-of-column: expected exactly one of them (a time, or the leads column holding each lead's scoring time)")
	}
	if opt.Explain < 0 {
		return fmt.Errorf("--explain %d: expected a number >= 0", opt.Explain)
	}
	if opt.Explain > 0 {
		if c.model == models.GBM {
			return errors.New("--explain: not available for the gbm model in SQL: its contributions are TreeSHAP values, which depend on every path of every tree and cannot be written as one expression per lead; explain with the logistic model or the rule sheet, or use leadscore score --explain")
		}
		if c.d.reasons == "" && !c.d.reasonsArray {
			return fmt.Errorf("--explain: not available in dialect %s (it has no window functions to rank contributions)", c.d.Name)
		}
	}
	cfg := c.spec.Config.WithDefaults()
	c.cols = Columns{ID: cfg.ID, Created: cfg.Created, EventLeadID: cfg.Events.LeadID, EventTimestamp: cfg.Events.Timestamp, EventType: cfg.Events.Type}
	if m := opt.Columns; m != nil {
		for _, p := range []struct {
			dst *string
			v   string
		}{{&c.cols.ID, m.ID}, {&c.cols.Created, m.Created},
			{&c.cols.EventLeadID, m.EventLeadID}, {&c.cols.EventTimestamp, m.EventTimestamp}, {&c.cols.EventType, m.EventType}} {
			if p.v != "" {
				*p.dst = p.v
			}
		}
	}
	c.attrs = c.spec.EventAttrs
	for i, a := range c.attrs {
		if a == cfg.Events.PageAttr {
			c.pageAttr = i
		}
	}
	if n := c.b.RuleInputs.Len(); n > 0 && c.b.Rules == nil {
		return fmt.Errorf("the models read %d rule-sheet inputs, but the bundle has no rule sheet", n)
	}
	for _, f := range c.spec.Features {
		if !knownOrigin(f.Origin) {
			return fmt.Errorf("feature %q: kind %q cannot be compiled to SQL by this version of leadscore (a bundle from a newer leadscore?)", f.Name, f.Origin)
		}
		if f.Categorical {
			continue
		}
		for _, x := range []float64{f.Median, f.Mean, f.Std, f.Min, f.Max} {
			if math.IsNaN(x) || math.IsInf(x, 0) {
				return fmt.Errorf("feature %q: a statistic is not finite", f.Name)
			}
		}
	}
	if c.b.Rules != nil {
		p := c.b.Rules.Plan()
		c.plan = &p
	}
	c.usesEvents = c.spec.UsesEvents() || c.plan != nil && c.planHasEvents()
	if c.usesEvents && opt.Events == "" {
		return errors.New("--events: expected the events table: the bundle's features or rule sheet read events")
	}
	for _, x := range datasetsMissing(c.spec.Config.MissingValues) {
		if !slices.Contains(c.missing, x) {
			c.missing = append(c.missing, x)
		}
	}
	return nil
}

// datasetsMissing lists the missing-value markers readers apply, trimmed:
// datasets' defaults and the bundle's own.
func datasetsMissing(extra []string) []string {
	var out []string
	for _, s := range append([]string{"", "NA", "N/A", "null", "NULL", "nan", "NaN"}, extra...) {
		out = append(out, strings.TrimSpace(s))
	}
	return out
}

func (c *compiler) planHasEvents() bool {
	for _, r := range c.plan.Rules {
		if r.Event != nil {
			return true
		}
	}
	return false
}

// table quotes a possibly qualified table name.
func (c *compiler) table(name string) string {
	parts := strings.Split(name, ".")
	for i, p := range parts {
		parts[i] = c.d.Ident(p)
	}
	return strings.Join(parts, ".")
}

func (c *compiler) add(name, sql string) { c.stages = append(c.stages, stage{name, sql}) }

// render chains the stages: as WITH clauses, or nested as subqueries for
// engines without them.
func (c *compiler) render(final string) string {
	if c.d.cte {
		var b strings.Builder
		b.WriteString("WITH\n")
		for i, s := range c.stages {
			if i > 0 {
				b.WriteString(",\n")
			}
			fmt.Fprintf(&b, "%s AS %s(\n%s\n)", s.name, c.d.materialized, replaceRefs(s.sql, func(n string) string { return n }))
		}
		b.WriteString("\n")
		b.WriteString(replaceRefs(final, func(n string) string { return n }))
		b.WriteString("\n")
		return b.String()
	}
	bodies := map[string]string{}
	var expand func(sql string) string
	expand = func(sql string) string {
		return replaceRefs(sql, func(n string) string { return "(\n" + bodies[n] + "\n)" })
	}
	for _, s := range c.stages {
		bodies[s.name] = expand(s.sql)
	}
	return expand(final) + "\n"
}

// replaceRefs replaces every {{name}} in sql by f(name).
func replaceRefs(sql string, f func(string) string) string {
	var b strings.Builder
	for {
		i := strings.Index(sql, "{{")
		if i < 0 {
			b.WriteString(sql)
			return b.String()
		}
		j := strings.Index(sql[i:], "}}")
		b.WriteString(sql[:i])
		b.WriteString(f(sql[i+2 : i+j]))
		sql = sql[i+j+2:]
	}
}

func (c *compiler) compile() (string, error) {
	c.collectFields()
	c.leadsStage()
	c.textStage()
	if c.usesEvents {
		if err := c.eventsStages(); err != nil {
			return "", err
		}
	}
	if err := c.baseStage(); err != nil {
		return "", err
	}
	if err := c.modelStages(); err != nil {
		return "", err
	}
	return c.render(c.final), nil
}

func knownOrigin(o string) bool {
	switch o {
	case originField, originFieldTime, originAge, originHour, originWeekday, originEvent, originAll,
		originActive, originOpenRate, originClickRate, originSignal, originToken:
		return true
	}
	return false
}

// Feature origins as features.Feature.Origin spells them.
const (
	originField     = "field"
	originFieldTime = "field_time"
	originAge       = "lead_age"
	originHour      = "created_hour"
	originWeekday   = "created_weekday"
	originEvent     = "event"
	originAll       = "all_events"
	originActive    = "active_days"
	originOpenRate  = "email_open_rate"
	originClickRate = "email_click_rate"
	originSignal    = "signal"
	originToken     = "token"
)

// Time units in the query: timestamps are integer microseconds.
const (
	dayMicros  = int64(86_400_000_000)
	dayNanos   = int64(86_400_000_000_000)
	hourNanos  = int64(3_600_000_000_000)
	decayScale = 1 << 32
)

// collectFields lists the lead columns the query reads and their kinds: the
// Spec's fields with their training kinds, the rule sheet's fields (text
// unless the Spec knows them).
func (c *compiler) collectFields() {
	addField := func(name string, kind datasets.Kind) {
		if _, ok := c.fieldAlias[name]; ok {
			return
		}
		c.fieldAlias[name] = fmt.Sprintf("f%d", len(c.fieldOrder))
		c.fieldKind[name] = kind
		c.fieldOrder = append(c.fieldOrder, name)
	}
	for _, f := range c.spec.Features {
		switch f.Origin {
		case originField:
			k := f.Kind
			if f.Categorical {
				k = datasets.KindCategory
			} else if k != datasets.KindBool {
				k = datasets.KindNumber
			}
			addField(f.Field, k)
		case originFieldTime:
			addField(f.Field, datasets.KindTime)
		case originToken:
			addField(f.Field, datasets.KindText)
		}
	}
	if c.plan != nil {
		kinds := map[string]datasets.Kind{}
		for _, fi := range c.spec.Fields() {
			kinds[fi.Name] = fi.Kind
		}
		for _, r := range c.plan.Rules {
			if r.Field == nil {
				continue
			}
			k, ok := kinds[r.Field.Field]
			if !ok {
				k = datasets.KindText
			}
			addField(r.Field.Field, k)
		}
	}
}

// cleanText is a text column with the missing-value markers (and blank
// text) read as NULL, as the readers read them.
func (c *compiler) cleanText(col string) string {
	t := c.d.ToText(col)
	var ms []string
	for _, m := range c.missing {
		ms = append(ms, c.d.Str(m))
	}
	return fmt.Sprintf("CASE WHEN %s IS NULL OR %s IN (%s) THEN NULL ELSE %s END", col, c.d.Trim(t), strings.Join(ms, ", "), t)
}

// cutoff is the scoring moment in microseconds, in the leads stage.
func (c *compiler) cutoffExpr() string {
	if c.opt.AsOfColumn != "" {
		return c.d.Micros(c.d.Ident(c.opt.AsOfColumn))
	}
	return c.d.Int(c.opt.AsOf.UnixMicro())
}

func (c *compiler) leadsStage() {
	d := c.d
	var sel []string
	sel = append(sel, d.ToText(d.Ident(c.cols.ID))+" AS lead_id")
	created := d.Null(d.integer)
	if c.hasCreated() {
		created = d.Micros(d.Ident(c.cols.Created))
	}
	sel = append(sel, created+" AS created_us", c.cutoffExpr()+" AS cut_us")
	for _, name := range c.fieldOrder {
		col := d.Ident(name)
		var e string
		switch c.fieldKind[name] {
		case datasets.KindNumber, datasets.KindBool:
			e = d.ToDouble(col)
		case datasets.KindTime:
			e = d.Micros(col)
		default:
			e = c.cleanText(col)
		}
		sel = append(sel, e+" AS "+c.fieldAlias[name])
	}
	c.add("leads_in", fmt.Sprintf("SELECT\n  %s\nFROM %s\nWHERE %s IS NOT NULL", strings.Join(sel, ",\n  "), c.table(c.opt.Leads), d.Ident(c.cols.ID)))
	c.leads = "leads_in"
}

// textColumn returns the leads_tx column of a normalised text (key kind
// "cat", "tok" or "rule" of a field), adding it when new.
func (c *compiler) textColumn(kind, field string) string {
	k := kind + ":" + field
	if a, ok := c.textCols[k]; ok {
		return a
	}
	col := c.fieldAlias[field]
	var e string
	switch kind {
	case "cat": // features.FoldCategory
		e = c.d.Normalize(col, spaceRuns)
	case "tok": // features.TokenText
		e = c.d.Normalize(col, nonWordRuns)
	default: // the rule sheet's trimmed, folded text
		e = c.d.FoldTrim(col)
	}
	a := fmt.Sprintf("t%d", len(c.textOrder))
	c.textCols[k] = a
	c.textOrder = append(c.textOrder, aggCol{alias: a, expr: e})
	return a
}

// textStage adds leads_tx, the leads with their text normalised once per
// field as features and the rule sheet compare it: folded category
// values, the words of free text, the sheet's folded text.
func (c *compiler) textStage() {
	for _, f := range c.spec.Features {
		switch {
		case f.Origin == originField && f.Categorical && c.spec.FoldCategories:
			c.textColumn("cat", f.Field)
		case f.Origin == originToken:
			c.textColumn("tok", f.Field)
		}
	}
	if c.plan != nil {
		for _, r := range c.plan.Rules {
			if r.Field != nil && c.ruleText(r.Field) {
				c.textColumn("rule", r.Field.Field)
			}
		}
	}
	if len(c.textOrder) == 0 {
		return
	}
	var cols []string
	for _, t := range c.textOrder {
		cols = append(cols, t.expr+" AS "+t.alias)
	}
	c.add("leads_tx", fmt.Sprintf("SELECT\n  *,\n  %s\nFROM {{leads_in}} AS li", strings.Join(cols, ",\n  ")))
	c.leads = "leads_tx"
}

// hasCreated says whether the Spec reads the creation time.
func (c *compiler) hasCreated() bool {
	for _, f := range c.spec.Features {
		switch f.Origin {
		case originAge, originHour, originWeekday:
			return true
		}
	}
	return c.spec.Config.Created != "" && c.usesEvents
}
