package serve

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/leadscore/leadscore/datasets/store"
	"github.com/leadscore/leadscore/models"
)

// TestLeadAnswerCache: GET /v1/leads/{id} issues its last answer again
// while nothing it depends on changed, and that answer is byte for byte
// the one scoring gives afresh; every kind of write (events, fields,
// created_at, by this server or by another handle on the store), a new
// moment and a model change give a new answer; each issue is logged.
func TestLeadAnswerCache(t *testing.T) {
	c := newCacheCase(t, realAsOf.Add(time.Hour+300*time.Millisecond))
	f, env, st, other, s, clock, now, id, lead := c.f, c.env, c.st, c.other, c.s, c.clock, c.now, c.id, c.lead
	fields := map[string]any{}
	for k, v := range lead["fields"].(map[string]any) {
		if k != "created_at" {
			fields[k] = v
		}
	}
	created := lead["fields"].(map[string]any)["created_at"]
	putLead := func(fields map[string]any, created any) {
		body := mustJSON(t, map[string]any{"lead_id": id, "created_at": created, "fields": fields})
		ingest(t, env, "/v1/leads", body, 200)
	}
	putLead(fields, created)
	evs := lead["events"].([]map[string]any)
	for _, e := range evs {
		e["lead_id"] = id
	}
	ingest(t, env, "/v1/events", mustJSON(t, evs), 200)

	path := "/v1/leads/" + id + "?explain=3"
	issued := 0
	get := func() []byte {
		t.Helper()
		rec := env.do(t, "GET", path, "")
		require.Equal(t, http.StatusOK, rec.Code, rec.Body.String())
		env.check(t, "GET", "/v1/leads/"+id, rec)
		issued++
		return rec.Body.Bytes()
	}
	// fresh scores the lead anew: with no answer kept, nothing is reused.
	fresh := func() []byte {
		t.Helper()
		s.answers.clear()
		return get()
	}
	cached := func() *leadAnswer { return cachedAnswer(s, id, defaultAsOf(now())) }
	field := func(body []byte, name string) string {
		var m map[string]json.RawMessage
		require.NoError(t, json.Unmarshal(body, &m))
		return string(m[name])
	}

	first := get()
	kept := cached()
	require.NotNil(t, kept)
	assert.JSONEq(t, mustJSON(t, realAsOf.Add(time.Hour+time.Second)), field(first, "as_of"), "now, rounded up to the second")
	clock.Add(int64(500 * time.Millisecond)) // the same second
	again := get()
	assert.Same(t, kept, cached(), "the same answer is issued again")
	assert.Equal(t, string(first), string(again))
	assert.Equal(t, string(first), string(fresh()), "a reused answer is the fresh one, byte for byte")

	// The answer is POST /v1/score's for the same lead at the stated as_of.
	post := map[string]any{"lead_id": id, "as_of": realAsOf.Add(time.Hour + time.Second), "fields": lead["fields"], "events": evs}
	for _, e := range evs {
		delete(e, "lead_id")
	}
	rec := env.do(t, "POST", "/v1/score?explain=3", mustJSON(t, post))
	require.Equal(t, http.StatusOK, rec.Code, rec.Body.String())
	var want, got map[string]json.RawMessage
	require.NoError(t, json.Unmarshal(rec.Body.Bytes(), &want))
	require.NoError(t, json.Unmarshal(again, &got))
	delete(got, "as_of")
	delete(got, "fields")
	delete(got, "event_count")
	assert.Equal(t, want, got)

	// Other options and another second are other answers.
	rec = env.do(t, "GET", "/v1/leads/"+id+"?explain=1", "")
	require.Equal(t, http.StatusOK, rec.Code)
	issued++
	assert.NotEqual(t, string(first), rec.Body.String())
	assert.Equal(t, string(first), string(fresh()))
	clock.Add(int64(time.Second))
	next := get()
	assert.JSONEq(t, mustJSON(t, realAsOf.Add(time.Hour+2*time.Second)), field(next, "as_of"))
	assert.Equal(t, string(next), string(fresh()))

	// Every kind of write makes a new answer, equal to a fresh one.
	eventAt := realAsOf.Add(-time.Hour)
	typ := evs[0]["type"].(string)
	writes := []struct {
		name    string
		write   func()
		changes string // the member of the answer the write changes
	}{
		{"event through the API", func() {
			ingest(t, env, "/v1/events", mustJSON(t, map[string]any{"lead_id": id, "event_id": "x1", "type": typ, "timestamp": eventAt}), 200)
		}, "event_count"},
		{"event by another handle", func() {
			_, err := other.AppendEvents(context.Background(), []store.Event{{LeadID: id, EventID: "x2", Type: typ, Time: eventAt}}, now(), store.NoRescore)
			require.NoError(t, err)
		}, "event_count"},
		{"fields through the API", func() {
			fields["cache_test"] = "one"
			putLead(fields, created)
		}, "fields"},
		{"fields by another handle", func() {
			fields["cache_test"] = "two"
			raw, err := json.Marshal(fields)
			require.NoError(t, err)
			_, err = other.UpsertLeads(context.Background(), []store.Lead{{ID: id, Created: parseCreated(t, created), Fields: raw}}, now(), nil, store.NoRescore)
			require.NoError(t, err)
		}, "fields"},
		{"created_at", func() {
			putLead(fields, parseCreated(t, created).Add(-24*time.Hour))
		}, "probability"},
		{"model", func() {
			copyBundle(t, f.bundle, env.dir, "real-v2", time.Date(2025, 2, 1, 0, 0, 0, 0, time.UTC))
			_, err := s.Reload()
			require.NoError(t, err)
		}, "model"},
	}
	for _, w := range writes {
		before := get()
		require.NotNil(t, cached())
		w.write()
		after := get()
		assert.NotEqual(t, field(before, w.changes), field(after, w.changes), w.name)
		assert.Equal(t, string(after), string(fresh()), w.name)
	}
	assert.Contains(t, string(get()), `"version":"real-v2"`)

	// An outcome does not enter the score: the answer stays the fresh one.
	before := get()
	ingest(t, env, "/v1/outcomes", mustJSON(t, map[string]any{"lead_id": id, "converted_at": now().Add(-time.Minute)}), 200)
	assert.Equal(t, string(before), string(get()))
	assert.Equal(t, string(before), string(fresh()))

	// Every answer issued, reused or not, is in the prediction log.
	s.scores.flush()
	n := 0
	var cursor int64
	for {
		scores, err := st.LeadScores(context.Background(), id, cursor, 1000)
		require.NoError(t, err)
		for _, sc := range scores {
			if sc.Source == store.SourceLead {
				n++
			}
		}
		if len(scores) < 1000 {
			break
		}
		cursor = scores[len(scores)-1].ID
	}
	assert.Equal(t, issued, n)
}

