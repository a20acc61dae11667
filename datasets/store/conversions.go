package store

import (
	"context"
	"fmt"
	"time"
)

// Conversions returns the conversion time of every lead with a won
// outcome, by lead id: what outcome monitoring labels issued scores with.
func (s *Store) Conversions(ctx context.Context) (map[string]time.Time, error) {
	rows, err := s.db.QueryContext(ctx, s.q(`SELECT lead_id, converted_at FROM outcomes WHERE status = ?`), Won)
	if err != nil {
		return nil, fmt.Errorf("store %s: %w", s.Redacted(), err)
	}
	defer rows.Close()
	out := map[string]time.Time{}
	for rows.Next() {
		var id string
		var at int64
		if err := rows.Scan(&id, &at); err != nil {
			return nil, fmt.Errorf("store %s: %w", s.Redacted(), err)
		}
		out[id] = fromNs(at)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store %s: %w", s.Redacted(), err)
	}
	return out, nil
}
