package store_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/leadscore/leadscore/datasets/store"
)

// BenchmarkAppendEventsSQLite is the SQLite commit path of POST /v1/events
// without HTTP: 4 writers append batches of 500 events (each with an
// event_id) of 10,000 leads at random, leaving their rescores pending, as
// bench/storebench does; one op is one event. The store starts with
// 200,000 such events, so the events land on a table of realistic depth.
func BenchmarkAppendEventsSQLite(b *testing.B) {
	ctx := context.Background()
	s, err := store.Open(ctx, "sqlite:"+filepath.Join(b.TempDir(), "store.db"))
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	const leads, batch, writers = 10000, 500, 4
	rng := rand.New(rand.NewPCG(1, 2))
	types := []string{"page_view", "email_open", "form_submit", "email_click"}
	var seq atomic.Int64
	mk := func(rng *rand.Rand) []store.Event {
		evs := make([]store.Event, batch)
		for i := range evs {
			evs[i] = store.Event{LeadID: fmt.Sprintf("L%07d", rng.IntN(leads)), EventID: fmt.Sprintf("ev-%d", seq.Add(1)),
				Type: types[rng.IntN(len(types))], Time: t0.Add(time.Duration(rng.IntN(180*24*3600)) * time.Second),
				Attrs: map[string]string{"channel": "web"}}
		}
		return evs
	}
	for range 200000 / batch {
		if _, err := s.AppendEvents(ctx, mk(rng), t0, store.RescoreActivity); err != nil {
			b.Fatal(err)
		}
	}
	bodies := make([][]store.Event, (b.N+batch-1)/batch)
	for i := range bodies {
		bodies[i] = mk(rng)
	}
	var next atomic.Int64
	var wg sync.WaitGroup
	b.ResetTimer()
	for range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1)) - 1
				if i >= len(bodies) {
					return
				}
				if _, err := s.AppendEvents(ctx, bodies[i], time.Now(), store.RescoreActivity); err != nil {
					b.Error(err)
					return
				}
			}
		}()
	}
	wg.Wait()
}
