package serve

import (
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/leadscore/leadscore/datasets/store"
	"github.com/leadscore/leadscore/internal/pgtest"
)

func sqliteURL(t testing.TB) string { return "sqlite:" + filepath.Join(t.TempDir(), "store.db") }

type ingestBody struct {
	Accepted   int  `json:"accepted"`
	Created    *int `json:"created"`
	Changed    *int `json:"changed"`
	Unchanged  *int `json:"unchanged"`
	Inserted   *int `json:"inserted"`
	Duplicates *int `json:"duplicates"`
	Rejected   []struct {
		Index int `json:"index"`
		Error struct {
			Code  string `json:"code"`
			Field string `json:"field"`
		} `json:"error"`
	} `json:"rejected"`
}

func ingest(t *testing.T, env *testEnv, path, body string, want int) ingestBody {
	t.Helper()
	rec := env.do(t, "POST", path, body)
	require.Equal(t, want, rec.Code, rec.Body.String())
	env.check(t, "POST", path, rec)
	var b ingestBody
	if want == http.StatusOK {
		require.NoError(t, json.Unmarshal(rec.Body.Bytes(), &b))
	}
	return b
}

func TestIngestion(t *testing.T) {
	for _, backend := range []struct {
		name string
		url  func(testing.TB) string
	}{{"sqlite", sqliteURL}, {"postgres", pgtest.URL}} {
		t.Run(backend.name, func(t *testing.T) {
			_, env := newTestServer(t, testOptions{store: backend.url(t)})
			b := ingest(t, env, "/v1/leads", `{"lead_id": "a", "created_at": "2024-05-01T10:00:00Z", "fields": {"industry": "software", "employees": 40}}`, 200)
			assert.Equal(t, 1, b.Accepted)
			assert.Equal(t, 1, *b.Created)
			b = ingest(t, env, "/v1/leads", `[{"lead_id": "a", "created_at": "2024-05-01T10:00:00Z", "fields": {"industry": "software", "employees": 400}},
				{"lead_id": "b", "created_at": "2024-05-02T10:00:00Z"}]`, 200)
			assert.Equal(t, []int{2, 1, 1, 0}, []int{b.Accepted, *b.Created, *b.Changed, *b.Unchanged})

			events := `[{"lead_id": "a", "event_id": "e1", "type": "page_view", "timestamp": "2024-05-03T10:00:00Z", "page": "pricing"},
				{"lead_id": "a", "event_id": "e2", "type": "email_open", "timestamp": "2024-05-02T10:00:00Z", "channel": "email", "score": 3}]`
			b = ingest(t, env, "/v1/events", events, 200)
			assert.Equal(t, []int{2, 2, 0}, []int{b.Accepted, *b.Inserted, *b.Duplicates})
			b = ingest(t, env, "/v1/events", events, 200) // a retry
			assert.Equal(t, []int{2, 0, 2}, []int{b.Accepted, *b.Inserted, *b.Duplicates})

			// A bad item refuses the whole request, naming its index and field.
			rec := env.do(t, "POST", "/v1/events", `[{"lead_id": "a", "type": "page_view", "timestamp": "2024-05-04T10:00:00Z"},
				{"lead_id": "a", "type": "page_view", "timestamp": "yesterday"}]`)
			require.Equal(t, http.StatusBadRequest, rec.Code)
			env.check(t, "POST", "/v1/events", rec)
			e := decodeError(t, rec)
			assert.Equal(t, "[1].timestamp", e.Error.Field)
			assert.Contains(t, e.Error.Message, "item 1")
			// With partial=1 the good items are kept and the bad listed.
			b = ingest(t, env, "/v1/events?partial=1", `[{"lead_id": "a", "type": "page_view", "timestamp": "2024-05-04T10:00:00Z"},
				{"lead_id": "a", "timestamp": "2024-05-04T10:00:00Z"}, {"lead_id": "a", "type": "x", "timestamp": "2024-05-04T10:00:00Z", "page": {"a": 1}}]`, 200)
			assert.Equal(t, 1, b.Accepted)
			require.Len(t, b.Rejected, 2)
			assert.Equal(t, 1, b.Rejected[0].Index)
			assert.Equal(t, "type", b.Rejected[0].Error.Field)
			assert.Equal(t, "page", b.Rejected[1].Error.Field)

			b = ingest(t, env, "/v1/outcomes", `[{"lead_id": "a", "converted_at": "2024-05-20T00:00:00Z", "amount": 1200},
				{"lead_id": "b", "converted_at": "2024-05-21T00:00:00Z", "status": "lost"}]`, 200)
			assert.Equal(t, 2, b.Accepted)
			rec = env.do(t, "POST", "/v1/outcomes", `{"lead_id": "a", "converted_at": "2024-05-20T00:00:00Z", "status": "maybe"}`)
			require.Equal(t, http.StatusBadRequest, rec.Code)
			assert.Equal(t, "[0].status", decodeError(t, rec).Error.Field)
			rec = env.do(t, "POST", "/v1/leads", `{"lead_id": "c", "created_at": "2024-05-01T10:00:00Z", "fields": {"x": [1]}}`)
			require.Equal(t, http.StatusBadRequest, rec.Code)
			assert.Equal(t, "[0].fields.x", decodeError(t, rec).Error.Field)
			rec = env.do(t, "POST", "/v1/leads", `{"lead_id": "c"}`)
			require.Equal(t, http.StatusBadRequest, rec.Code)
			assert.Equal(t, "[0].created_at", decodeError(t, rec).Error.Field)

			rec = env.do(t, "GET", "/v1/leads/nobody", "")
			require.Equal(t, http.StatusNotFound, rec.Code)
			assert.Equal(t, CodeUnknownLead, decodeError(t, rec).Error.Code)
			env.check(t, "GET", "/v1/leads/nobody", rec)
		})
	}
}

