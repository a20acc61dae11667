package serve

import (
	"encoding/csv"
	"encoding/json"
	"log/slog"
	"maps"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/leadscore/leadscore/datasets"
	"github.com/leadscore/leadscore/features"
	"github.com/leadscore/leadscore/models"
	"github.com/leadscore/leadscore/models/modelstest"
)

// realAsOf is the scoring moment of the end-to-end tests.
var realAsOf = time.Date(2025, 6, 1, 0, 0, 0, 0, time.UTC)

// realFixture is one small generated history and a bundle trained on it,
// shared by the end-to-end tests.
type realFixture struct {
	data   string // directory of leads.csv, events.csv, outcomes.csv
	bundle string // a saved bundle directory (version "real-v1")
	leads  []string
}

var (
	realOnce sync.Once
	real     *realFixture
	realErr  error
)

func TestMain(m *testing.M) {
	code := m.Run()
	if real != nil {
		os.RemoveAll(filepath.Dir(real.bundle))
		os.RemoveAll(real.data)
	}
	os.Exit(code)
}

// realBundle generates (once) the history the modelstest fixture bundle
// was trained on and copies the bundle as version real-v1: a real bundle,
// without importing the trainer.
func realBundle(t testing.TB) *realFixture {
	t.Helper()
	realOnce.Do(func() { real, realErr = prepareReal() })
	require.NoError(t, realErr)
	return real
}

func prepareReal() (*realFixture, error) {
	f, err := modelstest.NewFixture("real-v1")
	if err != nil {
		return nil, err
	}
	return &realFixture{data: f.Data, bundle: f.Bundle}, nil
}

// copyBundle copies the fixture bundle to root/version, rewriting its
// manifest's version and creation time (and checksum-neutral otherwise).
func copyBundle(t testing.TB, src, root, version string, created time.Time) string {
	t.Helper()
	dst := filepath.Join(root, version)
	require.NoError(t, os.MkdirAll(dst, 0o755))
	des, err := os.ReadDir(src)
	require.NoError(t, err)
	for _, de := range des {
		data, err := os.ReadFile(filepath.Join(src, de.Name()))
		require.NoError(t, err)
		if de.Name() == models.ManifestFile {
			var m map[string]any
			require.NoError(t, json.Unmarshal(data, &m))
			m["version"], m["created_at"] = version, created
			data, err = json.Marshal(m)
			require.NoError(t, err)
		}
		require.NoError(t, os.WriteFile(filepath.Join(dst, de.Name()), data, 0o644))
	}
	return dst
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

// realLeads builds API requests for the first n generated leads created
// before realAsOf, with their events before it, as of realAsOf.
func realLeads(t testing.TB, f *realFixture, n int) ([]string, []map[string]any) {
	t.Helper()
	lh, lrows := readCSV(t, filepath.Join(f.data, "leads.csv"))
	eh, erows := readCSV(t, filepath.Join(f.data, "events.csv"))
	col := func(h []string, name string) int {
		for i, c := range h {
			if c == name {
				return i
			}
		}
		t.Fatalf("no column %s in %v", name, h)
		return -1
	}
	eLead, eType, eTime := col(eh, "lead_id"), col(eh, "type"), col(eh, "timestamp")
	events := map[string][]map[string]any{}
	for _, r := range erows {
		ts, ok := parseTime(r[eTime])
		if !ok || !ts.Before(realAsOf) {
			continue
		}
		ev := map[string]any{"type": r[eType], "timestamp": r[eTime]}
		for i, c := range eh {
			if i != eLead && i != eType && i != eTime && r[i] != "" {
				ev[c] = r[i]
			}
		}
		events[r[eLead]] = append(events[r[eLead]], ev)
	}
	lID, lCreated := col(lh, "lead_id"), col(lh, "created_at")
	var ids []string
	var out []map[string]any
	for _, r := range lrows {
		if len(out) == n {
			break
		}
		created, ok := parseTime(r[lCreated])
		if !ok || !created.Before(realAsOf) {
			continue
		}
		fields := map[string]any{}
		for i, c := range lh {
			if i != lID && r[i] != "" {
				fields[c] = r[i]
			}
		}
		lead := map[string]any{"lead_id": r[lID], "as_of": realAsOf.Format(time.RFC3339), "fields": fields}
		if ev := events[r[lID]]; len(ev) > 0 {
			lead["events"] = ev
		}
		ids = append(ids, r[lID])
		out = append(out, lead)
	}
	require.NotEmpty(t, out)
	return ids, out
}

func newRealServer(t testing.TB, f *realFixture) (*Server, *testEnv) {
	t.Helper()
	env := &testEnv{dir: t.TempDir(), logs: &syncBuffer{}}
	copyBundle(t, f.bundle, env.dir, "real-v1", time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC))
	s, err := New(Config{ModelsDir: env.dir, Addr: "127.0.0.1:0", PollInterval: -1,
		Logger: slog.New(slog.NewJSONHandler(env.logs, nil))})
	require.NoError(t, err)
	env.oa, env.h = loadOpenAPI(t), s.Handler()
	return s, env
}

