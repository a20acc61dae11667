package dashboard

import (
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/leadscore/leadscore/models"
	"github.com/leadscore/leadscore/models/rules"
	"github.com/leadscore/leadscore/serve"
)

func post(t testing.TB, c *http.Client, u string, form url.Values) (int, string) {
	t.Helper()
	resp, err := c.PostForm(u, form)
	require.NoError(t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return resp.StatusCode, string(b)
}

// TestDashboardPages walks the pages that show what the server has: the
// overview, the reports (inside the layout), the stylesheet, and the
// errors of unknown pages, which stay HTML under /ui and JSON elsewhere.
func TestDashboardPages(t *testing.T) {
	f := realFixture(t)
	e := newEnv(t, f, envOptions{})
	c := client(t)

	code, page := get(t, c, e.srv.URL+"/")
	require.Equal(t, http.StatusOK, code, page)
	assert.Equal(t, "real-v1", textOf(t, page, "model-version"))
	for _, m := range []string{"rules", "logistic", "gbm"} {
		assert.Contains(t, page, `<th class="num">`+m+`</th>`, "held-out metrics of %s", m)
	}
	assert.Contains(t, page, `aria-label="score distribution"`)
	assert.Contains(t, page, `<g class="y-axis"><title>% of leads</title>`, "the histogram has a y-axis")
	assert.Contains(t, page, "Shares of the training population", "quantile shares, not counts that do not add up to the training leads")
	assert.Contains(t, page, "gbm captured 41% of conversions", "the latest report's headline")
	assert.Contains(t, page, "No batch scored yet")

	code, page = get(t, c, e.srv.URL+"/ui/reports")
	require.Equal(t, http.StatusOK, code)
	assert.Less(t, strings.Index(page, "2025-06-01T0000Z"), strings.Index(page, "2025-05-01T0000Z"), "newest first")

	code, page = get(t, c, e.srv.URL+"/ui/reports/2025-06-01T0000Z")
	require.Equal(t, http.StatusOK, code)
	assert.Contains(t, page, `<a href="/ui/reports" aria-current="page">Reports</a>`, "the report keeps the dashboard's navigation")
	assert.Contains(t, page, `<iframe class="report" id="report" src="/ui/reports/2025-06-01T0000Z/html"`)
	assert.Contains(t, page, "gbm captured 41% of conversions in its top 20%", "the summary")
	resp, err := c.Get(e.srv.URL + "/ui/reports/2025-06-01T0000Z/html")
	require.NoError(t, err)
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Contains(t, string(body), "<h1>Backtest report</h1>")
	assert.Equal(t, serve.ReportCSP+"; frame-ancestors 'self'", resp.Header.Get("Content-Security-Policy"), "framed by the dashboard only")
	for _, u := range []string{"/ui/reports/2025-05-01T0000Z", "/ui/reports/nope", "/ui/reports/2025-05-01T0000Z/html", "/ui/reports/nope/html"} {
		code, page = get(t, c, e.srv.URL+u)
		if u == "/ui/reports/2025-05-01T0000Z" {
			assert.Equal(t, http.StatusOK, code, "listed, its HTML gone: the page says so in its frame")
			continue
		}
		assert.Equal(t, http.StatusNotFound, code, u)
		assert.Contains(t, page, "No such report", u)
	}

	code, page = get(t, c, e.srv.URL+"/ui/style.css")
	assert.Equal(t, http.StatusOK, code)
	assert.Contains(t, page, "@media")

	tests := []struct {
		method, path string
		code         int
		want         string
	}{
		{http.MethodGet, "/ui/nope", http.StatusNotFound, "There is no dashboard page at /ui/nope"},
		{http.MethodGet, "/ui", http.StatusNotFound, "There is no dashboard page at /ui"},
		{http.MethodGet, "/ui/upload", http.StatusMethodNotAllowed, "GET is not allowed on /ui/upload"},
		{http.MethodDelete, "/ui/score", http.StatusMethodNotAllowed, "DELETE is not allowed on /ui/score"},
		{http.MethodGet, "/nope", http.StatusNotFound, `"code":"not_found"`},
		{http.MethodGet, "/v1/score", http.StatusMethodNotAllowed, `"code":"method_not_allowed"`},
	}
	for _, tt := range tests {
		req, err := http.NewRequest(tt.method, e.srv.URL+tt.path, nil)
		require.NoError(t, err)
		resp, err := c.Do(req)
		require.NoError(t, err)
		body, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		require.NoError(t, err)
		assert.Equal(t, tt.code, resp.StatusCode, "%s %s", tt.method, tt.path)
		assert.Contains(t, string(body), tt.want, "%s %s", tt.method, tt.path)
		if strings.HasPrefix(tt.path, "/ui") {
			assert.Equal(t, "text/html; charset=utf-8", resp.Header.Get("Content-Type"), "%s %s", tt.method, tt.path)
		}
	}

	// The API's metrics label pages by their route template.
	get(t, c, e.srv.URL+"/ui/leads/L42")
	get(t, c, e.srv.URL+"/ui/leads/L43")
	_, metrics := get(t, c, e.srv.URL+"/metrics")
	assert.Contains(t, metrics, `leadscore_http_requests_total{code="404",method="GET",route="/ui/leads/:id"} 2`)
	assert.Contains(t, metrics, `leadscore_http_requests_total{code="200",method="GET",route="/ui/style.css"} 1`)
	assert.Contains(t, metrics, `leadscore_http_requests_total{code="200",method="GET",route="/"} 1`)
}

// TestDashboardLogin: with API keys the dashboard asks for one, keeps it in
// an HttpOnly SameSite=Strict cookie and forgets it on logout; every POST
// needs the session's CSRF token.
func TestDashboardLogin(t *testing.T) {
	f := realFixture(t)
	e := newEnv(t, f, envOptions{keys: true})
	c := client(t)

	resp, err := c.Get(e.srv.URL + "/")
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusSeeOther, resp.StatusCode)
	assert.Equal(t, "/ui/login", resp.Header.Get("Location"))
	code, _ := post(t, c, e.srv.URL+"/ui/score", url.Values{})
	assert.Equal(t, http.StatusUnauthorized, code, "a POST without a key is refused")

	code, page := get(t, c, e.srv.URL+"/ui/login")
	require.Equal(t, http.StatusOK, code)
	csrf := csrfOf(t, page)

	code, page = post(t, c, e.srv.URL+"/ui/login", url.Values{"csrf": {csrf}, "key": {"not-a-key-0123456789"}})
	assert.Equal(t, http.StatusUnauthorized, code)
	assert.Equal(t, "That API key is not valid.", textOf(t, page, "login-error"))
	code, _ = post(t, c, e.srv.URL+"/ui/login", url.Values{"key": {scoreKey}})
	assert.Equal(t, http.StatusForbidden, code, "login needs the CSRF token too")
	code, _ = post(t, c, e.srv.URL+"/ui/login", url.Values{"key": {scoreKey}, "csrf": {strings.Repeat("0", 64)}})
	assert.Equal(t, http.StatusForbidden, code, "and the session's, not another")

	resp, err = c.PostForm(e.srv.URL+"/ui/login", url.Values{"csrf": {csrf}, "key": {scoreKey}})
	require.NoError(t, err)
	resp.Body.Close()
	require.Equal(t, http.StatusSeeOther, resp.StatusCode)
	var key *http.Cookie
	for _, ck := range resp.Cookies() {
		if ck.Name == keyCookie {
			key = ck
		}
	}
	require.NotNil(t, key)
	assert.True(t, key.HttpOnly)
	assert.Equal(t, http.SameSiteStrictMode, key.SameSite)

	code, page = get(t, c, e.srv.URL+"/")
	require.Equal(t, http.StatusOK, code)
	assert.Equal(t, "real-v1", textOf(t, page, "model-version"))
	fresh := csrfOf(t, page)
	assert.NotEqual(t, csrf, fresh, "logging in starts a new CSRF session")
	code, page = get(t, c, e.srv.URL+"/ui/reports/2025-06-01T0000Z/html")
	assert.Equal(t, http.StatusOK, code, "reports open with the cookie")
	assert.Contains(t, page, "Backtest report")

	// The API still wants a bearer key; the cookie is not one.
	resp, err = c.Get(e.srv.URL + "/v1/models")
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusUnauthorized, resp.StatusCode)

	code, _ = post(t, c, e.srv.URL+"/ui/logout", url.Values{"csrf": {fresh}})
	require.Equal(t, http.StatusSeeOther, code)
	resp, err = c.Get(e.srv.URL + "/ui/score")
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusSeeOther, resp.StatusCode, "logged out")
}

