package serve

import (
	"context"
	"encoding/json"
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

	"github.com/leadscore/leadscore/models"
)

func servingVersion(t testing.TB, env *testEnv) string {
	t.Helper()
	rec := env.do(t, "POST", "/v1/score?explain=0", goodLead)
	require.Equal(t, http.StatusOK, rec.Code, rec.Body.String())
	var res models.Result
	require.NoError(t, json.Unmarshal(rec.Body.Bytes(), &res))
	return res.Model.Version
}

func TestModelsEndpoints(t *testing.T) {
	s, env := newTestServer(t, testOptions{})
	writeFakeBundle(t, env.dir, "v2", testNow.Add(-24*time.Hour), fakeParams{Bias: 1})
	writeFakeBundle(t, env.dir, "v3-broken", testNow.Add(-12*time.Hour), fakeParams{Damaged: true})
	require.NoError(t, os.MkdirAll(filepath.Join(env.dir, ".v4.tmp-123"), 0o755)) // a bundle being written
	require.NoError(t, os.MkdirAll(filepath.Join(env.dir, "not-a-bundle"), 0o755))
	res, err := s.Reload()
	require.NoError(t, err)
	assert.Equal(t, "v2", res.Serving, "the newest loadable bundle serves")
	assert.Equal(t, "v1", res.Previous)
	require.Len(t, res.Refused, 1)
	assert.Equal(t, "v3-broken", res.Refused[0].Version)
	assert.Contains(t, res.Refused[0].Error, "checksum")

	rec := env.do(t, "GET", "/v1/models", "")
	require.Equal(t, http.StatusOK, rec.Code)
	env.check(t, "GET", "/v1/models", rec)
	var list ModelList
	require.NoError(t, json.Unmarshal(rec.Body.Bytes(), &list))
	assert.Equal(t, "v2", list.Serving)
	status := map[string]string{}
	for _, m := range list.Models {
		status[m.Version] = m.Status
	}
	assert.Equal(t, map[string]string{"v1": StatusAvailable, "v2": StatusServing, "v3-broken": StatusRefused}, status)

	rec = env.do(t, "GET", "/v1/models/v2", "")
	require.Equal(t, http.StatusOK, rec.Code)
	env.check(t, "GET", "/v1/models/v2", rec)
	var d map[string]any
	require.NoError(t, json.Unmarshal(rec.Body.Bytes(), &d))
	assert.Equal(t, StatusServing, d["status"])
	assert.NotEmpty(t, d["features"])
	assert.NotEmpty(t, d["leakage_suspects"])
	assert.NotEmpty(t, d["metrics"])

	rec = env.do(t, "GET", "/v1/models/v1", "")
	require.Equal(t, http.StatusOK, rec.Code)
	env.check(t, "GET", "/v1/models/v1", rec)
	assert.Contains(t, rec.Body.String(), `"status":"available"`)

	rec = env.do(t, "GET", "/v1/models/v3-broken", "")
	require.Equal(t, http.StatusOK, rec.Code)
	env.check(t, "GET", "/v1/models/v3-broken", rec)
	assert.Contains(t, rec.Body.String(), `"status":"refused"`)

	rec = env.do(t, "GET", "/v1/models/nope", "")
	require.Equal(t, http.StatusNotFound, rec.Code)
	env.check(t, "GET", "/v1/models/nope", rec)
	assert.Equal(t, CodeUnknownVersion, decodeError(t, rec).Error.Code)

	// Promote v1: the champion file names it and it serves.
	rec = env.do(t, "POST", "/v1/models/v1/promote", "")
	require.Equal(t, http.StatusOK, rec.Code, rec.Body.String())
	env.check(t, "POST", "/v1/models/v1/promote", rec)
	champ, err := os.ReadFile(filepath.Join(env.dir, ChampionFile))
	require.NoError(t, err)
	assert.Equal(t, "v1\n", string(champ))
	assert.Equal(t, "v1", servingVersion(t, env))
	leftovers, _ := filepath.Glob(filepath.Join(env.dir, ".champion*"))
	assert.Empty(t, leftovers, "no temporary champion file is left behind")
	// The champion file wins over the newest bundle on reload.
	res, err = s.Reload()
	require.NoError(t, err)
	assert.Equal(t, "v1", res.Serving)

	rec = env.do(t, "POST", "/v1/models/v3-broken/promote", "")
	require.Equal(t, http.StatusUnprocessableEntity, rec.Code, rec.Body.String())
	env.check(t, "POST", "/v1/models/v3-broken/promote", rec)
	assert.Equal(t, CodeModelRefused, decodeError(t, rec).Error.Code)
	assert.Equal(t, "v1", servingVersion(t, env), "a refused promotion keeps the current model")
	champ, _ = os.ReadFile(filepath.Join(env.dir, ChampionFile))
	assert.Equal(t, "v1\n", string(champ), "a refused promotion leaves the champion file alone")

	rec = env.do(t, "POST", "/v1/models/nope/promote", "")
	require.Equal(t, http.StatusNotFound, rec.Code)
	env.check(t, "POST", "/v1/models/nope/promote", rec)

	rec = env.do(t, "POST", "/v1/admin/reload", "")
	require.Equal(t, http.StatusOK, rec.Code)
	env.check(t, "POST", "/v1/admin/reload", rec)
}

