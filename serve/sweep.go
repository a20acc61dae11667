package serve

import (
	"context"
	"errors"
	"time"

	"github.com/leadscore/leadscore/datasets/store"
	"github.com/leadscore/leadscore/serve/webhook"
)

// Defaults of the sweep.
const (
	// DefaultSweepActiveEvery is how often the active leads are rescored.
	DefaultSweepActiveEvery = time.Hour
	// DefaultSweepEvery is how often every stored lead is rescored.
	DefaultSweepEvery = 24 * time.Hour
	// DefaultActiveWindow makes a lead active: an event within it.
	DefaultActiveWindow = 30 * 24 * time.Hour
	// sweepBatch is how many leads one step of the sweep rescores, holding
	// the rescoring lock: Rescore writes each rescoreBatch of them while
	// it reads and scores the next.
	sweepBatch = 4000
)

// Sweep rescores stored leads as of now, as time moves their scores
// (engagement decays, leads age): with activeOnly the leads with an event
// within Config.ActiveWindow, else every stored lead. Each rescore is
// logged and its changes go to the webhooks, as after an event. It
// returns how many leads it rescored.
func (s *Server) Sweep(ctx context.Context, activeOnly bool) (int, error) {
	st, ok := s.store.(*store.Store)
	if !ok {
		return 0, errors.New("sweep: no lead store (or one that cannot list its leads)")
	}
	now := s.cfg.Now()
	n := 0
	each := func(ids []string) error {
		s.rescore.run.Lock()
		err := s.rescoreLeads(ctx, RescoreOptions{IDs: ids, AsOf: now, Threads: 1}, func(string) webhook.Cause { return webhook.CauseActivity })
		s.rescore.run.Unlock()
		if err != nil {
			return err
		}
		n += len(ids)
		return ctx.Err()
	}
	var err error
	if activeOnly {
		window := s.cfg.ActiveWindow
		if window <= 0 {
			window = DefaultActiveWindow
		}
		err = st.ActiveLeadIDs(ctx, now.Add(-window), sweepBatch, each)
	} else {
		err = st.LeadIDs(ctx, sweepBatch, each)
	}
	return n, err
}

// runSweeps sweeps the active leads every Config.SweepActiveEvery and
// every lead every Config.SweepEvery (negative: never) until ctx is done.
func (s *Server) runSweeps(ctx context.Context) {
	tick := func(d, def time.Duration) <-chan time.Time {
		if d < 0 {
			return nil
		}
		if d == 0 {
			d = def
		}
		t := time.NewTicker(d)
		go func() { <-ctx.Done(); t.Stop() }()
		return t.C
	}
	active, all := tick(s.cfg.SweepActiveEvery, DefaultSweepActiveEvery), tick(s.cfg.SweepEvery, DefaultSweepEvery)
	for {
		var activeOnly bool
		select {
		case <-ctx.Done():
			return
		case <-active:
			activeOnly = true
		case <-all:
		}
		start := time.Now()
		n, err := s.Sweep(ctx, activeOnly)
		if err != nil && ctx.Err() == nil {
			s.log.Error("sweep failed; the next one starts over", "active_only", activeOnly, "rescored", n, "error", err)
			continue
		}
		s.log.Info("sweep", "active_only", activeOnly, "rescored", n, "took", time.Since(start))
	}
}
