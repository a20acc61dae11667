package dashboard

import (
	"errors"
	"fmt"
	"math"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/leadscore/leadscore/datasets"
	"github.com/leadscore/leadscore/features"
	"github.com/leadscore/leadscore/models"
)

// formField is one input of the score form: a lead field the model reads,
// and the creation time.
type formField struct {
	ID       string
	Name     string
	Kind     string
	Values   []string
	Value    string
	Required bool
	kind     datasets.Kind
	feature  bool // a field of the Spec (else only the creation time)
}

// eventRow is one event input row of the score form.
type eventRow struct {
	Index   int
	Type    string
	DaysAgo string
	Attrs   string
}

// scoreView is the score page's data.
type scoreView struct {
	Version string
	Fields  []formField
	// EventTypes are the event types a lead may carry, empty when the
	// model reads no events (a model of a leads table alone).
	EventTypes []string
	Events     []eventRow
	LeadID     string
	AsOf       string
	Error      string
	Lead       *leadView
	// IDColumn and MaxLeads describe the upload: its lead id column and
	// most rows.
	IDColumn string
	MaxLeads int
}

// eventRows is how many events the form takes.
const eventRows = 5

// defaultLeadID names a lead scored from the form without an id.
const defaultLeadID = "dashboard-lead"

// newScoreView lays out the form of b: the creation time first when the
// Spec does not read it as a field, then the Spec's fields in feature
// order; events only when the Spec reads them.
func newScoreView(b *models.Bundle, maxLeads int) *scoreView {
	v := &scoreView{Version: b.Manifest.Version, LeadID: defaultLeadID, IDColumn: b.Spec.Config.WithDefaults().ID, MaxLeads: maxLeads}
	var fields []formField
	for _, f := range b.Spec.Fields() {
		fields = append(fields, formField{Name: f.Name, Kind: f.Kind.String(), Values: distinctChoices(f.Categories), Required: f.Required, kind: f.Kind, feature: true})
	}
	if created := b.Spec.Config.WithDefaults().Created; !slices.ContainsFunc(fields, func(f formField) bool { return f.Name == created }) {
		fields = append([]formField{{Name: created, Kind: datasets.KindTime.String(), kind: datasets.KindTime}}, fields...)
	}
	for i := range fields {
		fields[i].ID = "f" + strconv.Itoa(i)
	}
	v.Fields = fields
	if b.Spec.UsesEvents() {
		v.EventTypes = b.Spec.EventTypes()
		for i := range eventRows {
			v.Events = append(v.Events, eventRow{Index: i})
		}
	}
	return v
}

// read fills the view with the POSTed form's values.
func (v *scoreView) read(r *http.Request) {
	v.LeadID = strings.TrimSpace(r.PostFormValue("lead_id"))
	v.AsOf = strings.TrimSpace(r.PostFormValue("as_of"))
	for i := range v.Fields {
		v.Fields[i].Value = strings.TrimSpace(r.PostFormValue(v.Fields[i].ID))
	}
	for i := range v.Events {
		p := "e" + strconv.Itoa(i)
		v.Events[i].Type = r.PostFormValue(p + "type")
		v.Events[i].DaysAgo = strings.TrimSpace(r.PostFormValue(p + "days"))
		v.Events[i].Attrs = strings.TrimSpace(r.PostFormValue(p + "attrs"))
	}
}

func (d *dashboard) scoreForm(c *gin.Context) {
	_, b, ok := d.model(c)
	if !ok {
		return
	}
	d.render(c, http.StatusOK, "score", "Score a lead", "score", newScoreView(b, d.cfg.MaxBatchLeads))
}

// score scores the form's lead with the bundle's scorer.
func (d *dashboard) score(c *gin.Context) {
	_, b, ok := d.model(c)
	if !ok {
		return
	}
	v := newScoreView(b, d.cfg.MaxBatchLeads)
	v.read(c.Request)
	l, err := v.lead(b.Spec.Config.WithDefaults().Created, d.cfg.Now())
	if err == nil {
		var res *models.Result
		if res, err = b.NewScorer().Score(l, scoreOptions); err == nil {
			d.s.CountScores(res.Model.Version, []string{res.Tier})
			v.Lead = newLeadView(res)
		}
	}
	if mf := (*models.MissingFieldsError)(nil); errors.As(err, &mf) {
		err = fmt.Errorf("fill in the required fields %s: the model was trained with them and never saw them missing", strings.Join(mf.Fields, ", "))
	}
	status := http.StatusOK
	if err != nil {
		v.Error, status = err.Error(), http.StatusUnprocessableEntity
	}
	d.render(c, status, "score", "Score a lead", "score", v)
}

