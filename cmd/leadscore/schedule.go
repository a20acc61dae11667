package main

import (
	"github.com/leadscore/leadscore/serve"
	"github.com/leadscore/leadscore/training/backtest"
)

// reportSource shows serve (GET /reports) the report directories under dir
// and the latest run of sched, a backtest.Scheduler that may never run. It
// only converts backtest's types to serve's: serve does not import the
// trainer.
type reportSource struct {
	sched *backtest.Scheduler
}

// Reports lists the report directories, newest first.
func (r reportSource) Reports() ([]serve.ReportEntry, error) {
	infos, err := r.sched.Reports()
	if err != nil {
		return nil, err
	}
	out := make([]serve.ReportEntry, len(infos))
	for i, in := range infos {
		out[i] = serve.ReportEntry{ID: in.Name, Kind: in.Kind, CreatedAt: in.CreatedAt, Summary: in.Summary, Dir: in.Dir}
	}
	return out, nil
}

// LastRun returns the latest scheduled run, nil when none has started.
func (r reportSource) LastRun() *serve.RunStatus {
	st := r.sched.LastRun()
	if st == nil {
		return nil
	}
	return &serve.RunStatus{Started: st.Started, Finished: st.Finished, Running: st.Running, Report: st.Report, Error: st.Error}
}
