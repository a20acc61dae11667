package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/leadscore/leadscore/datasets/store"
	"github.com/leadscore/leadscore/internal/pgtest"
)

// crashKillsEnv sets how many times TestCrashDuringIngestion kills the
// server (default 3; the acceptance run is 20).
const crashKillsEnv = "LEADSCORE_CRASH_KILLS"

// TestCrashDuringIngestion runs the real static binary on a store, sends
// event batches from two clients and SIGKILLs the server at random
// moments. After every kill the store holds every event whose request was
// acknowledged, and no event twice, although the clients resend every
// batch that was not acknowledged (as a client retrying after a failure
// does). It runs on a SQLite file and on a fresh PostgreSQL database (the
// server named by LEADSCORE_TEST_POSTGRES; without it that half is skipped,
// or fails in CI, where LEADSCORE_REQUIRE_POSTGRES is set).
func TestCrashDuringIngestion(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary and kills it")
	}
	kills := 3
	if v := os.Getenv(crashKillsEnv); v != "" {
		n, err := strconv.Atoi(v)
		require.NoError(t, err, crashKillsEnv)
		kills = n
	}
	root := t.TempDir()
	bin := filepath.Join(root, "leadscore")
	build := exec.Command(goTool(t), "build", "-o", bin, ".")
	build.Env = append(os.Environ(), "CGO_ENABLED=0")
	out, err := build.CombinedOutput()
	require.NoError(t, err, "go build: %s", out)
	models := filepath.Join(root, "models")
	require.NoError(t, os.MkdirAll(models, 0o755))
	t.Run("sqlite", func(t *testing.T) {
		crashDuringIngestion(t, bin, models, "sqlite:"+filepath.Join(t.TempDir(), "store.db"), kills)
	})
	t.Run("postgres", func(t *testing.T) {
		crashDuringIngestion(t, bin, models, pgtest.URL(t), kills)
	})
}

// crashDuringIngestion is TestCrashDuringIngestion on the store at url:
// kills SIGKILLs of the server bin, each followed by the checks.
func crashDuringIngestion(t *testing.T, bin, models, url string, kills int) {
	rng := rand.New(rand.NewPCG(16, 20))

	acked := map[string]bool{} // event ids whose request was answered 200
	var pending [][]string     // batches sent but not acknowledged: resent
	next := 0
	newBatch := func() []string {
		ids := make([]string, 200)
		for i := range ids {
			ids[i] = "ev-" + strconv.Itoa(next)
			next++
		}
		return ids
	}
	for k := range kills {
		addr := freeAddr(t)
		srv := exec.Command(bin, "serve", "--models", models, "--addr", addr, "--store", url, "--poll", "-1s", "--log-level", "warn")
		var stderr bytes.Buffer
		srv.Stderr = &stderr
		require.NoError(t, srv.Start())
		waitHealthy(t, addr, &stderr)

		var mu sync.Mutex
		ctx, stop := context.WithCancel(context.Background())
		var wg sync.WaitGroup
		for range 2 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for ctx.Err() == nil {
					mu.Lock()
					var ids []string
					if len(pending) > 0 {
						ids, pending = pending[len(pending)-1], pending[:len(pending)-1]
					} else {
						ids = newBatch()
					}
					mu.Unlock()
					ok := postEvents(addr, ids)
					mu.Lock()
					if ok {
						for _, id := range ids {
							acked[id] = true
						}
					} else {
						pending = append(pending, ids)
					}
					mu.Unlock()
				}
			}()
		}
		time.Sleep(time.Duration(100+rng.IntN(600)) * time.Millisecond)
		require.NoError(t, srv.Process.Signal(syscall.SIGKILL))
		srv.Wait()
		stop()
		wg.Wait()

		// The store after the kill: every acknowledged event, once.
		st, err := store.Open(context.Background(), url)
		require.NoError(t, err)
		rows, err := st.DB().Query("SELECT event_id, COUNT(*) FROM events GROUP BY event_id")
		require.NoError(t, err)
		have := map[string]bool{}
		dups := 0
		for rows.Next() {
			var id string
			var n int
			require.NoError(t, rows.Scan(&id, &n))
			have[id] = true
			if n > 1 {
				dups++
			}
		}
		require.NoError(t, rows.Err())
		rows.Close()
		st.Close()
		lost := 0
		for id := range acked {
			if !have[id] {
				lost++
			}
		}
		assert.Zero(t, lost, "kill %d: acknowledged events missing after the restart", k+1)
		assert.Zero(t, dups, "kill %d: events stored twice", k+1)
		t.Logf("kill %d: %d events acknowledged so far, %d stored, %d batches to resend", k+1, len(acked), len(have), len(pending))
	}
	require.NotEmpty(t, acked, "no request was acknowledged: the test proved nothing")
}

// postEvents sends one batch of events and reports whether it was
// acknowledged.
func postEvents(addr string, ids []string) bool {
	evs := make([]map[string]string, len(ids))
	for i, id := range ids {
		evs[i] = map[string]string{"lead_id": "lead-" + strconv.Itoa(i%37), "event_id": id, "type": "page_view", "page": "pricing",
			"timestamp": time.Date(2025, 1, 1, 0, 0, i, 0, time.UTC).Format(time.RFC3339)}
	}
	body, _ := json.Marshal(evs)
	c := http.Client{Timeout: 10 * time.Second}
	resp, err := c.Post("http://"+addr+"/v1/events", "application/json", bytes.NewReader(body))
	if err != nil {
		return false
	}
	defer resp.Body.Close()
	var ans struct {
		Accepted int `json:"accepted"`
	}
	return resp.StatusCode == http.StatusOK && json.NewDecoder(resp.Body).Decode(&ans) == nil && ans.Accepted == len(ids)
}

func waitHealthy(t *testing.T, addr string, stderr fmt.Stringer) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		resp, err := http.Get("http://" + addr + "/healthz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return
			}
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("the server did not answer /healthz within 30s: %s", stderr)
}
