package serve

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/leadscore/leadscore/models"
)

// testNow is the clock of test servers.
var testNow = time.Date(2024, 6, 1, 12, 0, 0, 0, time.UTC)

// Test API keys.
const (
	scoreKey = "score-key-0123456789abcdef"
	adminKey = "admin-key-0123456789abcdef"
)

type testOptions struct {
	keys          bool
	noBundles     bool
	poll          time.Duration
	maxBody       int64
	maxBatchBody  int64
	maxBatchLeads int
	maxEvents     int
	drain         time.Duration
	shutdown      time.Duration
	params        fakeParams
	reports       ReportSource
	webhooks      WebhookConfig
	monitor       MonitorConfig
	now           func() time.Time // nil: testNow
	store         string           // Config.StoreURL
	addr          string           // Config.Addr ("": 127.0.0.1:0)
}

type testEnv struct {
	dir  string
	logs *syncBuffer
	oa   *openAPI
	h    http.Handler
}

// syncBuffer collects log output from concurrent handlers.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func newTestServer(t testing.TB, o testOptions) (*Server, *testEnv) {
	t.Helper()
	env := &testEnv{dir: t.TempDir(), logs: &syncBuffer{}}
	if !o.noBundles {
		writeFakeBundle(t, env.dir, "v1", testNow.Add(-48*time.Hour), o.params)
	}
	cfg := Config{
		ModelsDir: env.dir, Addr: "127.0.0.1:0", PollInterval: o.poll,
		MaxBodyBytes: o.maxBody, MaxBatchBodyBytes: o.maxBatchBody, MaxBatchLeads: o.maxBatchLeads,
		MaxEventsPerLead: o.maxEvents,
		Logger:           slog.New(slog.NewJSONHandler(env.logs, &slog.HandlerOptions{Level: slog.LevelDebug})),
		Load:             loadFake, Now: func() time.Time { return testNow },
		Reports: o.reports, Drain: o.drain, ShutdownTimeout: o.shutdown, Webhooks: o.webhooks, Monitor: o.monitor, StoreURL: o.store,
	}
	if o.now != nil {
		cfg.Now = o.now
	}
	if o.addr != "" {
		cfg.Addr = o.addr
	}
	if o.drain == 0 {
		cfg.Drain = -1
	}
	if o.poll == 0 {
		cfg.PollInterval = -1
	}
	if o.keys {
		path := filepath.Join(t.TempDir(), "keys")
		require.NoError(t, os.WriteFile(path, []byte("# test keys\n\n"+scoreKey+" score\n"+adminKey+" admin\n"), 0o600))
		cfg.APIKeysFile = path
	}
	s, err := New(cfg)
	require.NoError(t, err)
	t.Cleanup(func() { s.Close() })
	env.oa = loadOpenAPI(t)
	env.h = s.Handler()
	return s, env
}

// do sends a request; headers alternate name, value.
func (env *testEnv) do(t testing.TB, method, path, body string, headers ...string) *httptest.ResponseRecorder {
	t.Helper()
	req := httptest.NewRequest(method, path, strings.NewReader(body))
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	rec := httptest.NewRecorder()
	env.h.ServeHTTP(rec, req)
	return rec
}

// check asserts the invariants of every response: a request id and, for
// documented routes, a body matching the OpenAPI document.
func (env *testEnv) check(t testing.TB, method, path string, rec *httptest.ResponseRecorder) {
	t.Helper()
	assert.NotEmpty(t, rec.Header().Get("X-Request-ID"), "X-Request-ID")
	p := path
	if i := strings.IndexByte(p, '?'); i >= 0 {
		p = p[:i]
	}
	if _, ok := env.oa.routeOf(p); !ok || rec.Code == http.StatusNotFound && p != "/v1/models/nope" || rec.Code == http.StatusMethodNotAllowed {
		assert.True(t, json.Valid(rec.Body.Bytes()), "body is JSON: %s", rec.Body)
		return
	}
	assert.NoError(t, env.oa.validateResponse(method, p, rec.Code, rec.Header().Get("Content-Type"), rec.Body.Bytes()), "body: %s", rec.Body)
}