// TestRealBundleScoresLikeBatch: a lead sent to the API scores exactly as
// the batch path (features.ScoringDataset + Bundle.ScoreAll) scores it, and
// every answer matches the OpenAPI document.
func TestRealBundleScoresLikeBatch(t *testing.T) {
	f := realBundle(t)
	_, env := newRealServer(t, f)
	ids, leads := realLeads(t, f, 60)

	b, err := models.Load(f.bundle)
	require.NoError(t, err)
	in := features.Inputs{}
	in.Leads, _, err = datasets.ReadFile(filepath.Join(f.data, "leads.csv"), datasets.ReadOptions{})
	require.NoError(t, err)
	in.Events, _, err = datasets.ReadFile(filepath.Join(f.data, "events.csv"), datasets.ReadOptions{})
	require.NoError(t, err)
	ds, err := features.ScoringDataset(b.Spec.Config, in, realAsOf)
	require.NoError(t, err)
	byID := map[string]*models.Result{}
	for _, s := range b.ScoreDataset(ds, nil, models.ScoreOptions{Explain: models.ExplainAll, AllModels: true}, 1) {
		if s.Err == nil {
			r := s.Result
			byID[r.LeadID] = r
			// The hand encoder writes exactly what encoding/json writes.
			j, err := json.Marshal(r)
			require.NoError(t, err)
			h, err := r.AppendJSON(nil)
			require.NoError(t, err)
			require.Equal(t, string(j), string(h))
		}
	}

	compared := 0
	for i, lead := range leads {
		body, err := json.Marshal(lead)
		require.NoError(t, err)
		rec := env.do(t, "POST", "/v1/score?explain=all&all_models=1", string(body))
		require.Equal(t, http.StatusOK, rec.Code, rec.Body.String())
		env.check(t, "POST", "/v1/score", rec)
		var got models.Result
		require.NoError(t, json.Unmarshal(rec.Body.Bytes(), &got))
		assert.Equal(t, ids[i], got.LeadID)
		assert.Equal(t, "real-v1", got.Model.Version)
		require.NotNil(t, got.Explanation)
		sum := got.Explanation.BaseValue
		for _, c := range got.Explanation.Contributions {
			sum += c.Contribution
		}
		assert.InDelta(t, got.Explanation.Raw, sum, 1e-9, "base_value + contributions = raw")
		require.NotNil(t, got.Fit, "every answer splits the score")
		require.NotNil(t, got.Engagement)
		assert.InDelta(t, got.Explanation.Raw, got.Explanation.BaseValue+got.Fit.Value+got.Engagement.Value, 1e-9, "base_value + fit + engagement = raw")
		assert.Regexp(t, `^[A-D][1-3]$`, got.FitEngagementGrade)
		if w, ok := byID[ids[i]]; ok {
			assert.Equal(t, *w.Fit, *got.Fit, "lead %s splits as in batch", ids[i])
			assert.Equal(t, *w.Engagement, *got.Engagement)
			assert.Equal(t, w.FitEngagementGrade, got.FitEngagementGrade)
			assert.InDelta(t, w.Probability, got.Probability, 1e-12, "lead %s scores as in batch", ids[i])
			assert.Equal(t, w.Score, got.Score)
			assert.Equal(t, w.Tier, got.Tier)
			assert.InDelta(t, w.Explanation.Raw, got.Explanation.Raw, 1e-12)
			compared++
		}
	}
	assert.Greater(t, compared, len(leads)/2, "most leads are comparable with the batch path")

	// explain=5 (default) returns at most 5 positive and 5 negative.
	body, _ := json.Marshal(leads[0])
	rec := env.do(t, "POST", "/v1/score", string(body))
	require.Equal(t, http.StatusOK, rec.Code)
	var got models.Result
	require.NoError(t, json.Unmarshal(rec.Body.Bytes(), &got))
	require.NotNil(t, got.Explanation)
	assert.LessOrEqual(t, len(got.Explanation.Contributions), 10)
	assert.NotNil(t, got.Rules, "the rule sheet's score comes along")

	// The batch endpoint answers the same numbers in order.
	var arr []json.RawMessage
	for _, l := range leads {
		b, _ := json.Marshal(l)
		arr = append(arr, b)
	}
	batch, _ := json.Marshal(arr)
	rec = env.do(t, "POST", "/v1/score/batch?explain=0", string(batch))
	require.Equal(t, http.StatusOK, rec.Code, rec.Body.String())
	env.check(t, "POST", "/v1/score/batch", rec)
	var results []models.Result
	require.NoError(t, json.Unmarshal(rec.Body.Bytes(), &results))
	require.Len(t, results, len(leads))
	for i, r := range results {
		assert.Equal(t, ids[i], r.LeadID)
		if w, ok := byID[ids[i]]; ok {
			assert.InDelta(t, w.Probability, r.Probability, 1e-12)
			require.NotNil(t, r.Fit)
			assert.Equal(t, *w.Fit, *r.Fit, "the batch endpoint splits the score as well")
		}
	}
}

