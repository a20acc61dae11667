package store_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/leadscore/leadscore/datasets/store"
)

// TestActiveLeadIDs: the leads with an event since the moment, each once,
// in id order, across batches.
func TestActiveLeadIDs(t *testing.T) {
	backends(t, func(t *testing.T, url string) {
		ctx := context.Background()
		s := open(t, url)
		var evs []store.Event
		for i := range 7 {
			id := fmt.Sprintf("L-%d", i)
			at := t0.Add(-time.Duration(i) * 24 * time.Hour)
			evs = append(evs, store.Event{LeadID: id, Type: "page_view", Time: at}, store.Event{LeadID: id, Type: "email_open", Time: at.Add(-time.Hour)})
		}
		_, err := s.AppendEvents(ctx, evs, t0, store.NoRescore)
		require.NoError(t, err)
		var got [][]string
		require.NoError(t, s.ActiveLeadIDs(ctx, t0.Add(-4*24*time.Hour), 2, func(ids []string) error {
			got = append(got, append([]string(nil), ids...))
			return nil
		}))
		assert.Equal(t, [][]string{{"L-0", "L-1"}, {"L-2", "L-3"}, {"L-4"}}, got)
		n := 0
		require.NoError(t, s.ActiveLeadIDs(ctx, t0.Add(time.Hour), 10, func(ids []string) error { n += len(ids); return nil }))
		assert.Zero(t, n)
	})
}
