package dashboard

import (
	"bytes"
	"crypto/sha256"
	"encoding/csv"
	"encoding/hex"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/stretchr/testify/require"

	"github.com/leadscore/leadscore/datasets"
	"github.com/leadscore/leadscore/features"
	"github.com/leadscore/leadscore/models"
	"github.com/leadscore/leadscore/models/modelstest"
	"github.com/leadscore/leadscore/serve"
)

func init() { gin.SetMode(gin.TestMode) }

// realAsOf is the scoring moment of the tests.
var realAsOf = time.Date(2025, 6, 1, 0, 0, 0, 0, time.UTC)

// Test API keys.
const (
	scoreKey = "score-key-0123456789abcdef"
	adminKey = "admin-key-0123456789abcdef"
)

// fixture is the generated history the checked-in bundle
// of package modelstest was trained on, and a copy of
// that bundle: a real bundle, without importing the trainer.
type fixture struct {
	data   string // leads.csv, events.csv, outcomes.csv
	bundle string // the bundle directory
}

var (
	fixtureOnce sync.Once
	theFixture  *fixture
	fixtureErr  error
)

func TestMain(m *testing.M) {
	code := m.Run()
	if theFixture != nil {
		os.RemoveAll(theFixture.data)
		os.RemoveAll(filepath.Dir(theFixture.bundle))
	}
	os.Exit(code)
}

func realFixture(t testing.TB) *fixture {
	t.Helper()
	fixtureOnce.Do(func() { theFixture, fixtureErr = prepareFixture() })
	require.NoError(t, fixtureErr)
	return theFixture
}

func prepareFixture() (*fixture, error) {
	f, err := modelstest.NewFixture("b2b")
	if err != nil {
		return nil, err
	}
	return &fixture{data: f.Data, bundle: f.Bundle}, nil
}

// copyBundle copies the fixture bundle to root/version with that version
// and, when markers are given, those missing-value markers in its Spec
// (the manifest's checksum follows).
func copyBundle(t testing.TB, src, root, version string, markers []string) {
	t.Helper()
	dst := filepath.Join(root, version)
	require.NoError(t, os.MkdirAll(dst, 0o755))
	spec, err := os.ReadFile(filepath.Join(src, "spec.json"))
	require.NoError(t, err)
	if markers != nil {
		var m map[string]any
		require.NoError(t, json.Unmarshal(spec, &m))
		m["config"].(map[string]any)["missing_values"] = markers
		spec, err = json.Marshal(m)
		require.NoError(t, err)
	}
	des, err := os.ReadDir(src)
	require.NoError(t, err)
	for _, de := range des {
		data, err := os.ReadFile(filepath.Join(src, de.Name()))
		require.NoError(t, err)
		switch de.Name() {
		case "spec.json":
			data = spec
		case models.ManifestFile:
			var m map[string]any
			require.NoError(t, json.Unmarshal(data, &m))
			sum := sha256.Sum256(spec)
			m["files"].(map[string]any)["spec.json"] = hex.EncodeToString(sum[:])
			m["version"], m["created_at"] = version, time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
			data, err = json.Marshal(m)
			require.NoError(t, err)
		}
		require.NoError(t, os.WriteFile(filepath.Join(dst, de.Name()), data, 0o644))
	}
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

// fakeReports lists report directories made by the test.
type fakeReports struct {
	list []serve.ReportEntry
	last *serve.RunStatus
}

func (f *fakeReports) Reports() ([]serve.ReportEntry, error) { return f.list, nil }
func (f *fakeReports) LastRun() *serve.RunStatus             { return f.last }

// envOptions vary the test server.
type envOptions struct {
	keys     bool
	markers  []string // missing-value markers of the served bundle
	pageSize int
	maxLeads int
	reports  serve.ReportSource // nil: one backtest report
	webhooks serve.WebhookConfig
	monitor  serve.MonitorConfig
	now      func() time.Time // nil: realAsOf
	store    string           // serve.Config.StoreURL ("": none)
}

// env is a server with the dashboard behind an httptest listener.
type env struct {
	s    *serve.Server
	srv  *httptest.Server
	logs *syncBuffer
	b    *models.Bundle // the served bundle
	tmp  string         // the dashboard's temporary directory
}

// newEnv serves the fixture bundle as version real-v1 with the dashboard.
func newEnv(t testing.TB, f *fixture, o envOptions) *env {
	t.Helper()
	dir := t.TempDir()
	copyBundle(t, f.bundle, dir, "real-v1", o.markers)
	src := o.reports
	if src == nil {
		repDir := filepath.Join(t.TempDir(), "2025-06-01T0000Z")
		require.NoError(t, os.MkdirAll(repDir, 0o755))
		require.NoError(t, os.WriteFile(filepath.Join(repDir, "report.html"), []byte("<!doctype html><title>backtest</title><h1>Backtest report</h1><p>gbm captured 41% of conversions"), 0o644))
		src = &fakeReports{list: []serve.ReportEntry{
			{ID: "2025-05-01T0000Z", Kind: "backtest", CreatedAt: realAsOf.Add(-31 * 24 * time.Hour), Summary: []string{"older run"}, Dir: filepath.Join(t.TempDir(), "gone")},
			{ID: "2025-06-01T0000Z", Kind: "backtest", CreatedAt: realAsOf, Summary: []string{"gbm captured 41% of conversions in its top 20%"}, Dir: repDir},
		}}
	}
	logs := &syncBuffer{}
	cfg := serve.Config{ModelsDir: dir, Addr: "127.0.0.1:0", PollInterval: -1, Reports: src, MaxBatchLeads: o.maxLeads,
		Logger: slog.New(slog.NewJSONHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug})),
		Now:    func() time.Time { return realAsOf }, Webhooks: o.webhooks, Monitor: o.monitor, StoreURL: o.store}
	if o.now != nil {
		cfg.Now = o.now
	}
	if o.keys {
		path := filepath.Join(t.TempDir(), "keys")
		require.NoError(t, os.WriteFile(path, []byte(scoreKey+" score\n"+adminKey+" admin\n"), 0o600))
		cfg.APIKeysFile = path
	}
	s, err := serve.New(cfg)
	require.NoError(t, err)
	t.Cleanup(func() { s.Close() })
	tmp := t.TempDir()
	require.NoError(t, Mount(s, Options{PageSize: o.pageSize, TempDir: tmp}))
	srv := httptest.NewServer(s.Router())
	t.Cleanup(srv.Close)
	require.NotNil(t, s.Current())
	return &env{s: s, srv: srv, logs: logs, b: s.Current().Bundle(), tmp: tmp}
}

