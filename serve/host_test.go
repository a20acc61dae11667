package serve

import (
	"context"
	"log/slog"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestHostedPages: routes added to Router go through the API's middleware
// (request id, metrics by route template), HandleUnmatched answers the
// unknown paths under its prefix with their 404 or 405, and every other
// unknown path keeps the API's JSON error.
func TestHostedPages(t *testing.T) {
	s, env := newTestServer(t, testOptions{})
	r := s.Router()
	r.GET("/pages/:id", func(c *gin.Context) {
		c.String(http.StatusOK, "page %s of request %s", c.Param("id"), RequestID(c))
	})
	r.POST("/pages/form", func(c *gin.Context) {
		SetLeadCount(c, 3)
		c.String(http.StatusOK, "posted")
	})
	s.HandleUnmatched("/pages", func(c *gin.Context) {
		c.String(c.Writer.Status(), "html %d", c.Writer.Status())
	})

	rec := env.do(t, http.MethodGet, "/pages/7", "")
	require.Equal(t, http.StatusOK, rec.Code)
	assert.Equal(t, "page 7 of request "+rec.Header().Get("X-Request-ID"), rec.Body.String())
	require.Equal(t, http.StatusOK, env.do(t, http.MethodPost, "/pages/form", "").Code)

	tests := []struct {
		method, path string
		code         int
		body, allow  string
	}{
		{http.MethodGet, "/pages/a/b", http.StatusNotFound, "html 404", ""},
		{http.MethodGet, "/pages", http.StatusNotFound, "html 404", ""},
		{http.MethodDelete, "/pages/7", http.StatusMethodNotAllowed, "html 405", "GET"},
		{http.MethodGet, "/pagesx", http.StatusNotFound, `"code":"not_found"`, ""},
		{http.MethodGet, "/nope", http.StatusNotFound, `"code":"not_found"`, ""},
		{http.MethodGet, "/v1/score", http.StatusMethodNotAllowed, `"code":"method_not_allowed"`, "POST"},
	}
	for _, tt := range tests {
		rec := env.do(t, tt.method, tt.path, "")
		assert.Equal(t, tt.code, rec.Code, "%s %s", tt.method, tt.path)
		assert.Contains(t, rec.Body.String(), tt.body, "%s %s", tt.method, tt.path)
		assert.Equal(t, tt.allow, rec.Header().Get("Allow"), "%s %s", tt.method, tt.path)
	}

	metrics := env.do(t, http.MethodGet, "/metrics", "").Body.String()
	assert.Contains(t, metrics, `leadscore_http_requests_total{code="200",method="GET",route="/pages/:id"} 1`)
	assert.Contains(t, metrics, `leadscore_http_requests_total{code="404",method="GET",route="unmatched"} 4`)
	assert.Contains(t, env.logs.String(), `"leads":3`)
}

func TestHostAccessors(t *testing.T) {
	s, _ := newTestServer(t, testOptions{keys: true, maxBatchLeads: 7})
	assert.True(t, s.AuthRequired())
	tests := []struct {
		key  string
		want bool
	}{{scoreKey, true}, {adminKey, true}, {"", false}, {"not-a-key-0123456789", false}}
	for _, tt := range tests {
		assert.Equal(t, tt.want, s.Authorized(tt.key), "key %q", tt.key)
	}
	require.NotNil(t, s.Current())
	assert.Equal(t, "v1", s.Current().Version())
	assert.Nil(t, s.Current().Bundle(), "a test double has no bundle")
	cfg := s.Config()
	assert.Equal(t, 7, cfg.MaxBatchLeads)
	assert.Equal(t, testNow, cfg.Now())
	assert.NotNil(t, cfg.Logger)
	assert.Empty(t, s.Refusals())

	open, env := newTestServer(t, testOptions{noBundles: true})
	assert.False(t, open.AuthRequired())
	assert.True(t, open.Authorized(""), "without keys every key may")
	assert.Nil(t, open.Current(), "no model loaded")

	s.CountScores("v1", []string{"hot", "cold", "hot"})
	open.CountScores("v0", []string{"warm"})
	metrics := env.do(t, http.MethodGet, "/metrics", "").Body.String()
	assert.Contains(t, metrics, `leadscore_scores_total{model_version="v0",tier="warm"} 1`)
}

// TestListenAndServe: New, then pages on the router, then ListenAndServe
// serves both until the context ends.
func TestListenAndServe(t *testing.T) {
	dir := t.TempDir()
	writeFakeBundle(t, dir, "v1", testNow, fakeParams{})
	logs := &syncBuffer{}
	s, err := New(Config{ModelsDir: dir, Addr: "127.0.0.1:0", Load: loadFake, PollInterval: -1, Drain: -1,
		Logger: slog.New(slog.NewJSONHandler(logs, nil))})
	require.NoError(t, err)
	s.Router().GET("/hello", func(c *gin.Context) { c.String(http.StatusOK, "hello") })
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan error, 1)
	go func() { done <- s.ListenAndServe(ctx) }()
	require.Eventually(t, func() bool { return strings.Contains(logs.String(), "serving the leadscore API") }, 5*time.Second, 5*time.Millisecond)
	cancel()
	require.NoError(t, <-done)

	s, err = New(Config{ModelsDir: dir, Addr: "0.0.0.0:0", Load: loadFake, PollInterval: -1})
	require.NoError(t, err)
	err = s.ListenAndServe(t.Context())
	require.Error(t, err)
	assert.Contains(t, err.Error(), "without --api-keys")
}
