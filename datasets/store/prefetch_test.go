package store

import (
	"errors"
	"strconv"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestPrefetch: the records come in order, copied (next reuses its slice),
// then next's error, again on every later call; stop ends the reader
// early without waiting for the rest.
func TestPrefetch(t *testing.T) {
	fail := errors.New("read failed")
	const n = 2*prefetchBatch + 7
	source := func(limit int) func() ([]string, error) {
		rec := make([]string, 1)
		i := 0
		return func() ([]string, error) {
			if i == limit {
				return nil, fail
			}
			rec[0] = strconv.Itoa(i)
			i++
			return rec, nil
		}
	}
	get, stop := prefetch(source(n))
	for i := range n {
		rec, err := get()
		require.NoError(t, err)
		require.Equal(t, []string{strconv.Itoa(i)}, rec)
	}
	for range 2 {
		_, err := get()
		assert.ErrorIs(t, err, fail)
	}
	stop()
	stop()

	get, stop = prefetch(source(1 << 30))
	rec, err := get()
	require.NoError(t, err)
	assert.Equal(t, []string{"0"}, rec)
	stop() // returns although the source has not ended
}
