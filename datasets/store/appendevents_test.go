package store_test

import (
	"context"
	"fmt"
	"math"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/leadscore/leadscore/datasets/store"
)

// storedEventIDs counts the stored rows of each event_id.
func storedEventIDs(t *testing.T, s *store.Store) map[string]int {
	t.Helper()
	rows, err := s.DB().Query(`SELECT event_id, COUNT(*) FROM events WHERE event_id IS NOT NULL GROUP BY event_id`)
	require.NoError(t, err)
	defer rows.Close()
	out := map[string]int{}
	for rows.Next() {
		var id string
		var n int
		require.NoError(t, rows.Scan(&id, &n))
		out[id] = n
	}
	require.NoError(t, rows.Err())
	return out
}

// A batch mixing stored and new event ids (on PostgreSQL the optimistic
// insert fails and the batch goes in again skipping the stored ids) keeps
// each id once, counts only the new events, and still leaves its leads'
// rescores pending.
func TestAppendEventsMixingStoredAndNew(t *testing.T) {
	backends(t, func(t *testing.T, url string) {
		ctx := context.Background()
		s := open(t, url)
		ev := func(lead, id string, h int) store.Event {
			return store.Event{LeadID: lead, EventID: id, Type: "page_view", Time: t0.Add(time.Duration(h) * time.Hour)}
		}
		n, err := s.AppendEvents(ctx, []store.Event{ev("a", "e1", 1), ev("b", "e2", 2)}, t0, store.NoRescore)
		require.NoError(t, err)
		require.Equal(t, 2, n)
		n, err = s.AppendEvents(ctx, []store.Event{ev("c", "e3", 3), ev("b", "e2", 2), ev("c", "e4", 4), ev("c", "e3", 3), {LeadID: "c", Type: "email_open", Time: t0}},
			t0.Add(time.Minute), store.RescoreActivity)
		require.NoError(t, err)
		assert.Equal(t, 3, n, "e3, e4 and the event without an id are new")
		assert.Equal(t, map[string]int{"e1": 1, "e2": 1, "e3": 1, "e4": 1}, storedEventIDs(t, s))
		p, err := s.PendingRescores(ctx)
		require.NoError(t, err)
		require.Len(t, p, 2)
		assert.Equal(t, []string{"b", "c"}, []string{p[0].LeadID, p[1].LeadID})
		// Only unknown leads: no record, each not found.
		recs, errs, err := s.LeadsAsOf(ctx, []string{"c", "b", "c"}, t0.Add(time.Hour), 0)
		require.NoError(t, err)
		for i := range recs {
			assert.Nil(t, recs[i])
			assert.ErrorIs(t, errs[i], store.ErrNotFound)
		}
	})
}

// Requests in flight at once with overlapping event ids (clients retrying
// while the first attempt is still running): every id is stored once, and
// the accepted counts add up to the distinct ids.
func TestAppendEventsConcurrentRepeats(t *testing.T) {
	backends(t, func(t *testing.T, url string) {
		ctx := context.Background()
		s := open(t, url)
		const writers, perBatch, batches = 4, 50, 6
		var mu sync.Mutex
		total := 0
		var wg sync.WaitGroup
		for w := range writers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for b := range batches {
					// Writer w's batch b overlaps half of writer w-1's.
					lo := (w*batches+b)*perBatch/2 - w*perBatch/2
					evs := make([]store.Event, perBatch)
					for i := range evs {
						k := lo + i
						evs[i] = store.Event{LeadID: fmt.Sprint("L", k%13), EventID: fmt.Sprint("ev", k), Type: "page_view", Time: t0.Add(time.Duration(k) * time.Second)}
					}
					n, err := s.AppendEvents(ctx, evs, t0, store.RescoreActivity)
					if !assert.NoError(t, err) {
						return
					}
					mu.Lock()
					total += n
					mu.Unlock()
				}
			}()
		}
		wg.Wait()
		stored := storedEventIDs(t, s)
		for id, n := range stored {
			assert.Equal(t, 1, n, id)
		}
		assert.Equal(t, len(stored), total, "accepted counts add up to the distinct events")
		assert.Greater(t, len(stored), writers*perBatch)
	})
}