func TestReadyz(t *testing.T) {
	s, env := newTestServer(t, testOptions{noBundles: true})
	rec := env.do(t, "GET", "/readyz", "")
	require.Equal(t, http.StatusServiceUnavailable, rec.Code)
	env.check(t, "GET", "/readyz", rec)
	rec = env.do(t, "GET", "/healthz", "")
	require.Equal(t, http.StatusOK, rec.Code)
	env.check(t, "GET", "/healthz", rec)
	rec = env.do(t, "POST", "/v1/score", goodLead)
	require.Equal(t, http.StatusServiceUnavailable, rec.Code)
	env.check(t, "POST", "/v1/score", rec)
	assert.Equal(t, CodeNoModel, decodeError(t, rec).Error.Code)
	rec = env.do(t, "POST", "/v1/score/batch", "[]")
	require.Equal(t, http.StatusServiceUnavailable, rec.Code)

	// Only a damaged bundle: still not ready, and the refusal is reported.
	writeFakeBundle(t, env.dir, "v1", testNow, fakeParams{Damaged: true})
	_, err := s.Reload()
	require.NoError(t, err)
	rec = env.do(t, "GET", "/readyz", "")
	require.Equal(t, http.StatusServiceUnavailable, rec.Code)
	env.check(t, "GET", "/readyz", rec)
	assert.Contains(t, rec.Body.String(), "checksum")

	writeFakeBundle(t, env.dir, "v0", testNow.Add(-time.Hour), fakeParams{})
	_, err = s.Reload()
	require.NoError(t, err)
	rec = env.do(t, "GET", "/readyz", "")
	require.Equal(t, http.StatusOK, rec.Code, "an older good bundle serves when the newest is refused")
	env.check(t, "GET", "/readyz", rec)
	var r Readiness
	require.NoError(t, json.Unmarshal(rec.Body.Bytes(), &r))
	assert.Equal(t, "v0", r.Model.Version)
	require.Len(t, r.Refused, 1)
	assert.Equal(t, "v1", r.Refused[0].Version)

	// A champion file naming a missing version is refused and reported.
	require.NoError(t, os.WriteFile(filepath.Join(env.dir, ChampionFile), []byte("v9\n"), 0o644))
	_, err = s.Reload()
	require.NoError(t, err)
	assert.Equal(t, "v0", servingVersion(t, env))
	rec = env.do(t, "GET", "/readyz", "")
	assert.Contains(t, rec.Body.String(), `names version \"v9\"`)
}

