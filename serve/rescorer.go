package serve

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/leadscore/leadscore/datasets/store"
	"github.com/leadscore/leadscore/models"
	"github.com/leadscore/leadscore/models/rules"
	"github.com/leadscore/leadscore/serve/webhook"
)

// Defaults of rescoring.
const (
	// DefaultDebounce is how long a lead's changes are gathered before it
	// is rescored: a burst of events gives one rescore.
	DefaultDebounce = time.Second
	// maxWaitFactor bounds the wait of a lead that keeps changing: it is
	// rescored at most DefaultDebounce*maxWaitFactor after its first
	// change.
	maxWaitFactor = 5
)

// pendingRescore is a lead waiting for its rescore.
type pendingRescore struct {
	first, last time.Time
	cause       webhook.Cause
}

// rescorer gathers the leads whose fields, events or outcomes changed and
// rescores each once its burst of changes is over.
type rescorer struct {
	mu      sync.Mutex
	pending map[string]pendingRescore
	run     sync.Mutex // one rescoring pass at a time
}

// debounce is Config.RescoreDebounce with its default.
func (s *Server) debounce() time.Duration {
	if s.cfg.RescoreDebounce > 0 {
		return s.cfg.RescoreDebounce
	}
	return DefaultDebounce
}

// NotifyChanged marks stored leads as changed: each is rescored through
// the scoring path once no change of it has arrived for the debounce
// (Config.RescoreDebounce), or at the latest five debounces after its
// first change, and the changes of its score go to the webhooks. cause
// CauseOutcome (an outcome was recorded) sticks until the rescore. Without
// a store it does nothing. The ingestion endpoints also keep the pending
// rescore in the store, in the transaction of the change, so a restart
// takes it back (recoverPending); NotifyChanged itself keeps it in memory
// only.
func (s *Server) NotifyChanged(ids []string, cause webhook.Cause) {
	s.notify(ids, cause, s.cfg.Now())
}

// notify is NotifyChanged for changes made at now.
func (s *Server) notify(ids []string, cause webhook.Cause, now time.Time) {
	if s.store == nil || len(ids) == 0 {
		return
	}
	r := &s.rescore
	r.mu.Lock()
	if r.pending == nil {
		r.pending = map[string]pendingRescore{}
	}
	for _, id := range ids {
		p, ok := r.pending[id]
		if !ok {
			p.first = now
		}
		p.last = now
		if cause == webhook.CauseOutcome {
			p.cause = cause
		}
		r.pending[id] = p
	}
	r.mu.Unlock()
}

// due takes the leads whose debounce is over at now, by cause.
func (r *rescorer) due(now time.Time, debounce time.Duration) map[webhook.Cause][]string {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := map[webhook.Cause][]string{}
	for id, p := range r.pending {
		if now.Sub(p.last) >= debounce || now.Sub(p.first) >= debounce*maxWaitFactor {
			out[p.cause] = append(out[p.cause], id)
			delete(r.pending, id)
		}
	}
	for _, ids := range out {
		slices.Sort(ids)
	}
	return out
}

// pendingStore is a lead store that keeps pending rescores
// (*store.Store).
type pendingStore interface {
	PendingRescores(ctx context.Context) ([]store.PendingRescore, error)
}

// recoverPending takes back the rescores a previous run left pending in
// the store (it stopped or crashed between a change and its rescore):
// each keeps its first and latest change, so one whose debounce is over
// is rescored on the first pass, not by the next sweep.
func (s *Server) recoverPending(ctx context.Context) error {
	ps, ok := s.store.(pendingStore)
	if !ok {
		return nil
	}
	list, err := ps.PendingRescores(ctx)
	if err != nil {
		return fmt.Errorf("serve: pending rescores: %w", err)
	}
	if len(list) == 0 {
		return nil
	}
	r := &s.rescore
	r.mu.Lock()
	if r.pending == nil {
		r.pending = make(map[string]pendingRescore, len(list))
	}
	for _, p := range list {
		cur, ok := r.pending[p.LeadID]
		if !ok || p.First.Before(cur.first) {
			cur.first = p.First
		}
		if p.Last.After(cur.last) {
			cur.last = p.Last
		}
		if p.Cause == store.RescoreOutcome {
			cur.cause = webhook.CauseOutcome
		}
		r.pending[p.LeadID] = cur
	}
	r.mu.Unlock()
	s.log.Info("took back the rescores left pending by the previous run", "leads", len(list))
	return nil
}

// putBack returns leads to the pending set after a failed rescore, so the
// next pass tries again.
func (r *rescorer) putBack(ids []string, cause webhook.Cause, now time.Time) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, id := range ids {
		p, ok := r.pending[id]
		if !ok {
			p = pendingRescore{first: now, last: now.Add(-time.Hour)}
		}
		if cause == webhook.CauseOutcome {
			p.cause = cause
		}
		r.pending[id] = p
	}
}

// Pending is the number of leads waiting for their rescore.
func (s *Server) Pending() int {
	s.rescore.mu.Lock()
	defer s.rescore.mu.Unlock()
	return len(s.rescore.pending)
}

