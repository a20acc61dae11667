package main

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/leadscore/leadscore/serve"
	"github.com/leadscore/leadscore/training/backtest"
)

// reportSource hands serve the scheduler's reports and latest run in
// serve's types, field for field.
func TestReportSource(t *testing.T) {
	dir := t.TempDir()
	rep := filepath.Join(dir, "reports", "2026-01-05T0600Z")
	require.NoError(t, os.MkdirAll(rep, 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(rep, "report.json"),
		[]byte(`{"kind": "backtest", "created_at": "2026-01-05T06:00:00Z", "summary": ["gbm beats the rules"]}`), 0o644))
	var src serve.ReportSource = reportSource{sched: &backtest.Scheduler{Dir: dir}}
	assert.Nil(t, src.LastRun(), "no run before the schedule starts")
	list, err := src.Reports()
	require.NoError(t, err)
	assert.Equal(t, []serve.ReportEntry{{ID: "2026-01-05T0600Z", Kind: "backtest",
		CreatedAt: time.Date(2026, 1, 5, 6, 0, 0, 0, time.UTC), Summary: []string{"gbm beats the rules"}, Dir: rep}}, list)

	at := time.Date(2026, 1, 6, 6, 0, 0, 0, time.UTC)
	sched := &backtest.Scheduler{Dir: dir, Config: backtest.Config{Data: filepath.Join(dir, "missing.csv")}, Now: func() time.Time { return at }}
	st := sched.RunOnce(context.Background())
	require.NotEmpty(t, st.Error)
	assert.Equal(t, &serve.RunStatus{Started: at, Finished: at, Error: st.Error}, reportSource{sched: sched}.LastRun())
}
