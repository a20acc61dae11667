package serve

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestChaos runs sustained load on a loopback server while bundles are
// promoted, damaged bundles are dropped in, the champion file is pointed
// at a damaged bundle and the server is restarted. No request may fail
// outside the restart windows, and every restarted server must be ready
// (falling back to a good bundle when the champion is damaged). It runs
// for about three seconds.
func TestChaos(t *testing.T) {
	dir := t.TempDir()
	writeFakeBundle(t, dir, "v1", testNow.Add(-96*time.Hour), fakeParams{})
	logs := &syncBuffer{}
	cfg := Config{ModelsDir: dir, PollInterval: 20 * time.Millisecond, Load: loadFake, Now: func() time.Time { return testNow },
		Drain: -1, ShutdownTimeout: 2 * time.Second, Logger: slog.New(slog.NewJSONHandler(logs, nil))}

	var addr string
	type running struct {
		cancel context.CancelFunc
		done   chan error
	}
	start := func() running {
		t.Helper()
		s, err := New(cfg)
		require.NoError(t, err)
		var ln net.Listener
		if addr == "" {
			ln, err = net.Listen("tcp", "127.0.0.1:0")
		} else {
			require.Eventually(t, func() bool { ln, err = net.Listen("tcp", addr); return err == nil }, 2*time.Second, 5*time.Millisecond)
		}
		require.NoError(t, err)
		addr = ln.Addr().String()
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan error, 1)
		go func() { done <- s.Serve(ctx, ln) }()
		return running{cancel, done}
	}
	srv := start()
	url := "http://" + addr

	// epoch is odd during a restart; a request that saw an odd epoch or a
	// change of epoch ran in a restart window.
	var epoch atomic.Int64
	var ok, failed, inWindow atomic.Int64
	var failures sync.Map
	stop := make(chan struct{})
	var wg sync.WaitGroup
	client := &http.Client{Timeout: 5 * time.Second}
	for w := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				e0 := epoch.Load()
				path, body := "/v1/score", goodLead
				if (w+i)%3 == 0 {
					path, body = "/v1/score/batch", "["+goodLead+","+goodLead+"]"
				}
				resp, err := client.Post(url+path, "application/json", strings.NewReader(body))
				if err != nil && strings.Contains(err.Error(), "server closed idle connection") {
					// The server closed a keep-alive connection the request
					// was about to reuse, so the request was never sent; Go's
					// transport retries this itself for idempotent requests
					// only, and a client posting leads retries it the same way.
					resp, err = client.Post(url+path, "application/json", strings.NewReader(body))
				}
				code := 0
				if err == nil {
					io.Copy(io.Discard, resp.Body)
					resp.Body.Close()
					code = resp.StatusCode
				}
				e1 := epoch.Load()
				switch {
				case code == http.StatusOK:
					ok.Add(1)
				case e0%2 == 1 || e0 != e1:
					inWindow.Add(1)
				default:
					failed.Add(1)
					failures.Store(fmt.Sprintf("%s %d %v", path, code, err), true)
				}
			}
		}()
	}

	ready := func() {
		t.Helper()
		require.Eventually(t, func() bool {
			resp, err := http.Get(url + "/readyz")
			if err != nil {
				return false
			}
			resp.Body.Close()
			return resp.StatusCode == http.StatusOK
		}, 3*time.Second, 5*time.Millisecond, "the restarted server gets ready")
	}
	restart := func() {
		epoch.Add(1)
		srv.cancel()
		require.NoError(t, <-srv.done)
		srv = start()
		ready()
		// Keep-alive connections to the stopped server may still sit idle
		// in the client's pool; a POST on one fails with "server closed
		// idle connection" (the transport does not retry a POST). That is
		// the restart's doing, so they are dropped inside its window.
		client.CloseIdleConnections()
		epoch.Add(1)
	}
	promote := func(v string) {
		resp, err := http.Post(url+"/v1/models/"+v+"/promote", "", nil)
		require.NoError(t, err)
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		require.Equal(t, http.StatusOK, resp.StatusCode, "promote %s: %s", v, b)
	}
	champion := func(v string) {
		require.NoError(t, os.WriteFile(filepath.Join(dir, ".champion.new"), []byte(v+"\n"), 0o644))
		require.NoError(t, os.Rename(filepath.Join(dir, ".champion.new"), filepath.Join(dir, ChampionFile)))
	}
	pause := func() { time.Sleep(120 * time.Millisecond) }

	restarts := 0
	for round := range 3 {
		good := fmt.Sprintf("v%d-good", round)
		bad := fmt.Sprintf("v%d-bad", round)
		writeFakeBundle(t, dir, good, testNow.Add(time.Duration(round-48)*time.Hour), fakeParams{Bias: float64(round)})
		pause()
		promote(good)
		pause()
		writeFakeBundle(t, dir, bad, testNow.Add(time.Duration(round-24)*time.Hour), fakeParams{Damaged: true}) // newer than every good one
		pause()
		champion(bad) // the running server keeps its model
		pause()
		restart() // the restarted one falls back to the newest good bundle
		restarts++
		pause()
		promote("v1")
		pause()
		restart()
		restarts++
		pause()
	}
	close(stop)
	wg.Wait()
	srv.cancel()
	require.NoError(t, <-srv.done)

	t.Logf("chaos: %d requests answered 200, %d in restart windows (%d restarts), %d failed outside them", ok.Load(), inWindow.Load(), restarts, failed.Load())
	failures.Range(func(k, _ any) bool { t.Logf("failure: %v", k); return true })
	assert.Zero(t, failed.Load(), "no request fails outside a restart window")
	assert.Greater(t, ok.Load(), int64(100), "the load was sustained")
	assert.Contains(t, logs.String(), "serving the newest bundle that passes instead", "a restart with a damaged champion fell back")
}
