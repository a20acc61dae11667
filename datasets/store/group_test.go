package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"path/filepath"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestGroupCommitIsolatesFailures: SQLite writes that queue up together
// share one commit, but a write that fails after its statements ran is
// rolled back alone, and the others are committed.
func TestGroupCommitIsolatesFailures(t *testing.T) {
	ctx := context.Background()
	s, err := Open(ctx, "sqlite:"+filepath.Join(t.TempDir(), "g.db"))
	require.NoError(t, err)
	defer s.Close()
	errBad := errors.New("bad write")
	var wg sync.WaitGroup
	results := make([]error, 40)
	for i := range results {
		wg.Add(1)
		go func() {
			defer wg.Done()
			results[i] = s.write(ctx, func(tx *sql.Tx) error {
				if _, err := tx.ExecContext(ctx, "INSERT INTO outcomes (lead_id, status, converted_at, recorded_at) VALUES (?, 'won', 1, 1)", fmt.Sprint("l", i)); err != nil {
					return err
				}
				if i%3 == 0 {
					return errBad
				}
				return nil
			})
		}()
	}
	wg.Wait()
	want := 0
	for i, err := range results {
		if i%3 == 0 {
			assert.ErrorIs(t, err, errBad)
			continue
		}
		assert.NoError(t, err)
		want++
	}
	var n int
	require.NoError(t, s.DB().QueryRowContext(ctx, "SELECT COUNT(*) FROM outcomes").Scan(&n))
	assert.Equal(t, want, n)
	for i := range results {
		var c int
		require.NoError(t, s.DB().QueryRowContext(ctx, "SELECT COUNT(*) FROM outcomes WHERE lead_id = ?", fmt.Sprint("l", i)).Scan(&c))
		assert.Equal(t, i%3 != 0, c == 1, "write %d", i)
	}
}
