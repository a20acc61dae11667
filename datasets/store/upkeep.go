package store

import (
	"context"
	"sync"
	"sync/atomic"

	"github.com/leadscore/leadscore/datasets/sqldb"
)

// On PostgreSQL the reads of scoring by id and of the rescorer take a
// lead's rows from indexes (events_lead_cover, predictions_lead,
// lead_versions_lead). Two things PostgreSQL keeps up to date only now and
// then decide whether they stay index reads while rows pour in:
//   - the planner's statistics: before a table is first analyzed (a fresh
//     store, or one that just took a bulk load), the rescorer's read of a
//     batch of leads was planned as a parallel scan of the whole events
//     table (88-102 ms for 200 leads among 1,000,000 events, against
//     10-14 ms through the index);
//   - the visibility map: an index-only read of rows on pages not yet
//     marked all-visible visits the table for each row (52-68 ms instead
//     of 10-14 ms).
// Autovacuum refreshes both, but it looks at most once a minute
// (autovacuum_naptime) and waits for a table to grow by a fifth
// (autovacuum_vacuum_insert_scale_factor): under sustained ingestion the
// newest rows, the ones rescoring reads, are the ones it has not reached.
// So the store runs VACUUM (ANALYZE) of the tables that ingestion grows
// itself, in the background, every upkeepRows rows it added. On an
// append-only table a VACUUM only reads the pages added since the last
// one and marks them all-visible; SKIP_LOCKED passes over a table another
// replica's VACUUM holds.

// upkeepRows is how many added rows (events and logged scores) start a
// VACUUM (ANALYZE) of the growing tables, or a tenth of the events stored
// when that is more (an ANALYZE reads a sample of 30,000 rows whatever
// the table's size, so a bulk load of a large store is not slowed by one
// every 100,000 rows).
const upkeepRows = 100_000

// upkeepTables are the tables ingestion and rescoring grow and read by
// lead.
const upkeepTables = `events, lead_versions, predictions, leads`

// upkeep runs VACUUM (ANALYZE) of the growing tables on PostgreSQL.
type upkeep struct {
	every   atomic.Int64 // upkeepRows but in tests
	next    atomic.Int64 // a tenth of the events at the last run
	added   atomic.Int64 // rows added since the last run started
	running atomic.Bool
	runs    atomic.Int64 // runs finished (tests)
	wg      sync.WaitGroup
	ctx     context.Context
	stop    context.CancelFunc
}

// addRows counts n rows added (PostgreSQL) and starts a run in the
// background once enough have been.
func (s *Store) addRows(n int) {
	u := &s.upkeep
	if s.kind != sqldb.Postgres || n <= 0 || u.every.Load() == 0 {
		return
	}
	if u.added.Add(int64(n)) < max(u.every.Load(), u.next.Load()) || !u.running.CompareAndSwap(false, true) {
		return
	}
	u.added.Store(0)
	u.wg.Add(1)
	go func() {
		defer u.wg.Done()
		defer u.running.Store(false)
		// A failure (a role that may not vacuum gets a warning, not an
		// error) changes nothing but the speed of reads: autovacuum
		// remains.
		s.db.ExecContext(u.ctx, `VACUUM (ANALYZE, SKIP_LOCKED) `+upkeepTables)
		// The next run once the events grew by a tenth (or by
		// upkeepRows): a large store is not sampled again and again.
		var tuples float64
		if s.db.QueryRowContext(u.ctx, `SELECT reltuples FROM pg_class WHERE oid = to_regclass('events')`).Scan(&tuples) == nil {
			u.next.Store(max(u.every.Load(), int64(tuples/10)))
		}
		u.runs.Add(1)
	}()
}

// startUpkeep readies the upkeep (PostgreSQL).
func (s *Store) startUpkeep() {
	if s.kind != sqldb.Postgres {
		return
	}
	s.upkeep.every.Store(upkeepRows)
	s.upkeep.ctx, s.upkeep.stop = context.WithCancel(context.Background())
}

// stopUpkeep cancels a run under way and waits for it.
func (s *Store) stopUpkeep() {
	if s.upkeep.stop != nil {
		s.upkeep.stop()
		s.upkeep.wg.Wait()
	}
}
