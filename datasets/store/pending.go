package store

import (
	"context"
	"database/sql"
	"fmt"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/leadscore/leadscore/datasets/sqldb"
)

// Causes of a pending rescore: what a write leaves pending for its leads.
const (
	// NoRescore leaves nothing pending (imports, tests).
	NoRescore = ""
	// RescoreActivity: the lead's fields or events changed.
	RescoreActivity = "activity"
	// RescoreOutcome: an outcome of the lead was recorded. It sticks: a
	// later activity does not turn it back into RescoreActivity.
	RescoreOutcome = "outcome"
)

// PendingRescore is a lead changed since its last rescore: its first and
// latest change (server time) and the cause.
type PendingRescore struct {
	LeadID      string
	First, Last time.Time
	Cause       string
}

// markPending records in tx that ids changed at now for cause (nothing for
// NoRescore): a lead already pending keeps its first change, takes the
// later of the two latest changes, and an outcome cause sticks. With a
// pending slack (SetPendingSlack), an activity of a lead whose row this
// store committed less than the slack before now is not written again
// (see pendingMarks); *marked gets the ids written, for
// pendingMarks.record once the transaction is committed.
func (s *Store) markPending(ctx context.Context, tx *sql.Tx, ids []string, now time.Time, cause string, marked *[]string) error {
	*marked = nil
	if cause == NoRescore || len(ids) == 0 {
		return nil
	}
	if cause != RescoreActivity && cause != RescoreOutcome {
		return fmt.Errorf("store: rescore cause %q: expected %q or %q", cause, RescoreActivity, RescoreOutcome)
	}
	seen := make(map[string]bool, len(ids))
	uniq := make([]string, 0, len(ids))
	for _, id := range ids {
		if !seen[id] {
			seen[id] = true
			uniq = append(uniq, id)
		}
	}
	uniq = s.marks.filter(uniq, ns(now), cause)
	*marked = uniq
	if len(uniq) == 0 {
		return nil
	}
	// In lead id order: on PostgreSQL concurrent requests upsert their
	// rows in one order, so they wait for each other rather than deadlock
	// (two batches naming the same leads in other orders deadlocked under
	// concurrent ingestion, refusing one of them).
	sort.Strings(uniq)
	if s.kind == sqldb.Postgres {
		return s.markPendingPG(ctx, tx, uniq, now, cause)
	}
	const chunk = 500
	args := make([]any, 0, min(chunk, len(uniq))*4)
	for lo := 0; lo < len(uniq); lo += chunk {
		part := uniq[lo:min(lo+chunk, len(uniq))]
		args = args[:0]
		for _, id := range part {
			args = append(args, id, ns(now), ns(now), cause)
		}
		if _, err := s.insertRows(ctx, tx, `INSERT INTO pending_rescores (lead_id, first_at, last_at, cause) VALUES `, 4,
			` ON CONFLICT (lead_id) DO UPDATE SET
				last_at = CASE WHEN excluded.last_at > pending_rescores.last_at THEN excluded.last_at ELSE pending_rescores.last_at END,
				cause = CASE WHEN excluded.cause = '`+RescoreOutcome+`' THEN excluded.cause ELSE pending_rescores.cause END`, args); err != nil {
			return fmt.Errorf("store %s: pending rescores: %w", s.Redacted(), err)
		}
	}
	return nil
}

// PendingRescores returns every lead whose rescore is pending, in lead id
// order: what a server starting on the store rescores first.
func (s *Store) PendingRescores(ctx context.Context) ([]PendingRescore, error) {
	query := `SELECT lead_id, first_at, last_at, cause FROM pending_rescores ORDER BY lead_id`
	if s.kind == sqldb.Postgres {
		// A lead's rows of every slot together (migration 8).
		query = `SELECT lead_id, MIN(first_at), MAX(last_at),
			CASE WHEN bool_or(cause = '` + RescoreOutcome + `') THEN '` + RescoreOutcome + `' ELSE MIN(cause) END
			FROM pending_rescores GROUP BY lead_id ORDER BY lead_id`
	}
	rows, err := s.db.QueryContext(ctx, query)
	if err != nil {
		return nil, fmt.Errorf("store %s: %w", s.Redacted(), err)
	}
	defer rows.Close()
	var out []PendingRescore
	for rows.Next() {
		var p PendingRescore
		var first, last int64
		if err := rows.Scan(&p.LeadID, &first, &last, &p.Cause); err != nil {
			return nil, fmt.Errorf("store %s: %w", s.Redacted(), err)
		}
		p.First, p.Last = fromNs(first), fromNs(last)
		out = append(out, p)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store %s: %w", s.Redacted(), err)
	}
	return out, nil
}

// LogRescores appends scores to the prediction log like LogScores and, in
// the same transaction, settles the pending rescores of ids whose latest
// change was at or before through: the leads a rescore took (scored or
// not), so a change that arrived after through stays pending.
func (s *Store) LogRescores(ctx context.Context, scores []Score, ids []string, through time.Time) error {
	return s.WriteRescores(ctx, RescoreWrite{Scores: scores, Settle: ids, Through: through})
}

// RescoreWrite is what one batch of rescores writes: its scores, the
// pending rescores it settles and the webhook deliveries of its changes.
type RescoreWrite struct {
	// Scores go to the prediction log.
	Scores []Score
	// Settle are the leads whose pending rescores are settled when their
	// latest change was at or before Through.
	Settle  []string
	Through time.Time
	// Outbox are new pending webhook deliveries (as OutboxEnqueue).
	Outbox []OutboxItem
}

