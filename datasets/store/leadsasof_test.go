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

// TestLeadsAsOf: the set-based read of a batch gives each lead exactly
// what Lead gives it (field version, events before the moment in order,
// attributes), says which are not stored or have too many events, and
// answers a repeated id twice.
func TestLeadsAsOf(t *testing.T) {
	backends(t, func(t *testing.T, url string) {
		ctx := context.Background()
		s := open(t, url)
		var leads []store.Lead
		var evs []store.Event
		for i := range 40 {
			id := fmt.Sprintf("L%02d", i)
			leads = append(leads, store.Lead{ID: id, Created: t0, Fields: fields(t, fmt.Sprintf(`{"n":%d}`, i))})
			for k := range i % 7 {
				evs = append(evs, store.Event{LeadID: id, Type: []string{"page_view", "email_open"}[k%2], Time: t0.Add(time.Duration(k) * time.Hour),
					Attrs: map[string]string{"page": fmt.Sprint("p", k%3)}})
			}
		}
		_, err := s.UpsertLeads(ctx, leads, t0, []string{"n"}, store.NoRescore)
		require.NoError(t, err)
		// A later version of L03 and events out of order for L05.
		_, err = s.UpsertLeads(ctx, []store.Lead{{ID: "L03", Created: t0, Fields: fields(t, `{"n":300}`)}}, t0.Add(48*time.Hour), nil, store.NoRescore)
		require.NoError(t, err)
		evs = append(evs, store.Event{LeadID: "L05", Type: "form_submit", Time: t0.Add(30 * time.Minute)}, store.Event{LeadID: "nobody", Type: "x", Time: t0})
		_, err = s.AppendEvents(ctx, evs, t0, store.NoRescore)
		require.NoError(t, err)

		for _, asOf := range []time.Time{t0.Add(150 * time.Minute), t0.Add(72 * time.Hour)} {
			ids := []string{"nobody", "L05", "L03", "L06", "L03"}
			for i := range 40 {
				ids = append(ids, fmt.Sprintf("L%02d", i))
			}
			const maxEvents = 5
			recs, errs, err := s.LeadsAsOf(ctx, ids, asOf, maxEvents)
			require.NoError(t, err)
			require.Len(t, recs, len(ids))
			require.Len(t, errs, len(ids))
			for i, id := range ids {
				want, werr := s.Lead(ctx, id, asOf, maxEvents, nil)
				if werr != nil {
					assert.Nil(t, recs[i], id)
					assert.Equal(t, werr.Error(), errs[i].Error(), id)
					continue
				}
				require.NoError(t, errs[i], id)
				want.Version = store.Version{} // Lead's alone: LeadsAsOf reads no versions
				assert.Equal(t, want, recs[i], id)
			}
			if asOf.After(t0.Add(6 * time.Hour)) {
				var tm *store.TooManyEventsError
				assert.ErrorAs(t, errs[3], &tm, "L06 has 6 events")
			}
			assert.ErrorIs(t, errs[0], store.ErrNotFound)
		}
	})
}
