package store_test

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/leadscore/leadscore/datasets/store"
	"github.com/leadscore/leadscore/internal/pgtest"
)

// backends runs fn once per backend, each on a fresh store: the one suite
// every backend passes.
func backends(t *testing.T, fn func(t *testing.T, url string)) {
	t.Run("sqlite", func(t *testing.T) {
		fn(t, "sqlite:"+filepath.Join(t.TempDir(), "store.db"))
	})
	t.Run("postgres", func(t *testing.T) {
		fn(t, pgtest.URL(t))
	})
}

func open(t *testing.T, url string) *store.Store {
	t.Helper()
	s, err := store.Open(context.Background(), url)
	require.NoError(t, err)
	t.Cleanup(func() { s.Close() })
	return s
}

var t0 = time.Date(2025, 3, 1, 9, 0, 0, 0, time.UTC)

func fields(t *testing.T, js string) json.RawMessage {
	t.Helper()
	f, _, err := store.CanonicalFields(json.RawMessage(js))
	require.Nil(t, err)
	return f
}

func TestMigrations(t *testing.T) {
	backends(t, func(t *testing.T, url string) {
		ctx := context.Background()
		s := open(t, url)
		v, err := s.Version(ctx)
		require.NoError(t, err)
		assert.Equal(t, store.SchemaVersion(), v)
		s.Close()
		// Opening again applies nothing and keeps the data.
		s = open(t, url)
		v, err = s.Version(ctx)
		require.NoError(t, err)
		assert.Equal(t, store.SchemaVersion(), v)
		// A schema newer than the binary is refused.
		_, err = s.DB().ExecContext(ctx, "INSERT INTO schema_migrations (version, name, applied_at) VALUES (999, '0999_future.sql', 0)")
		require.NoError(t, err)
		s.Close()
		_, err = store.Open(ctx, url)
		require.Error(t, err)
		assert.Contains(t, err.Error(), "schema version 999")
		assert.Contains(t, err.Error(), "newer leadscore")
	})
}

func TestFieldHistory(t *testing.T) {
	backends(t, func(t *testing.T, url string) {
		ctx := context.Background()
		s := open(t, url)
		c, err := s.UpsertLeads(ctx, []store.Lead{
			{ID: "a", Created: t0, Fields: fields(t, `{"industry":"software","employees":50}`)},
			{ID: "b", Created: t0, Fields: fields(t, `{"industry":"retail"}`)},
		}, t0.Add(time.Hour), []string{"industry", "employees"}, store.NoRescore)
		require.NoError(t, err)
		assert.Equal(t, store.LeadCounts{Created: 2}, c)
		later := t0.Add(10 * 24 * time.Hour)
		c, err = s.UpsertLeads(ctx, []store.Lead{
			{ID: "a", Created: t0, Fields: fields(t, `{"employees":500,"industry":"software"}`)},
			{ID: "b", Created: t0, Fields: fields(t, `{"industry":"retail"}`)},
		}, later, nil, store.NoRescore)
		require.NoError(t, err)
		assert.Equal(t, store.LeadCounts{Changed: 1, Unchanged: 1}, c)

		r, err := s.Lead(ctx, "a", t0.Add(24*time.Hour), 0, nil)
		require.NoError(t, err)
		assert.JSONEq(t, `{"industry":"software","employees":50}`, string(r.Fields), "as of before the change")
		assert.Equal(t, t0, r.Created)
		r, err = s.Lead(ctx, "a", later.Add(time.Second), 0, nil)
		require.NoError(t, err)
		assert.JSONEq(t, `{"industry":"software","employees":500}`, string(r.Fields), "as of after the change")
		_, err = s.Lead(ctx, "nobody", later, 0, nil)
		assert.ErrorIs(t, err, store.ErrNotFound)
		n, err := s.Count(ctx)
		require.NoError(t, err)
		assert.Equal(t, store.Counts{Leads: 2, Versions: 3}, n)
	})
}