type errorBody struct {
	Error struct {
		Code    string `json:"code"`
		Field   string `json:"field"`
		Message string `json:"message"`
	} `json:"error"`
}

func decodeError(t testing.TB, rec *httptest.ResponseRecorder) errorBody {
	t.Helper()
	var e errorBody
	require.NoError(t, json.Unmarshal(rec.Body.Bytes(), &e), "body: %s", rec.Body)
	return e
}

const goodLead = `{"lead_id": "L-1", "fields": {"TotalVisits": 7, "Do Not Email": "no", "Lead Source": "Google", "created_at": "2024-05-01"},
 "events": [{"type": "page_view", "timestamp": "2024-05-30T10:00:00Z", "page": "pricing"}, {"type": "email_open", "timestamp": "2024-05-20"}]}`

func TestScore(t *testing.T) {
	_, env := newTestServer(t, testOptions{})
	rec := env.do(t, "POST", "/v1/score", goodLead, "X-Request-ID", "req-123")
	require.Equal(t, http.StatusOK, rec.Code, rec.Body.String())
	env.check(t, "POST", "/v1/score", rec)
	assert.Equal(t, "req-123", rec.Header().Get("X-Request-ID"))
	var res models.Result
	require.NoError(t, json.Unmarshal(rec.Body.Bytes(), &res))
	assert.Equal(t, "L-1", res.LeadID)
	assert.Equal(t, "v1", res.Model.Version)
	require.NotNil(t, res.Explanation, "explain defaults to 5")
	assert.InDelta(t, 0.1*7+0.2*2, res.Explanation.Raw, 1e-12, "both events before as_of (now) count")
	assert.Nil(t, res.Probabilities)

	rec = env.do(t, "POST", "/v1/score?explain=0&all_models=1", goodLead)
	require.Equal(t, http.StatusOK, rec.Code, rec.Body.String())
	env.check(t, "POST", "/v1/score", rec)
	res = models.Result{}
	require.NoError(t, json.Unmarshal(rec.Body.Bytes(), &res))
	assert.Nil(t, res.Explanation)
	assert.Contains(t, res.Probabilities, "gbm")

	// as_of moves the cutoff: only the earlier event counts, and the
	// later one is not "far future" because it is within a day... it is
	// ten days later, so it must be refused.
	rec = env.do(t, "POST", "/v1/score?explain=all", strings.Replace(goodLead, `"lead_id": "L-1"`, `"lead_id": "L-1", "as_of": "2024-05-25T00:00:00Z"`, 1))
	require.Equal(t, http.StatusBadRequest, rec.Code, rec.Body.String())
	e := decodeError(t, rec)
	assert.Equal(t, CodeFutureTimestamp, e.Error.Code)
	assert.Equal(t, "events[0].timestamp", e.Error.Field)

	rec = env.do(t, "POST", "/v1/score?explain=all", strings.Replace(goodLead, `"lead_id": "L-1"`, `"lead_id": "L-1", "as_of": "2024-05-30T00:00:00Z"`, 1))
	require.Equal(t, http.StatusOK, rec.Code, rec.Body.String())
	res = models.Result{}
	require.NoError(t, json.Unmarshal(rec.Body.Bytes(), &res))
	sum := res.Explanation.BaseValue
	for _, c := range res.Explanation.Contributions {
		sum += c.Contribution
	}
	assert.InDelta(t, res.Explanation.Raw, sum, 1e-12, "explain=all: base_value + contributions = raw")
	assert.InDelta(t, 0.1*7+0.2*1, res.Explanation.Raw, 1e-12, "only the event before as_of counts")
}