func TestNewErrors(t *testing.T) {
	_, err := New(Config{})
	require.Error(t, err)
	_, err = New(Config{ModelsDir: filepath.Join(t.TempDir(), "missing"), Load: loadFake})
	require.ErrorContains(t, err, "--models")
}

// TestDamagedBundleKeepsServing: a new damaged bundle is refused, logged and
// reported while the current model keeps answering.
func TestDamagedBundleKeepsServing(t *testing.T) {
	s, env := newTestServer(t, testOptions{})
	writeFakeBundle(t, env.dir, "v2", testNow, fakeParams{Damaged: true})
	res, err := s.Reload()
	require.NoError(t, err)
	assert.False(t, res.Changed)
	assert.Equal(t, "v1", servingVersion(t, env))
	assert.Contains(t, env.logs.String(), "model bundle refused")
	rec := env.do(t, "GET", "/v1/models", "")
	assert.Contains(t, rec.Body.String(), `"status":"refused"`)
	// The champion file naming the damaged bundle changes nothing either.
	require.NoError(t, os.WriteFile(filepath.Join(env.dir, ChampionFile), []byte("v2"), 0o644))
	_, err = s.Reload()
	require.NoError(t, err)
	assert.Equal(t, "v1", servingVersion(t, env))
	// Once repaired, the next reload serves it.
	writeFakeBundleParams(t, env.dir, "v2", fakeParams{Bias: 2})
	_, err = s.Reload()
	require.NoError(t, err)
	assert.Equal(t, "v2", servingVersion(t, env))
	rec = env.do(t, "GET", "/readyz", "")
	assert.Contains(t, rec.Body.String(), `"refused":[]`)
}

func writeFakeBundleParams(t testing.TB, root, version string, p fakeParams) {
	b, err := json.Marshal(p)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(filepath.Join(root, version, "fake.json"), b, 0o644))
	// Touch the manifest so the registry sees a changed bundle.
	m := filepath.Join(root, version, manifestFile)
	later := time.Now().Add(time.Minute)
	require.NoError(t, os.Chtimes(m, later, later))
}

// TestHotReloadUnderLoad swaps models while clients score without pause: no
// request fails and every answer comes from one whole model. Run with -race.
func TestHotReloadUnderLoad(t *testing.T) {
	s, env := newTestServer(t, testOptions{poll: 5 * time.Millisecond})
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	go s.poll(ctx)
	var wg sync.WaitGroup
	var failures, done atomic.Int64
	seen := sync.Map{}
	stop := make(chan struct{})
	for range 4 {
		wg.Go(func() {
			for {
				select {
				case <-stop:
					return
				default:
				}
				path, body := "/v1/score", goodLead
				if done.Load()%3 == 0 {
					path, body = "/v1/score/batch?explain=1", "["+goodLead+","+goodLead+"]"
				}
				rec := env.do(t, "POST", path, body)
				if rec.Code != http.StatusOK {
					failures.Add(1)
					t.Errorf("%s: %d %s", path, rec.Code, rec.Body.String())
					return
				}
				for _, v := range []string{"v1", "v2", "v3", "v4"} {
					if strings.Contains(rec.Body.String(), `"version":"`+v+`"`) {
						seen.Store(v, true)
					}
				}
				done.Add(1)
			}
		})
	}
	waitFor := func(v string) {
		t.Helper()
		require.Eventually(t, func() bool { _, ok := seen.Load(v); return ok }, 5*time.Second, time.Millisecond, "version %s never served", v)
	}
	waitFor("v1")
	writeFakeBundle(t, env.dir, "v2", testNow.Add(-time.Hour), fakeParams{Bias: 0.5}) // picked up by polling
	waitFor("v2")
	writeFakeBundle(t, env.dir, "v3", testNow, fakeParams{Damaged: true})
	writeFakeBundle(t, env.dir, "v4", testNow.Add(-30*time.Minute), fakeParams{Bias: 0.7})
	waitFor("v4")
	require.NoError(t, os.WriteFile(filepath.Join(env.dir, ChampionFile+".tmp"), []byte("v1"), 0o644))
	require.NoError(t, os.Rename(filepath.Join(env.dir, ChampionFile+".tmp"), filepath.Join(env.dir, ChampionFile)))
	require.Eventually(t, func() bool { return s.reg.current().version == "v1" }, 5*time.Second, time.Millisecond)
	_, err := s.Reload() // SIGHUP path
	require.NoError(t, err)
	rec := env.do(t, "POST", "/v1/models/v2/promote", "")
	require.Equal(t, http.StatusOK, rec.Code)
	n := done.Load()
	require.Eventually(t, func() bool { return done.Load() > n+20 }, 5*time.Second, time.Millisecond)
	close(stop)
	wg.Wait()
	assert.Zero(t, failures.Load())
	assert.Equal(t, "v2", servingVersion(t, env))
}

