package suite

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/leadscore/leadscore/internal/cputime"
	"github.com/leadscore/leadscore/serve"
)

// loadResult is one load-test run.
type loadResult struct {
	requests int
	elapsed  time.Duration
	cpu      time.Duration
	p50, p99 time.Duration
}

// loadTest posts body to url from conns connections (keep-alive) for d,
// as wrk does, and returns the request rate and latency percentiles. Any
// failed request or non-200 answer fails the run.
func loadTest(ctx context.Context, url string, body []byte, conns int, d time.Duration) (loadResult, error) {
	tr := &http.Transport{MaxIdleConns: conns, MaxIdleConnsPerHost: conns, MaxConnsPerHost: conns,
		DisableCompression: true, IdleConnTimeout: time.Minute}
	defer tr.CloseIdleConnections()
	client := &http.Client{Transport: tr, Timeout: time.Minute}
	lat := make([][]time.Duration, conns)
	errs := make([]error, conns)
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var wg sync.WaitGroup
	c0, start := cputime.Used(), time.Now()
	deadline := start.Add(d)
	for w := range conns {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for time.Now().Before(deadline) && ctx.Err() == nil {
				t0 := time.Now()
				req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
				if err != nil {
					errs[w] = err
					cancel()
					return
				}
				req.Header.Set("Content-Type", "application/json")
				resp, err := client.Do(req)
				if err != nil {
					if ctx.Err() == nil {
						errs[w] = err
						cancel()
					}
					return
				}
				_, err = io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				if err == nil && resp.StatusCode != http.StatusOK {
					err = fmt.Errorf("POST %s: status %d", url, resp.StatusCode)
				}
				if err != nil {
					errs[w] = err
					cancel()
					return
				}
				lat[w] = append(lat[w], time.Since(t0))
			}
		}()
	}
	wg.Wait()
	res := loadResult{elapsed: time.Since(start), cpu: cputime.Used() - c0}
	if err := errors.Join(errs...); err != nil {
		return res, err
	}
	all := slices.Concat(lat...)
	if len(all) == 0 {
		return res, fmt.Errorf("POST %s: no request completed in %s", url, d)
	}
	slices.Sort(all)
	res.requests = len(all)
	res.p50 = all[len(all)*50/100]
	res.p99 = all[min(len(all)-1, len(all)*99/100)]
	return res, nil
}

// listen serves h on a free loopback port and returns its base URL and a
// function that closes the server.
func listen(h http.Handler) (string, func(), error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", nil, err
	}
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 5 * time.Second}
	go srv.Serve(ln)
	return "http://" + ln.Addr().String(), func() { srv.Close() }, nil
}

// benchServe runs bench/serve/run.sh's four load tests in this process: the
// scoring API (serve.New over the bench bundle) and a bare gin endpoint
// that decodes and echoes the same JSON, both on loopback, with a Go load
// generator in place of wrk (32 connections for single leads, 4 for
// batches).
func benchServe(r *run) error {
	data, modelsDir, _, err := r.serveBundle()
	if err != nil {
		return err
	}
	batch := pick(r, 100, 1000, 1000)
	bodiesDir := filepath.Join(filepath.Dir(modelsDir), fmt.Sprintf("bodies-%d", batch))
	if err := os.MkdirAll(bodiesDir, 0o755); err != nil {
		return err
	}
	info, err := WriteServeBodies(data, bodiesDir, batch)
	if err != nil {
		return err
	}
	one, err := os.ReadFile(filepath.Join(bodiesDir, "lead.json"))
	if err != nil {
		return err
	}
	many, err := os.ReadFile(filepath.Join(bodiesDir, "batch.json"))
	if err != nil {
		return err
	}
	gin.SetMode(gin.ReleaseMode) // as the serve command runs
	srv, err := serve.New(serve.Config{ModelsDir: modelsDir, MaxBatchLeads: 100000, PollInterval: -1})
	if err != nil {
		return err
	}
	apiURL, closeAPI, err := listen(srv.Handler())
	if err != nil {
		return err
	}
	defer closeAPI()
	bareURL, closeBare, err := listen(EchoHandler())
	if err != nil {
		return err
	}
	defer closeBare()
	runs := []struct {
		name, url string
		body      []byte
		conns     int
		leads     int
		what      string
	}{
		{"bare-echo", bareURL + "/echo", one, 32, 0, "gin decode + encode of lead.json"},
		{"score-explain-5", apiURL + "/v1/score?explain=5", one, 32, 1, "POST /v1/score?explain=5"},
		{"batch-explain-0", apiURL + "/v1/score/batch?explain=0", many, 4, info.BatchLeads, fmt.Sprintf("POST /v1/score/batch, %d leads", info.BatchLeads)},
		{"batch-explain-5", apiURL + "/v1/score/batch?explain=5", many, 4, info.BatchLeads, fmt.Sprintf("POST /v1/score/batch?explain=5, %d leads", info.BatchLeads)},
	}
	r.logf("lead.json: %d fields, %d events; batch.json: %d leads, %.1f events per lead; %s per run",
		info.LeadFields, info.LeadEvents, info.BatchLeads, info.EventsPerLead, r.serveD)
	rates := map[string]float64{}
	for _, run := range runs {
		// A short warm-up: connections, pools and caches.
		if _, err := loadTest(r.ctx, run.url, run.body, run.conns, min(r.serveD/5, time.Second)); err != nil {
			return err
		}
		res, err := loadTest(r.ctx, run.url, run.body, run.conns, r.serveD)
		if err != nil {
			return err
		}
		rate := perSecond(float64(res.requests), res.elapsed)
		rates[run.name] = rate
		out := Result{Suite: "serve", Name: run.name,
			Workload:    fmt.Sprintf("%s, %d connections", run.what, run.conns),
			WallSeconds: res.elapsed.Seconds(), CPUSeconds: res.cpu.Seconds(),
			Value: rate, Unit: "req/s",
			Metrics: map[string]float64{"requests": float64(res.requests), "p50_ms": ms(res.p50), "p99_ms": ms(res.p99)},
			Note:    fmt.Sprintf("p50 %s ms, p99 %s ms", formatNumber(ms(res.p50)), formatNumber(ms(res.p99))),
		}
		if run.leads > 1 {
			out.Metrics["leads_per_s"] = rate * float64(run.leads)
			out.CPUValue, out.CPUUnit = micros(res.cpu, res.requests*run.leads), "CPU-us/lead"
			out.Note += fmt.Sprintf(", %s leads/s", formatNumber(rate*float64(run.leads)))
		} else {
			out.CPUValue, out.CPUUnit = micros(res.cpu, res.requests), "CPU-us/req"
		}
		r.add(out)
	}
	if bare := rates["bare-echo"]; bare > 0 {
		r.add(Result{Suite: "serve", Name: "score-vs-bare",
			Workload: "score-explain-5 req/s as a share of bare-echo's",
			Value:    100 * rates["score-explain-5"] / bare, Unit: "%",
			Note: "target >= 60%"})
	}
	return nil
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1e3 }