func TestScoreValidation(t *testing.T) {
	_, env := newTestServer(t, testOptions{})
	lead := func(fields, events string) string {
		return `{"lead_id":"x","fields":{` + fields + `},"events":[` + events + `]}`
	}
	ok := `"TotalVisits": 3`
	tests := []struct {
		name, body    string
		code, field   string
		message       string
		status        int
		query         string
		warning       string
		wantVisitsRaw float64
	}{
		{name: "malformed", body: `{"lead_id": "x", `, status: 400, code: CodeMalformedJSON},
		{name: "not an object", body: `[1,2]`, status: 400, code: CodeMalformedJSON},
		{name: "trailing data", body: `{"fields":{"TotalVisits":1}} {}`, status: 400, code: CodeMalformedJSON},
		{name: "empty body", body: ``, status: 400, code: CodeMalformedJSON},
		{name: "number as text", body: lead(`"TotalVisits": "abc"`, ""), status: 400, code: CodeInvalidField, field: "fields.TotalVisits", message: `expected a number, got "abc"`},
		{name: "NaN string is a missing marker", body: lead(`"TotalVisits": "NaN"`, ""), status: 400, code: CodeMissingField, field: "fields.TotalVisits", message: "TotalVisits"},
		{name: "model's marker is missing", body: lead(`"TotalVisits": "Select"`, ""), status: 400, code: CodeMissingField, field: "fields.TotalVisits", message: "missing-value marker"},
		{name: "marker in an optional field", body: lead(ok+`, "Lead Source": " Select "`, ""), status: 200},
		{name: "Inf string", body: lead(`"TotalVisits": "-Inf"`, ""), status: 400, code: CodeInvalidField, field: "fields.TotalVisits"},
		{name: "overflow", body: lead(`"TotalVisits": 1e999`, ""), status: 400, code: CodeInvalidField, field: "fields.TotalVisits", message: "finite"},
		{name: "bare NaN", body: lead(`"TotalVisits": NaN`, ""), status: 400, code: CodeMalformedJSON},
		{name: "number as bool", body: lead(`"TotalVisits": true`, ""), status: 400, code: CodeInvalidField, field: "fields.TotalVisits"},
		{name: "number as object", body: lead(`"TotalVisits": {"a":1}`, ""), status: 400, code: CodeInvalidField, field: "fields.TotalVisits", message: "an object"},
		{name: "numeric string", body: lead(`"TotalVisits": " 12 "`, ""), status: 200, wantVisitsRaw: 1.2},
		{name: "bad boolean", body: lead(ok+`, "Do Not Email": "maybe"`, ""), status: 400, code: CodeInvalidField, field: "fields.Do Not Email", message: "boolean"},
		{name: "boolean spellings", body: lead(ok+`, "Do Not Email": 1`, ""), status: 200},
		{name: "category from number", body: lead(ok+`, "Lead Source": 42`, ""), status: 200},
		{name: "category from object", body: lead(ok+`, "Lead Source": []`, ""), status: 400, code: CodeInvalidField, field: "fields.Lead Source"},
		{name: "bad timestamp", body: lead(ok+`, "last_contact": "yesterday"`, ""), status: 400, code: CodeInvalidField, field: "fields.last_contact", message: "RFC 3339"},
		{name: "timestamp as number", body: lead(ok+`, "last_contact": 1700000000`, ""), status: 400, code: CodeInvalidField, field: "fields.last_contact"},
		{name: "future field timestamp", body: lead(ok+`, "last_contact": "2030-01-01"`, ""), status: 400, code: CodeFutureTimestamp, field: "fields.last_contact"},
		{name: "created in the future", body: lead(ok+`, "created_at": "2030-01-01"`, ""), status: 400, code: CodeFutureTimestamp, field: "fields.created_at"},
		{name: "missing required", body: lead(`"Lead Source": "Google"`, ""), status: 400, code: CodeMissingField, field: "fields.TotalVisits"},
		{name: "required null", body: lead(`"TotalVisits": null`, ""), status: 400, code: CodeMissingField, field: "fields.TotalVisits"},
		{name: "unknown field warns", body: lead(ok+`, "Shoe Size": 44`, ""), status: 200, warning: `unknown field "Shoe Size"`},
		{name: "unknown key", body: `{"lead_id":"x","feilds":{}}`, status: 400, code: CodeUnknownKey, field: "feilds"},
		{name: "fields not an object", body: `{"fields": [1]}`, status: 400, code: CodeInvalidField, field: "fields"},
		{name: "events not an array", body: `{"fields": {"TotalVisits": 1}, "events": {}}`, status: 400, code: CodeInvalidField, field: "events"},
		{name: "lead id object", body: `{"lead_id": {}, "fields": {"TotalVisits": 1}}`, status: 400, code: CodeInvalidField, field: "lead_id"},
		{name: "bad as_of", body: `{"as_of": "soon", "fields": {"TotalVisits": 1}}`, status: 400, code: CodeInvalidField, field: "as_of"},
		{name: "unknown event type", body: lead(ok, `{"type": "webinar", "timestamp": "2024-05-01"}`), status: 400, code: CodeUnknownEventType, field: "events[0].type", message: "page_view"},
		{name: "event without type", body: lead(ok, `{"timestamp": "2024-05-01"}`), status: 400, code: CodeMissingField, field: "events[0].type"},
		{name: "event without timestamp", body: lead(ok, `{"type": "page_view"}`), status: 400, code: CodeMissingField, field: "events[0].timestamp"},
		{name: "event bad timestamp", body: lead(ok, `{"type": "page_view", "timestamp": "2024-13-01"}`), status: 400, code: CodeInvalidField, field: "events[0].timestamp"},
		{name: "event far future", body: lead(ok, `{"type": "page_view", "timestamp": "2024-06-02T12:00:01Z"}`), status: 400, code: CodeFutureTimestamp, field: "events[0].timestamp"},
		{name: "event within a day", body: lead(ok, `{"type": "page_view", "timestamp": "2024-06-02T11:59:59Z"}`), status: 200},
		{name: "event attribute object", body: lead(ok, `{"type": "page_view", "timestamp": "2024-05-01", "page": {"x": 1}}`), status: 400, code: CodeInvalidField, field: "events[0].page"},
		{name: "event null", body: lead(ok, `null`), status: 400, code: CodeInvalidField, field: "events[0]"},
		{name: "duplicate top-level key", body: `{"lead_id":"x","fields":{"TotalVisits":1},"fields":{"TotalVisits":9}}`, status: 400, code: CodeDuplicateKey, field: "fields"},
		{name: "duplicate field", body: lead(`"TotalVisits": 1, "TotalVisits": 9`, ""), status: 400, code: CodeDuplicateKey, field: "fields.TotalVisits"},
		{name: "duplicate field escaped", body: lead(`"TotalVisits": 1, "Total\u0056isits": 9`, ""), status: 400, code: CodeDuplicateKey, field: "fields.TotalVisits"},
		{name: "duplicate unknown object field", body: lead(ok+`, "x": {}, "x": []`, ""), status: 400, code: CodeDuplicateKey, field: "fields.x"},
		{name: "duplicate created", body: lead(ok+`, "created_at": "2024-05-01", "created_at": "2024-05-02"`, ""), status: 400, code: CodeDuplicateKey, field: "fields.created_at"},
		{name: "duplicate event type", body: lead(ok, `{"type": "page_view", "type": "email_open", "timestamp": "2024-05-01"}`), status: 400, code: CodeDuplicateKey, field: "events[0].type"},
		{name: "duplicate event attribute", body: lead(ok, `{"type": "page_view", "timestamp": "2024-05-01", "page": "a", "page": "b"}`), status: 400, code: CodeDuplicateKey, field: "events[0].page"},
		{name: "duplicate null event attribute", body: lead(ok, `{"type": "page_view", "timestamp": "2024-05-01", "page": null, "page": "b"}`), status: 400, code: CodeDuplicateKey, field: "events[0].page"},
		{name: "null event attribute", body: lead(ok, `{"type": "page_view", "timestamp": "2024-05-01", "page": null}`), status: 200},
		{name: "go underscore number", body: lead(`"TotalVisits": "1_000"`, ""), status: 400, code: CodeInvalidField, field: "fields.TotalVisits"},
		{name: "hex float", body: lead(`"TotalVisits": "0x1p10"`, ""), status: 400, code: CodeInvalidField, field: "fields.TotalVisits"},
		{name: "infinity word", body: lead(`"TotalVisits": "infinity"`, ""), status: 400, code: CodeInvalidField, field: "fields.TotalVisits"},
		{name: "decimal exponent string", body: lead(`"TotalVisits": "1.5e1"`, ""), status: 200, wantVisitsRaw: 1.5},
		{name: "year zero", body: lead(ok+`, "last_contact": "0000-01-01"`, ""), status: 400, code: CodeInvalidField, field: "fields.last_contact", message: "1970"},
		{name: "event before 1970", body: lead(ok, `{"type": "page_view", "timestamp": "1969-12-31T23:59:59Z"}`), status: 400, code: CodeInvalidField, field: "events[0].timestamp", message: "1970"},
		{name: "as_of before 1970", body: `{"as_of": "1900-01-01", "fields": {"TotalVisits": 1}}`, status: 400, code: CodeInvalidField, field: "as_of"},
		{name: "as_of far future", body: `{"as_of": "2024-06-02T12:00:01Z", "fields": {"TotalVisits": 1}}`, status: 400, code: CodeFutureTimestamp, field: "as_of"},
		{name: "bad explain", body: lead(ok, ""), query: "?explain=lots", status: 400, code: CodeInvalidParameter, field: "explain"},
		{name: "bad all_models", body: lead(ok, ""), query: "?all_models=perhaps", status: 400, code: CodeInvalidParameter, field: "all_models"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rec := env.do(t, "POST", "/v1/score"+tc.query, tc.body, "Content-Type", "application/json")
			require.Equal(t, tc.status, rec.Code, rec.Body.String())
			env.check(t, "POST", "/v1/score", rec)
			if tc.status != 200 {
				e := decodeError(t, rec)
				assert.Equal(t, tc.code, e.Error.Code)
				assert.Equal(t, tc.field, e.Error.Field)
				assert.Contains(t, e.Error.Message, tc.message)
				return
			}
			var res models.Result
			require.NoError(t, json.Unmarshal(rec.Body.Bytes(), &res))
			if tc.warning != "" {
				require.Len(t, res.Warnings, 1)
				assert.Contains(t, res.Warnings[0].Message, tc.warning)
			}
			if tc.wantVisitsRaw != 0 {
				assert.InDelta(t, tc.wantVisitsRaw, res.Explanation.Raw, 1e-12)
			}
		})
	}
}

