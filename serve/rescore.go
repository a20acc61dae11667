package serve

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"slices"
	"sync"
	"time"

	"github.com/leadscore/leadscore/datasets/store"
	"github.com/leadscore/leadscore/features"
	"github.com/leadscore/leadscore/models"
)

// RescoreOptions say which stored leads Rescore scores and how.
type RescoreOptions struct {
	// IDs are the leads to score; nil (with Next nil) scores every stored
	// lead in the order they first arrived.
	IDs []string
	// Next, when set and IDs is nil, gives the batches to score, one call
	// per batch: its leads and the moment they are scored as of (it
	// replaces AsOf); an empty batch ends the run.
	Next func() (ids []string, asOf time.Time)
	// AsOf is the moment scored at (zero: now).
	AsOf  time.Time
	Score models.ScoreOptions
	// Threads score in parallel (0: GOMAXPROCS).
	Threads int
	// MaxEvents refuses a lead with more events (0: DefaultMaxEventsPerLead).
	MaxEvents int
	// Log appends every score to the prediction log (source rescore).
	Log bool
	// Settle (with Log) settles the pending rescores of each batch's leads
	// changed at or before its moment in the transaction that logs their
	// scores (store.RescoreWrite).
	Settle bool
	// Outbox (with Log) gives the webhook deliveries of a scored batch,
	// which are written in the transaction that logs its scores. It is
	// called once the previous batch is committed.
	Outbox func(batch []models.Scored, asOf time.Time) ([]store.OutboxItem, error)
	// Committed (with Log) is called as soon as a batch's transaction is
	// committed, with the batch's leads (scored or not), before emit sees
	// them; its error ends the run (the batch stays written).
	Committed func(ids []string) error
	// ScoredAt is the time the log records the scores were issued at
	// (zero: the Now clock as each batch is scored); a server on a
	// simulated clock passes its own.
	ScoredAt time.Time
	// Now is the clock of ScoredAt (nil: time.Now).
	Now func() time.Time
}

// rescoreBatch is how many leads are read, scored and written at a time.
const rescoreBatch = 1000

// Rescore scores stored leads with m through the scoring path, exactly as
// GET /v1/leads/{id} scores each one, and calls emit for every lead in
// order with its result (valid during the call) or the reason it was not
// scored. It reads and scores a batch of leads at a time (rescoreBatch,
// or Next's), so memory does not grow with the store. With Log, a batch's
// write (log, settlement, deliveries) is committed while the next batch
// is read and scored, and emit sees a batch once its write is committed.
func Rescore(ctx context.Context, st *store.Store, m Model, opt RescoreOptions, emit func(s *models.Scored) error) error {
	sc, err := compileSchema(m.Schema())
	if err != nil {
		return err
	}
	if opt.MaxEvents > 0 {
		sc.maxEvents = opt.MaxEvents
	}
	if opt.AsOf.IsZero() {
		opt.AsOf = time.Now().UTC()
	}
	if opt.Now == nil {
		opt.Now = func() time.Time { return time.Now().UTC() }
	}
	threads := opt.Threads
	if threads <= 0 {
		threads = runtime.GOMAXPROCS(0)
	}
	decoders := make([]*decoder, threads)
	for i := range decoders {
		decoders[i] = newDecoder(sc)
	}
	// The write of the batch before, committing while this one is read
	// and scored: wait takes its result and hands its leads to emit.
	type inFlight struct {
		out  []models.Scored
		ids  []string
		done chan error
	}
	var prev *inFlight
	wait := func() error {
		if prev == nil {
			return nil
		}
		p := prev
		prev = nil
		if err := <-p.done; err != nil {
			return err
		}
		for i := range p.out {
			if err := emit(&p.out[i]); err != nil {
				return err
			}
		}
		return nil
	}
	run := func(ids []string, asOf time.Time) error {
		recs, errs, err := readLeads(ctx, st, ids, asOf, sc.maxEvents, threads)
		if err != nil {
			return err
		}
		out := make([]models.Scored, len(ids))
		var logged []store.Score
		if opt.Log {
			logged = make([]store.Score, len(ids))
		}
		now := opt.ScoredAt
		if now.IsZero() {
			now = opt.Now()
		}
		rows := &storedRows{recs: recs, errs: errs, asOf: asOf, decoders: decoders, warnings: make([][]models.Warning, threads)}
		m.ScoreRows(rows, opt.Score, threads, func(w, i int, res *models.Result, err error) {
			out[i] = models.Scored{Row: i, LeadID: ids[i], Err: err}
			if err != nil {
				return
			}
			if len(rows.warnings[w]) > 0 {
				res.Warnings = append(res.Warnings, rows.warnings[w]...)
			}
			out[i].Result = res.Clone()
			if logged != nil {
				logged[i] = scoreEntry(res, asOf, now, store.SourceRescore)
			}
		})
		if err := wait(); err != nil {
			return err
		}
		if logged == nil {
			for i := range out {
				if err := emit(&out[i]); err != nil {
					return err
				}
			}
			return ctx.Err()
		}
		w := store.RescoreWrite{Scores: logged[:0]}
		for i := range logged {
			if out[i].Result != nil {
				w.Scores = append(w.Scores, logged[i])
			}
		}
		if opt.Settle {
			w.Settle, w.Through = ids, asOf
		}
		if opt.Outbox != nil {
			if w.Outbox, err = opt.Outbox(out, asOf); err != nil {
				return err
			}
		}
		p := &inFlight{out: out, ids: ids, done: make(chan error, 1)}
		go func() {
			err := st.WriteRescores(ctx, w)
			if err == nil && opt.Committed != nil {
				err = opt.Committed(p.ids)
			}
			p.done <- err
		}()
		prev = p
		return ctx.Err()
	}
	finish := func(err error) error {
		if werr := wait(); err == nil {
			err = werr
		}
		return err
	}
	switch {
	case opt.IDs != nil:
		for lo := 0; lo < len(opt.IDs); lo += rescoreBatch {
			if err := run(opt.IDs[lo:min(lo+rescoreBatch, len(opt.IDs))], opt.AsOf); err != nil {
				return finish(err)
			}
		}
		return finish(nil)
	case opt.Next != nil:
		for {
			ids, asOf := opt.Next()
			if len(ids) == 0 {
				return finish(nil)
			}
			if err := run(ids, asOf); err != nil {
				return finish(err)
			}
		}
	}
	// LeadIDs reuses its slice for the next batch: the write in flight
	// keeps a copy.
	return finish(st.LeadIDs(ctx, rescoreBatch, func(ids []string) error {
		return run(slices.Clone(ids), opt.AsOf)
	}))
}