func TestRealBundleModelsEndpoints(t *testing.T) {
	f := realBundle(t)
	_, env := newRealServer(t, f)
	rec := env.do(t, "GET", "/v1/models/real-v1", "")
	require.Equal(t, http.StatusOK, rec.Code)
	env.check(t, "GET", "/v1/models/real-v1", rec)
	var d ModelDetail
	require.NoError(t, json.Unmarshal(rec.Body.Bytes(), &d))
	assert.Equal(t, StatusServing, d.Status)
	assert.Equal(t, models.Logistic, d.Champion, "the fixture's champion")
	assert.ElementsMatch(t, models.AllModels, d.Models)
	assert.NotEmpty(t, d.Features)
	assert.NotEmpty(t, d.EventTypes)
	assert.Contains(t, d.EventTypes, "page_view")
	assert.True(t, json.Valid(d.Metrics))
	assert.NotEmpty(t, d.LeakageSuspects, "report.json's leakage_suspects (possibly [])")
	rec = env.do(t, "GET", "/readyz", "")
	require.Equal(t, http.StatusOK, rec.Code)
	env.check(t, "GET", "/readyz", rec)
}

// TestRealDamagedBundleRefused: a real bundle with one flipped byte is
// refused by the checksums while the current one keeps serving.
func TestRealDamagedBundleRefused(t *testing.T) {
	f := realBundle(t)
	s, env := newRealServer(t, f)
	dir := copyBundle(t, f.bundle, env.dir, "real-v2", time.Date(2025, 2, 1, 0, 0, 0, 0, time.UTC))
	path := filepath.Join(dir, "gbm.json")
	data, err := os.ReadFile(path)
	require.NoError(t, err)
	data[len(data)/2] ^= 1
	require.NoError(t, os.WriteFile(path, data, 0o644))
	res, err := s.Reload()
	require.NoError(t, err)
	assert.Equal(t, "real-v1", res.Serving)
	require.Len(t, res.Refused, 1)
	assert.Contains(t, res.Refused[0].Error, "damaged bundle")
	_, leads := realLeads(t, f, 1)
	body, _ := json.Marshal(leads[0])
	rec := env.do(t, "POST", "/v1/score", string(body))
	require.Equal(t, http.StatusOK, rec.Code)
	assert.Contains(t, rec.Body.String(), `"version":"real-v1"`)

	// An intact copy with a newer created_at is swapped in.
	copyBundle(t, f.bundle, env.dir, "real-v3", time.Date(2025, 3, 1, 0, 0, 0, 0, time.UTC))
	res, err = s.Reload()
	require.NoError(t, err)
	assert.Equal(t, "real-v3", res.Serving)
}

// TestRealUnknownEventType: event types the model never saw are refused.
func TestRealUnknownEventType(t *testing.T) {
	f := realBundle(t)
	_, env := newRealServer(t, f)
	_, leads := realLeads(t, f, 1)
	lead := leads[0]
	lead["events"] = []map[string]any{{"type": "teleportation", "timestamp": "2025-05-01"}}
	body, _ := json.Marshal(lead)
	rec := env.do(t, "POST", "/v1/score", string(body))
	require.Equal(t, http.StatusBadRequest, rec.Code, rec.Body.String())
	e := decodeError(t, rec)
	assert.Equal(t, CodeUnknownEventType, e.Error.Code)
	assert.Equal(t, "events[0].type", e.Error.Field)
	assert.Contains(t, e.Error.Message, "page_view", "the message lists the known types")
}

// TestRealSchemaEventTypes checks that the API accepts exactly the event
// types of the training data (recorded in the Spec), and that a Spec
// without them falls back to the types its event features name.
func TestRealSchemaEventTypes(t *testing.T) {
	f := realBundle(t)
	b, err := models.Load(f.bundle)
	require.NoError(t, err)
	fh, err := os.Open(filepath.Join(f.data, "events.csv"))
	require.NoError(t, err)
	defer fh.Close()
	rows, err := csv.NewReader(fh).ReadAll()
	require.NoError(t, err)
	typ := slices.Index(rows[0], "type")
	require.GreaterOrEqual(t, typ, 0, "events.csv has a type column")
	seen := map[string]bool{}
	for _, r := range rows[1:] {
		seen[r[typ]] = true
	}
	want := slices.Sorted(maps.Keys(seen))
	assert.Equal(t, want, bundleSchema(b).EventTypes)

	b.Spec.SeenEventTypes = nil
	old := bundleSchema(b).EventTypes
	assert.Contains(t, old, "page_view", "a Spec without recorded types: the types its features count")
	assert.Subset(t, want, old)
}