func TestMediaTypeAndLimits(t *testing.T) {
	_, env := newTestServer(t, testOptions{maxBody: 512, maxBatchBody: 4096, maxBatchLeads: 3})
	big := `{"fields": {"TotalVisits": 1, "Notes": "` + strings.Repeat("x", 600) + `"}}`
	tests := []struct {
		name, method, path, body, ctype string
		status                          int
		code                            string
	}{
		{"no content type", "POST", "/v1/score", `{}`, "", 415, CodeUnsupportedMedia},
		{"form", "POST", "/v1/score", `a=b`, "application/x-www-form-urlencoded", 415, CodeUnsupportedMedia},
		{"ndjson single", "POST", "/v1/score", `{}`, "application/x-ndjson", 415, CodeUnsupportedMedia},
		{"json with charset", "POST", "/v1/score", `{"fields": {"TotalVisits": 1}}`, "application/json; charset=utf-8", 200, ""},
		{"batch text", "POST", "/v1/score/batch", `[]`, "text/plain", 415, CodeUnsupportedMedia},
		{"too large", "POST", "/v1/score", big, "application/json", 413, CodeBodyTooLarge},
		{"batch too large", "POST", "/v1/score/batch", "[" + strings.Repeat(`{"fields":{"TotalVisits":1}},`, 200) + "{}]", "application/json", 413, CodeBodyTooLarge},
		{"batch too many", "POST", "/v1/score/batch", `[{},{},{},{}]`, "application/json", 413, CodeBatchTooLarge},
		{"batch too many lines", "POST", "/v1/score/batch", "{}\n{}\n\n{}\n{}\n", "application/x-ndjson", 413, CodeBatchTooLarge},
		{"batch at the limit", "POST", "/v1/score/batch", `[{},{},{}]`, "application/json", 200, ""},
		{"unknown route", "GET", "/v2/nothing", "", "", 404, CodeNotFound},
		{"trailing slash", "POST", "/v1/score/", `{}`, "application/json", 404, CodeNotFound},
		{"wrong method", "GET", "/v1/score", "", "", 405, CodeMethodNotAllowed},
		{"wrong method models", "DELETE", "/v1/models", "", "", 405, CodeMethodNotAllowed},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			req := httptest.NewRequest(tc.method, tc.path, strings.NewReader(tc.body))
			if tc.ctype != "" {
				req.Header.Set("Content-Type", tc.ctype)
			}
			rec := httptest.NewRecorder()
			env.h.ServeHTTP(rec, req)
			require.Equal(t, tc.status, rec.Code, rec.Body.String())
			env.check(t, tc.method, tc.path, rec)
			assert.Contains(t, rec.Header().Get("Content-Type"), "json")
			if tc.code != "" {
				assert.Equal(t, tc.code, decodeError(t, rec).Error.Code)
			}
			if tc.status == http.StatusMethodNotAllowed {
				assert.NotEmpty(t, rec.Header().Get("Allow"), "405 names the allowed methods")
			}
		})
	}
	// A body with no Content-Length is cut at the limit too.
	req := httptest.NewRequest("POST", "/v1/score", io.MultiReader(strings.NewReader(big)))
	req.ContentLength = -1
	req.Header.Set("Content-Type", "application/json")
	rec := httptest.NewRecorder()
	env.h.ServeHTTP(rec, req)
	assert.Equal(t, http.StatusRequestEntityTooLarge, rec.Code)
}