// readLeads reads ids as of asOf on threads goroutines, each a share of
// the batch in store.LeadsAsOf's set-based queries: errs[i] is why lead i
// has no record (not stored: a message naming it; too many events), the
// error the store's.
func readLeads(ctx context.Context, st *store.Store, ids []string, asOf time.Time, maxEvents, threads int) ([]*store.Record, []error, error) {
	recs, errs := make([]*store.Record, len(ids)), make([]error, len(ids))
	parts := min(threads, (len(ids)+63)/64)
	per := (len(ids) + max(parts, 1) - 1) / max(parts, 1)
	var wg sync.WaitGroup
	fails := make([]error, parts)
	for p := range parts {
		lo, hi := p*per, min((p+1)*per, len(ids))
		if lo >= hi {
			continue
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			r, e, err := st.LeadsAsOf(ctx, ids[lo:hi], asOf, maxEvents)
			if err != nil {
				fails[p] = err
				return
			}
			copy(recs[lo:hi], r)
			copy(errs[lo:hi], e)
		}()
	}
	wg.Wait()
	if err := errors.Join(fails...); err != nil {
		return nil, nil, err
	}
	for i, err := range errs {
		if errors.Is(err, store.ErrNotFound) {
			errs[i] = leadNotStored(ids[i])
		}
	}
	return recs, errs, nil
}

// leadNotStored is why a lead with events but no lead record (its events
// arrived first, which ingestion allows) is not rescored.
type leadNotStored string

func (id leadNotStored) Error() string { return fmt.Sprintf("no lead %q is stored", string(id)) }

// storedRows are stored leads as models.Rows, each worker decoding with a
// decoder of its own.
type storedRows struct {
	recs     []*store.Record
	errs     []error
	asOf     time.Time
	decoders []*decoder
	warnings [][]models.Warning
}

func (r *storedRows) Len() int { return len(r.recs) }

func (r *storedRows) Lead(w, i int) (*features.Lead, error) {
	if r.errs[i] != nil {
		return nil, r.errs[i]
	}
	l, warnings, aerr := r.decoders[w].stored(r.recs[i], r.asOf)
	if aerr != nil {
		return nil, aerr
	}
	r.warnings[w] = warnings
	return l, nil
}
