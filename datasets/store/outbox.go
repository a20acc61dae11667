package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/leadscore/leadscore/datasets/sqldb"
)

// Outbox delivery states.
const (
	OutboxPending   = "pending"
	OutboxDelivered = "delivered"
	OutboxDead      = "dead"
)

// ErrNotDead is returned by OutboxReplay for a delivery that is not
// dead-lettered.
var ErrNotDead = errors.New("delivery is not dead-lettered")

// OutboxItem is one webhook delivery in the outbox (serve/webhook's
// Delivery, which this package cannot import).
type OutboxItem struct {
	ID, Target, LeadID, Event string
	Seq                       int64
	Body                      []byte
	State                     string
	Attempts                  int
	NextAttempt, CreatedAt    time.Time
	DoneAt                    time.Time // zero while pending
	LastStatus                int
	LastError                 string
}

const outboxCols = `id, seq, target, lead_id, event, body, state, attempts, next_attempt, created_at, done_at, last_status, last_error`

// nextSeq returns the next line number, in the write transaction.
func (s *Store) nextSeq(ctx context.Context, tx *sql.Tx) (int64, error) {
	var n int64
	var err error
	if s.kind == sqldb.Postgres {
		err = tx.QueryRowContext(ctx, `SELECT nextval('webhook_outbox_seq')`).Scan(&n)
	} else {
		err = tx.QueryRowContext(ctx, `SELECT COALESCE(MAX(seq), 0) + 1 FROM webhook_outbox`).Scan(&n)
	}
	return n, err
}

// OutboxEnqueue stores new pending deliveries in one transaction, each
// with the next seq.
func (s *Store) OutboxEnqueue(ctx context.Context, items []OutboxItem) error {
	return s.write(ctx, func(tx *sql.Tx) error { return s.enqueue(ctx, tx, items) })
}

// enqueue inserts items as pending deliveries in tx, each with the next
// seq. On SQLite, whose writes are serialised, the seq is looked up once
// and counted on; PostgreSQL takes each from its sequence.
func (s *Store) enqueue(ctx context.Context, tx *sql.Tx, items []OutboxItem) error {
	var seq int64
	for i, it := range items {
		if i == 0 || s.kind == sqldb.Postgres {
			var err error
			if seq, err = s.nextSeq(ctx, tx); err != nil {
				return fmt.Errorf("store %s: outbox: %w", s.Redacted(), err)
			}
		} else {
			seq++
		}
		if _, err := tx.ExecContext(ctx, s.q(`INSERT INTO webhook_outbox (id, seq, target, lead_id, event, body, state, attempts, next_attempt, lease_until, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, 0, ?, 0, ?)`), it.ID, seq, it.Target, it.LeadID, it.Event, it.Body, OutboxPending, ns(it.NextAttempt), ns(it.CreatedAt)); err != nil {
			return fmt.Errorf("store %s: outbox: delivery %s: %w", s.Redacted(), it.ID, err)
		}
	}
	return nil
}

func scanOutbox(rows *sql.Rows) ([]OutboxItem, error) {
	defer rows.Close()
	var out []OutboxItem
	for rows.Next() {
		var it OutboxItem
		var next, created int64
		var done sql.NullInt64
		var status sql.NullInt64
		var lastErr sql.NullString
		if err := rows.Scan(&it.ID, &it.Seq, &it.Target, &it.LeadID, &it.Event, &it.Body, &it.State, &it.Attempts, &next, &created, &done, &status, &lastErr); err != nil {
			return nil, err
		}
		it.NextAttempt, it.CreatedAt = fromNs(next), fromNs(created)
		if done.Valid {
			it.DoneAt = fromNs(done.Int64)
		}
		it.LastStatus, it.LastError = int(status.Int64), lastErr.String
		out = append(out, it)
	}
	return out, rows.Err()
}

