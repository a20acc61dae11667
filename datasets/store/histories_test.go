package store

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
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
