package dashboard

import (
	"bytes"
	"html/template"
	"net/http"
	"net/url"
	"path/filepath"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/leadscore/leadscore/datasets"
	"github.com/leadscore/leadscore/features"
	"github.com/leadscore/leadscore/models"
)

// formEvent is an event entered on the form: days before as of, and
// its attributes.
type formEvent struct {
	typ   string
	days  float64
	attrs map[string]string
}

// expectedLead is the lead the form must build from a leads table row and
// the events it was given, built the batch way: the rows read by datasets
// (events written at the times the form gives them) and turned into a
// lead by features.ScoringDataset.
func expectedLead(t *testing.T, b *models.Bundle, header []string, rows [][]string, events []formEvent, asOf time.Time) *features.Lead {
	t.Helper()
	dir := t.TempDir()
	leads := filepath.Join(dir, "leads.csv")
	writeCSV(t, leads, ',', header, rows)
	read := datasets.ReadOptions{MissingValues: b.Spec.Config.MissingValues}
	var in features.Inputs
	var err error
	in.Leads, _, err = datasets.ReadFile(leads, read)
	require.NoError(t, err)
	if len(events) > 0 {
		var ev [][]string
		for _, e := range events {
			ts := asOf.Add(-time.Duration(e.days * float64(24*time.Hour))).Add(-time.Second)
			ev = append(ev, []string{rows[0][0], ts.Format(time.RFC3339), e.typ, e.attrs["page"], e.attrs["channel"]})
		}
		path := filepath.Join(dir, "events.csv")
		writeCSV(t, path, ',', []string{"lead_id", "timestamp", "type", "page", "channel"}, ev)
		in.Events, _, err = datasets.ReadFile(path, read)
		require.NoError(t, err)
	}
	ds, err := features.ScoringDataset(b.Spec.Config, in, asOf)
	require.NoError(t, err)
	for i, id := range ds.LeadIDs {
		if id == rows[0][0] {
			return ds.Lead(i)
		}
	}
	t.Fatalf("lead %s not in the scoring dataset", rows[0][0])
	return nil
}

// TestScoreFormScoresLikeScorer: the form's lead scores exactly as
// Scorer.Score scores the same lead read from a file, bit for bit; missing
// required fields (blank or a missing-value marker) come back in one
// message, and values that cannot be read are named.
func TestScoreFormScoresLikeScorer(t *testing.T) {
	f := realFixture(t)
	e := newEnv(t, f, envOptions{markers: []string{"Select"}})
	c := client(t)
	csrf := session(t, c, e)
	header, rows := leadRows(t, f, 40)
	view := newScoreView(e.b, 0)
	ids := map[string]string{}
	for _, fld := range view.Fields {
		ids[fld.Name] = fld.ID
	}
	tests := []struct {
		name    string
		set     map[string]string // fields changed from the generated lead
		events  []formEvent
		code    int
		wantErr string
	}{
		{name: "fields and events", code: http.StatusOK, events: []formEvent{
			{typ: "page_view", days: 2, attrs: map[string]string{"page": "pricing"}},
			{typ: "email_open", days: 0.5},
			{typ: "demo_request", days: 0},
		}},
		{name: "an optional field missing", set: map[string]string{"annual_revenue": "", "created_at": ""}, code: http.StatusOK},
		{name: "required fields blank or a marker", set: map[string]string{"industry": "", "job_title": "Select"}, code: http.StatusUnprocessableEntity,
			wantErr: "fill in the required fields industry, job_title: the model was trained with them and never saw them missing"},
		{name: "values that cannot be read", set: map[string]string{"employees": "lots", "created_at": "yesterday"}, code: http.StatusUnprocessableEntity,
			wantErr: `employees: "lots" is not a number; created_at: "yesterday" is not a time; use 2025-05-01T10:00`},
		{name: "an event type the model does not know", events: []formEvent{{typ: "fax"}}, code: http.StatusUnprocessableEntity,
			wantErr: `event 1: type "fax" is not one the model knows`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			lead := slices.Clone(rows[0])
			for k, v := range tt.set {
				lead[col(t, header, k)] = v
			}
			form := url.Values{"csrf": {csrf}, "lead_id": {lead[0]}, "as_of": {realAsOf.Format("2006-01-02T15:04:05")}}
			for i, name := range header {
				if id, ok := ids[name]; ok {
					form.Set(id, lead[i])
				}
			}
			for i, ev := range tt.events {
				p := "e" + strconv.Itoa(i)
				form.Set(p+"type", ev.typ)
				form.Set(p+"days", strconv.FormatFloat(ev.days, 'g', -1, 64))
				attrs := ""
				for k, v := range ev.attrs {
					attrs += k + "=" + v + " "
				}
				form.Set(p+"attrs", attrs)
			}
			code, page := post(t, c, e.srv.URL+"/ui/score", form)
			require.Equal(t, tt.code, code, page)
			if tt.wantErr != "" {
				assert.Equal(t, template.HTMLEscapeString(tt.wantErr), textOf(t, page, "score-error"))
				assert.NotContains(t, page, `id="result"`)
				return
			}
			all := append([][]string{lead}, rows[1:]...)
			want, err := e.b.NewScorer().Score(expectedLead(t, e.b, header, all, tt.events, realAsOf), scoreOptions)
			require.NoError(t, err)
			got, err := strconv.ParseFloat(valueOf(t, page, "probability"), 64)
			require.NoError(t, err)
			assert.Equal(t, want.Probability, got, "the probability, bit for bit")
			assert.Equal(t, strconv.Itoa(want.Score), textOf(t, page, "score"))
			assert.Equal(t, want.Tier, textOf(t, page, "tier"))
			assert.Equal(t, lead[0], textOf(t, page, "lead-id"))
			require.NotNil(t, want.Rules)
			assert.Equal(t, strconv.FormatFloat(want.Rules.Points, 'g', -1, 64), valueOf(t, page, "rule-points"))
			assert.Equal(t, want.Rules.Tier, textOf(t, page, "rule-tier"))
			require.NotNil(t, want.Explanation)
			assert.Equal(t, strconv.FormatFloat(want.Explanation.Raw, 'g', -1, 64), valueOf(t, page, "raw"))
			assert.Equal(t, strconv.FormatFloat(want.Explanation.BaseValue, 'g', -1, 64), valueOf(t, page, "base-value"))
			assert.Contains(t, page, `id="waterfall"`)
			for _, w := range want.Warnings {
				assert.Contains(t, page, "<li>"+template.HTMLEscapeString(w.Field+": "+w.Message)+"</li>", "warnings read field: message")
			}
			if tt.name == "an optional field missing" {
				assert.Contains(t, page, "annual_revenue: ", "the imputed field is shown")
			}
		})
	}
}