// TestInFlightFinishOnOldModel: a request that started before a swap
// finishes on the model it started with.
func TestInFlightFinishOnOldModel(t *testing.T) {
	s, env := newTestServer(t, testOptions{params: fakeParams{DelayMS: 200}})
	got := make(chan string)
	go func() {
		rec := env.do(t, "POST", "/v1/score", goodLead)
		got <- rec.Body.String()
	}()
	time.Sleep(50 * time.Millisecond)
	writeFakeBundle(t, env.dir, "v2", testNow, fakeParams{})
	res, err := s.Reload()
	require.NoError(t, err)
	require.Equal(t, "v2", res.Serving)
	assert.Contains(t, <-got, `"version":"v1"`)
}

// TestGracefulShutdown: cancelling Serve's context lets in-flight requests
// finish, then Serve returns.
func TestGracefulShutdown(t *testing.T) {
	s, _ := newTestServer(t, testOptions{params: fakeParams{DelayMS: 300}})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	ctx, cancel := context.WithCancel(t.Context())
	served := make(chan error, 1)
	go func() { served <- s.Serve(ctx, ln) }()
	url := "http://" + ln.Addr().String()
	type answer struct {
		code int
		err  error
	}
	got := make(chan answer, 1)
	go func() {
		resp, err := http.Post(url+"/v1/score", "application/json", strings.NewReader(goodLead))
		if err != nil {
			got <- answer{err: err}
			return
		}
		resp.Body.Close()
		got <- answer{code: resp.StatusCode}
	}()
	time.Sleep(100 * time.Millisecond)
	cancel()
	a := <-got
	require.NoError(t, a.err)
	assert.Equal(t, http.StatusOK, a.code, "the in-flight request completes")
	require.NoError(t, <-served)
	_, err = http.Get(url + "/healthz")
	assert.Error(t, err, "no new connections after shutdown")
}

// A pinned server (serve --models pointed at one bundle) serves the pinned
// version whatever the champion file says, and refuses promotion.
func TestPinnedVersion(t *testing.T) {
	dir := t.TempDir()
	writeFakeBundle(t, dir, "v1", testNow.Add(-48*time.Hour), fakeParams{})
	writeFakeBundle(t, dir, "v2", testNow.Add(-24*time.Hour), fakeParams{})
	require.NoError(t, os.WriteFile(filepath.Join(dir, ChampionFile), []byte("v2\n"), 0o644))
	s, err := New(Config{ModelsDir: dir, Pin: "v1", PollInterval: -1, Load: loadFake, Now: func() time.Time { return testNow },
		Logger: slog.New(slog.DiscardHandler)})
	require.NoError(t, err)
	require.NotNil(t, s.Current())
	assert.Equal(t, "v1", s.Current().Version(), "the pin wins over the champion file")
	res, err := s.Reload()
	require.NoError(t, err)
	assert.Equal(t, "v1", res.Serving)
	_, err = s.reg.promote("v2")
	require.ErrorIs(t, err, errRefused)
	assert.Contains(t, err.Error(), "--models "+dir)
	assert.Equal(t, "v1", s.Current().Version())
}