// Two requests carrying the same items in opposite orders, in flight at
// once (a client's retry reordered by a queue, two CRM syncs): neither
// fails. On PostgreSQL an insert locks each row's unique key as it reaches
// the row, so two such requests deadlocked, and one failed, until rows
// went in key order (events by event_id, leads and outcomes by lead id).
func TestWritesInOppositeOrders(t *testing.T) {
	const rounds, perBatch = 12, 300
	kinds := []struct {
		name  string
		write func(s *store.Store, r int, order []int) (int, error)
	}{
		{"events", func(s *store.Store, r int, order []int) (int, error) {
			evs := make([]store.Event, len(order))
			for k, i := range order {
				evs[k] = store.Event{LeadID: fmt.Sprint("L", i%7), EventID: fmt.Sprintf("r%d-ev%03d", r, i), Type: "page_view", Time: t0.Add(time.Duration(i) * time.Second)}
			}
			return s.AppendEvents(context.Background(), evs, t0, store.RescoreActivity)
		}},
		{"leads", func(s *store.Store, r int, order []int) (int, error) {
			leads := make([]store.Lead, len(order))
			for k, i := range order {
				leads[k] = store.Lead{ID: fmt.Sprintf("r%d-lead%03d", r, i), Created: t0, Fields: fields(t, fmt.Sprintf(`{"n": %d}`, i))}
			}
			c, err := s.UpsertLeads(context.Background(), leads, t0, []string{"n"}, store.RescoreActivity)
			return c.Created, err
		}},
		{"new field names", func(s *store.Store, r int, order []int) (int, error) {
			names := make([]string, 0, 20)
			for k := range 20 {
				i := k // the first writer names them up, the second down
				if order[0] != 0 {
					i = 19 - k
				}
				names = append(names, fmt.Sprintf("r%d_f%02d", r, i))
			}
			c, err := s.UpsertLeads(context.Background(), []store.Lead{{ID: fmt.Sprint("names-", r, "-", order[0]), Created: t0, Fields: fields(t, "{}")}}, t0, names, store.NoRescore)
			return c.Created, err
		}},
		{"outcomes", func(s *store.Store, r int, order []int) (int, error) {
			outs := make([]store.Outcome, len(order))
			for k, i := range order {
				outs[k] = store.Outcome{LeadID: fmt.Sprintf("r%d-lead%03d", r, i), Status: store.Won, ConvertedAt: t0.Add(time.Duration(i) * time.Hour), Amount: math.NaN()}
			}
			n, err := s.RecordOutcomes(context.Background(), outs, t0, store.RescoreOutcome)
			return n, err
		}},
	}
	backends(t, func(t *testing.T, url string) {
		s := open(t, url)
		for _, kind := range kinds {
			for r := range rounds {
				up, down := make([]int, perBatch), make([]int, perBatch)
				for i := range up {
					up[i], down[perBatch-1-i] = i, i
				}
				var wg sync.WaitGroup
				start := make(chan struct{})
				counts := make([]int, 2)
				for w, order := range [][]int{up, down} {
					wg.Add(1)
					go func() {
						defer wg.Done()
						<-start
						n, err := kind.write(s, r, order)
						assert.NoError(t, err, "%s, round %d, writer %d", kind.name, r, w)
						counts[w] = n
					}()
				}
				close(start)
				wg.Wait()
				require.False(t, t.Failed())
				if kind.name == "events" {
					assert.Equal(t, perBatch, counts[0]+counts[1], "round %d: each event accepted once", r)
				}
			}
		}
		for id, n := range storedEventIDs(t, s) {
			assert.Equal(t, 1, n, id)
		}
	})
}

// Ids keep each batch's arrival order, whatever order the rows are
// inserted in: events of one lead at one instant are read back in the
// order they were sent.
func TestAppendEventsKeepArrivalOrder(t *testing.T) {
	backends(t, func(t *testing.T, url string) {
		ctx := context.Background()
		s := open(t, url)
		sent := []string{"z", "b", "y", "a", ""}
		evs := make([]store.Event, len(sent))
		for i, id := range sent {
			evs[i] = store.Event{LeadID: "L", EventID: id, Type: fmt.Sprint("type_", i), Time: t0}
		}
		_, err := s.AppendEvents(ctx, evs, t0, store.NoRescore)
		require.NoError(t, err)
		rows, err := s.DB().Query(`SELECT type FROM events ORDER BY id`)
		require.NoError(t, err)
		defer rows.Close()
		var got []string
		for rows.Next() {
			var ty string
			require.NoError(t, rows.Scan(&ty))
			got = append(got, ty)
		}
		require.NoError(t, rows.Err())
		assert.Equal(t, []string{"type_0", "type_1", "type_2", "type_3", "type_4"}, got)
	})
}
