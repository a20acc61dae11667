package serve

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Made-up methods and paths do not grow the metrics: methods outside the
// standard set are "other", and routes are labelled by template.
func TestMetricsCardinality(t *testing.T) {
	_, env := newTestServer(t, testOptions{})
	for i := range 200 {
		env.do(t, "FOO"+strings.Repeat("X", i%50), "/v1/score", "")
		env.do(t, "GET", "/nope/"+strings.Repeat("y", i), "")
		env.do(t, "GET", "/v1/models/v"+strings.Repeat("9", i), "")
	}
	body := env.do(t, "GET", "/metrics", "").Body.String()
	assert.NotContains(t, body, "FOO")
	assert.Contains(t, body, `method="other"`)
	assert.NotContains(t, body, "/nope/")
	assert.Contains(t, body, `route="/v1/models/:version"`)
	assert.Less(t, strings.Count(body, "\n"), 1000, "the metrics stay small")
}

func TestProtectMetrics(t *testing.T) {
	dir := t.TempDir()
	writeFakeBundle(t, dir, "v1", testNow, fakeParams{})
	const metricsKey = "metrics-key-0123456789abcdef"
	keys := filepath.Join(t.TempDir(), "keys")
	require.NoError(t, os.WriteFile(keys, []byte(scoreKey+" score\n"+adminKey+" admin\n"+metricsKey+" metrics\n"), 0o600))
	_, err := New(Config{ModelsDir: dir, ProtectMetrics: true, Load: loadFake})
	require.ErrorContains(t, err, "--protect-metrics needs --api-keys")
	s, err := New(Config{ModelsDir: dir, APIKeysFile: keys, ProtectMetrics: true, PollInterval: -1, Load: loadFake, Now: func() time.Time { return testNow }})
	require.NoError(t, err)
	env := &testEnv{dir: dir, logs: &syncBuffer{}, oa: loadOpenAPI(t), h: s.Handler()}
	tests := []struct {
		name, path, key string
		status          int
		has, hasNot     string
	}{
		{"metrics without key", "/metrics", "", 401, "unauthorized", ""},
		{"metrics with score key", "/metrics", scoreKey, 403, "scope metrics", ""},
		{"metrics with metrics key", "/metrics", metricsKey, 200, "leadscore_model_info", ""},
		{"metrics with admin key", "/metrics", adminKey, 200, "leadscore_model_info", ""},
		{"bare readyz", "/readyz", "", 200, `{"status":"ready"}`, dir},
		{"bare readyz with score key", "/readyz", scoreKey, 200, `{"status":"ready"}`, "v1"},
		{"detailed readyz", "/readyz", metricsKey, 200, `"version":"v1"`, ""},
		{"metrics key cannot score", "/v1/models", metricsKey, 403, "scope score", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var rec = env.do(t, "GET", tc.path, "")
			if tc.key != "" {
				rec = env.do(t, "GET", tc.path, "", "Authorization", "Bearer "+tc.key)
			}
			require.Equal(t, tc.status, rec.Code, rec.Body.String())
			assert.Contains(t, rec.Body.String(), tc.has)
			if tc.hasNot != "" {
				assert.NotContains(t, rec.Body.String(), tc.hasNot)
			}
			if tc.path == "/readyz" {
				env.check(t, "GET", tc.path, rec)
			}
		})
	}
}
