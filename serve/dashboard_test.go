package serve

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"io"
	"log/slog"
	"mime/multipart"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/leadscore/leadscore/models"
	"github.com/leadscore/leadscore/models/rules"
)

// dashEnv is a real-bundle server behind an httptest listener.
type dashEnv struct {
	s       *Server
	srv     *httptest.Server
	logs    *syncBuffer
	reports string // the report directory of the fake report source
}

// newDashServer serves the real fixture bundle, with API keys when keys is
// set and one backtest report.
func newDashServer(t testing.TB, f *realFixture, keys bool) *dashEnv {
	t.Helper()
	dir := t.TempDir()
	copyBundle(t, f.bundle, dir, "real-v1", time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC))
	repDir := filepath.Join(t.TempDir(), "2025-06-01T0000Z")
	require.NoError(t, os.MkdirAll(repDir, 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(repDir, "report.html"), []byte("<!doctype html><title>backtest</title><h1>Backtest report</h1><p>gbm captured 41% of conversions"), 0o644))
	src := &fakeReports{list: []ReportEntry{
		{ID: "2025-05-01T0000Z", Kind: "backtest", CreatedAt: realAsOf.Add(-31 * 24 * time.Hour), Summary: []string{"older run"}, Dir: filepath.Join(t.TempDir(), "gone")},
		{ID: "2025-06-01T0000Z", Kind: "backtest", CreatedAt: realAsOf, Summary: []string{"gbm captured 41% of conversions in its top 20%"}, Dir: repDir},
	}}
	logs := &syncBuffer{}
	cfg := Config{ModelsDir: dir, Addr: "127.0.0.1:0", PollInterval: -1, Reports: src,
		Logger: slog.New(slog.NewJSONHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug})),
		Now:    func() time.Time { return realAsOf }}
	if keys {
		path := filepath.Join(t.TempDir(), "keys")
		require.NoError(t, os.WriteFile(path, []byte(scoreKey+" score\n"+adminKey+" admin\n"), 0o600))
		cfg.APIKeysFile = path
	}
	s, err := New(cfg)
	require.NoError(t, err)
	srv := httptest.NewServer(s.Handler())
	t.Cleanup(srv.Close)
	return &dashEnv{s: s, srv: srv, logs: logs, reports: repDir}
}

