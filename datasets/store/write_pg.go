package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
)

// uniqueViolation is PostgreSQL's SQLSTATE for a duplicate key.
const uniqueViolation = "23505"

// The PostgreSQL ingestion path: events and the pending rescores they
// leave go in as arrays unnested on the server, one fixed statement each,
// so PostgreSQL parses and plans each once per connection (pgx caches
// prepared statements by their text), whatever the batch's size.

// appendEventsPG inserts the batch as arrays unnested on the server, one
// statement per batch, and returns how many events were new. An event_id
// repeated within the batch is dropped here (the first stays, as a single
// INSERT ... ON CONFLICT DO NOTHING would keep it). The rest is inserted
// optimistically, without ON CONFLICT, under a savepoint: a batch none of
// whose event ids is stored yet, the usual case, then costs PostgreSQL a
// plain insert, about a third less of its CPU per event than the
// speculative insertion ON CONFLICT makes for every row (BENCHMARKS.md).
// Should an event_id be stored already, or committed meanwhile by a
// concurrent request (the insert waits for it on the unique index), the
// insert fails with a unique violation; it is rolled back to the
// savepoint and run again skipping the stored ids.
//
// Tried and not kept: binary COPY (pgx CopyFrom) into a per-connection
// temporary table, then one INSERT ... SELECT ... ON CONFLICT, cost more
// than this; COPY straight into events cost what the plain insert costs,
// and like it cannot skip a stored event_id.
func (s *Store) appendEventsPG(ctx context.Context, tx *sql.Tx, events []Event, now time.Time) (int, error) {
	n := len(events)
	leads, types, attrs := make([]string, 0, n), make([]string, 0, n), make([]*string, 0, n)
	ids := make([]*string, 0, n)
	ts := make([]int64, 0, n)
	seen := make(map[string]bool, n)
	for i := range events {
		e := &events[i]
		var id *string
		if e.EventID != "" {
			if seen[e.EventID] {
				continue
			}
			seen[e.EventID] = true
			id = &e.EventID
		}
		a, err := EncodeAttrs(e.Attrs)
		if err != nil {
			return 0, err
		}
		var as *string
		if a != nil {
			s := a.(string)
			as = &s
		}
		leads, ids, types, ts, attrs = append(leads, e.LeadID), append(ids, id), append(types, e.Type), append(ts, ns(e.Time)), append(attrs, as)
	}
	// The rows go in event_id order: an insert locks each event_id's
	// entry of the unique index as it reaches the row, so two requests
	// carrying the same ids in different orders would each wait for the
	// other (a deadlock, and one request failing). Their ids are taken
	// first, in arrival order (the inner query, which the outer sort does
	// not flatten), so events of one lead at one instant still read back
	// in the order they were sent.
	const insert = `INSERT INTO events (id, lead_id, event_id, type, ts, attrs, received_at)
SELECT id, l, i, t, ts, a, $6 FROM (
	SELECT nextval('events_id_seq') AS id, l, i, t, ts, a
	FROM unnest($1::text[], $2::text[], $3::text[], $4::bigint[], $5::text[]) WITH ORDINALITY AS u(l, i, t, ts, a, o)
	ORDER BY o OFFSET 0) AS arrived
ORDER BY i`
	args := []any{leads, ids, types, ts, attrs, ns(now)}
	if _, err := tx.ExecContext(ctx, "SAVEPOINT events_new"); err != nil {
		return 0, fmt.Errorf("store %s: %w", s.Redacted(), err)
	}
	res, err := tx.ExecContext(ctx, insert, args...)
	if err == nil {
		if _, err := tx.ExecContext(ctx, "RELEASE SAVEPOINT events_new"); err != nil {
			return 0, fmt.Errorf("store %s: %w", s.Redacted(), err)
		}
		k, _ := res.RowsAffected()
		return int(k), nil
	}
	var pe *pgconn.PgError
	if !errors.As(err, &pe) || pe.Code != uniqueViolation {
		return 0, fmt.Errorf("store %s: %w", s.Redacted(), err)
	}
	if _, err := tx.ExecContext(ctx, "ROLLBACK TO SAVEPOINT events_new"); err != nil {
		return 0, fmt.Errorf("store %s: %w", s.Redacted(), err)
	}
	res, err = tx.ExecContext(ctx, insert+"\nON CONFLICT (event_id) DO NOTHING", args...)
	if err != nil {
		return 0, fmt.Errorf("store %s: %w", s.Redacted(), err)
	}
	k, _ := res.RowsAffected()
	return int(k), nil
}

// pendingSlots is how many pending-rescore rows a lead may have on
// PostgreSQL (markPendingPG).
const pendingSlots = 16

// markPendingPG is markPending's upsert on PostgreSQL: ids (distinct, in
// lead id order, which the unnest keeps, so concurrent writers lock rows
// in one order) in one statement. A multi-row VALUES statement has a text
// per row count, so PostgreSQL parsed and planned one of up to 2,000
// parameters for nearly every batch.
//
// The rows go to one slot of the pendingSlots (migration 8), the next in
// turn: another request marking the same leads meanwhile most likely
// writes another slot's rows, so neither waits for the other's commit.
func (s *Store) markPendingPG(ctx context.Context, tx *sql.Tx, ids []string, now time.Time, cause string) error {
	slot := int16(s.pendingSlot.Add(1) % pendingSlots)
	if _, err := tx.ExecContext(ctx, `INSERT INTO pending_rescores (lead_id, slot, first_at, last_at, cause)
SELECT l, $4, $2, $2, $3 FROM unnest($1::text[]) WITH ORDINALITY AS u(l, o) ORDER BY o
ON CONFLICT (lead_id, slot) DO UPDATE SET
	last_at = CASE WHEN excluded.last_at > pending_rescores.last_at THEN excluded.last_at ELSE pending_rescores.last_at END,
	cause = CASE WHEN excluded.cause = '`+RescoreOutcome+`' THEN excluded.cause ELSE pending_rescores.cause END`, ids, ns(now), cause, slot); err != nil {
		return fmt.Errorf("store %s: pending rescores: %w", s.Redacted(), err)
	}
	return nil
}