func TestBatch(t *testing.T) {
	_, env := newTestServer(t, testOptions{})
	var b strings.Builder
	b.WriteString("[")
	const n = 1000
	for i := range n {
		if i > 0 {
			b.WriteString(",\n")
		}
		switch {
		case i%97 == 5:
			fmt.Fprintf(&b, `{"lead_id":"L%d","fields":{"TotalVisits":"many"}}`, i)
		case i%101 == 7:
			b.WriteString(`{"lead_id": 1,}`) // malformed element, well-formed array
		default:
			fmt.Fprintf(&b, `{"lead_id":"L%d","fields":{"TotalVisits":%d, "Notes": "a, [b] \"c\" {"}}`, i, i%20)
		}
	}
	b.WriteString("]")
	for _, ndjson := range []bool{false, true} {
		body, ctype := b.String(), "application/json"
		if ndjson {
			var items []json.RawMessage
			require.NoError(t, json.Unmarshal([]byte(strings.ReplaceAll(body, `{"lead_id": 1,}`, `{"lead_id": {}}`)), &items))
			var lines []string
			for _, it := range items {
				lines = append(lines, string(it))
			}
			body, ctype = strings.Join(lines, "\n")+"\n", "application/x-ndjson"
		}
		rec := env.do(t, "POST", "/v1/score/batch?explain=2", body, "Content-Type", ctype)
		require.Equal(t, http.StatusOK, rec.Code, rec.Body.String())
		env.check(t, "POST", "/v1/score/batch", rec)
		assert.Equal(t, ctype, mediaType(rec.Header().Get("Content-Type")))
		var out []map[string]json.RawMessage
		if ndjson {
			for _, line := range strings.Split(strings.TrimSpace(rec.Body.String()), "\n") {
				var m map[string]json.RawMessage
				require.NoError(t, json.Unmarshal([]byte(line), &m))
				out = append(out, m)
			}
		} else {
			require.NoError(t, json.Unmarshal(rec.Body.Bytes(), &out))
		}
		require.Len(t, out, n)
		for i, m := range out {
			switch {
			case i%97 == 5:
				assert.JSONEq(t, fmt.Sprintf(`{"index":%d,"error":{"code":"invalid_field","field":"fields.TotalVisits","message":"expected a number, got \"many\""}}`, i), mustJSON(t, m))
			case i%101 == 7:
				assert.Contains(t, m, "error", "item %d", i)
			default:
				assert.Equal(t, fmt.Sprintf(`"L%d"`, i), string(m["lead_id"]), "item %d keeps its place", i)
			}
		}
	}
	for _, tc := range []struct{ body, code string }{
		{`{"lead_id": 1}`, CodeMalformedJSON},
		{`[{"a": 1}`, CodeMalformedJSON},
		{`[{"a": 1},]`, CodeMalformedJSON},
		{`[1 2] x`, CodeMalformedJSON},
		{`[{"a": "]"}}]`, CodeMalformedJSON},
	} {
		rec := env.do(t, "POST", "/v1/score/batch", tc.body)
		require.Equal(t, http.StatusBadRequest, rec.Code, tc.body)
		assert.Equal(t, tc.code, decodeError(t, rec).Error.Code, tc.body)
		env.check(t, "POST", "/v1/score/batch", rec)
	}
	rec := env.do(t, "POST", "/v1/score/batch", " [ ] ")
	require.Equal(t, http.StatusOK, rec.Code)
	assert.JSONEq(t, `[]`, rec.Body.String())
	rec = env.do(t, "POST", "/v1/score/batch", "\n\n", "Content-Type", "application/x-ndjson")
	require.Equal(t, http.StatusOK, rec.Code)
	assert.Empty(t, strings.TrimSpace(rec.Body.String()))
}

