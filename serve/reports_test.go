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
