package main

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"github.com/leadscore/leadscore/serve"
	"github.com/leadscore/leadscore/training/backtest"
)

// scheduledReports runs the backtest every interval in the background and
// lists the dated report directories it writes under dir/reports for
// GET /reports. One run happens at a time; a run that fails keeps the
// earlier reports and records its error.
type scheduledReports struct {
	dir string
	mu  sync.Mutex
	// last is the latest run, nil before the first starts.
	last *serve.RunStatus
}

// Reports lists the report directories, newest first.
func (r *scheduledReports) Reports() ([]serve.ReportEntry, error) {
	infos, err := backtest.ListReports(r.dir)
	if err != nil {
		return nil, err
	}
	out := make([]serve.ReportEntry, len(infos))
	for i, in := range infos {
		out[i] = serve.ReportEntry{ID: in.Name, Kind: in.Kind, CreatedAt: in.CreatedAt, Summary: in.Summary, Dir: in.Dir}
	}
	return out, nil
}

// LastRun returns a copy of the latest run's status.
func (r *scheduledReports) LastRun() *serve.RunStatus {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.last == nil {
		return nil
	}
	s := *r.last
	return &s
}

// loop runs the backtest now and then every interval until ctx ends.
func (r *scheduledReports) loop(ctx context.Context, cfg backtest.Config, every time.Duration, log *slog.Logger) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		r.runOnce(ctx, cfg, log)
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

func (r *scheduledReports) runOnce(ctx context.Context, cfg backtest.Config, log *slog.Logger) {
	status := &serve.RunStatus{Started: time.Now().UTC(), Running: true}
	r.mu.Lock()
	r.last = status
	r.mu.Unlock()
	log.Info("scheduled backtest started")
	dir, err := backtest.RunToDir(ctx, cfg, r.dir)
	r.mu.Lock()
	defer r.mu.Unlock()
	status.Running, status.Finished = false, time.Now().UTC()
	if err != nil {
		status.Error = err.Error()
		log.Error("scheduled backtest failed; earlier reports are kept", "err", err)
		return
	}
	status.Report = lastElem(dir)
	log.Info("scheduled backtest written", "report", status.Report, "seconds", status.Finished.Sub(status.Started).Seconds())
}

func lastElem(path string) string {
	for i := len(path) - 1; i >= 0; i-- {
		if path[i] == '/' || path[i] == '\\' {
			return path[i+1:]
		}
	}
	return path
}