func TestEventsAreIdempotentAndOrdered(t *testing.T) {
	backends(t, func(t *testing.T, url string) {
		ctx := context.Background()
		s := open(t, url)
		evs := []store.Event{
			{LeadID: "a", EventID: "e2", Type: "page_view", Time: t0.Add(2 * time.Hour), Attrs: map[string]string{"page": "pricing", "channel": `we"b\`}},
			{LeadID: "a", EventID: "e1", Type: "email_open", Time: t0.Add(time.Hour)},
			{LeadID: "a", Type: "form_submit", Time: t0.Add(3 * time.Hour)},
			{LeadID: "a", EventID: "e1", Type: "email_open", Time: t0.Add(time.Hour)}, // repeated in the batch
		}
		n, err := s.AppendEvents(ctx, evs, t0, store.NoRescore)
		require.NoError(t, err)
		assert.Equal(t, 3, n)
		n, err = s.AppendEvents(ctx, evs[:2], t0, store.NoRescore) // a retry
		require.NoError(t, err)
		assert.Equal(t, 0, n)
		// Events arrive before the lead: still kept.
		_, err = s.UpsertLeads(ctx, []store.Lead{{ID: "a", Created: t0, Fields: fields(t, `{}`)}}, t0, nil, store.NoRescore)
		require.NoError(t, err)
		r, err := s.Lead(ctx, "a", t0.Add(3*time.Hour), 0, nil)
		require.NoError(t, err)
		require.Len(t, r.Events, 2, "events at or after the moment are left out")
		assert.Equal(t, "email_open", r.Events[0].Type)
		assert.Equal(t, "page_view", r.Events[1].Type)
		assert.Equal(t, map[string]string{"page": "pricing", "channel": `we"b\`}, r.Events[1].Attrs)
		_, err = s.Lead(ctx, "a", t0.Add(4*time.Hour), 2, nil)
		var tm *store.TooManyEventsError
		assert.ErrorAs(t, err, &tm)
	})
}

func TestBadItemRejectsTheBatch(t *testing.T) {
	backends(t, func(t *testing.T, url string) {
		ctx := context.Background()
		s := open(t, url)
		_, err := s.AppendEvents(ctx, []store.Event{
			{LeadID: "a", Type: "page_view", Time: t0},
			{LeadID: "a", Type: "", Time: t0},
		}, t0, store.NoRescore)
		var ie *store.ItemError
		require.ErrorAs(t, err, &ie)
		assert.Equal(t, 1, ie.Index)
		assert.Equal(t, "type", ie.Field)
		_, err = s.RecordOutcomes(ctx, []store.Outcome{{LeadID: "a", ConvertedAt: t0, Status: "maybe", Amount: math.NaN()}}, t0, store.NoRescore)
		require.ErrorAs(t, err, &ie)
		assert.Equal(t, "status", ie.Field)
		n, err := s.Count(ctx)
		require.NoError(t, err)
		assert.Equal(t, store.Counts{}, n)
	})
}

func TestCanonicalFields(t *testing.T) {
	tests := []struct {
		in, want, field string
	}{
		{in: `{"b": 1, "a": "x", "c": null, "d": true}`, want: `{"a":"x","b":1,"c":null,"d":true}`},
		{in: ``, want: `{}`},
		{in: `{"a": {"x": 1}}`, field: "fields.a"},
		{in: `{"a": 1, "a": 2}`, field: "fields.a"},
		{in: `[1]`, field: "fields"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, _, err := store.CanonicalFields(json.RawMessage(tt.in))
			if tt.field != "" {
				require.NotNil(t, err)
				assert.Equal(t, tt.field, err.Field)
				return
			}
			require.Nil(t, err)
			assert.Equal(t, tt.want, string(got))
		})
	}
}

func TestPredictionLog(t *testing.T) {
	backends(t, func(t *testing.T, url string) {
		ctx := context.Background()
		s := open(t, url)
		var scores []store.Score
		for i := range 7 {
			sc := store.Score{LeadID: []string{"a", "b"}[i%2], ScoredAt: t0.Add(time.Duration(i) * time.Hour), AsOf: t0, Source: store.SourceLead,
				ModelName: "gbm", ModelVersion: "v1", Probability: float64(i) / 10, Score: i * 10, Grade: "B", Tier: "warm",
				RulesPoints: math.NaN(), RulesProbability: math.NaN(), Reasons: json.RawMessage(`[{"feature":"industry","value":"x","contribution":0.5}]`)}
			if i == 2 {
				sc.RulesPoints, sc.RulesTier, sc.RulesProbability = 35, "warm", 0.125
			}
			scores = append(scores, sc)
		}
		require.NoError(t, s.LogScores(ctx, scores))
		got, err := s.LeadScores(ctx, "a", 0, 10)
		require.NoError(t, err)
		require.Len(t, got, 4)
		assert.Equal(t, 60, got[0].Score, "newest first")
		assert.Equal(t, 0, got[3].Score)
		assert.Equal(t, 35.0, got[2].RulesPoints)
		assert.Equal(t, 0.125, got[2].RulesProbability)
		assert.True(t, math.IsNaN(got[0].RulesPoints))
		assert.True(t, math.IsNaN(got[0].RulesProbability), "NULL without a rule sheet")
		page, err := s.Scores(ctx, t0.Add(time.Hour), 0, 3)
		require.NoError(t, err)
		require.Len(t, page, 3)
		assert.Equal(t, 10, page[0].Score)
		page, err = s.Scores(ctx, t0.Add(time.Hour), page[2].ID, 10)
		require.NoError(t, err)
		assert.Len(t, page, 3)
		js, err := json.Marshal(got[2])
		require.NoError(t, err)
		assert.Contains(t, string(js), `"rules_points":35`)
		assert.Contains(t, string(js), `"rules_probability":0.125`)
		n, err := s.PruneScores(ctx, t0.Add(3*time.Hour))
		require.NoError(t, err)
		assert.EqualValues(t, 3, n)
	})
}

func TestImportAndExport(t *testing.T) {
	backends(t, func(t *testing.T, url string) {
		ctx := context.Background()
		dir := t.TempDir()
		write := func(name, body string) string {
			p := filepath.Join(dir, name)
			require.NoError(t, os.WriteFile(p, []byte(body), 0o600))
			return p
		}
		leads := write("leads.csv", "industry,lead_id,created_at,employees\nsoftware,a,2025-03-01T09:00:00Z,50\nretail,,2025-03-01T09:00:00Z,7\n\"x,y\",b,2025-03-02T09:00:00Z,\n")
		events := write("events.csv", "lead_id,timestamp,type,page,event_id\na,2025-03-01T10:00:00Z,page_view,pricing,1\na,2025-03-01T11:00:00Z,email_open,,2\nb,,page_view,home,3\na,2025-03-01T10:00:00Z,page_view,pricing,1\n")
		outcomes := write("outcomes.csv", "lead_id,converted_at,amount\na,2025-04-01T00:00:00Z,1200.5\n")
		s := open(t, url)
		rep, err := s.Import(ctx, store.ImportOptions{Leads: leads, Events: events, Outcomes: outcomes, Now: t0.Add(90 * 24 * time.Hour)})
		require.NoError(t, err)
		assert.Equal(t, store.FileReport{File: leads, Rows: 3, Loaded: 2, Rejected: 1, Reasons: map[string]int64{"no lead id (column lead_id)": 1}}, *rep.Leads)
		assert.EqualValues(t, 4, rep.Events.Rows)
		assert.EqualValues(t, 2, rep.Events.Loaded)
		assert.EqualValues(t, 1, rep.Events.Skipped)
		assert.EqualValues(t, 1, rep.Events.Rejected)
		assert.EqualValues(t, 1, rep.Outcomes.Loaded)

		tr := readForTraining(t, s)
		assert.Equal(t, "industry,lead_id,created_at,employees\nsoftware,a,2025-03-01T09:00:00Z,50\n\"x,y\",b,2025-03-02T09:00:00Z,\n", tr.leads)
		assert.Equal(t, []int64{ns(t, "2025-03-01T09:00:00Z"), ns(t, "2025-03-02T09:00:00Z")}, tr.validFrom, "each lead's fields valid from its creation")
		assert.Equal(t, "lead_id,timestamp,type,page\na,2025-03-01T10:00:00Z,page_view,pricing\na,2025-03-01T11:00:00Z,email_open,\n", tr.events)
		assert.Equal(t, "lead_id,converted_at,amount\na,2025-04-01T00:00:00Z,1200.5\n", tr.outcomes)
		assert.False(t, strings.Contains(tr.leads, "retail"))
	})
}

// Import with Until loads what happened before the moment and hands the
// rest over, in file order, without writing it.
func TestImportUntil(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	write := func(name, body string) string {
		p := filepath.Join(dir, name)
		require.NoError(t, os.WriteFile(p, []byte(body), 0o600))
		return p
	}
	leads := write("leads.csv", "lead_id,created_at,employees\na,2025-03-01T09:00:00Z,50\nb,2025-03-02T09:00:00Z,7\nc,,3\n")
	events := write("events.csv", "lead_id,timestamp,type,page\na,2025-03-01T10:00:00Z,page_view,pricing\na,2025-03-02T11:00:00Z,email_open,\nb,2025-03-02T10:00:00Z,page_view,home\n")
	outcomes := write("outcomes.csv", "lead_id,converted_at,amount\na,2025-03-01T23:00:00Z,10\nb,2025-04-01T00:00:00Z,1200.5\n")
	s := open(t, "sqlite:"+filepath.Join(t.TempDir(), "s.db"))
	var later []string
	rep, err := s.Import(ctx, store.ImportOptions{Leads: leads, Events: events, Outcomes: outcomes, Now: t0,
		Until: time.Date(2025, 3, 2, 0, 0, 0, 0, time.UTC),
		Later: func(it store.Item) {
			switch {
			case it.Lead != nil:
				later = append(later, "lead "+it.Lead.ID+" "+it.At().Format(time.RFC3339))
			case it.Event != nil:
				later = append(later, "event "+it.Event.LeadID+" "+it.Event.Type+" "+it.Event.Attrs["page"])
			case it.Outcome != nil:
				later = append(later, "outcome "+it.Outcome.LeadID+" "+it.At().Format(time.RFC3339))
			}
		}})
	require.NoError(t, err)
	assert.Equal(t, []string{"lead b 2025-03-02T09:00:00Z", "event a email_open ", "event b page_view home", "outcome b 2025-04-01T00:00:00Z"}, later)
	assert.EqualValues(t, 2, rep.Leads.Loaded, "a, and c without a creation time")
	assert.EqualValues(t, 1, rep.Leads.Held)
	assert.EqualValues(t, 1, rep.Events.Loaded)
	assert.EqualValues(t, 2, rep.Events.Held)
	assert.EqualValues(t, 1, rep.Outcomes.Held)
	c, err := s.Count(ctx)
	require.NoError(t, err)
	assert.Equal(t, store.Counts{Leads: 2, Versions: 2, Events: 1, Outcomes: 1}, c)
}

// Leads lists the stored leads, latest first, each with its latest score.
func TestLeadsList(t *testing.T) {
	backends(t, func(t *testing.T, url string) {
		ctx := context.Background()
		s := open(t, url)
		var leads []store.Lead
		for i := range 5 {
			leads = append(leads, store.Lead{ID: fmt.Sprint("L", i), Created: t0.Add(time.Duration(i) * time.Hour), Fields: json.RawMessage(`{}`)})
		}
		_, err := s.UpsertLeads(ctx, leads, t0, nil, store.NoRescore)
		require.NoError(t, err)
		var scores []store.Score
		for i, id := range []string{"L1", "L3", "L1"} {
			scores = append(scores, store.Score{LeadID: id, ScoredAt: t0, AsOf: t0, Source: store.SourceRescore, ModelName: "gbm", ModelVersion: "v1",
				Probability: 0.1, Score: 10 + i, Grade: "C", Tier: "cold", RulesPoints: math.NaN(), RulesProbability: 0.2})
		}
		require.NoError(t, s.LogScores(ctx, scores))
		page, err := s.Leads(ctx, 0, 3)
		require.NoError(t, err)
		require.Len(t, page, 3)
		assert.Equal(t, []string{"L4", "L3", "L2"}, []string{page[0].ID, page[1].ID, page[2].ID})
		assert.Nil(t, page[0].Latest)
		require.NotNil(t, page[1].Latest)
		assert.Equal(t, 11, page[1].Latest.Score)
		assert.Equal(t, 0.2, page[1].Latest.RulesProbability)
		assert.Equal(t, t0.Add(3*time.Hour), page[1].Created)
		page, err = s.Leads(ctx, page[2].Seq, 3)
		require.NoError(t, err)
		require.Len(t, page, 2)
		assert.Equal(t, "L1", page[0].ID)
		assert.Equal(t, 12, page[0].Latest.Score, "the latest score")
	})
}

// TestLeadSeesEveryWrite: Lead keeps decoded histories in memory, yet
// every read sees every committed write, by this store or by another
// handle on the same database (another process on the SQLite file,
// another replica on PostgreSQL): new events, new field versions, a new
// created_at, and a history too long to keep.
func TestLeadSeesEveryWrite(t *testing.T) {
	backends(t, func(t *testing.T, url string) {
		ctx := context.Background()
		s, other := open(t, url), open(t, url)
		later := t0.Add(48 * time.Hour)
		_, err := s.UpsertLeads(ctx, []store.Lead{{ID: "a", Fields: fields(t, `{"industry":"software"}`)}}, t0, []string{"industry"}, store.NoRescore)
		require.NoError(t, err)
		read := func(s *store.Store) *store.Record {
			t.Helper()
			r, err := s.Lead(ctx, "a", later, 0, nil)
			require.NoError(t, err)
			return r
		}
		assert.Empty(t, read(s).Events)
		assert.True(t, read(s).Created.IsZero())
		for i, w := range []*store.Store{s, other, s, other} {
			_, err := w.AppendEvents(ctx, []store.Event{{LeadID: "a", EventID: fmt.Sprint("e", i), Type: "page_view", Time: t0.Add(time.Duration(i) * time.Hour)}}, t0, store.NoRescore)
			require.NoError(t, err)
			assert.Len(t, read(s).Events, i+1, "after write %d", i)
			assert.Len(t, read(other).Events, i+1, "after write %d", i)
		}
		_, err = other.UpsertLeads(ctx, []store.Lead{{ID: "a", Created: t0, Fields: fields(t, `{"industry":"retail"}`)}}, t0.Add(time.Hour), nil, store.NoRescore)
		require.NoError(t, err)
		r := read(s)
		assert.JSONEq(t, `{"industry":"retail"}`, string(r.Fields))
		assert.Equal(t, t0, r.Created)
		r, err = s.Lead(ctx, "a", t0.Add(30*time.Minute), 0, nil)
		require.NoError(t, err)
		assert.JSONEq(t, `{"industry":"software"}`, string(r.Fields), "the version valid at the moment")
		assert.Len(t, r.Events, 1, "the events before the moment")

		// A history longer than the cache keeps (5,000 events) is read
		// up to the moment and the limit.
		long := make([]store.Event, 5100)
		for i := range long {
			long[i] = store.Event{LeadID: "a", Type: "email_open", Time: t0.Add(time.Duration(i) * time.Second)}
		}
		_, err = other.AppendEvents(ctx, long, t0, store.NoRescore)
		require.NoError(t, err)
		assert.Len(t, read(s).Events, 5104)
		_, err = s.Lead(ctx, "a", later, 5000, nil)
		var tm *store.TooManyEventsError
		assert.ErrorAs(t, err, &tm)
		r, err = s.Lead(ctx, "a", t0.Add(100*time.Second), 5000, nil)
		require.NoError(t, err)
		assert.Len(t, r.Events, 101, "events at 0..100 s, and e0 at 0")
	})
}
