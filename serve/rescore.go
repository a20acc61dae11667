package serve

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"sync"
	"sync/atomic"
	"time"

	"github.com/leadscore/leadscore/datasets/store"
	"github.com/leadscore/leadscore/features"
	"github.com/leadscore/leadscore/models"
)

// RescoreOptions say which stored leads Rescore scores and how.
type RescoreOptions struct {
	// IDs are the leads to score; nil scores every stored lead in the
	// order they first arrived.
	IDs []string
	// AsOf is the moment scored at (zero: now).
	AsOf  time.Time
	Score models.ScoreOptions
	// Threads score in parallel (0: GOMAXPROCS).
	Threads int
	// MaxEvents refuses a lead with more events (0: DefaultMaxEventsPerLead).
	MaxEvents int
	// Log appends every score to the prediction log (source rescore).
	Log bool
	// Settle (with Log) settles the pending rescores of IDs changed at or
	// before AsOf in the transaction that logs their scores
	// (store.LogRescores).
	Settle bool
	// ScoredAt is the time the log records the scores were issued at
	// (zero: now); a server on a simulated clock passes its own.
	ScoredAt time.Time
}

// rescoreBatch is how many leads are read, scored and written at a time.
const rescoreBatch = 1000

// Rescore scores stored leads with m through the scoring path, exactly as
// GET /v1/leads/{id} scores each one, and calls emit for every lead in
// order with its result (valid during the call) or the reason it was not
// scored. It reads and scores rescoreBatch leads at a time, so memory does
// not grow with the store.
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
	threads := opt.Threads
	if threads <= 0 {
		threads = runtime.GOMAXPROCS(0)
	}
	decoders := make([]*decoder, threads)
	for i := range decoders {
		decoders[i] = newDecoder(sc)
	}
	run := func(ids []string) error {
		// The reads, on threads goroutines taking the next lead each.
		recs := make([]*store.Record, len(ids))
		errs := make([]error, len(ids))
		var next atomic.Int64
		var failed atomic.Pointer[error]
		var wg sync.WaitGroup
		for range min(threads, len(ids)) {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for failed.Load() == nil {
					i := int(next.Add(1) - 1)
					if i >= len(ids) {
						return
					}
					recs[i], errs[i] = st.Lead(ctx, ids[i], opt.AsOf, sc.maxEvents, nil)
					var tm *store.TooManyEventsError
					switch {
					case errors.Is(errs[i], store.ErrNotFound):
						errs[i] = fmt.Errorf("no lead %q is stored", ids[i])
					case errors.As(errs[i], &tm):
					case errs[i] != nil:
						failed.CompareAndSwap(nil, &errs[i])
					}
				}
			}()
		}
		wg.Wait()
		if err := failed.Load(); err != nil {
			return *err
		}
		out := make([]models.Scored, len(ids))
		var logged []store.Score
		if opt.Log {
			logged = make([]store.Score, len(ids))
		}
		now := opt.ScoredAt
		if now.IsZero() {
			now = time.Now().UTC()
		}
		rows := &storedRows{recs: recs, errs: errs, asOf: opt.AsOf, decoders: decoders, warnings: make([][]models.Warning, threads)}
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
				logged[i] = scoreEntry(res, opt.AsOf, now, store.SourceRescore)
			}
		})
		if logged != nil {
			keep := logged[:0]
			for i := range logged {
				if out[i].Result != nil {
					keep = append(keep, logged[i])
				}
			}
			log := st.LogScores
			if opt.Settle {
				log = func(ctx context.Context, scores []store.Score) error {
					return st.LogRescores(ctx, scores, ids, opt.AsOf)
				}
			}
			if err := log(ctx, keep); err != nil {
				return err
			}
		}
		for i := range out {
			if err := emit(&out[i]); err != nil {
				return err
			}
		}
		return ctx.Err()
	}
	if opt.IDs != nil {
		for lo := 0; lo < len(opt.IDs); lo += rescoreBatch {
			if err := run(opt.IDs[lo:min(lo+rescoreBatch, len(opt.IDs))]); err != nil {
				return err
			}
		}
		return nil
	}
	return st.LeadIDs(ctx, rescoreBatch, run)
}

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