// TestFormShowsEventsOnlyToModelsThatReadThem: a model fitted on a leads
// table alone gets no event inputs (nor an events upload); the fixture,
// fitted with events, gets them.
func TestFormShowsEventsOnlyToModelsThatReadThem(t *testing.T) {
	f := realFixture(t)
	e := newEnv(t, f, envOptions{})
	header, rows := leadRows(t, f, 60)
	header = append(header, "converted")
	for i := range rows {
		rows[i] = append(rows[i], strconv.Itoa(i%3%2))
	}
	path := filepath.Join(t.TempDir(), "flat.csv")
	writeCSV(t, path, ',', header, rows)
	table, _, err := datasets.ReadFile(path, datasets.ReadOptions{})
	require.NoError(t, err)
	cfg := features.Config{ID: "lead_id", Target: "converted"}
	ds, err := features.Build(cfg, features.Inputs{Leads: table})
	require.NoError(t, err)
	all := make([]int, ds.Rows)
	for i := range all {
		all[i] = i
	}
	flat, err := features.Fit(cfg, ds, all)
	require.NoError(t, err)
	require.NotEmpty(t, flat.EventTypes(), "a flat Spec still names the page-view type")

	d, err := newDashboard(e.s, Options{})
	require.NoError(t, err)
	tests := []struct {
		name   string
		b      *models.Bundle
		events bool
	}{
		{"leads, events and outcomes", e.b, true},
		{"a leads table alone", &models.Bundle{Spec: flat}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v := newScoreView(tt.b, 10)
			assert.Equal(t, tt.events, len(v.EventTypes) > 0)
			assert.Equal(t, tt.events, len(v.Events) > 0)
			var out bytes.Buffer
			require.NoError(t, d.pages["score"].ExecuteTemplate(&out, "layout", page{Nav: "score", Data: v}))
			for _, input := range []string{`name="e0type"`, `name="events"`} {
				if tt.events {
					assert.Contains(t, out.String(), input)
				} else {
					assert.NotContains(t, out.String(), input)
				}
			}
			assert.Contains(t, out.String(), `name="file"`)
		})
	}
}

func TestDistinctChoices(t *testing.T) {
	for _, tc := range []struct {
		name   string
		levels []string
		want   []string
	}{
		{"none", nil, []string{}},
		{"distinct", []string{"vp", "director"}, []string{"vp", "director"}},
		{"case", []string{"VP Marketing", "vp marketing", "Director"}, []string{"VP Marketing", "Director"}},
		{"whitespace", []string{"vp marketing", " VP  Marketing ", "cto"}, []string{"vp marketing", "cto"}},
		{"unicode folding", []string{"Straße", "STRASSE", "straße", "ÉTÉ", "été"}, []string{"Straße", "STRASSE", "ÉTÉ"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			assert.Equal(t, tc.want, distinctChoices(tc.levels))
		})
	}
}