// RescoreDue rescores the leads whose debounce is over, logs every new
// score in the prediction log and publishes the changes (webhook.Changes
// against each lead's previous logged score) to the webhooks. It returns
// how many leads it rescored.
func (s *Server) RescoreDue(ctx context.Context) (int, error) {
	s.rescore.run.Lock()
	defer s.rescore.run.Unlock()
	now := s.cfg.Now()
	n := 0
	var errs []error
	for cause, ids := range s.rescore.due(now, s.debounce()) {
		if err := s.rescoreLeads(ctx, ids, cause, now, true, 0); err != nil {
			s.rescore.putBack(ids, cause, now)
			errs = append(errs, err)
			continue
		}
		n += len(ids)
	}
	return n, errors.Join(errs...)
}

// rescoreLeads rescores ids as of now on threads (0: GOMAXPROCS) and
// publishes their changes. With settle the log's transaction also settles
// the leads' pending rescores (changed at or before now).
func (s *Server) rescoreLeads(ctx context.Context, ids []string, cause webhook.Cause, now time.Time, settle bool, threads int) error {
	st, ok := s.store.(*store.Store)
	if !ok {
		return errors.New("rescore: the lead store does not support rescoring")
	}
	a := s.reg.current()
	if a == nil {
		return errors.New("rescore: no model is loaded yet")
	}
	last, err := st.LatestScores(ctx, ids)
	if err != nil {
		return fmt.Errorf("rescore: %w", err)
	}
	prev := make(map[string]*models.Result, len(last))
	for id, sc := range last {
		prev[id] = resultOfLogged(sc)
	}
	var changes []webhook.Payload
	err = Rescore(ctx, st, a.model, RescoreOptions{IDs: ids, AsOf: now, Score: models.ScoreOptions{Explain: webhook.DefaultTopReasons},
		Threads: threads, MaxEvents: s.cfg.MaxEventsPerLead, Log: true, Settle: settle, ScoredAt: now}, func(sc *models.Scored) error {
		if sc.Result == nil {
			s.log.Warn("rescore: lead not scored", "lead_id", sc.LeadID, "error", sc.Err)
			return nil
		}
		s.metrics.scoredOne(a.version, outcome{Tier: sc.Result.Tier, Score: sc.Result.Score, Warnings: sc.Result.Warnings})
		changes = append(changes, webhook.Changes(prev[sc.LeadID], sc.Result, cause, now, 0)...)
		return nil
	})
	if err != nil {
		return fmt.Errorf("rescore: %w", err)
	}
	if s.hooks != nil && len(changes) > 0 {
		if err := s.hooks.Publish(ctx, changes); err != nil {
			return err
		}
	}
	return nil
}

// resultOfLogged rebuilds what Changes compares from a logged score: the
// tier, the score and the rule sheet's tier.
func resultOfLogged(sc store.Score) *models.Result {
	r := &models.Result{LeadID: sc.LeadID, Model: models.ModelRef{Name: sc.ModelName, Version: sc.ModelVersion},
		Probability: sc.Probability, Score: sc.Score, Grade: sc.Grade, Tier: sc.Tier}
	if sc.RulesTier != "" {
		r.Rules = &rules.Result{Tier: sc.RulesTier, Points: sc.RulesPoints, Disqualified: sc.RulesTier == rules.TierDisqualified}
	}
	return r
}

// runRescorer rescores due leads on a tick of an eighth of the debounce,
// until ctx is done. A change never makes its lead due at once (it waits
// the debounce), so a pass on every change would only split the due
// leads into more, smaller passes, each with its own log and outbox
// writes; on the tick a pass takes every lead that came due since the
// last, at most debounce/8 late.
func (s *Server) runRescorer(ctx context.Context) {
	t := time.NewTicker(max(s.debounce()/8, 10*time.Millisecond))
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		if _, err := s.RescoreDue(ctx); err != nil && ctx.Err() == nil {
			s.log.Error("rescoring failed; the leads are retried on the next pass", "error", err)
		}
	}
}

// leadIDs lists the distinct lead ids of items.
func leadIDs[T any](items []T, id func(T) string) []string {
	seen := make(map[string]bool, len(items))
	var out []string
	for _, it := range items {
		if k := id(it); !seen[k] {
			seen[k] = true
			out = append(out, k)
		}
	}
	return out
}

// notifyActivity and notifyOutcome are NotifyChanged for the ingestion
// endpoints, called once the write is committed: the debounce counts from
// then, not from the request's start (a commit that waited long must not
// make its leads due at once). recorded, the request's time the store
// kept in pending_rescores, is not later, so a rescore as of now or later
// settles that row.
func (s *Server) notifyActivity(ids []string, recorded time.Time) {
	s.notify(ids, webhook.CauseActivity, later(s.cfg.Now(), recorded))
}
func (s *Server) notifyOutcome(ids []string, recorded time.Time) {
	s.notify(ids, webhook.CauseOutcome, later(s.cfg.Now(), recorded))
}

// later is the later of a and b.
func later(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}