// cacheCase is a server on a SQLite store whose clock the test sets, with
// a second handle on the same store (another process or replica writing
// to it), and a real lead with at least three events, not yet stored.
type cacheCase struct {
	f         *realFixture
	env       *testEnv
	st, other *store.Store
	s         *Server
	clock     *atomic.Int64
	now       func() time.Time
	id        string
	lead      map[string]any
}

func newCacheCase(t *testing.T, start time.Time) *cacheCase {
	t.Helper()
	c := &cacheCase{f: realBundle(t), env: &testEnv{dir: t.TempDir(), logs: &syncBuffer{}}, clock: &atomic.Int64{}}
	copyBundle(t, c.f.bundle, c.env.dir, "real-v1", time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC))
	url := sqliteURL(t)
	var err error
	for _, h := range []**store.Store{&c.st, &c.other} {
		*h, err = store.Open(context.Background(), url)
		require.NoError(t, err)
		st := *h
		t.Cleanup(func() { st.Close() })
	}
	c.clock.Store(start.UnixNano())
	c.now = func() time.Time { return time.Unix(0, c.clock.Load()).UTC() }
	c.s, err = New(Config{ModelsDir: c.env.dir, Addr: "127.0.0.1:0", PollInterval: -1, Store: c.st, Now: c.now,
		Logger: slog.New(slog.NewJSONHandler(c.env.logs, nil))})
	require.NoError(t, err)
	t.Cleanup(func() { c.s.Close() })
	c.env.oa, c.env.h = loadOpenAPI(t), c.s.Handler()
	ids, leads := realLeads(t, c.f, 40)
	for i, l := range leads {
		if evs, ok := l["events"].([]map[string]any); ok && len(evs) >= 3 {
			c.id, c.lead = ids[i], l
			break
		}
	}
	require.NotEmpty(t, c.id, "a lead with events")
	return c
}

// cachedAnswer is the answer s keeps for lead id in the slot of moment
// asOf (nil: none).
func cachedAnswer(s *Server, id string, asOf time.Time) *leadAnswer {
	s.answers.mu.RLock()
	defer s.answers.mu.RUnlock()
	if sl := s.answers.m[id]; sl != nil {
		return sl[leadKey{asOfSec: asOf.Unix()}.slot()]
	}
	return nil
}

func parseCreated(t *testing.T, v any) time.Time {
	t.Helper()
	if tm, ok := v.(time.Time); ok {
		return tm
	}
	tm, ok := parseTime(v.(string))
	require.True(t, ok, "created_at %v", v)
	return tm
}