func mustJSON(t testing.TB, v any) string {
	b, err := json.Marshal(v)
	require.NoError(t, err)
	return string(b)
}

func TestAuth(t *testing.T) {
	_, env := newTestServer(t, testOptions{keys: true})
	bearer := func(k string) []string { return []string{"Authorization", "Bearer " + k} }
	tests := []struct {
		name, method, path, body string
		headers                  []string
		status                   int
	}{
		{"no key", "POST", "/v1/score", goodLead, nil, 401},
		{"not bearer", "POST", "/v1/score", goodLead, []string{"Authorization", "Basic " + scoreKey}, 401},
		{"wrong key", "POST", "/v1/score", goodLead, bearer("nope-nope-nope-nope-nope"), 401},
		{"key prefix", "POST", "/v1/score", goodLead, bearer(scoreKey[:10]), 401},
		{"score key", "POST", "/v1/score", goodLead, bearer(scoreKey), 200},
		{"lower-case scheme", "POST", "/v1/score", goodLead, []string{"Authorization", "bearer " + scoreKey}, 200},
		{"admin key scores", "POST", "/v1/score", goodLead, bearer(adminKey), 200},
		{"batch no key", "POST", "/v1/score/batch", "[]", nil, 401},
		{"models no key", "GET", "/v1/models", "", nil, 401},
		{"models score key", "GET", "/v1/models", "", bearer(scoreKey), 200},
		{"model score key", "GET", "/v1/models/v1", "", bearer(scoreKey), 200},
		{"promote score key", "POST", "/v1/models/v1/promote", "", bearer(scoreKey), 403},
		{"promote no key", "POST", "/v1/models/v1/promote", "", nil, 401},
		{"promote admin key", "POST", "/v1/models/v1/promote", "", bearer(adminKey), 200},
		{"reload score key", "POST", "/v1/admin/reload", "", bearer(scoreKey), 403},
		{"reload admin key", "POST", "/v1/admin/reload", "", bearer(adminKey), 200},
		{"healthz open", "GET", "/healthz", "", nil, 200},
		{"readyz open", "GET", "/readyz", "", nil, 200},
		{"metrics open", "GET", "/metrics", "", nil, 200},
		{"openapi open", "GET", "/openapi.json", "", nil, 200},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rec := env.do(t, tc.method, tc.path, tc.body, tc.headers...)
			require.Equal(t, tc.status, rec.Code, rec.Body.String())
			env.check(t, tc.method, tc.path, rec)
			switch tc.status {
			case 401:
				assert.Equal(t, CodeUnauthorized, decodeError(t, rec).Error.Code)
				assert.Contains(t, rec.Header().Get("WWW-Authenticate"), "Bearer")
			case 403:
				assert.Equal(t, CodeForbidden, decodeError(t, rec).Error.Code)
			}
		})
	}
}

