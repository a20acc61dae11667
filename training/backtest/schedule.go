package backtest

import (
	"context"
	"io"
	"log/slog"
	"path/filepath"
	"sync"
	"time"
)

// RunStatus describes one scheduled backtest run.
type RunStatus struct {
	Started  time.Time `json:"started"`
	Finished time.Time `json:"finished,omitempty"`
	Running  bool      `json:"running"`
	// Report is the name of the report directory the run wrote under
	// Dir/reports (empty until it succeeds).
	Report string `json:"report,omitempty"`
	// Error is why the run failed (empty when it did not).
	Error string `json:"error,omitempty"`
}

// Scheduler reruns the backtest of Config on a schedule: each run writes
// its report into a new dated directory under Dir/reports (RunToDir), where
// ListReports finds it. One run happens at a time. A run that fails keeps
// the earlier reports and records its error in LastRun.
//
// The zero value needs Dir and Config set before Run or RunOnce; a
// Scheduler must not be copied after first use.
type Scheduler struct {
	// Dir is the parent of the reports directory (a server's models
	// directory).
	Dir string
	// Config is the backtest every run runs.
	Config Config
	// Logger receives a record when a run starts, succeeds or fails, with
	// the report's name and the run's seconds (nil: none). The backtest's
	// own progress goes to Config.Logger.
	Logger *slog.Logger
	// Now is the clock of the runs' Started and Finished times (nil:
	// time.Now).
	Now func() time.Time

	mu sync.Mutex
	// last is the latest run, nil before the first starts.
	last *RunStatus
}

// Run runs the backtest now and then once for every time received from
// ticks (a time.Ticker's C, say), until ctx ends or ticks is closed. A tick
// that arrives while a run is in progress is taken when it ends.
func (s *Scheduler) Run(ctx context.Context, ticks <-chan time.Time) {
	for {
		s.RunOnce(ctx)
		select {
		case <-ctx.Done():
			return
		case _, ok := <-ticks:
			if !ok {
				return
			}
		}
	}
}

// RunOnce runs the backtest now, writes its report and returns the run's
// status, which LastRun shows from the start of the run.
func (s *Scheduler) RunOnce(ctx context.Context) RunStatus {
	now, log := s.Now, s.Logger
	if now == nil {
		now = time.Now
	}
	if log == nil {
		log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	status := &RunStatus{Started: now().UTC(), Running: true}
	s.mu.Lock()
	s.last = status
	s.mu.Unlock()
	log.Info("scheduled backtest started")
	dir, err := RunToDir(ctx, s.Config, s.Dir)
	finished := now().UTC()
	s.mu.Lock()
	defer s.mu.Unlock()
	status.Running, status.Finished = false, finished
	if err != nil {
		status.Error = err.Error()
		log.Error("scheduled backtest failed; earlier reports are kept", "err", err)
		return *status
	}
	status.Report = filepath.Base(dir)
	log.Info("scheduled backtest written", "report", status.Report, "seconds", status.Finished.Sub(status.Started).Seconds())
	return *status
}

// LastRun returns a copy of the latest run's status, nil before the first
// run starts.
func (s *Scheduler) LastRun() *RunStatus {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.last == nil {
		return nil
	}
	c := *s.last
	return &c
}

// Reports lists the report directories under Dir/reports, newest first
// (ListReports).
func (s *Scheduler) Reports() ([]ReportInfo, error) {
	return ListReports(s.Dir)
}