// TestLeadAnswerAhead: near the end of a second GET /v1/leads/{id}
// computes the next second's answer ahead; the next second issues it when
// nothing changed (byte for byte the fresh answer), and scores afresh
// after a write to the lead made meanwhile, by this server or another
// handle on the store.
func TestLeadAnswerAhead(t *testing.T) {
	base := realAsOf.Add(time.Hour)
	c := newCacheCase(t, base)
	env, other, s, clock, now, id, lead := c.env, c.other, c.s, c.clock, c.now, c.id, c.lead
	ingest(t, env, "/v1/leads", mustJSON(t, map[string]any{"lead_id": id, "created_at": lead["fields"].(map[string]any)["created_at"], "fields": lead["fields"]}), 200)
	evs := lead["events"].([]map[string]any)
	for _, e := range evs {
		e["lead_id"] = id
	}
	ingest(t, env, "/v1/events", mustJSON(t, evs), 200)
	typ := evs[0]["type"].(string)

	get := func() []byte {
		t.Helper()
		rec := env.do(t, "GET", "/v1/leads/"+id+"?explain=3", "")
		require.Equal(t, http.StatusOK, rec.Code, rec.Body.String())
		return rec.Body.Bytes()
	}
	fresh := func() []byte {
		t.Helper()
		s.answers.clear()
		return get()
	}
	writes := []struct {
		name  string
		write func(i int)
	}{
		{"nothing", nil},
		{"event through the API", func(i int) {
			ingest(t, env, "/v1/events", mustJSON(t, map[string]any{"lead_id": id, "event_id": fmt.Sprint("ahead", i), "type": typ, "timestamp": now()}), 200)
		}},
		{"event by another handle", func(i int) {
			_, err := other.AppendEvents(context.Background(), []store.Event{{LeadID: id, EventID: fmt.Sprint("ahead", i), Type: typ, Time: now()}}, now(), store.NoRescore)
			require.NoError(t, err)
		}},
	}
	for i, w := range writes {
		// The last answerAhead of a second: the next second's answer is
		// computed after this one.
		clock.Store(base.Add(time.Duration(2*i)*time.Second + time.Second - answerAhead/2).UnixNano())
		get()
		next := defaultAsOf(now()).Add(asOfResolution)
		ahead := cachedAnswer(s, id, next)
		require.NotNil(t, ahead, w.name)
		require.Equal(t, next.Unix(), ahead.key.asOfSec, "%s: computed ahead for the next second", w.name)
		if w.write != nil {
			w.write(i)
		}
		clock.Add(int64(answerAhead))
		got := get()
		if w.write == nil {
			assert.Same(t, ahead, cachedAnswer(s, id, next), "the answer computed ahead is issued")
		} else {
			assert.NotSame(t, ahead, cachedAnswer(s, id, next), "%s: the answer computed ahead is not issued", w.name)
			assert.NotEqual(t, string(ahead.body), string(got), w.name)
		}
		assert.Equal(t, string(got), string(fresh()), w.name)
	}
}

// TestLeadAnswerFlights: requests that miss the same answer together
// share one computation; a failed one leaves the others to compute it.
func TestLeadAnswerFlights(t *testing.T) {
	var c leadAnswers
	key := leadKey{asOfSec: 7}
	a, f, lead := c.lookup("x", key)
	require.Nil(t, a)
	require.True(t, lead, "the first request computes")
	a2, f2, lead2 := c.lookup("x", key)
	assert.Nil(t, a2)
	assert.False(t, lead2, "the second waits")
	assert.Same(t, f, f2)
	_, f3, lead3 := c.lookup("y", key)
	assert.True(t, lead3, "another lead is another flight")
	other := key
	other.asOfSec = 8
	_, _, lead4 := c.lookup("x", other)
	assert.True(t, lead4, "another moment is another flight")
	ans := &leadAnswer{key: key, body: []byte("{}")}
	c.land("x", key, f, ans)
	<-f2.done
	assert.Same(t, ans, f2.ans)
	assert.Same(t, ans, c.get("x", key), "a landed answer is cached")
	c.clear()
	c.land("y", key, f3, &leadAnswer{key: key, body: []byte("{}")})
	assert.Nil(t, c.get("y", key), "an answer of a flight from before a clear is not cached")
	_, _, lead5 := c.lookup("x", key)
	assert.True(t, lead5, "a landed flight is gone")
}

// countingListener counts the write calls on its connections.
type countingListener struct {
	net.Listener
	writes *atomic.Int64
}

func (l countingListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	return countingConn{c, l.writes}, err
}

type countingConn struct {
	net.Conn
	writes *atomic.Int64
}

func (c countingConn) Write(p []byte) (int, error) {
	c.writes.Add(1)
	return c.Conn.Write(p)
}