// OutboxClaim returns up to limit pending deliveries due at now, each the
// oldest pending delivery of its lead and target and none leased, and
// leases them until now+lease, in one transaction (on PostgreSQL the rows
// are locked with SKIP LOCKED, so replicas claim different ones).
func (s *Store) OutboxClaim(ctx context.Context, now time.Time, limit int, lease time.Duration) ([]OutboxItem, error) {
	var out []OutboxItem
	err := s.write(ctx, func(tx *sql.Tx) error {
		q := `SELECT ` + prefixed("o.", outboxCols) + ` FROM webhook_outbox o
			WHERE o.state = 'pending' AND o.next_attempt <= ? AND o.lease_until <= ?
			AND NOT EXISTS (SELECT 1 FROM webhook_outbox p WHERE p.state = 'pending' AND p.target = o.target AND p.lead_id = o.lead_id AND p.seq < o.seq)
			ORDER BY o.seq LIMIT ?`
		if s.kind == sqldb.Postgres {
			q += ` FOR UPDATE SKIP LOCKED`
		}
		rows, err := tx.QueryContext(ctx, s.q(q), ns(now), ns(now), limit)
		if err != nil {
			return fmt.Errorf("store %s: outbox: %w", s.Redacted(), err)
		}
		if out, err = scanOutbox(rows); err != nil {
			return fmt.Errorf("store %s: outbox: %w", s.Redacted(), err)
		}
		for _, it := range out {
			if _, err := tx.ExecContext(ctx, s.q(`UPDATE webhook_outbox SET lease_until = ? WHERE id = ?`), ns(now.Add(lease)), it.ID); err != nil {
				return fmt.Errorf("store %s: outbox: %w", s.Redacted(), err)
			}
		}
		return nil
	})
	return out, err
}

func prefixed(p, cols string) string {
	parts := strings.Split(cols, ", ")
	for i := range parts {
		parts[i] = p + parts[i]
	}
	return strings.Join(parts, ", ")
}

// updatePending runs an update of one pending delivery, ErrNotFound when
// there is no such delivery and an error naming its state when it is not
// pending.
func (s *Store) updatePending(ctx context.Context, id, set string, args ...any) error {
	return s.write(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, s.q(`UPDATE webhook_outbox SET `+set+`, lease_until = 0 WHERE id = ? AND state = 'pending'`), append(args, id)...)
		if err != nil {
			return fmt.Errorf("store %s: outbox: %w", s.Redacted(), err)
		}
		if n, _ := res.RowsAffected(); n == 1 {
			return nil
		}
		var state string
		err = tx.QueryRowContext(ctx, s.q(`SELECT state FROM webhook_outbox WHERE id = ?`), id).Scan(&state)
		if errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("%w: delivery %s", ErrNotFound, id)
		}
		if err != nil {
			return fmt.Errorf("store %s: outbox: %w", s.Redacted(), err)
		}
		return fmt.Errorf("store: outbox: delivery %s is %s, not pending", id, state)
	})
}

// OutboxAck marks a pending delivery delivered.
func (s *Store) OutboxAck(ctx context.Context, id string, at time.Time, status int) error {
	return s.updatePending(ctx, id, `state = 'delivered', done_at = ?, attempts = attempts + 1, last_status = ?, last_error = NULL`, ns(at), status)
}

// OutboxAckAll marks pending deliveries delivered in one transaction:
// ids[i] acknowledged with statuses[i], all at at. A delivery that is not
// pending (or unknown) fails the whole call, as OutboxAck does, and
// nothing is marked.
func (s *Store) OutboxAckAll(ctx context.Context, ids []string, at time.Time, statuses []int) error {
	if len(ids) != len(statuses) {
		return fmt.Errorf("store: outbox: %d ids and %d statuses", len(ids), len(statuses))
	}
	if len(ids) == 0 {
		return nil
	}
	return s.write(ctx, func(tx *sql.Tx) error {
		st, err := tx.PrepareContext(ctx, s.q(`UPDATE webhook_outbox SET state = 'delivered', done_at = ?, attempts = attempts + 1, last_status = ?, last_error = NULL, lease_until = 0 WHERE id = ? AND state = 'pending'`))
		if err != nil {
			return fmt.Errorf("store %s: outbox: %w", s.Redacted(), err)
		}
		defer st.Close()
		for i, id := range ids {
			res, err := st.ExecContext(ctx, ns(at), statuses[i], id)
			if err != nil {
				return fmt.Errorf("store %s: outbox: %w", s.Redacted(), err)
			}
			if n, _ := res.RowsAffected(); n != 1 {
				var state string
				err := tx.QueryRowContext(ctx, s.q(`SELECT state FROM webhook_outbox WHERE id = ?`), id).Scan(&state)
				if errors.Is(err, sql.ErrNoRows) {
					return fmt.Errorf("%w: delivery %s", ErrNotFound, id)
				}
				if err != nil {
					return fmt.Errorf("store %s: outbox: %w", s.Redacted(), err)
				}
				return fmt.Errorf("store: outbox: delivery %s is %s, not pending", id, state)
			}
		}
		return nil
	})
}