// TestRuleTableFromCompareReport: the compare page shows the per-rule table
// of the newest compare report, suggested points included.
func TestRuleTableFromCompareReport(t *testing.T) {
	f := realFixture(t)
	dir := t.TempDir()
	cmp := filepath.Join(dir, "cmp")
	require.NoError(t, os.MkdirAll(cmp, 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(cmp, "report.json"), []byte(`{"kind":"compare","leads":1999,"labelled":true,"rules":[
		{"rule":"c-level","group":"fit","points":15,"fires":1211,"fire_share":0.0605,"conversion_rate_fired":0.1486,"conversion_rate_not_fired":0.0858,"suggested_points":24,"fitted":true},
		{"rule":"student","points":null,"fires":3,"fire_share":0.0015,"conversion_rate_fired":null,"conversion_rate_not_fired":0.1,"suggested_points":null,"fitted":false,"disqualify":true}]}`), 0o644))
	src := &fakeReports{list: []serve.ReportEntry{
		{ID: "cmp-1", Kind: "compare", CreatedAt: realAsOf, Dir: cmp},
		{ID: "bt-1", Kind: "backtest", CreatedAt: realAsOf.Add(time.Hour), Dir: filepath.Join(dir, "bt")},
	}}
	tests := []struct {
		name    string
		reports serve.ReportSource
		want    []string
	}{
		{"a compare report", src, []string{`id="rules-table"`, "c-level", ">24<", "14.9%", "student (disqualifies)", "not fitted"}},
		{"none", &fakeReports{}, []string{"No comparison report yet"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t, f, envOptions{reports: tt.reports})
			code, page := get(t, client(t), e.srv.URL+"/ui/compare")
			require.Equal(t, http.StatusOK, code, page)
			for _, w := range tt.want {
				assert.Contains(t, page, w)
			}
			assert.NotContains(t, page, "0xc0", "no pointer printed")
		})
	}
}