// dashClient is a browser-like client: cookies, no automatic redirects.
func dashClient(t testing.TB) *http.Client {
	t.Helper()
	jar, err := cookiejar.New(nil)
	require.NoError(t, err)
	return &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

func dashGet(t testing.TB, c *http.Client, u string) (int, string) {
	t.Helper()
	resp, err := c.Get(u)
	require.NoError(t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return resp.StatusCode, string(b)
}

func dashPost(t testing.TB, c *http.Client, u string, form url.Values) (*http.Response, string) {
	t.Helper()
	resp, err := c.PostForm(u, form)
	require.NoError(t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return resp, string(b)
}

var csrfRe = regexp.MustCompile(`name="csrf" value="([0-9a-f]{64})"`)

// csrfOf returns the CSRF token of a page's forms.
func csrfOf(t testing.TB, page string) string {
	t.Helper()
	m := csrfRe.FindStringSubmatch(page)
	require.NotNil(t, m, "the page has a CSRF field")
	return m[1]
}

// textOf returns the text of the element with the given id.
func textOf(t testing.TB, page, id string) string {
	t.Helper()
	m := regexp.MustCompile(`id="` + regexp.QuoteMeta(id) + `"[^>]*>([^<]*)<`).FindStringSubmatch(page)
	require.NotNil(t, m, "element #%s", id)
	return strings.TrimSpace(m[1])
}

// formIDs maps field names to the score form's input ids, as the form
// lists them: the creation field first when the schema keeps it apart.
func formIDs(sc Schema) map[string]string {
	specs := sc.Fields
	if sc.CreatedField != "" && !hasField(specs, sc.CreatedField) {
		specs = append([]FieldSpec{{Name: sc.CreatedField}}, specs...)
	}
	ids := map[string]string{}
	for i, f := range specs {
		ids[f.Name] = "f" + strconv.Itoa(i)
	}
	return ids
}

func hasField(fs []FieldSpec, name string) bool {
	for _, f := range fs {
		if f.Name == name {
			return true
		}
	}
	return false
}

// apiScore scores body with POST /v1/score (explain=all, all models).
func apiScore(t testing.TB, env *dashEnv, body []byte, key string) models.Result {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, env.srv.URL+"/v1/score?explain=all&all_models=1", strings.NewReader(string(body)))
	require.NoError(t, err)
	req.Header.Set("Content-Type", "application/json")
	if key != "" {
		req.Header.Set("Authorization", "Bearer "+key)
	}
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, resp.StatusCode, string(data))
	var r models.Result
	require.NoError(t, json.Unmarshal(data, &r))
	return r
}

// writeLeadsCSV writes the first n leads of realLeads as an upload file
// (lead_id, as_of, fields) plus one row with a non-numeric number.
func writeLeadsCSV(t testing.TB, f *realFixture, n int, path string) ([]string, []map[string]any) {
	t.Helper()
	ids, leads := realLeads(t, f, n)
	lh, _ := readCSV(t, filepath.Join(f.data, "leads.csv"))
	out, err := os.Create(path)
	require.NoError(t, err)
	w := csv.NewWriter(out)
	header := []string{"lead_id", "as_of"}
	for _, c := range lh {
		if c != "lead_id" {
			header = append(header, c)
		}
	}
	require.NoError(t, w.Write(header))
	for _, l := range leads {
		rec := []string{l["lead_id"].(string), l["as_of"].(string)}
		fields := l["fields"].(map[string]any)
		for _, c := range header[2:] {
			v, _ := fields[c].(string)
			rec = append(rec, v)
		}
		require.NoError(t, w.Write(rec))
	}
	bad := make([]string, len(header))
	copy(bad, []string{"bad-row", realAsOf.Format(time.RFC3339)})
	for i, c := range header {
		if c == "employees" {
			bad[i] = "lots"
		}
	}
	require.NoError(t, w.Write(bad))
	w.Flush()
	require.NoError(t, w.Error())
	require.NoError(t, out.Close())
	return ids, leads
}

// TestDashboardHTTP walks the dashboard without a browser: every page
// answers, the score form scores exactly as POST /v1/score, a CSV upload
// becomes the batch the compare page counts, and POSTs need the CSRF token.
func TestDashboardHTTP(t *testing.T) {
	f := realBundle(t)
	env := newDashServer(t, f, false)
	c := dashClient(t)

	code, page := dashGet(t, c, env.srv.URL+"/")
	require.Equal(t, http.StatusOK, code, page)
	assert.Equal(t, "real-v1", textOf(t, page, "model-version"))
	for _, m := range []string{"rules", "logistic", "gbm"} {
		assert.Contains(t, page, `<th class="num">`+m+`</th>`, "held-out metrics of %s", m)
	}
	assert.Contains(t, page, `aria-label="score distribution"`)
	assert.Contains(t, page, "gbm captured 41% of conversions", "the latest report's headline")

	code, page = dashGet(t, c, env.srv.URL+"/ui/score")
	require.Equal(t, http.StatusOK, code)
	csrf := csrfOf(t, page)

	_, leads := realLeads(t, f, 1)
	sc := env.s.reg.current().model.Schema()
	ids := formIDs(sc)
	form := url.Values{"lead_id": {leads[0]["lead_id"].(string)}, "as_of": {realAsOf.Format("2006-01-02T15:04:05")},
		"e0type": {"page_view"}, "e0days": {"2"}, "e0attrs": {"page=pricing"}}
	fields := map[string]string{}
	for k, v := range leads[0]["fields"].(map[string]any) {
		if id, ok := ids[k]; ok {
			form.Set(id, v.(string))
			fields[k] = v.(string)
		}
	}
	resp, _ := dashPost(t, c, env.srv.URL+"/ui/score", form)
	assert.Equal(t, http.StatusForbidden, resp.StatusCode, "a POST without the CSRF token is refused")
	form.Set("csrf", strings.Repeat("0", 64))
	resp, _ = dashPost(t, c, env.srv.URL+"/ui/score", form)
	assert.Equal(t, http.StatusForbidden, resp.StatusCode, "a POST with another token is refused")

	form.Set("csrf", csrf)
	resp, page = dashPost(t, c, env.srv.URL+"/ui/score", form)
	require.Equal(t, http.StatusOK, resp.StatusCode, page)
	body, err := json.Marshal(apiLead{LeadID: leads[0]["lead_id"].(string), AsOf: realAsOf.Format(time.RFC3339), Fields: fields,
		Events: []map[string]string{{"type": "page_view", "page": "pricing", "timestamp": realAsOf.Add(-48*time.Hour - time.Second).Format(time.RFC3339)}}})
	require.NoError(t, err)
	want := apiScore(t, env, body, "")
	assert.Equal(t, strconv.Itoa(want.Score), textOf(t, page, "score"), "the form scores as the API")
	assert.Equal(t, want.Tier, textOf(t, page, "tier"))
	assert.Equal(t, pctText(want.Probability), textOf(t, page, "probability"))
	require.NotNil(t, want.Rules)
	assert.Equal(t, want.Rules.Tier, textOf(t, page, "rule-tier"))
	assert.Contains(t, page, `id="waterfall"`)
	assert.Contains(t, page, "page_view", "the pricing page view is among the reasons or rules")

	// Invalid input is shown, not scored.
	bad := url.Values{"csrf": {csrf}, ids["employees"]: {"lots"}}
	resp, page = dashPost(t, c, env.srv.URL+"/ui/score", bad)
	assert.Equal(t, http.StatusUnprocessableEntity, resp.StatusCode)
	assert.Contains(t, textOf(t, page, "score-error"), "fields.")

	// CSV upload.
	path := filepath.Join(t.TempDir(), "leads.csv")
	idsCSV, leadsCSV := writeLeadsCSV(t, f, 25, path)
	resp = dashUpload(t, c, env.srv.URL, csrf, path)
	require.Equal(t, http.StatusSeeOther, resp.StatusCode)
	assert.Equal(t, "/ui/batch", resp.Header.Get("Location"))
	code, page = dashGet(t, c, env.srv.URL+"/ui/batch")
	require.Equal(t, http.StatusOK, code)
	for _, id := range idsCSV {
		assert.Contains(t, page, ">"+id+"</a>")
	}
	assert.Contains(t, page, "line 27 (bad-row): fields.employees")

	code, page = dashGet(t, c, env.srv.URL+"/")
	require.Equal(t, http.StatusOK, code)
	assert.Contains(t, page, strconv.Itoa(len(idsCSV))+" leads scored with version real-v1")
	assert.Contains(t, page, "Rule sheet tiers")

	code, page = dashGet(t, c, env.srv.URL+"/ui/leads/0")
	require.Equal(t, http.StatusOK, code)
	assert.Equal(t, idsCSV[0], textOf(t, page, "lead-id"))
	assert.Contains(t, page, `id="waterfall"`)
	code, _ = dashGet(t, c, env.srv.URL+"/ui/leads/999")
	assert.Equal(t, http.StatusNotFound, code)

	code, page = dashGet(t, c, env.srv.URL+"/ui/compare")
	require.Equal(t, http.StatusOK, code)
	assert.Equal(t, strconv.Itoa(len(idsCSV)), textOf(t, page, "cell-total"))
	// Each cell counts the leads the API puts there.
	want2 := map[string]int{}
	for _, l := range leadsCSV {
		delete(l, "events") // the CSV carries no events
		body, err := json.Marshal(l)
		require.NoError(t, err)
		r := apiScore(t, env, body, "")
		require.NotNil(t, r.Rules)
		want2[r.Rules.Tier+"-"+r.Tier]++
	}
	for _, rt := range dashRuleTiers {
		for _, mt := range dashModelTiers {
			assert.Equal(t, strconv.Itoa(want2[rt+"-"+mt]), textOf(t, page, "cell-"+rt+"-"+mt), "rules %s, model %s", rt, mt)
		}
	}

	code, page = dashGet(t, c, env.srv.URL+"/ui/reports")
	require.Equal(t, http.StatusOK, code)
	assert.Less(t, strings.Index(page, "2025-06-01T0000Z"), strings.Index(page, "2025-05-01T0000Z"), "newest first")
	code, page = dashGet(t, c, env.srv.URL+"/ui/reports/2025-06-01T0000Z")
	require.Equal(t, http.StatusOK, code)
	assert.Contains(t, page, "Backtest report")

	code, page = dashGet(t, c, env.srv.URL+"/ui/style.css")
	assert.Equal(t, http.StatusOK, code)
	assert.Contains(t, page, "@media")

	// The API's own 404 is unchanged.
	code, page = dashGet(t, c, env.srv.URL+"/nope")
	assert.Equal(t, http.StatusNotFound, code)
	assert.Contains(t, page, `"code":"not_found"`)

	// No lead value reaches the logs.
	logs := env.logs.String()
	for k, v := range fields {
		if len(v) > 3 && k != "created_at" {
			assert.NotContains(t, logs, `"`+v+`"`, "field %s", k)
		}
	}
}

func dashUpload(t testing.TB, c *http.Client, base, csrf, path string) *http.Response {
	t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	require.NoError(t, mw.WriteField("csrf", csrf))
	fw, err := mw.CreateFormFile("file", filepath.Base(path))
	require.NoError(t, err)
	data, err := os.ReadFile(path)
	require.NoError(t, err)
	_, err = fw.Write(data)
	require.NoError(t, err)
	require.NoError(t, mw.Close())
	req, err := http.NewRequest(http.MethodPost, base+"/ui/upload", &buf)
	require.NoError(t, err)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	resp, err := c.Do(req)
	require.NoError(t, err)
	resp.Body.Close()
	return resp
}

// TestDashboardLogin: with API keys the dashboard asks for one, keeps it in
// an HttpOnly SameSite=Strict cookie and forgets it on logout.
func TestDashboardLogin(t *testing.T) {
	f := realBundle(t)
	env := newDashServer(t, f, true)
	c := dashClient(t)

	resp, err := c.Get(env.srv.URL + "/")
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusSeeOther, resp.StatusCode)
	assert.Equal(t, "/ui/login", resp.Header.Get("Location"))

	code, page := dashGet(t, c, env.srv.URL+"/ui/login")
	require.Equal(t, http.StatusOK, code)
	csrf := csrfOf(t, page)

	resp, _ = dashPost(t, c, env.srv.URL+"/ui/login", url.Values{"csrf": {csrf}, "key": {"not-a-key-0123456789"}})
	assert.Equal(t, http.StatusUnauthorized, resp.StatusCode)
	resp, _ = dashPost(t, c, env.srv.URL+"/ui/login", url.Values{"key": {scoreKey}})
	assert.Equal(t, http.StatusForbidden, resp.StatusCode, "login needs the CSRF token too")

	resp, _ = dashPost(t, c, env.srv.URL+"/ui/login", url.Values{"csrf": {csrf}, "key": {scoreKey}})
	require.Equal(t, http.StatusSeeOther, resp.StatusCode)
	var key *http.Cookie
	for _, ck := range resp.Cookies() {
		if ck.Name == dashKeyCookie {
			key = ck
		}
	}
	require.NotNil(t, key)
	assert.True(t, key.HttpOnly)
	assert.Equal(t, http.SameSiteStrictMode, key.SameSite)

	code, page = dashGet(t, c, env.srv.URL+"/")
	require.Equal(t, http.StatusOK, code)
	assert.Equal(t, "real-v1", textOf(t, page, "model-version"))
	fresh := csrfOf(t, page)
	assert.NotEqual(t, csrf, fresh, "logging in starts a new CSRF session")
	csrf = fresh
	code, page = dashGet(t, c, env.srv.URL+"/ui/reports/2025-06-01T0000Z")
	assert.Equal(t, http.StatusOK, code, "reports open with the cookie")
	assert.Contains(t, page, "Backtest report")

	// The API still wants a bearer key; the cookie is not one.
	resp, err = c.Get(env.srv.URL + "/v1/models")
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusUnauthorized, resp.StatusCode)

	resp, _ = dashPost(t, c, env.srv.URL+"/ui/logout", url.Values{"csrf": {csrf}})
	require.Equal(t, http.StatusSeeOther, resp.StatusCode)
	resp, err = c.Get(env.srv.URL + "/ui/score")
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusSeeOther, resp.StatusCode, "logged out")
}

func TestCrossTab(t *testing.T) {
	res := func(model, rule string) *models.Result {
		return &models.Result{Tier: model, Rules: &rules.Result{Tier: rule}}
	}
	b := &dashBatch{Leads: []*models.Result{res("hot", "hot"), res("hot", "cold"), res("cold", "cold"), res("warm", "disqualified"), {Tier: "cold"}}}
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
	require.Len(t, w.Steps, dashWaterfallTop+1, "top contributions and one step for the rest")
	assert.Equal(t, "4 other fields", w.Steps[dashWaterfallTop].Label)
	// The last step ends at the raw score's x.
	last := w.Steps[len(w.Steps)-1]
	end := last.X + last.W
	if last.Class == "down" {
		end = last.X
	}
	assert.InDelta(t, w.RawX, end, 1.01)
}