// WriteRescores writes w in one transaction (one commit, one fsync on
// SQLite): the log, the settlement and the deliveries are written
// together or not at all, so a delivery never announces a score the log
// lacks, and a settled lead never misses its delivery. On SQLite it goes
// into the next commit ahead of waiting requests' writes (writeFirst):
// under sustained ingestion a rescore otherwise waited behind every
// request in flight.
func (s *Store) WriteRescores(ctx context.Context, w RescoreWrite) error {
	if len(w.Scores) == 0 && len(w.Settle) == 0 && len(w.Outbox) == 0 {
		return nil
	}
	err := s.writeFirst(ctx, func(tx *sql.Tx) error {
		if err := s.logScores(ctx, tx, collapseScores(w.Scores)); err != nil {
			return err
		}
		// Rows locked in lead id order, the order markPending upserts
		// them in, so a settle and a concurrent ingestion on PostgreSQL
		// wait for each other rather than deadlock.
		ids := append([]string(nil), w.Settle...)
		sort.Strings(ids)
		del := `DELETE FROM pending_rescores WHERE lead_id IN (%s) AND last_at <= ?`
		if s.kind == sqldb.Postgres {
			// The rows of every slot of the leads (migration 8) whose
			// latest change of all is covered, so that a lead keeps its
			// rows together, as one row, until then; locked in (lead_id,
			// slot) order like the upserts', and each deleted only if
			// still covered once locked.
			del = `DELETE FROM pending_rescores WHERE (lead_id, slot) IN (SELECT lead_id, slot FROM pending_rescores
				WHERE lead_id IN (SELECT lead_id FROM pending_rescores WHERE lead_id IN (%s) GROUP BY lead_id HAVING MAX(last_at) <= ?)
				ORDER BY lead_id, slot FOR UPDATE) AND last_at <= ?`
		}
		const chunk = 500
		for lo := 0; lo < len(ids); lo += chunk {
			part := ids[lo:min(lo+chunk, len(ids))]
			args := make([]any, 0, len(part)+1)
			for _, id := range part {
				args = append(args, id)
			}
			args = append(args, ns(w.Through)-s.marks.slackNs())
			if s.kind == sqldb.Postgres {
				args = append(args, ns(w.Through)-s.marks.slackNs())
			}
			in := strings.TrimSuffix(strings.Repeat("?, ", len(part)), ", ")
			if _, err := tx.ExecContext(ctx, s.q(fmt.Sprintf(del, in)), args...); err != nil {
				return fmt.Errorf("store %s: settle pending rescores: %w", s.Redacted(), err)
			}
		}
		return s.enqueue(ctx, tx, w.Outbox)
	})
	if err == nil {
		s.marks.forget(w.Settle)
		s.addRows(len(w.Scores))
	}
	return err
}

// pendingMarks spares the pending-rescore upserts of a lead that keeps
// changing. Under sustained ingestion nearly every event of a request
// names another lead, and each lead's row was upserted again with every
// event: on PostgreSQL a third of the database's CPU (2026-12-04, 400,000
// events of 10,000 leads: 130,000 events/s without the upserts against
// 83,000-94,000 with them).
//
// With a slack (SetPendingSlack; 0, the default, writes every change),
// an activity is not written for a lead whose row this store committed
// with a latest change at most the slack earlier: the row's last_at then
// lags the lead's latest change by at most the slack. A settle therefore
// deletes a row only when its last_at is at least the slack before the
// rescore's moment (WriteRescores), so every change the row stands for
// came before that moment, as without the slack; and the next change of
// a settled lead is written whatever the slack. Outcomes are always
// written (their cause sticks). What a row is for is unchanged: a rescore
// still pending when the server stops or crashes is taken back on start.
// The server's in-memory pending set, which drives the rescores, records
// every change exactly.
type pendingMarks struct {
	mu    sync.Mutex
	slack int64            // ns
	last  map[string]int64 // lead id: latest change committed to its row (ns)
	swept int64            // when entries older than the slack were last dropped
}

// SetPendingSlack sets how much later than its row's latest change a
// lead's activity may come and not be written to the row (0: every
// change is written). Replicas sharing a store must use one slack.
func (s *Store) SetPendingSlack(d time.Duration) {
	s.marks.mu.Lock()
	defer s.marks.mu.Unlock()
	s.marks.slack = max(int64(d), 0)
	s.marks.last = nil
}

func (p *pendingMarks) slackNs() int64 {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.slack
}

// forget drops the marks of ids, whose rows a rescore settled: their next
// change is written whatever the slack, so a change that comes while the
// settle commits is never left without a row.
func (p *pendingMarks) forget(ids []string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, id := range ids {
		delete(p.last, id)
	}
}

// filter returns the ids (in order) whose change at now must be written.
func (p *pendingMarks) filter(ids []string, now int64, cause string) []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.slack == 0 || cause != RescoreActivity || len(p.last) == 0 {
		return ids
	}
	out := ids[:0:0]
	for _, id := range ids {
		if t, ok := p.last[id]; !ok || t < now-p.slack {
			out = append(out, id)
		}
	}
	return out
}

// record notes that the rows of ids were committed with changes at now.
func (p *pendingMarks) record(ids []string, now int64) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.slack == 0 || len(ids) == 0 {
		return
	}
	if p.last == nil {
		p.last = make(map[string]int64)
	}
	for _, id := range ids {
		if t, ok := p.last[id]; !ok || t < now {
			p.last[id] = now
		}
	}
	// Entries older than the slack spare nothing: dropped once per slack,
	// so the map holds the leads changed within about two slacks.
	if now-p.swept > p.slack {
		for id, t := range p.last {
			if t < now-p.slack {
				delete(p.last, id)
			}
		}
		p.swept = now
	}
}
