package serve

import (
	"bufio"
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestMetrics(t *testing.T) {
	_, env := newTestServer(t, testOptions{})
	for range 3 {
		require.Equal(t, http.StatusOK, env.do(t, "POST", "/v1/score", goodLead).Code)
	}
	require.Equal(t, http.StatusOK, env.do(t, "POST", "/v1/score/batch", "["+goodLead+","+goodLead+"]").Code)
	require.Equal(t, http.StatusBadRequest, env.do(t, "POST", "/v1/score", `{`).Code)
	require.Equal(t, http.StatusNotFound, env.do(t, "GET", "/nope", "").Code)
	rec := env.do(t, "GET", "/metrics", "")
	require.Equal(t, http.StatusOK, rec.Code)
	env.check(t, "GET", "/metrics", rec)
	body := rec.Body.String()
	for _, want := range []string{
		`leadscore_http_requests_total{code="200",method="POST",route="/v1/score"} 3`,
		`leadscore_http_requests_total{code="400",method="POST",route="/v1/score"} 1`,
		`leadscore_http_errors_total{code="400",route="/v1/score"} 1`,
		`leadscore_http_errors_total{code="404",route="unmatched"} 1`,
		`leadscore_http_request_duration_seconds_count{method="POST",route="/v1/score"} 4`,
		`leadscore_leads_scored_total{model_version="v1"} 5`,
		`leadscore_scores_total{model_version="v1",tier="hot"} 5`,
		`leadscore_model_info{model_version="v1",name="fake-v1"} 1`,
		`leadscore_model_loads_total{result="loaded"} 1`,
		`leadscore_batch_leads_count 1`,
		`go_goroutines`,
	} {
		assert.True(t, strings.Contains(body, want), "metrics lack %s", want)
	}
	// Two servers do not share metrics: no global registry.
	_, other := newTestServer(t, testOptions{})
	rec = other.do(t, "GET", "/metrics", "")
	assert.NotContains(t, rec.Body.String(), `route="/v1/score"`)
}

// TestLogsHoldNoLeadValues: access and error logs carry the route, code,
// latency, lead count and request id, never a field value.
func TestLogsHoldNoLeadValues(t *testing.T) {
	_, env := newTestServer(t, testOptions{})
	const secret = "Secret-Value-8675309"
	good := `{"lead_id": "L-9", "fields": {"TotalVisits": 3, "Notes": "` + secret + `", "Lead Source": "` + secret + `", "Unknown Thing": "` + secret + `"}, "events": [{"type": "page_view", "timestamp": "2024-05-01", "page": "` + secret + `"}]}`
	bad := `{"fields": {"TotalVisits": "` + secret + `"}}`
	badEvent := `{"fields": {"TotalVisits": 1}, "events": [{"type": "` + secret + `", "timestamp": "2024-05-01"}]}`
	rec := env.do(t, "POST", "/v1/score", good, "X-Request-ID", "trace-1")
	require.Equal(t, http.StatusOK, rec.Code)
	rec = env.do(t, "POST", "/v1/score", bad)
	require.Equal(t, http.StatusBadRequest, rec.Code)
	assert.Contains(t, rec.Body.String(), secret, "the client sees its own value in the error")
	require.Equal(t, http.StatusBadRequest, env.do(t, "POST", "/v1/score", badEvent).Code)
	require.Equal(t, http.StatusOK, env.do(t, "POST", "/v1/score/batch", "["+good+","+bad+"]").Code)
	logs := env.logs.String()
	assert.NotContains(t, logs, secret)
	var lines []map[string]any
	sc := bufio.NewScanner(strings.NewReader(logs))
	for sc.Scan() {
		var m map[string]any
		require.NoError(t, json.Unmarshal(sc.Bytes(), &m))
		if m["msg"] == "request" {
			lines = append(lines, m)
		}
	}
	require.Len(t, lines, 4)
	assert.Equal(t, "trace-1", lines[0]["request_id"])
	assert.Equal(t, "/v1/score", lines[0]["route"])
	assert.EqualValues(t, 200, lines[0]["code"])
	assert.EqualValues(t, 1, lines[0]["leads"])
	assert.Contains(t, lines[0], "latency")
	assert.Equal(t, CodeInvalidField, lines[1]["error_code"])
	assert.EqualValues(t, 2, lines[3]["leads"])
}

func TestPanicRecovered(t *testing.T) {
	_, env := newTestServer(t, testOptions{})
	rec := env.do(t, "POST", "/v1/score", `{"lead_id": "panic", "fields": {"TotalVisits": 1}}`)
	require.Equal(t, http.StatusInternalServerError, rec.Code)
	e := decodeError(t, rec)
	assert.Equal(t, CodeInternal, e.Error.Code)
	id := rec.Header().Get("X-Request-ID")
	require.NotEmpty(t, id)
	assert.Contains(t, e.Error.Message, id)
	assert.NotContains(t, e.Error.Message, "planted", "no details leak to the client")
	logs := env.logs.String()
	assert.Contains(t, logs, "panic while handling a request")
	assert.Contains(t, logs, `"request_id":"`+id+`"`)
	// The server keeps serving.
	require.Equal(t, http.StatusOK, env.do(t, "POST", "/v1/score", goodLead).Code)

	// In a batch, the panicking lead gets its own 500 error object and the
	// others their scores: worker goroutines recover too.
	var b strings.Builder
	b.WriteString("[")
	for i := range 200 {
		if i > 0 {
			b.WriteString(",")
		}
		if i == 77 {
			b.WriteString(`{"lead_id": "panic", "fields": {"TotalVisits": 1}}`)
		} else {
			b.WriteString(goodLead)
		}
	}
	b.WriteString("]")
	rec = env.do(t, "POST", "/v1/score/batch", b.String())
	require.Equal(t, http.StatusOK, rec.Code)
	env.check(t, "POST", "/v1/score/batch", rec)
	var items []map[string]json.RawMessage
	require.NoError(t, json.Unmarshal(rec.Body.Bytes(), &items))
	require.Len(t, items, 200)
	for i, it := range items {
		if i == 77 {
			assert.Contains(t, string(it["error"]), `"code":"internal"`)
			assert.Equal(t, "77", string(it["index"]))
		} else {
			assert.Equal(t, `"L-1"`, string(it["lead_id"]), "item %d", i)
		}
	}
	assert.Contains(t, env.logs.String(), "panic while scoring a batch lead")
}

func TestRequestID(t *testing.T) {
	_, env := newTestServer(t, testOptions{})
	seen := map[string]bool{}
	for _, path := range []string{"/healthz", "/readyz", "/nope", "/v1/models", "/openapi.json", "/metrics"} {
		rec := env.do(t, "GET", path, "")
		id := rec.Header().Get("X-Request-ID")
		require.NotEmpty(t, id, path)
		assert.False(t, seen[id], "ids are unique")
		seen[id] = true
	}
	rec := env.do(t, "GET", "/healthz", "", "X-Request-ID", "bad id\nwith newline")
	assert.NotContains(t, rec.Header().Get("X-Request-ID"), " ", "an unsafe client id is replaced")
	rec = env.do(t, "GET", "/healthz", "", "X-Request-ID", strings.Repeat("a", 200))
	assert.NotEqual(t, strings.Repeat("a", 200), rec.Header().Get("X-Request-ID"), "an over-long client id is replaced")
}