// OutboxFail records a failed attempt of a pending delivery and when to
// retry it.
func (s *Store) OutboxFail(ctx context.Context, id string, attempts int, next time.Time, status int, reason string) error {
	return s.updatePending(ctx, id, `attempts = ?, next_attempt = ?, last_status = ?, last_error = ?`, attempts, ns(next), status, reason)
}

// OutboxDeadLetter moves a pending delivery to the dead letters.
func (s *Store) OutboxDeadLetter(ctx context.Context, id string, attempts int, at time.Time, status int, reason string) error {
	return s.updatePending(ctx, id, `state = 'dead', attempts = ?, done_at = ?, last_status = ?, last_error = ?`, attempts, ns(at), status, reason)
}

// OutboxReplay makes a dead delivery pending again, due at now, with its
// attempts reset and a new seq. ErrNotFound or ErrNotDead otherwise.
func (s *Store) OutboxReplay(ctx context.Context, id string, now time.Time) error {
	return s.write(ctx, func(tx *sql.Tx) error {
		var state string
		err := tx.QueryRowContext(ctx, s.q(`SELECT state FROM webhook_outbox WHERE id = ?`), id).Scan(&state)
		if errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("%w: delivery %s", ErrNotFound, id)
		}
		if err != nil {
			return fmt.Errorf("store %s: outbox: %w", s.Redacted(), err)
		}
		if state != OutboxDead {
			return fmt.Errorf("%w: %s is %s", ErrNotDead, id, state)
		}
		seq, err := s.nextSeq(ctx, tx)
		if err != nil {
			return fmt.Errorf("store %s: outbox: %w", s.Redacted(), err)
		}
		_, err = tx.ExecContext(ctx, s.q(`UPDATE webhook_outbox SET state = 'pending', seq = ?, attempts = 0, next_attempt = ?, done_at = NULL, lease_until = 0 WHERE id = ?`), seq, ns(now), id)
		if err != nil {
			return fmt.Errorf("store %s: outbox: %w", s.Redacted(), err)
		}
		return nil
	})
}

// OutboxList returns up to limit deliveries (0: all) in state ("": any),
// newest (highest seq) first.
func (s *Store) OutboxList(ctx context.Context, state string, limit int) ([]OutboxItem, error) {
	q := `SELECT ` + outboxCols + ` FROM webhook_outbox WHERE (? = '' OR state = ?) ORDER BY seq DESC`
	args := []any{state, state}
	if limit > 0 {
		q += ` LIMIT ?`
		args = append(args, limit)
	}
	rows, err := s.db.QueryContext(ctx, s.q(q), args...)
	if err != nil {
		return nil, fmt.Errorf("store %s: outbox: %w", s.Redacted(), err)
	}
	out, err := scanOutbox(rows)
	if err != nil {
		return nil, fmt.Errorf("store %s: outbox: %w", s.Redacted(), err)
	}
	return out, nil
}

// OutboxGet returns one delivery, ErrNotFound when there is none.
func (s *Store) OutboxGet(ctx context.Context, id string) (OutboxItem, error) {
	rows, err := s.db.QueryContext(ctx, s.q(`SELECT `+outboxCols+` FROM webhook_outbox WHERE id = ?`), id)
	if err != nil {
		return OutboxItem{}, fmt.Errorf("store %s: outbox: %w", s.Redacted(), err)
	}
	out, err := scanOutbox(rows)
	if err != nil {
		return OutboxItem{}, fmt.Errorf("store %s: outbox: %w", s.Redacted(), err)
	}
	if len(out) == 0 {
		return OutboxItem{}, fmt.Errorf("%w: delivery %s", ErrNotFound, id)
	}
	return out[0], nil
}