// client is a browser-like client: cookies, no automatic redirects.
func client(t testing.TB) *http.Client {
	t.Helper()
	jar, err := cookiejar.New(nil)
	require.NoError(t, err)
	return &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

func get(t testing.TB, c *http.Client, u string) (int, string) {
	t.Helper()
	resp, err := c.Get(u)
	require.NoError(t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return resp.StatusCode, string(b)
}

var csrfRe = regexp.MustCompile(`name="csrf" value="([0-9a-f]{64})"`)

// csrfOf returns the CSRF token of a page's forms.
func csrfOf(t testing.TB, page string) string {
	t.Helper()
	m := csrfRe.FindStringSubmatch(page)
	require.NotNil(t, m, "the page has a CSRF field")
	return m[1]
}

// session opens the score page and returns its CSRF token.
func session(t testing.TB, c *http.Client, e *env) string {
	t.Helper()
	code, page := get(t, c, e.srv.URL+"/ui/score")
	require.Equal(t, http.StatusOK, code, page)
	return csrfOf(t, page)
}

// textOf returns the text of the element with the given id.
func textOf(t testing.TB, page, id string) string {
	t.Helper()
	m := regexp.MustCompile(`id="` + regexp.QuoteMeta(id) + `"[^>]*>([^<]*)<`).FindStringSubmatch(page)
	require.NotNil(t, m, "element #%s", id)
	return strings.TrimSpace(m[1])
}

// valueOf returns the data-value of the element with the given id.
func valueOf(t testing.TB, page, id string) string {
	t.Helper()
	m := regexp.MustCompile(`id="` + regexp.QuoteMeta(id) + `" data-value="([^"]*)"`).FindStringSubmatch(page)
	require.NotNil(t, m, "element #%s with a data-value", id)
	return m[1]
}

// readCSV returns the header and rows of a CSV file.
func readCSV(t testing.TB, path string) ([]string, [][]string) {
	t.Helper()
	f, err := os.Open(path)
	require.NoError(t, err)
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	require.NoError(t, err)
	return rows[0], rows[1:]
}

// writeCSV writes a header and rows to path with delimiter comma.
func writeCSV(t testing.TB, path string, comma rune, header []string, rows [][]string) {
	t.Helper()
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	w.Comma = comma
	require.NoError(t, w.Write(header))
	require.NoError(t, w.WriteAll(rows))
	require.NoError(t, os.WriteFile(path, b.Bytes(), 0o644))
}

// leadRows returns the header and the first n generated leads created
// before realAsOf.
func leadRows(t testing.TB, f *fixture, n int) ([]string, [][]string) {
	t.Helper()
	h, rows := readCSV(t, filepath.Join(f.data, "leads.csv"))
	created := col(t, h, "created_at")
	var out [][]string
	for _, r := range rows {
		if len(out) == n {
			break
		}
		if ts, err := time.Parse(time.RFC3339, r[created]); err == nil && ts.Before(realAsOf) {
			out = append(out, r)
		}
	}
	require.Len(t, out, n)
	return h, out
}

// col returns the index of a column.
func col(t testing.TB, header []string, name string) int {
	t.Helper()
	for i, c := range header {
		if c == name {
			return i
		}
	}
	t.Fatalf("no column %s in %v", name, header)
	return -1
}

// wantScored scores files as the dashboard's upload must: read with the
// bundle's markers, ScoreInputs as of asOf with every contribution and
// model.
func wantScored(t testing.TB, b *models.Bundle, leads, events string, asOf time.Time) []models.Scored {
	t.Helper()
	read := datasets.ReadOptions{MissingValues: b.Spec.Config.MissingValues}
	var in features.Inputs
	var err error
	in.Leads, _, err = datasets.ReadFile(leads, read)
	require.NoError(t, err)
	if events != "" {
		in.Events, _, err = datasets.ReadFile(events, read)
		require.NoError(t, err)
	}
	scored, err := b.ScoreInputs(in, asOf, models.ScoreOptions{Explain: models.ExplainAll, AllModels: true}, 1)
	require.NoError(t, err)
	return scored
}