// lead builds the form's lead: its fields by their kinds, the creation time
// from the field created, and its events, each DaysAgo days and a second
// before the scoring time (as of, default now). Every value that cannot be
// read is reported at once.
func (v *scoreView) lead(created string, now time.Time) (*features.Lead, error) {
	var errs []string
	l := &features.Lead{ID: v.LeadID, Cutoff: now.UTC(), Fields: map[string]features.Value{}}
	if l.ID == "" {
		l.ID = defaultLeadID
	}
	if v.AsOf != "" {
		t, ok := parseTime(v.AsOf)
		if !ok {
			return nil, fmt.Errorf("as of: %q is not a time; use 2025-05-01T10:00", v.AsOf)
		}
		l.Cutoff = t
	}
	for _, f := range v.Fields {
		if f.Value == "" {
			continue // missing: imputed, or refused when required
		}
		val, err := fieldValue(f.kind, f.Value)
		if err != nil {
			errs = append(errs, f.Name+": "+err.Error())
			continue
		}
		if f.Name == created {
			if val.Time.After(l.Cutoff) {
				errs = append(errs, f.Name+": the lead was created after the scoring time (as of "+l.Cutoff.Format(time.RFC3339)+"); set as of later")
				continue
			}
			l.Created = val.Time
		}
		if f.feature {
			l.Fields[f.Name] = val
		}
	}
	for _, ev := range v.Events {
		if ev.Type == "" {
			continue
		}
		e, err := ev.event(v.EventTypes, l.Cutoff)
		if err != nil {
			errs = append(errs, "event "+strconv.Itoa(ev.Index+1)+": "+err.Error())
			continue
		}
		l.Events = append(l.Events, e)
	}
	if len(errs) > 0 {
		return nil, errors.New(strings.Join(errs, "; "))
	}
	slices.SortStableFunc(l.Events, func(a, b features.Event) int { return a.Time.Compare(b.Time) })
	return l, nil
}

// event builds the row's event: its type, DaysAgo days and a second before
// cutoff (so that "0 days" is before the cutoff), and its attributes
// written name=value.
func (ev eventRow) event(types []string, cutoff time.Time) (features.Event, error) {
	if !slices.Contains(types, ev.Type) {
		return features.Event{}, fmt.Errorf("type %q is not one the model knows", ev.Type)
	}
	days := 0.0
	if ev.DaysAgo != "" {
		var err error
		if days, err = strconv.ParseFloat(ev.DaysAgo, 64); err != nil || days < 0 || math.IsInf(days, 0) {
			return features.Event{}, fmt.Errorf("days before %q is not a number of days (0 or more)", ev.DaysAgo)
		}
	}
	e := features.Event{Type: ev.Type, Time: cutoff.Add(-time.Duration(days * float64(24*time.Hour))).Add(-time.Second)}
	for _, pair := range strings.FieldsFunc(ev.Attrs, func(r rune) bool { return r == ',' || r == ' ' || r == ';' }) {
		k, val, ok := strings.Cut(pair, "=")
		if !ok || k == "" || k == "type" || k == "timestamp" {
			return features.Event{}, fmt.Errorf("attribute %q: write name=value, e.g. page=pricing", pair)
		}
		if e.Attrs == nil {
			e.Attrs = map[string]string{}
		}
		e.Attrs[k] = val
	}
	return e, nil
}

// fieldValue reads one form value as a field of the given kind: numbers
// (finite), booleans (true/false, yes/no, 1/0), times (below), categories
// and text as typed.
func fieldValue(kind datasets.Kind, s string) (features.Value, error) {
	v := features.Value{Kind: kind}
	switch kind {
	case datasets.KindNumber:
		x, err := strconv.ParseFloat(s, 64)
		if err != nil || math.IsNaN(x) || math.IsInf(x, 0) {
			return v, fmt.Errorf("%q is not a number", s)
		}
		v.Num = x
	case datasets.KindBool:
		switch strings.ToLower(s) {
		case "true", "yes", "1":
			v.Num = 1
		case "false", "no", "0":
		default:
			return v, fmt.Errorf("%q is not true or false", s)
		}
	case datasets.KindTime:
		t, ok := parseTime(s)
		if !ok {
			return v, fmt.Errorf("%q is not a time; use 2025-05-01T10:00", s)
		}
		v.Time = t
	default:
		v.Str = s
	}
	return v, nil
}

// timeLayouts are the times the forms accept, read as UTC: a
// datetime-local input's (with or without seconds), RFC 3339 and a date.
var timeLayouts = []string{"2006-01-02T15:04", "2006-01-02T15:04:05", time.RFC3339Nano, time.DateOnly}

func parseTime(s string) (time.Time, bool) {
	for _, layout := range timeLayouts {
		if t, err := time.Parse(layout, s); err == nil {
			return t.UTC(), true
		}
	}
	return time.Time{}, false
}

// distinctChoices returns the category levels a drop-down offers: one per
// group of levels that differ only by Unicode case folding or whitespace
// ("VP Marketing", "vp  marketing"), the first of each group (levels come
// most frequent first). The model's levels themselves stay as they are.
func distinctChoices(levels []string) []string {
	out := make([]string, 0, len(levels))
	var keys []string
	for _, l := range levels {
		key := strings.Join(strings.Fields(l), " ")
		if slices.ContainsFunc(keys, func(k string) bool { return strings.EqualFold(k, key) }) {
			continue
		}
		keys = append(keys, key)
		out = append(out, l)
	}
	return out
}
