package dashboard

import (
	"encoding/json"
	"errors"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/leadscore/leadscore/datasets/store"
	"github.com/leadscore/leadscore/models"
	"github.com/leadscore/leadscore/serve"
)

// The pages of the lead store: the stored leads, latest arrived first,
// and one stored lead with its fields, events, score history and tier
// changes.

// storedShown is how many leads a page of the stored-leads list shows,
// and most scores and events a stored lead's page shows.
const (
	storedShown       = 100
	storedScoresShown = 500
	storedEventsShown = 200
)

// timeText formats a time for the pages, "–" when unknown.
func timeText(t time.Time) string {
	if t.IsZero() {
		return "–"
	}
	return t.UTC().Format("2006-01-02 15:04")
}

// storedListView is the stored-leads page.
type storedListView struct {
	Enabled bool
	Error   string
	Leads   []storedRow
	// Next is the cursor of the next (older) page, 0 on the last.
	Next int64
}

type storedRow struct {
	ID, Created           string
	HasScore              bool
	Score                 int
	Tier, Grade, ScoredAt string
}

// leadStore returns the server's lead store, nil when it keeps none (or
// one the pages cannot read).
func (d *dashboard) leadStore() *store.Store {
	st, _ := d.s.Store().(*store.Store)
	return st
}

func (d *dashboard) storedPage(c *gin.Context) {
	v := storedListView{}
	st := d.leadStore()
	if st == nil {
		d.render(c, http.StatusOK, "stored", "Stored leads", "stored", v)
		return
	}
	v.Enabled = true
	var before int64
	if q := c.Query("before"); q != "" {
		n, err := strconv.ParseInt(q, 10, 64)
		if err != nil || n < 1 {
			d.message(c, http.StatusBadRequest, "Bad page", "?before= takes the cursor of a page link, a positive whole number.")
			return
		}
		before = n
	}
	ls, err := st.Leads(c.Request.Context(), before, storedShown)
	if err != nil {
		d.log.Error("list stored leads", "request_id", serve.RequestID(c), "error", err)
		v.Error = "The stored leads cannot be listed; see the server log."
	}
	for _, l := range ls {
		r := storedRow{ID: l.ID, Created: timeText(l.Created)}
		if sc := l.Latest; sc != nil {
			r.HasScore, r.Score, r.Tier, r.Grade, r.ScoredAt = true, sc.Score, sc.Tier, sc.Grade, timeText(sc.AsOf)
		}
		v.Leads = append(v.Leads, r)
	}
	if len(ls) == storedShown {
		v.Next = ls[len(ls)-1].Seq
	}
	d.render(c, http.StatusOK, "stored", "Stored leads", "stored", v)
}

// storedLeadView is a stored lead's page.
type storedLeadView struct {
	ID, Created string
	Fields      []kv
	Events      []storedEvent
	MoreEvents  int
	Scores      []storedScore // newest first
	Changes     []tierChange  // oldest first
	Chart       *scoreChart
	Reasons     []models.Contribution
}

type storedEvent struct {
	Time, Type, Attrs string
}

type storedScore struct {
	AsOf, ScoredAt, Source, Model string
	Score                         int
	Probability                   string
	Tier, Grade, RulesTier        string
	RulesPoints                   string
}

// tierChange is a change of the model's tier between two logged scores
// (from "" for a lead's first score).
type tierChange struct {
	At, From, To string
	Score        int
}

// scoreChart is the score history as an inline SVG line: x the as-of
// time, y the 1-99 score.
type scoreChart struct {
	Width, Height, Pad float64
	Path               string
	Points             []chartPoint
	From, To           string
	WarmY, HotY        float64
}

type chartPoint struct {
	X, Y  float64
	Score int
	Label string
	Tier  string
}

