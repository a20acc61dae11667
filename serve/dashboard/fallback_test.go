package dashboard

import (
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/leadscore/leadscore/serve"
)

// Every page shows a banner while the champion file names a damaged
// bundle and another serves in its place.
func TestFallbackBanner(t *testing.T) {
	f := realFixture(t)
	dir := t.TempDir()
	copyBundle(t, f.bundle, dir, "real-v1", nil)
	copyBundle(t, f.bundle, dir, "real-v2", nil)
	gbm := filepath.Join(dir, "real-v2", "gbm.json")
	data, err := os.ReadFile(gbm)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(gbm, append(data, ' '), 0o644)) // checksum no longer matches
	require.NoError(t, os.WriteFile(filepath.Join(dir, serve.ChampionFile), []byte("real-v2\n"), 0o644))
	s, err := serve.New(serve.Config{ModelsDir: dir, PollInterval: -1, Logger: slog.New(slog.DiscardHandler), Now: func() time.Time { return realAsOf }})
	require.NoError(t, err)
	require.NoError(t, Mount(s, Options{TempDir: t.TempDir()}))
	srv := httptest.NewServer(s.Router())
	t.Cleanup(srv.Close)

	for _, path := range []string{"/", "/ui/score"} {
		code, page := get(t, client(t), srv.URL+path)
		require.Equal(t, http.StatusOK, code, page)
		assert.Contains(t, page, `id="fallback-banner"`, path)
		assert.Contains(t, page, "names version real-v2, which fails its checks; version real-v1 scores instead", path)
	}
}