func TestParseKeys(t *testing.T) {
	good := "# keys\n\n  " + scoreKey + "   score  \n" + adminKey + "\tadmin\n"
	kr, err := parseKeys([]byte(good), "keys")
	require.NoError(t, err)
	assert.Equal(t, scopeScore, kr.scopeOf(scoreKey))
	assert.Equal(t, scopeAdmin, kr.scopeOf(adminKey))
	assert.Equal(t, scopeNone, kr.scopeOf(""))
	assert.Equal(t, scopeNone, kr.scopeOf(scoreKey+"x"))
	for _, tc := range []struct{ data, want string }{
		{"# c\n" + scoreKey + " superuser\n", "line 2: scope \"superuser\""},
		{scoreKey + "\n", "line 1: expected \"KEY SCOPE\""},
		{"\n\n" + scoreKey + " score extra\n", "line 3"},
		{"short score\n", "line 1: key is 5 characters"},
		{scoreKey + " score\n" + scoreKey + " admin\n", "line 2: the key is listed twice"},
		{"# nothing\n", "holds no keys"},
	} {
		_, err := parseKeys([]byte(tc.data), "keys")
		require.Error(t, err, tc.data)
		assert.Contains(t, err.Error(), tc.want)
	}
	_, err = New(Config{ModelsDir: t.TempDir(), APIKeysFile: filepath.Join(t.TempDir(), "missing"), Load: loadFake})
	require.Error(t, err)
}