func (d *dashboard) storedLeadPage(c *gin.Context) {
	st := d.leadStore()
	if st == nil {
		d.message(c, http.StatusNotFound, "No lead store", "This server keeps no lead store (started with --store none).")
		return
	}
	id := c.Param("id")
	ctx := c.Request.Context()
	// Its fields now and every event up to now.
	rec, err := st.Lead(ctx, id, d.s.Config().Now().Add(24*time.Hour), 0, nil)
	if errors.Is(err, store.ErrNotFound) {
		d.message(c, http.StatusNotFound, "No such lead", "The lead store holds no lead "+id+".")
		return
	}
	if err != nil {
		d.log.Error("read a stored lead", "request_id", serve.RequestID(c), "error", err)
		d.message(c, http.StatusInternalServerError, "Lead store unavailable", "The lead could not be read; see the server log.")
		return
	}
	scores, err := st.LeadScores(ctx, id, 0, storedScoresShown)
	if err != nil {
		d.log.Error("read a stored lead's scores", "request_id", serve.RequestID(c), "error", err)
		d.message(c, http.StatusInternalServerError, "Lead store unavailable", "The lead's scores could not be read; see the server log.")
		return
	}
	v := &storedLeadView{ID: id, Created: timeText(rec.Created)}
	var fields map[string]any
	if err := json.Unmarshal(rec.Fields, &fields); err == nil {
		for k, x := range fields {
			v.Fields = append(v.Fields, kv{k, fieldText(x)})
		}
		slices.SortFunc(v.Fields, func(a, b kv) int { return strings.Compare(a.Key, b.Key) })
	}
	evs := rec.Events
	if len(evs) > storedEventsShown {
		v.MoreEvents = len(evs) - storedEventsShown
		evs = evs[len(evs)-storedEventsShown:]
	}
	for i := len(evs) - 1; i >= 0; i-- {
		e := evs[i]
		keys := make([]string, 0, len(e.Attrs))
		for k := range e.Attrs {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		attrs := ""
		for _, k := range keys {
			if attrs != "" {
				attrs += ", "
			}
			attrs += k + "=" + e.Attrs[k]
		}
		v.Events = append(v.Events, storedEvent{Time: timeText(e.Time), Type: e.Type, Attrs: attrs})
	}
	for _, sc := range scores {
		s := storedScore{AsOf: timeText(sc.AsOf), ScoredAt: timeText(sc.ScoredAt), Source: sc.Source, Model: sc.ModelName + " " + sc.ModelVersion,
			Score: sc.Score, Probability: pctText(sc.Probability), Tier: sc.Tier, Grade: sc.Grade, RulesTier: sc.RulesTier, RulesPoints: num(sc.RulesPoints, 0)}
		v.Scores = append(v.Scores, s)
	}
	if len(scores) > 0 && len(scores[0].Reasons) > 0 {
		_ = json.Unmarshal(scores[0].Reasons, &v.Reasons)
	}
	// Oldest first for the changes and the chart.
	asc := slices.Clone(scores)
	slices.Reverse(asc)
	prev := ""
	for _, sc := range asc {
		if sc.Tier != prev {
			v.Changes = append(v.Changes, tierChange{At: timeText(sc.AsOf), From: prev, To: sc.Tier, Score: sc.Score})
		}
		prev = sc.Tier
	}
	v.Chart = newScoreChart(asc, d.s.Current())
	d.render(c, http.StatusOK, "stored-lead", "Stored lead "+id, "stored", v)
}

// newScoreChart draws the scores over their as-of times; nil without any.
func newScoreChart(asc []store.Score, m serve.Model) *scoreChart {
	if len(asc) == 0 {
		return nil
	}
	ch := &scoreChart{Width: 640, Height: 200, Pad: 30, From: timeText(asc[0].AsOf), To: timeText(asc[len(asc)-1].AsOf)}
	t0, t1 := asc[0].AsOf, asc[len(asc)-1].AsOf
	span := t1.Sub(t0).Seconds()
	y := func(score float64) float64 { return ch.Height - ch.Pad - score/100*(ch.Height-2*ch.Pad) }
	for i, sc := range asc {
		x := ch.Width / 2
		if span > 0 {
			x = ch.Pad + sc.AsOf.Sub(t0).Seconds()/span*(ch.Width-2*ch.Pad)
		}
		p := chartPoint{X: x, Y: y(float64(sc.Score)), Score: sc.Score, Label: timeText(sc.AsOf), Tier: sc.Tier}
		if i == 0 {
			ch.Path = "M"
		} else {
			ch.Path += " L"
		}
		ch.Path += num(p.X, 1) + " " + num(p.Y, 1)
		ch.Points = append(ch.Points, p)
	}
	// The served bundle's tier lines, as scores.
	if m != nil {
		if b := m.Bundle(); b != nil {
			ch.WarmY, ch.HotY = y(float64(models.ScoreOf(b.Scoring.WarmThreshold))), y(float64(models.ScoreOf(b.Scoring.HotThreshold)))
		}
	}
	return ch
}

// fieldText shows a stored field value.
func fieldText(x any) string {
	switch v := x.(type) {
	case nil:
		return "–"
	case string:
		return v
	case float64:
		return strconv.FormatFloat(v, 'f', -1, 64)
	case bool:
		return strconv.FormatBool(v)
	}
	b, _ := json.Marshal(x)
	return string(b)
}
