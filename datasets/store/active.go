package store

import (
	"context"
	"fmt"
	"time"
)

// ActiveLeadIDs calls fn with the ids of the leads that have an event at
// or after since, in lead id order, batch by batch, never holding more
// than one batch: the leads whose engagement may still be moving their
// score, which the sweep rescores more often.
func (s *Store) ActiveLeadIDs(ctx context.Context, since time.Time, batch int, fn func(ids []string) error) error {
	after := ""
	first := true
	ids := make([]string, 0, batch)
	for {
		rows, err := s.db.QueryContext(ctx, s.q(`SELECT lead_id FROM events WHERE ts >= ? AND (? OR lead_id > ?) GROUP BY lead_id ORDER BY lead_id LIMIT ?`),
			ns(since), first, after, batch)
		if err != nil {
			return fmt.Errorf("store %s: %w", s.Redacted(), err)
		}
		ids = ids[:0]
		for rows.Next() {
			var id string
			if err := rows.Scan(&id); err != nil {
				rows.Close()
				return fmt.Errorf("store %s: %w", s.Redacted(), err)
			}
			ids = append(ids, id)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return fmt.Errorf("store %s: %w", s.Redacted(), err)
		}
		if len(ids) == 0 {
			return nil
		}
		if err := fn(ids); err != nil {
			return err
		}
		after, first = ids[len(ids)-1], false
	}
}
