package serve

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A restarted server whose champion file names a damaged bundle serves the
// newest bundle that passes, and says so on /readyz, in the log and in a
// metric, until the champion file names a good bundle again.
func TestChampionFallbackAtStart(t *testing.T) {
	dir := t.TempDir()
	writeFakeBundle(t, dir, "v1", testNow.Add(-72*time.Hour), fakeParams{})
	writeFakeBundle(t, dir, "v2", testNow.Add(-48*time.Hour), fakeParams{Bias: 1})
	writeFakeBundle(t, dir, "v3-broken", testNow.Add(-24*time.Hour), fakeParams{Damaged: true})
	require.NoError(t, os.WriteFile(filepath.Join(dir, ChampionFile), []byte("v3-broken\n"), 0o644))
	logs := &syncBuffer{}
	s, err := New(Config{ModelsDir: dir, PollInterval: -1, Load: loadFake, Now: func() time.Time { return testNow },
		Logger: slog.New(slog.NewJSONHandler(logs, nil))})
	require.NoError(t, err)
	env := &testEnv{dir: dir, logs: logs, oa: loadOpenAPI(t), h: s.Handler()}

	assert.Equal(t, "v2", servingVersion(t, env), "the newest bundle that passes serves")
	rec := env.do(t, "GET", "/readyz", "")
	require.Equal(t, http.StatusOK, rec.Code, rec.Body.String())
	env.check(t, "GET", "/readyz", rec)
	var r Readiness
	require.NoError(t, json.Unmarshal(rec.Body.Bytes(), &r))
	require.NotNil(t, r.Fallback)
	assert.Equal(t, "v3-broken", r.Fallback.Champion)
	assert.Equal(t, "v2", r.Fallback.Serving)
	assert.Contains(t, r.Fallback.Error, "checksum")
	assert.Contains(t, logs.String(), `"level":"ERROR","msg":"the champion file names a bundle that fails its checks; serving the newest bundle that passes instead"`)
	assert.NotContains(t, logs.String(), "the current model keeps serving", "nothing served when the champion was refused")
	assert.Contains(t, env.do(t, "GET", "/metrics", "").Body.String(), "leadscore_model_fallback 1")
	assert.Equal(t, "v2", s.Fallback().Serving)

	require.NoError(t, os.WriteFile(filepath.Join(dir, ChampionFile), []byte("v1\n"), 0o644))
	_, err = s.Reload()
	require.NoError(t, err)
	assert.Equal(t, "v1", servingVersion(t, env))
	assert.Nil(t, s.Fallback())
	assert.Contains(t, env.do(t, "GET", "/metrics", "").Body.String(), "leadscore_model_fallback 0")
}

// Of two directories holding one version, only the one named by the
// version may serve.
func TestDuplicateVersionRefused(t *testing.T) {
	s, env := newTestServer(t, testOptions{})
	copyDir := writeFakeBundle(t, env.dir, "v1-copy", testNow.Add(-time.Hour), fakeParams{Bias: 5})
	mb, err := json.Marshal(map[string]any{"format_version": 1, "version": "v1", "created_at": testNow.Add(-time.Hour)})
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(filepath.Join(copyDir, manifestFile), mb, 0o644))
	res, err := s.Reload()
	require.NoError(t, err)
	assert.Equal(t, "v1", res.Serving)
	require.Len(t, res.Refused, 1)
	assert.Equal(t, copyDir, res.Refused[0].Dir)
	assert.Contains(t, res.Refused[0].Error, `version "v1" is also in`)
	rec := env.do(t, "POST", "/v1/models/v1/promote", "")
	require.Equal(t, http.StatusOK, rec.Code, rec.Body.String())
	assert.Zero(t, servingBias(t, env), "promoting v1 picks the bundle named v1, not the copy")
}

func servingBias(t *testing.T, env *testEnv) float64 {
	t.Helper()
	rec := env.do(t, "POST", "/v1/score?explain=all", `{"fields": {"TotalVisits": 0}}`)
	require.Equal(t, http.StatusOK, rec.Code, rec.Body.String())
	var res struct {
		Explanation struct {
			Raw float64 `json:"raw"`
		} `json:"explanation"`
	}
	require.NoError(t, json.Unmarshal(rec.Body.Bytes(), &res))
	return res.Explanation.Raw
}

// A bundle copied manifest first is refused while incomplete and served
// once its files arrive, by the poll (no forced reload).
func TestIncompleteBundleRetriedWhenFilesChange(t *testing.T) {
	s, env := newTestServer(t, testOptions{})
	dir := filepath.Join(env.dir, "v2")
	require.NoError(t, os.MkdirAll(dir, 0o755))
	params := []byte(`{"bias": 1}`)
	sum := sha256.Sum256(params)
	mb, err := json.Marshal(map[string]any{"format_version": 1, "version": "v2", "created_at": testNow,
		"files": map[string]string{"fake.json": hex.EncodeToString(sum[:])}})
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(filepath.Join(dir, manifestFile), mb, 0o644))
	res, err := s.reg.reload(false)
	require.NoError(t, err)
	assert.Equal(t, "v1", res.Serving)
	require.Len(t, res.Refused, 1)
	assert.Contains(t, res.Refused[0].Error, "incomplete: the manifest lists fake.json")

	require.NoError(t, os.WriteFile(filepath.Join(dir, "fake.json"), params, 0o644))
	res, err = s.reg.reload(false)
	require.NoError(t, err)
	assert.Equal(t, "v2", res.Serving, "the completed bundle is checked again")
	assert.Empty(t, res.Refused)

	// A file the manifest does not list makes it incomplete too.
	require.NoError(t, os.WriteFile(filepath.Join(dir, "stray.json"), []byte("{}"), 0o644))
	_, err = s.reg.reload(false)
	require.NoError(t, err)
	rec := env.do(t, "GET", "/v1/models", "")
	assert.Contains(t, rec.Body.String(), "stray.json is not in the manifest")
}

// GET /v1/models does not call an unchecked bundle available, and GET
// /v1/models/{damaged} checks (and logs) a bundle once per content.
func TestUncheckedAndRefusedOnce(t *testing.T) {
	s, env := newTestServer(t, testOptions{})
	require.NoError(t, os.WriteFile(filepath.Join(env.dir, ChampionFile), []byte("v1\n"), 0o644))
	writeFakeBundle(t, env.dir, "v2-broken", testNow.Add(-time.Hour), fakeParams{Damaged: true})
	_, err := s.reg.reload(false)
	require.NoError(t, err)
	status := func() map[string]string {
		rec := env.do(t, "GET", "/v1/models", "")
		require.Equal(t, http.StatusOK, rec.Code)
		env.check(t, "GET", "/v1/models", rec)
		var list ModelList
		require.NoError(t, json.Unmarshal(rec.Body.Bytes(), &list))
		out := map[string]string{}
		for _, m := range list.Models {
			out[m.Version] = m.Status
		}
		return out
	}
	assert.Equal(t, map[string]string{"v1": StatusServing, "v2-broken": StatusUnchecked}, status())
	for range 3 {
		rec := env.do(t, "GET", "/v1/models/v2-broken", "")
		require.Equal(t, http.StatusOK, rec.Code)
		assert.Contains(t, rec.Body.String(), `"status":"refused"`)
	}
	assert.Equal(t, 1, strings.Count(env.logs.String(), "model bundle refused"), "checked and logged once")
	assert.Equal(t, map[string]string{"v1": StatusServing, "v2-broken": StatusRefused}, status())
}
