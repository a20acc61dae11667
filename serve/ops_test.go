package serve

import (
	"context"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	rtmetrics "runtime/metrics"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// serveOn serves s on a loopback port until the returned cancel is
// called; the channel gives Serve's result.
func serveOn(t *testing.T, s *Server) (string, context.CancelFunc, chan error) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan error, 1)
	go func() { done <- s.Serve(ctx, ln) }()
	return "http://" + ln.Addr().String(), cancel, done
}

// After SIGTERM (here: cancellation) /readyz answers 503 draining for
// --drain while requests are still served, then the listener closes.
func TestDrain(t *testing.T) {
	s, env := newTestServer(t, testOptions{drain: time.Second})
	url, cancel, done := serveOn(t, s)
	resp, err := http.Get(url + "/readyz")
	require.NoError(t, err)
	resp.Body.Close()
	require.Equal(t, http.StatusOK, resp.StatusCode)
	cancel()
	require.Eventually(t, func() bool { return s.draining.Load() }, 2*time.Second, time.Millisecond)
	resp, err = http.Get(url + "/readyz")
	require.NoError(t, err, "the listener is still open while draining")
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	assert.Equal(t, http.StatusServiceUnavailable, resp.StatusCode)
	assert.Contains(t, string(b), `"status":"draining"`)
	resp, err = http.Post(url+"/v1/score", "application/json", strings.NewReader(goodLead))
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusOK, resp.StatusCode, "requests are still served while draining")
	require.NoError(t, <-done)
	assert.Contains(t, env.logs.String(), "draining: /readyz answers 503")
}

// A shutdown that times out with requests in flight logs it and returns
// nil: stopping was asked for.
func TestShutdownTimeoutExitsCleanly(t *testing.T) {
	s, env := newTestServer(t, testOptions{params: fakeParams{DelayMS: 2000}, shutdown: 100 * time.Millisecond})
	url, cancel, done := serveOn(t, s)
	go func() {
		resp, err := http.Post(url+"/v1/score", "application/json", strings.NewReader(goodLead))
		if err == nil {
			resp.Body.Close()
		}
	}()
	time.Sleep(100 * time.Millisecond)
	cancel()
	require.NoError(t, <-done)
	assert.Contains(t, env.logs.String(), "shutdown timed out with requests in flight")
}

func TestKeyFileChecks(t *testing.T) {
	dir := t.TempDir()
	writeFakeBundle(t, dir, "v1", testNow, fakeParams{})
	keys := filepath.Join(t.TempDir(), "keys")
	require.NoError(t, os.WriteFile(keys, []byte(scoreKey+" score\npassword12345678 admin\n"), 0o600))
	for _, mode := range []os.FileMode{0o620, 0o602, 0o666} {
		require.NoError(t, os.Chmod(keys, mode))
		_, err := New(Config{ModelsDir: dir, APIKeysFile: keys, Load: loadFake, PollInterval: -1})
		assert.ErrorContains(t, err, "writable by group or others", "mode %o", mode)
	}
	require.NoError(t, os.Chmod(keys, 0o640))
	logs := &syncBuffer{}
	_, err := New(Config{ModelsDir: dir, APIKeysFile: keys, Load: loadFake, PollInterval: -1, Logger: slog.New(slog.NewJSONHandler(logs, nil))})
	require.NoError(t, err)
	assert.Contains(t, logs.String(), `"msg":"an API key has little entropy; use a random one (openssl rand -hex 24)"`)
	assert.Contains(t, logs.String(), `"line":2`)
	assert.NotContains(t, logs.String(), `"line":1`)
	assert.NotContains(t, logs.String(), "password", "a key is never logged")
}

func TestKeyBits(t *testing.T) {
	tests := []struct {
		key      string
		min, max int
	}{
		{"aaaaaaaaaaaaaaaaaaaaaaaa", 0, 0},
		{"password12345678", 40, 63},
		{"0123456789abcdef", 60, 64},
		{"3f9a1c7e5b2d8f4a6c0e9b1d7a3f5c2e8b4d6a0c9e1f3b5d", 64, 200},
		{scoreKey, 64, 200},
	}
	for _, tc := range tests {
		bits := keyBits(tc.key)
		assert.GreaterOrEqual(t, bits, tc.min, tc.key)
		assert.LessOrEqual(t, bits, tc.max, tc.key)
	}
}

// Serve removes temporary files that crashed writes left in the models
// directory, and only stale ones.
func TestStaleTemporariesRemovedOnStart(t *testing.T) {
	dir := t.TempDir()
	writeFakeBundle(t, dir, "v1", testNow, fakeParams{})
	old := time.Now().Add(-2 * time.Hour)
	stale := filepath.Join(dir, ".v2.tmp-123")
	fresh := filepath.Join(dir, ".champion.tmp-9")
	require.NoError(t, os.MkdirAll(stale, 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(stale, "gbm.json"), []byte("{}"), 0o644))
	require.NoError(t, os.Chtimes(stale, old, old))
	require.NoError(t, os.WriteFile(fresh, []byte("v1"), 0o644))
	logs := &syncBuffer{}
	_, err := New(Config{ModelsDir: dir, Load: loadFake, PollInterval: -1, Logger: slog.New(slog.NewJSONHandler(logs, nil))})
	require.NoError(t, err)
	assert.NoDirExists(t, stale)
	assert.FileExists(t, fresh, "a write in progress is left alone")
	assert.Contains(t, logs.String(), "removed a temporary file left by a crashed write")
}

// While Serve runs, the garbage collector runs at --gc-percent (400 by
// default) unless GOGC is set, and the runtime's own setting comes back
// after; a negative value leaves it alone.
func TestGCPercentWhileServing(t *testing.T) {
	if os.Getenv("GOGC") != "" {
		t.Skip("GOGC is set: the server leaves the collector's setting alone")
	}
	gogc := func() uint64 {
		s := []rtmetrics.Sample{{Name: "/gc/gogc:percent"}}
		rtmetrics.Read(s)
		return s[0].Value.Uint64()
	}
	before := gogc()
	require.NotEqual(t, uint64(DefaultGCPercent), before)
	s, _ := newTestServer(t, testOptions{})
	url, cancel, done := serveOn(t, s)
	resp, err := http.Get(url + "/readyz")
	require.NoError(t, err)
	resp.Body.Close()
	assert.EqualValues(t, DefaultGCPercent, gogc())
	cancel()
	require.NoError(t, <-done)
	assert.Equal(t, before, gogc())

	s, _ = newTestServer(t, testOptions{})
	s.cfg.GCPercent = -1
	url, cancel, done = serveOn(t, s)
	resp, err = http.Get(url + "/readyz")
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, before, gogc(), "negative: the runtime's own")
	cancel()
	require.NoError(t, <-done)
}