// TestLeadAnswerOneWrite: served on a connection, GET /v1/leads/{id}
// sends each answer (headers and a body larger than net/http's 4 KiB
// buffer) in one write call, byte for byte the handler's, several
// answers in a row on one kept-alive connection; other routes are
// unchanged.
func TestLeadAnswerOneWrite(t *testing.T) {
	c := newCacheCase(t, realAsOf.Add(time.Hour))
	body := map[string]any{"lead_id": c.id, "created_at": c.lead["fields"].(map[string]any)["created_at"], "fields": c.lead["fields"]}
	ingest(t, c.env, "/v1/leads", mustJSON(t, body), 200)
	evs := c.lead["events"].([]map[string]any)
	for _, e := range evs {
		e["lead_id"] = c.id
	}
	ingest(t, c.env, "/v1/events", mustJSON(t, evs), 200)
	path := "/v1/leads/" + c.id + "?explain=40"
	want := c.env.do(t, "GET", path, "")
	require.Equal(t, http.StatusOK, want.Code, want.Body.String())
	require.Greater(t, want.Body.Len(), 4096, "an answer larger than net/http's buffer")

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	var writes atomic.Int64
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- c.s.Serve(ctx, countingListener{ln, &writes}) }()
	defer func() { cancel(); <-done }()
	conn, err := net.Dial("tcp", ln.Addr().String())
	require.NoError(t, err)
	defer conn.Close()
	r := bufio.NewReader(conn)
	for i := range 3 {
		before := writes.Load()
		fmt.Fprintf(conn, "GET %s HTTP/1.1\r\nHost: x\r\n\r\n", path)
		resp, err := http.ReadResponse(r, nil)
		require.NoError(t, err)
		got, err := io.ReadAll(resp.Body)
		require.NoError(t, err)
		resp.Body.Close()
		assert.Equal(t, http.StatusOK, resp.StatusCode)
		assert.Equal(t, want.Body.String(), string(got), "answer %d", i)
		assert.Equal(t, int64(1), writes.Load()-before, "answer %d in one write", i)
	}
	// Another route writes as before (its answer is small: one write).
	fmt.Fprintf(conn, "GET /v1/leads/nobody HTTP/1.1\r\nHost: x\r\n\r\n")
	resp, err := http.ReadResponse(r, nil)
	require.NoError(t, err)
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	assert.Equal(t, http.StatusNotFound, resp.StatusCode)

	// Each of the 4 issues (1 scored, 3 reused) counts the lead, its tier
	// and each of its warnings, as a score computed anew does.
	var ans struct {
		Tier     string
		Warnings []struct{ Code string }
	}
	require.NoError(t, json.Unmarshal(want.Body.Bytes(), &ans))
	require.NotEmpty(t, ans.Warnings, "an answer with warnings: %s", want.Body.String())
	perCode := map[string]int{}
	for _, w := range ans.Warnings {
		perCode[w.Code]++
	}
	metrics := c.env.do(t, "GET", "/metrics", "").Body.String()
	version := c.s.reg.current().version
	assert.Contains(t, metrics, fmt.Sprintf(`leadscore_leads_scored_total{model_version=%q} 4`, version))
	assert.Contains(t, metrics, fmt.Sprintf(`leadscore_scores_total{model_version=%q,tier=%q} 4`, version, ans.Tier))
	for code, n := range perCode {
		assert.Contains(t, metrics, fmt.Sprintf(`leadscore_score_warnings_total{code=%q,model_version=%q} %d`, code, version, 4*n))
	}
}

// TestScoredCounters: an answer's resolved counters, added once per issue,
// count what scoredOne counts for the same score, warnings given several
// times included.
func TestScoredCounters(t *testing.T) {
	o := outcome{Tier: "warm", Warnings: []models.Warning{{Code: "out_of_range"}, {Code: "missing_imputed"}, {Code: "out_of_range"}, {Code: "out_of_range"}}}
	byOne, byCounters := newMetrics(), newMetrics()
	cs := byCounters.scoredCounters("v7", o)
	for range 3 {
		byOne.scoredOne("v7", o)
		addCounted(cs)
	}
	scrape := func(m *metrics) string {
		rec := httptest.NewRecorder()
		m.handler().ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
		var lines []string
		for _, l := range strings.Split(rec.Body.String(), "\n") {
			if strings.HasPrefix(l, "leadscore_") {
				lines = append(lines, l)
			}
		}
		return strings.Join(lines, "\n")
	}
	want := scrape(byOne)
	require.Contains(t, want, `leadscore_score_warnings_total{code="out_of_range",model_version="v7"} 9`)
	assert.Equal(t, want, scrape(byCounters))
}
