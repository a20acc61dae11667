package store

import (
	"context"
	"fmt"
	"path/filepath"
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
