package store

import (
	"context"
	"fmt"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestHistoriesStayBounded: the history cache never holds more than
// maxCachedLeads leads nor maxCachedTotal events, and replacing a lead's
// history counts its events once.
func TestHistoriesStayBounded(t *testing.T) {
	var h histories
	for i := range maxCachedLeads + 100 {
		h.put(fmt.Sprint("l", i), &history{events: make([]Event, 2)})
		assert.LessOrEqual(t, len(h.m), maxCachedLeads)
	}
	big := maxCachedEvents
	last := ""
	for i := range 2 * maxCachedTotal / big {
		last = fmt.Sprint("b", i%50)
		h.put(last, &history{events: make([]Event, big)})
		assert.LessOrEqual(t, h.events, maxCachedTotal)
	}
	n := 0
	for _, e := range h.m {
		n += len(e.events)
	}
	assert.Equal(t, n, h.events)
	assert.NotNil(t, h.get(last), "the newest lead is kept")
}

// TestDataVersion: on SQLite the data version is read (so LeadVersion can
// skip reading a lead's version), stays while nothing is committed and
// changes with a commit by this store or another handle on the file.
func TestDataVersion(t *testing.T) {
	ctx := context.Background()
	url := "sqlite:" + filepath.Join(t.TempDir(), "store.db")
	s, err := Open(ctx, url)
	require.NoError(t, err)
	defer s.Close()
	other, err := Open(ctx, url)
	require.NoError(t, err)
	defer other.Close()
	v0, ok := s.dataVersion(ctx)
	require.True(t, ok, "the data version is read")
	v1, ok := s.dataVersion(ctx)
	require.True(t, ok)
	assert.Equal(t, v0, v1, "nothing committed")
	for i, w := range []*Store{s, other} {
		_, err := w.AppendEvents(ctx, []Event{{LeadID: "a", Type: "page_view", Time: time.Unix(int64(i), 0)}}, time.Now(), NoRescore)
		require.NoError(t, err)
		v2, ok := s.dataVersion(ctx)
		require.True(t, ok)
		assert.NotEqual(t, v1, v2, "a commit by handle %d", i)
		v1 = v2
	}
}

// TestDataVersionConcurrent: callers that share reads of the data version
// each get a value read after their call, so none misses a commit
// acknowledged before it called.
func TestDataVersionConcurrent(t *testing.T) {
	ctx := context.Background()
	s, err := Open(ctx, "sqlite:"+filepath.Join(t.TempDir(), "store.db"))
	require.NoError(t, err)
	defer s.Close()
	const commits, readers = 30, 8
	// after[i] is the data version once commit i is acknowledged (the
	// writer reads it before its next commit); acked counts the commits.
	after := make([]int64, commits+1)
	var acked atomic.Int64
	v, ok := s.dataVersion(ctx)
	require.True(t, ok)
	after[0] = v
	type seen struct{ acked, value int64 }
	got := make([][]seen, readers)
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for r := range readers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				select {
				case <-stop:
					return
				default:
				}
				n := acked.Load()
				v, ok := s.dataVersion(ctx)
				if !ok {
					t.Error("the data version could not be read")
					return
				}
				got[r] = append(got[r], seen{n, v})
			}
		}()
	}
	for i := 1; i <= commits; i++ {
		_, err := s.AppendEvents(ctx, []Event{{LeadID: "a", Type: "page_view", Time: time.Unix(int64(i), 0)}}, time.Now(), NoRescore)
		require.NoError(t, err)
		v, ok := s.dataVersion(ctx)
		require.True(t, ok)
		require.NotEqual(t, after[i-1], v, "commit %d changes the data version", i)
		after[i] = v
		acked.Store(int64(i))
	}
	close(stop)
	wg.Wait()
	calls := 0
	for r := range got {
		for _, g := range got[r] {
			calls++
			require.GreaterOrEqual(t, g.value, after[g.acked], "a call after commit %d got the data version of before it", g.acked)
		}
	}
	assert.Greater(t, calls, commits, "the readers ran alongside the commits")
}