func TestLoopbackOnlyWithoutKeys(t *testing.T) {
	for addr, ok := range map[string]bool{"127.0.0.1:8080": true, "localhost:80": true, "[::1]:9": true, ":8080": false, "0.0.0.0:8080": false, "10.1.2.3:80": false, "example.com:80": false} {
		assert.Equal(t, ok, isLoopback(addr), addr)
	}
	err := Run(t.Context(), Config{ModelsDir: t.TempDir(), Addr: "0.0.0.0:0", Load: loadFake}, nil)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "without --api-keys")
}

func TestRun(t *testing.T) {
	dir := t.TempDir()
	writeFakeBundle(t, dir, "v1", testNow, fakeParams{})
	logs := &syncBuffer{}
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan error, 1)
	go func() {
		done <- Run(ctx, Config{ModelsDir: dir, Addr: "127.0.0.1:0", Load: loadFake, PollInterval: 10 * time.Millisecond, Drain: -1},
			slog.New(slog.NewJSONHandler(logs, nil)))
	}()
	require.Eventually(t, func() bool { return strings.Contains(logs.String(), "serving the leadscore API") }, 5*time.Second, 5*time.Millisecond)
	assert.Contains(t, logs.String(), "authentication is off")
	cancel()
	require.NoError(t, <-done)
	assert.Contains(t, logs.String(), `"msg":"stopped"`)
}