func TestCrossTab(t *testing.T) {
	res := func(model, rule string) models.Scored {
		return models.Scored{Result: &models.Result{Tier: model, Rules: &rules.Result{Tier: rule}}}
	}
	b := &batch{Rows: []models.Scored{res("hot", "hot"), res("hot", "cold"), res("cold", "cold"), res("warm", "disqualified"),
		{Result: &models.Result{Tier: "cold"}}, {LeadID: "x", Err: os.ErrInvalid}}}
	v := crossTab(b)
	assert.Equal(t, 4, v.Total)
	assert.Equal(t, 2, v.Agree)
	assert.True(t, v.NoRules)
	assert.Equal(t, []int{1, 0, 0}, v.Rows[0].Cells, "rules hot")
	assert.Equal(t, []int{1, 0, 1}, v.Rows[2].Cells, "rules cold")
	assert.Equal(t, []int{0, 1, 0}, v.Rows[3].Cells, "disqualified")
	assert.Equal(t, []int{2, 1, 1}, v.ColTotals)
}

func TestWaterfallAddsUp(t *testing.T) {
	ex := &models.Explanation{BaseValue: -2, Raw: -1}
	for i := range 14 {
		ex.Contributions = append(ex.Contributions, models.Contribution{Feature: "f" + strconv.Itoa(i), Contribution: []float64{0.3, -0.1}[i%2] / float64(i+1)})
	}
	sum := 0.0
	for _, c := range ex.Contributions {
		sum += c.Contribution
	}
	ex.Raw = ex.BaseValue + sum
	w := waterfall(ex, models.GBM)
	require.Len(t, w.Steps, waterfallTop+1, "top contributions and one step for the rest")
	assert.Equal(t, "4 other fields", w.Steps[waterfallTop].Label)
	// The last step ends at the raw score's x.
	last := w.Steps[len(w.Steps)-1]
	end := last.X + last.W
	if last.Class == "down" {
		end = last.X
	}
	assert.InDelta(t, w.RawX, end, 1.01)
}