func TestNoStore(t *testing.T) {
	_, env := newTestServer(t, testOptions{store: "none"})
	for _, r := range []struct{ method, path, body string }{
		{"POST", "/v1/leads", `{"lead_id": "a", "created_at": "2024-05-01T10:00:00Z"}`},
		{"GET", "/v1/leads/a", ""},
		{"GET", "/v1/scores", ""},
	} {
		rec := env.do(t, r.method, r.path, r.body)
		assert.Equal(t, http.StatusNotFound, rec.Code, r.path)
		assert.Contains(t, rec.Body.String(), "--store none")
	}
}

// TestStoredLeadScoresLikePost: a lead stored through the API scores, by
// id, exactly as the same fields and events sent to POST /v1/score, and
// every score lands in the prediction log.
func TestStoredLeadScoresLikePost(t *testing.T) {
	f := realBundle(t)
	env := &testEnv{dir: t.TempDir(), logs: &syncBuffer{}}
	copyBundle(t, f.bundle, env.dir, "real-v1", time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC))
	st, err := store.Open(context.Background(), sqliteURL(t))
	require.NoError(t, err)
	t.Cleanup(func() { st.Close() })
	now := realAsOf.Add(time.Hour)
	s, err := New(Config{ModelsDir: env.dir, Addr: "127.0.0.1:0", PollInterval: -1, Store: st, Now: func() time.Time { return now },
		Logger: slog.New(slog.NewJSONHandler(env.logs, nil))})
	require.NoError(t, err)
	t.Cleanup(func() { s.Close() })
	env.oa, env.h = loadOpenAPI(t), s.Handler()

	ids, leads := realLeads(t, f, 40)
	for _, lead := range leads {
		fields := map[string]any{}
		for k, v := range lead["fields"].(map[string]any) {
			if k != "created_at" {
				fields[k] = v
			}
		}
		body, err := json.Marshal(map[string]any{"lead_id": lead["lead_id"], "created_at": lead["fields"].(map[string]any)["created_at"], "fields": fields})
		require.NoError(t, err)
		ingest(t, env, "/v1/leads", string(body), 200)
		if evs, ok := lead["events"].([]map[string]any); ok {
			for _, e := range evs {
				e["lead_id"] = lead["lead_id"]
			}
			body, err := json.Marshal(evs)
			require.NoError(t, err)
			ingest(t, env, "/v1/events", string(body), 200)
		}
	}
	for i, lead := range leads {
		body, err := json.Marshal(lead)
		require.NoError(t, err)
		post := env.do(t, "POST", "/v1/score?explain=3", string(body))
		require.Equal(t, http.StatusOK, post.Code, post.Body.String())
		get := env.do(t, "GET", "/v1/leads/"+ids[i]+"?explain=3&as_of="+realAsOf.Format(time.RFC3339), "")
		require.Equal(t, http.StatusOK, get.Code, get.Body.String())
		env.check(t, "GET", "/v1/leads/"+ids[i], get)
		var got map[string]json.RawMessage
		require.NoError(t, json.Unmarshal(get.Body.Bytes(), &got))
		nEvents := 0
		if evs, ok := lead["events"].([]map[string]any); ok {
			nEvents = len(evs)
		}
		assert.JSONEq(t, string(mustJSON(t, nEvents)), string(got["event_count"]))
		assert.NotEmpty(t, got["fields"])
		assert.JSONEq(t, mustJSON(t, realAsOf), string(got["as_of"]))
		delete(got, "as_of")
		delete(got, "fields")
		delete(got, "event_count")
		var want map[string]json.RawMessage
		require.NoError(t, json.Unmarshal(post.Body.Bytes(), &want))
		assert.Equal(t, want, got, "lead %s", ids[i])
	}

	// The prediction log holds both scores of every lead, newest first.
	s.scores.flush()
	rec := env.do(t, "GET", "/v1/leads/"+ids[0]+"/scores", "")
	require.Equal(t, http.StatusOK, rec.Code, rec.Body.String())
	env.check(t, "GET", "/v1/leads/"+ids[0]+"/scores", rec)
	var page struct {
		Scores []store.Score `json:"scores"`
		Next   *int64        `json:"next"`
	}
	require.NoError(t, json.Unmarshal(rec.Body.Bytes(), &page))
	require.Len(t, page.Scores, 2)
	assert.Equal(t, store.SourceLead, page.Scores[0].Source)
	assert.Equal(t, store.SourceScore, page.Scores[1].Source)
	assert.Equal(t, "real-v1", page.Scores[0].ModelVersion)
	assert.Equal(t, realAsOf, page.Scores[0].AsOf)
	assert.NotEmpty(t, page.Scores[0].Reasons)

	// The batch endpoint logs too; the log pages in write order.
	body, err := json.Marshal(leads[:5])
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, env.do(t, "POST", "/v1/score/batch", string(body)).Code)
	s.scores.flush()
	var all []store.Score
	after := int64(0)
	for {
		rec := env.do(t, "GET", "/v1/scores?limit=30&since=2020-01-01&after="+string(mustJSON(t, after)), "")
		require.Equal(t, http.StatusOK, rec.Code, rec.Body.String())
		env.check(t, "GET", "/v1/scores", rec)
		page.Next = nil
		require.NoError(t, json.Unmarshal(rec.Body.Bytes(), &page))
		all = append(all, page.Scores...)
		if page.Next == nil {
			break
		}
		after = *page.Next
	}
	assert.Len(t, all, 2*len(leads)+5)
	assert.Equal(t, store.SourceBatch, all[len(all)-1].Source)

	// The same answer issued again and again (scoring by id's cached
	// answer) is logged once per commit, yet listed once per issuance.
	for range 20 {
		get := env.do(t, "GET", "/v1/leads/"+ids[1]+"?explain=3&as_of="+realAsOf.Format(time.RFC3339), "")
		require.Equal(t, http.StatusOK, get.Code, get.Body.String())
	}
	s.scores.flush()
	rec = env.do(t, "GET", "/v1/leads/"+ids[1]+"/scores?limit=100", "")
	require.Equal(t, http.StatusOK, rec.Code, rec.Body.String())
	page.Next = nil
	require.NoError(t, json.Unmarshal(rec.Body.Bytes(), &page))
	require.Equal(t, 23, len(page.Scores), "the POST, the first GET, the batch's and 20 more")
	first := page.Scores[21]
	assert.Equal(t, store.SourceBatch, page.Scores[20].Source)
	for i, sc := range page.Scores[:20] {
		assert.Equal(t, store.SourceLead, sc.Source, i)
		assert.Equal(t, first.Reasons, sc.Reasons, i)
		assert.Equal(t, first.Score, sc.Score, i)
		assert.Equal(t, first.AsOf, sc.AsOf, i)
		if i > 0 {
			assert.Equal(t, page.Scores[i-1].ID-1, sc.ID, "one id per issuance, newest first")
		}
	}
	var rows int
	require.NoError(t, st.DB().QueryRow(`SELECT COUNT(*) FROM predictions WHERE lead_id = ? AND source = ?`, ids[1], store.SourceLead).Scan(&rows))
	assert.Equal(t, 2, rows, "the first GET's row, and one for the 20 repeats")
	rec = env.do(t, "GET", "/v1/scores?since=yesterday", "")
	assert.Equal(t, http.StatusBadRequest, rec.Code)
}
