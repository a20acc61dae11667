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

// TestLeadVersion: a lead's version stays the same while nothing is
// written to it (on SQLite it is then answered from the data version
// without reading the lead), changes with every write to its events,
// fields or created_at by this handle or another one on the same
// database, and is what Lead's record carries.
func TestLeadVersion(t *testing.T) {
	backends(t, func(t *testing.T, url string) {
		ctx := context.Background()
		s, other := open(t, url), open(t, url)
		_, err := s.UpsertLeads(ctx, []store.Lead{{ID: "a", Fields: fields(t, `{"industry":"software"}`)}, {ID: "b", Fields: fields(t, `{}`)}}, t0, []string{"industry"}, store.NoRescore)
		require.NoError(t, err)
		_, err = s.LeadVersion(ctx, "nobody")
		assert.ErrorIs(t, err, store.ErrNotFound)
		version := func() store.Version {
			t.Helper()
			v, err := s.LeadVersion(ctx, "a")
			require.NoError(t, err)
			return v
		}
		seen := []store.Version{version()}
		assert.Equal(t, seen[0], version(), "no write, the same version")
		writes := []func(w *store.Store, i int) error{
			func(w *store.Store, i int) error {
				_, err := w.AppendEvents(ctx, []store.Event{{LeadID: "a", EventID: fmt.Sprint("e", i), Type: "page_view", Time: t0}}, t0, store.NoRescore)
				return err
			},
			func(w *store.Store, i int) error {
				_, err := w.UpsertLeads(ctx, []store.Lead{{ID: "a", Fields: fields(t, fmt.Sprintf(`{"industry":"v%d"}`, i))}}, t0.Add(time.Duration(i)*time.Hour), nil, store.NoRescore)
				return err
			},
			func(w *store.Store, i int) error {
				_, err := w.UpsertLeads(ctx, []store.Lead{{ID: "a", Created: t0.Add(-time.Duration(i) * time.Hour), Fields: fields(t, fmt.Sprintf(`{"industry":"v%d"}`, i))}}, t0.Add(time.Duration(i)*time.Hour), nil, store.NoRescore)
				return err
			},
		}
		i := 0
		for _, w := range []*store.Store{s, other} {
			for _, write := range writes {
				i++
				require.NoError(t, write(w, i))
				v := version()
				assert.NotContains(t, seen, v, "write %d", i)
				seen = append(seen, v)
				assert.Equal(t, v, version())
				r, err := s.Lead(ctx, "a", t0.Add(100*time.Hour), 0, nil)
				require.NoError(t, err)
				assert.Equal(t, v, r.Version)
				// A write to another lead leaves a's version alone.
				_, err = other.AppendEvents(ctx, []store.Event{{LeadID: "b", EventID: fmt.Sprint("b", i), Type: "page_view", Time: t0}}, t0, store.NoRescore)
				require.NoError(t, err)
				assert.Equal(t, v, version())
			}
		}
	})
}
