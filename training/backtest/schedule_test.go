package backtest

import (
	"context"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// stepClock is a clock that moves one minute at every reading.
type stepClock struct {
	mu    sync.Mutex
	t     time.Time
	reads int
}

func newStepClock() *stepClock {
	return &stepClock{t: time.Date(2026, 1, 5, 6, 0, 0, 0, time.FixedZone("CET", 3600))}
}

func (c *stepClock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.reads++
	c.t = c.t.Add(time.Minute)
	return c.t
}

// A scheduled run writes a dated report that Reports lists; a failing run
// records its error and keeps the earlier reports. Times come from the
// scheduler's clock, in UTC.
func TestSchedulerRunOnce(t *testing.T) {
	if testing.Short() {
		t.Skip("runs a backtest; skipped with -short")
	}
	data, _ := genData(t, 600, 4, 5)
	cfg := testConfig(data)
	cfg.MinTrain = 50
	cfg.Models = []string{"logistic"}
	clock := newStepClock()
	s := &Scheduler{Dir: t.TempDir(), Config: cfg, Now: clock.now}
	assert.Nil(t, s.LastRun())

	st := s.RunOnce(context.Background())
	require.Empty(t, st.Error)
	last := s.LastRun()
	require.NotNil(t, last)
	assert.Equal(t, st, *last)
	assert.False(t, last.Running)
	assert.Equal(t, time.Date(2026, 1, 5, 5, 1, 0, 0, time.UTC), last.Started)
	assert.Equal(t, time.Date(2026, 1, 5, 5, 2, 0, 0, time.UTC), last.Finished)
	list, err := s.Reports()
	require.NoError(t, err)
	require.Len(t, list, 1)
	assert.Equal(t, last.Report, list[0].Name)
	assert.Equal(t, "backtest", list[0].Kind)
	assert.FileExists(t, filepath.Join(list[0].Dir, "report.html"))

	s.Config.Data = filepath.Join(data, "missing.csv")
	st = s.RunOnce(context.Background())
	assert.Contains(t, st.Error, "missing.csv")
	assert.Empty(t, st.Report)
	assert.Equal(t, st, *s.LastRun())
	list, err = s.Reports()
	require.NoError(t, err)
	assert.Len(t, list, 1, "a failed run keeps the earlier report")
}

// Run runs once at once and once per tick, and returns when its context
// ends or its ticks stop. The runs fail fast (there is no data), which is
// all the loop needs.
func TestSchedulerRunLoop(t *testing.T) {
	tests := []struct {
		name  string
		ticks int
		stop  func(cancel context.CancelFunc, ticks chan time.Time)
	}{
		{"context ends", 2, func(cancel context.CancelFunc, _ chan time.Time) { cancel() }},
		{"ticks closed", 3, func(_ context.CancelFunc, ticks chan time.Time) { close(ticks) }},
		{"no tick", 0, func(cancel context.CancelFunc, _ chan time.Time) { cancel() }},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			clock := newStepClock()
			s := &Scheduler{Dir: t.TempDir(), Config: testConfig(t.TempDir()), Now: clock.now}
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			ticks := make(chan time.Time)
			done := make(chan struct{})
			go func() {
				s.Run(ctx, ticks)
				close(done)
			}()
			// An unbuffered send returns once the loop has taken the tick,
			// that is after the run before it has finished.
			for range tc.ticks {
				ticks <- time.Time{}
			}
			tc.stop(cancel, ticks)
			<-done
			// Every run reads the clock twice, and the loop runs once more
			// than it was ticked.
			clock.mu.Lock()
			reads := clock.reads
			clock.mu.Unlock()
			assert.Equal(t, 2*(tc.ticks+1), reads)
			last := s.LastRun()
			require.NotNil(t, last)
			assert.False(t, last.Running)
			assert.Contains(t, last.Error, "leads.csv")
		})
	}
}
