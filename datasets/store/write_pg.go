package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"
)

// The PostgreSQL ingestion path of AppendEvents.

// appendEventsPG inserts the batch as arrays unnested on the server: one
// statement and one round trip per batch, as fast as COPY for batches of
// hundreds, and it can skip repeated event ids, which COPY cannot.
func (s *Store) appendEventsPG(ctx context.Context, tx *sql.Tx, events []Event, now time.Time) (int, error) {
	n := len(events)
	leads, types, attrs := make([]string, n), make([]string, n), make([]*string, n)
	ids := make([]*string, n)
	ts := make([]int64, n)
	for i := range events {
		e := &events[i]
		leads[i], types[i], ts[i] = e.LeadID, e.Type, ns(e.Time)
		if e.EventID != "" {
			ids[i] = &e.EventID
		}
		a, err := EncodeAttrs(e.Attrs)
		if err != nil {
			return 0, err
		}
		if a != nil {
			s := a.(string)
			attrs[i] = &s
		}
	}
	res, err := tx.ExecContext(ctx, `INSERT INTO events (lead_id, event_id, type, ts, attrs, received_at)
SELECT l, i, t, ts, a, $6 FROM unnest($1::text[], $2::text[], $3::text[], $4::bigint[], $5::text[]) AS u(l, i, t, ts, a)
ON CONFLICT DO NOTHING`, leads, ids, types, ts, attrs, ns(now))
	if err != nil {
		return 0, fmt.Errorf("store %s: %w", s.Redacted(), err)
	}
	k, _ := res.RowsAffected()
	return int(k), nil
}
