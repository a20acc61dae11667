package serve

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
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

// dueLead is a lead whose debounce is over.
type dueLead struct {
	id    string
	at    time.Time // when it came due
	cause webhook.Cause
}

// due takes the leads whose debounce is over at now, those due longest
// first (ties by id).
func (r *rescorer) due(now time.Time, debounce time.Duration) []dueLead {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []dueLead
	for id, p := range r.pending {
		at := p.last.Add(debounce)
		if cap := p.first.Add(debounce * maxWaitFactor); cap.Before(at) {
			at = cap
		}
		if !at.After(now) {
			out = append(out, dueLead{id: id, at: at, cause: p.cause})
		}
	}
	slices.SortFunc(out, func(a, b dueLead) int {
		if c := a.at.Compare(b.at); c != 0 {
			return c
		}
		return strings.Compare(a.id, b.id)
	})
	for _, d := range out {
		delete(r.pending, d.id)
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

// passBatch is how many due leads a rescoring pass reads, scores and
// writes at a time (up to four times as many from a long queue): each
// batch's scores, settlement and webhook deliveries are committed
// together, and its deliveries leave as soon as they are, while the next
// batch is read and scored.
const passBatch = 500

// maxPassBatches ends a pass under sustained load, so that a sweep waiting
// to rescore gets its turn; the next pass follows on the rescorer's tick.
const maxPassBatches = 40

// RescoreDue rescores the leads whose debounce is over, logs every new
// score in the prediction log and publishes the changes (webhook.Changes
// against each lead's previous logged score) to the webhooks. It takes
// the leads due, longest due first, passBatch at a time, each batch as
// of the moment it is started, and looks again for due leads when those
// are done, until none is (or after maxPassBatches). It returns how many
// leads it rescored; leads whose batch failed are put back for the next
// pass.
func (s *Server) RescoreDue(ctx context.Context) (int, error) {
	s.rescore.run.Lock()
	defer s.rescore.run.Unlock()
	var mu sync.Mutex
	var queue []dueLead                 // taken, not yet in a batch
	taken := map[string]webhook.Cause{} // in a batch not yet committed
	n, batches := 0, 0
	next := func() ([]string, time.Time) {
		if batches == maxPassBatches || ctx.Err() != nil {
			return nil, time.Time{}
		}
		now := s.cfg.Now()
		mu.Lock()
		defer mu.Unlock()
		if len(queue) == 0 {
			queue = s.rescore.due(now, s.debounce())
		}
		// A long queue goes in larger batches (up to four times), so a
		// backlog costs fewer commits.
		batch := queue[:min(max(passBatch, min(len(queue)/4, 4*passBatch)), len(queue))]
		queue = queue[len(batch):]
		ids := make([]string, len(batch))
		for i, d := range batch {
			ids[i] = d.id
			taken[d.id] = d.cause
		}
		batches++
		return ids, now
	}
	causeOf := func(id string) webhook.Cause {
		mu.Lock()
		defer mu.Unlock()
		return taken[id]
	}
	committed := func(ids []string) error {
		mu.Lock()
		for _, id := range ids {
			delete(taken, id)
		}
		n += len(ids)
		mu.Unlock()
		return nil
	}
	err := s.rescoreLeads(ctx, RescoreOptions{Next: next, Settle: true, Committed: committed}, causeOf)
	// What was taken and not rescored (a failed batch, or the rest after
	// the last batch) waits for the next pass.
	mu.Lock()
	now := s.cfg.Now()
	for _, d := range queue {
		taken[d.id] = d.cause
	}
	for id, cause := range taken {
		s.rescore.putBack([]string{id}, cause, now)
	}
	mu.Unlock()
	return n, err
}

// rescoreLeads rescores the leads of opt (IDs or Next; Threads, Settle
// and Committed as set) through the one scoring path, logs each score,
// and writes the changes each causes (webhook.Changes against the lead's
// previous logged score, cause causeOf) to the webhook outbox in the
// transaction of its batch's log; a dispatcher on another outbox gets
// them published after that commit.
func (s *Server) rescoreLeads(ctx context.Context, opt RescoreOptions, causeOf func(id string) webhook.Cause) error {
	st, ok := s.store.(*store.Store)
	if !ok {
		return errors.New("rescore: the lead store does not support rescoring")
	}
	a := s.reg.current()
	if a == nil {
		return errors.New("rescore: no model is loaded yet")
	}
	// The deliveries go into the batch's transaction when the outbox is
	// this store's webhook_outbox table.
	inTx := false
	if s.hooks != nil {
		if so, ok := s.hooks.Outbox().(storeOutbox); ok && so.st == outboxStore(st) {
			inTx = true
		}
	}
	// The changes of the batch being written: with another outbox, to
	// publish after its commit; in the transaction, whether it has any
	// (the dispatcher is woken only then).
	var publish []webhook.Payload
	wake := false
	opt.Score = models.ScoreOptions{Explain: webhook.DefaultTopReasons}
	opt.MaxEvents = s.cfg.MaxEventsPerLead
	opt.Log = true
	opt.Now = s.cfg.Now
	opt.Outbox = func(batch []models.Scored, asOf time.Time) ([]store.OutboxItem, error) {
		if s.hooks == nil {
			return nil, nil
		}
		ids := make([]string, 0, len(batch))
		for _, sc := range batch {
			if sc.Result != nil {
				ids = append(ids, sc.LeadID)
			}
		}
		last, err := st.LatestScores(ctx, ids)
		if err != nil {
			return nil, fmt.Errorf("rescore: %w", err)
		}
		var changes []webhook.Payload
		for _, sc := range batch {
			if sc.Result == nil {
				continue
			}
			var prev *models.Result
			if l, ok := last[sc.LeadID]; ok {
				prev = resultOfLogged(l)
			}
			changes = append(changes, webhook.Changes(prev, sc.Result, causeOf(sc.LeadID), asOf, 0)...)
		}
		if !inTx {
			publish = changes
			return nil, nil
		}
		ds, err := s.hooks.Deliveries(changes)
		if err != nil {
			return nil, err
		}
		items := make([]store.OutboxItem, len(ds))
		for i, d := range ds {
			items[i] = toItem(d)
		}
		wake = len(items) > 0
		return items, nil
	}
	// Outbox runs for a batch only once the batch before is committed
	// (and Committed has run for it), so one variable carries a batch's
	// changes from its Outbox call to its Committed call.
	committed := opt.Committed
	opt.Committed = func(ids []string) error {
		var err error
		if wake {
			s.hooks.Wake()
			wake = false
		} else if len(publish) > 0 {
			err = s.hooks.Publish(ctx, publish)
			publish = nil
		}
		if committed != nil {
			committed(ids)
		}
		return err
	}
	// Leads whose events came before the lead itself are counted and
	// logged once per pass, not once each: under load they are many.
	var unstored int
	var unstoredIDs []string
	err := Rescore(ctx, st, a.model, opt, func(sc *models.Scored) error {
		if sc.Result == nil {
			var missing leadNotStored
			if errors.As(sc.Err, &missing) {
				if unstored++; len(unstoredIDs) < 5 {
					unstoredIDs = append(unstoredIDs, string(missing))
				}
				return nil
			}
			s.log.Warn("rescore: lead not scored", "lead_id", sc.LeadID, "error", sc.Err)
			return nil
		}
		s.metrics.scoredOne(a.version, outcome{Tier: sc.Result.Tier, Score: sc.Result.Score, Warnings: sc.Result.Warnings})
		return nil
	})
	if unstored > 0 {
		s.log.Warn("rescore: leads with events but no stored lead were not scored; they are scored once the lead is posted",
			"leads", unstored, "first_ids", unstoredIDs)
	}
	if err != nil {
		return fmt.Errorf("rescore: %w", err)
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

// pendingSlack is the store's pending slack for a debounce d: a lead's
// pending-rescore row is written again only when its latest change is
// older than this (store.SetPendingSlack), half the debounce and at most
// half a second. A settle then deletes the row of a lead rescored at
// least this long after its latest change, which the debounce ensures for
// every lead whose changes have stopped.
func pendingSlack(d time.Duration) time.Duration {
	return min(d/2, 500*time.Millisecond)
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
