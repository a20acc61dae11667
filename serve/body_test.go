package serve

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func gzipped(t testing.TB, s string) []byte {
	t.Helper()
	var b bytes.Buffer
	w := gzip.NewWriter(&b)
	_, err := w.Write([]byte(s))
	require.NoError(t, err)
	require.NoError(t, w.Close())
	return b.Bytes()
}

func TestBodyEncoding(t *testing.T) {
	_, env := newTestServer(t, testOptions{maxBody: 512})
	lead := `{"fields": {"TotalVisits": 7}}`
	bomb := `{"fields": {"TotalVisits": 1, "Notes": "` + strings.Repeat("x", 4096) + `"}}`
	tests := []struct {
		name     string
		body     []byte
		encoding string
		status   int
		code     string
	}{
		{"gzip", gzipped(t, lead), "gzip", 200, ""},
		{"gzip upper case", gzipped(t, lead), "GZIP", 200, ""},
		{"identity", []byte(lead), "identity", 200, ""},
		{"limit applies to decompressed bytes", gzipped(t, bomb), "gzip", 413, CodeBodyTooLarge},
		{"not gzip", []byte(lead), "gzip", 400, CodeMalformedJSON},
		{"corrupt gzip", append(gzipped(t, lead)[:12], 0xff, 0xff, 0xff, 0xff), "gzip", 400, CodeMalformedJSON},
		{"brotli", []byte(lead), "br", 415, CodeUnsupportedMedia},
	}
	require.Less(t, len(gzipped(t, bomb)), 512, "the compressed bomb fits the limit")
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			req := httptest.NewRequest("POST", "/v1/score", bytes.NewReader(tc.body))
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set("Content-Encoding", tc.encoding)
			rec := httptest.NewRecorder()
			env.h.ServeHTTP(rec, req)
			require.Equal(t, tc.status, rec.Code, rec.Body.String())
			env.check(t, "POST", "/v1/score", rec)
			if tc.code != "" {
				assert.Equal(t, tc.code, decodeError(t, rec).Error.Code)
			}
		})
	}
}

// A client that declares a huge Content-Length and sends little costs
// what it sent, not what it declared: a budget far below the declared size
// still lets the request through.
func TestBodyNotSizedByContentLength(t *testing.T) {
	s, env := newTestServer(t, testOptions{})
	s.inflight.limit = 1 << 20
	req := httptest.NewRequest("POST", "/v1/score/batch", strings.NewReader(`[{"fields": {"TotalVisits": 1}}]`))
	req.Header.Set("Content-Type", "application/json")
	req.ContentLength = 60 << 20 // declared, never sent
	rec := httptest.NewRecorder()
	env.h.ServeHTTP(rec, req)
	assert.Equal(t, http.StatusOK, rec.Code, rec.Body.String())
	assert.Zero(t, s.inflight.used.Load(), "every reserved byte is given back")
}

func TestInflightBudget(t *testing.T) {
	s, env := newTestServer(t, testOptions{})
	// Hold the whole budget as if other requests were reading.
	held := s.inflight.limit - minBodyStep
	require.True(t, s.inflight.take(held))
	big := "[" + strings.Repeat(`{"fields":{"TotalVisits":1}},`, 3000) + "{}]"
	rec := env.do(t, "POST", "/v1/score/batch", big)
	require.Equal(t, http.StatusServiceUnavailable, rec.Code, rec.Body.String())
	assert.Equal(t, CodeOverloaded, decodeError(t, rec).Error.Code)
	assert.Equal(t, "1", rec.Header().Get("Retry-After"))
	env.check(t, "POST", "/v1/score/batch", rec)
	s.inflight.give(held)
	rec = env.do(t, "POST", "/v1/score/batch", big)
	require.Equal(t, http.StatusOK, rec.Code)
	assert.Zero(t, s.inflight.used.Load(), "every reserved byte is given back")
}

// A body that stops arriving gets 408 once the read timeout passes.
func TestSlowBody408(t *testing.T) {
	s, _ := newTestServer(t, testOptions{})
	s.cfg.ReadTimeout = 300 * time.Millisecond
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- s.Serve(ctx, ln) }()
	defer func() { cancel(); require.NoError(t, <-done) }()

	conn, err := net.Dial("tcp", ln.Addr().String())
	require.NoError(t, err)
	defer conn.Close()
	fmt.Fprintf(conn, "POST /v1/score HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"fields\":")
	require.NoError(t, conn.SetReadDeadline(time.Now().Add(5*time.Second)))
	resp, err := http.ReadResponse(bufioReader(conn), nil)
	require.NoError(t, err)
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	assert.Equal(t, http.StatusRequestTimeout, resp.StatusCode, string(b))
	assert.Contains(t, string(b), CodeRequestTimeout)
}

func bufioReader(c net.Conn) *bufio.Reader { return bufio.NewReader(c) }

func TestPerLeadLimits(t *testing.T) {
	_, env := newTestServer(t, testOptions{maxEvents: 3, maxBody: 512})
	events := func(n int) string {
		ev := make([]string, n)
		for i := range ev {
			ev[i] = `{"type": "page_view", "timestamp": "2024-05-01"}`
		}
		return `{"fields": {"TotalVisits": 1}, "events": [` + strings.Join(ev, ",") + `]}`
	}
	long := `{"fields": {"TotalVisits": 1, "Notes": "` + strings.Repeat("x", 600) + `"}}`
	tests := []struct {
		name, path, body string
		status           int
		code, field, msg string
	}{
		{"at the cap", "/v1/score", events(3), 200, "", "", ""},
		{"over the cap", "/v1/score", events(4), 413, CodeTooManyEvents, "events", "at most 3 events"},
		{"batch at the cap", "/v1/score/batch", "[" + events(3) + "," + events(1) + "]", 200, "", "", ""},
		{"batch lead over the cap", "/v1/score/batch", "[" + events(1) + "," + events(4) + "," + events(9) + "]", 413, CodeTooManyEvents, "[1].events", "index 1"},
		{"batch lead over the body limit", "/v1/score/batch", "[" + events(1) + "," + long + "]", 413, CodeBodyTooLarge, "[1]", "index 1"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rec := env.do(t, "POST", tc.path, tc.body)
			require.Equal(t, tc.status, rec.Code, rec.Body.String())
			env.check(t, "POST", tc.path, rec)
			if tc.status != 200 {
				e := decodeError(t, rec)
				assert.Equal(t, tc.code, e.Error.Code)
				assert.Equal(t, tc.field, e.Error.Field)
				assert.Contains(t, e.Error.Message, tc.msg)
			}
		})
	}
}

func TestMemoryLimitDefault(t *testing.T) {
	cfg, err := Config{ModelsDir: "m"}.withDefaults()
	require.NoError(t, err)
	assert.Equal(t, int64(DefaultMaxInflightBytes+192<<20), cfg.MemoryLimit)
	cfg, err = Config{ModelsDir: "m", MemoryLimit: -1}.withDefaults()
	require.NoError(t, err)
	assert.Equal(t, int64(-1), cfg.MemoryLimit, "negative leaves the runtime alone")
	_, err = Config{ModelsDir: "m", MaxInflightBytes: 1 << 20}.withDefaults()
	assert.ErrorContains(t, err, "--max-inflight-bytes")
}
