package serve

import (
	"net/http"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// fakeReports lists report directories made by the test.
type fakeReports struct {
	list []ReportEntry
	last *RunStatus
}

func (f *fakeReports) Reports() ([]ReportEntry, error) { return f.list, nil }
func (f *fakeReports) LastRun() *RunStatus             { return f.last }

func TestReports(t *testing.T) {
	dir := t.TempDir()
	newer := filepath.Join(dir, "2026-11-22T2300Z")
	require.NoError(t, os.MkdirAll(newer, 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(newer, "report.html"), []byte("<!doctype html><title>backtest</title><p>41% captured"), 0o644))
	src := &fakeReports{
		list: []ReportEntry{
			{ID: "2026-11-22T2300Z", Kind: "backtest", CreatedAt: testNow, Summary: []string{"41% captured"}, Dir: newer},
			{ID: "2026-11-21T2300Z", Kind: "backtest", CreatedAt: testNow.Add(-24 * time.Hour), Dir: filepath.Join(dir, "gone")},
		},
		last: &RunStatus{Started: testNow, Finished: testNow, Error: "read leads.csv line 3: ragged row"},
	}
	_, env := newTestServer(t, testOptions{keys: true, reports: src})

	rec := env.do(t, http.MethodGet, "/reports", "")
	assert.Equal(t, http.StatusUnauthorized, rec.Code, "reports need a key when the server has keys")

	rec = env.do(t, http.MethodGet, "/reports", "", "Authorization", "Bearer "+scoreKey)
	require.Equal(t, http.StatusOK, rec.Code, rec.Body.String())
	require.NoError(t, env.oa.validateResponse(http.MethodGet, "/reports", rec.Code, rec.Header().Get("Content-Type"), rec.Body.Bytes()))
	assert.Contains(t, rec.Body.String(), `"url":"/reports/2026-11-22T2300Z"`)
	assert.Contains(t, rec.Body.String(), `"error":"read leads.csv line 3: ragged row"`, "a failed run is reported")
	assert.NotContains(t, rec.Body.String(), dir, "server paths are not shown")

	rec = env.do(t, http.MethodGet, "/reports/2026-11-22T2300Z", "", "Authorization", "Bearer "+scoreKey)
	require.Equal(t, http.StatusOK, rec.Code)
	assert.Equal(t, "text/html; charset=utf-8", rec.Header().Get("Content-Type"))
	assert.Contains(t, rec.Body.String(), "41% captured")

	for _, id := range []string{"2026-11-21T2300Z", "nope", "..%2F..%2Fetc"} {
		rec = env.do(t, http.MethodGet, "/reports/"+id, "", "Authorization", "Bearer "+scoreKey)
		assert.Equal(t, http.StatusNotFound, rec.Code, id)
		require.NoError(t, env.oa.validateResponse(http.MethodGet, "/reports/"+id, rec.Code, rec.Header().Get("Content-Type"), rec.Body.Bytes()))
	}
}

func TestReportsWithoutSource(t *testing.T) {
	_, env := newTestServer(t, testOptions{})
	rec := env.do(t, http.MethodGet, "/reports", "")
	require.Equal(t, http.StatusOK, rec.Code)
	assert.JSONEq(t, `{"reports":[]}`, rec.Body.String())
	assert.Equal(t, http.StatusNotFound, env.do(t, http.MethodGet, "/reports/x", "").Code)
}

// The dashboard's compare page shows the per-rule table of the newest
// compare report, suggested points included.
func TestDashboardRuleTableFromCompareReport(t *testing.T) {
	dir := t.TempDir()
	cmp := filepath.Join(dir, "cmp")
	require.NoError(t, os.MkdirAll(cmp, 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(cmp, "report.json"), []byte(`{"kind":"compare","leads":1999,"labelled":true,"rules":[
		{"rule":"c-level","group":"fit","points":15,"fires":1211,"fire_share":0.0605,"conversion_rate_fired":0.1486,"conversion_rate_not_fired":0.0858,"suggested_points":24,"fitted":true},
		{"rule":"student","points":null,"fires":3,"fire_share":0.0015,"conversion_rate_fired":null,"conversion_rate_not_fired":0.1,"suggested_points":null,"fitted":false,"disqualify":true}]}`), 0o644))
	src := &fakeReports{list: []ReportEntry{
		{ID: "cmp-1", Kind: "compare", CreatedAt: testNow, Dir: cmp},
		{ID: "bt-1", Kind: "backtest", CreatedAt: testNow.Add(time.Hour), Dir: filepath.Join(dir, "bt")},
	}}
	_, env := newTestServer(t, testOptions{reports: src})
	rec := env.do(t, http.MethodGet, "/ui/compare", "")
	require.Equal(t, http.StatusOK, rec.Code, rec.Body.String())
	page := rec.Body.String()
	assert.Contains(t, page, `id="rules-table"`)
	assert.Contains(t, page, "c-level")
	assert.Contains(t, page, ">24<", "suggested points shown")
	assert.Contains(t, page, "14.9%", "conversion rate when fired")
	assert.Contains(t, page, "student (disqualifies)")
	assert.Contains(t, page, "not fitted")
	assert.NotContains(t, page, "0xc0", "no pointer printed")

	_, env = newTestServer(t, testOptions{})
	rec = env.do(t, http.MethodGet, "/ui/compare", "")
	require.Equal(t, http.StatusOK, rec.Code)
	assert.Contains(t, rec.Body.String(), "No comparison report yet")
}
