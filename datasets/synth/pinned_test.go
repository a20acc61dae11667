package synth

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"hash"
	"math"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/leadscore/leadscore/datasets"
)

// tablesDigest is the SHA-256 of the tables' content: per table its source
// and line numbers, per column its name, kind, storage (float bits, codes,
// Unix nanoseconds) and dictionary in code order.
func tablesDigest(tables ...*datasets.Table) string {
	h := sha256.New()
	for _, t := range tables {
		hashString(h, t.Source)
		hashInts(h, int64(len(t.Line)))
		hashInts(h, t.Line...)
		hashInts(h, int64(len(t.Columns)))
		for _, c := range t.Columns {
			hashString(h, c.Name)
			hashInts(h, int64(c.Kind), int64(c.Len()))
			for _, v := range c.Num {
				hashInts(h, int64(math.Float64bits(v)))
			}
			for _, v := range c.Codes {
				hashInts(h, int64(v))
			}
			hashInts(h, c.Time...)
			if c.Dict != nil {
				hashInts(h, int64(c.Dict.Len()))
				for _, v := range c.Dict.Values() {
					hashString(h, v)
				}
			}
		}
	}
	return hex.EncodeToString(h.Sum(nil))
}

func hashInts(h hash.Hash, vs ...int64) {
	for _, v := range vs {
		binary.Write(h, binary.LittleEndian, v)
	}
}

func hashString(h hash.Hash, s string) {
	hashInts(h, int64(len(s)))
	h.Write([]byte(s))
}

// The lead histories must stay those the features package's tests and
// benchmarks generated before they moved out of the features package
// (features' genSynth and BenchmarkAggregateStream, then internal/leadgen,
// now here): these digests were computed from the code before the first
// move.
func TestHistoriesUnchanged(t *testing.T) {
	tests := []struct {
		name                 string
		seed                 uint64
		leads, eventsPerLead int
		want                 string
	}{
		{"History(12, 2000, 10)", 12, 2000, 10, "d8fed28e51df2d72f255e09b5764323c44a01d3588bf9cd1569ac1286c4e8f4f"},
		{"History(1, 300, 8)", 1, 300, 8, "1f0fba17707a9f0fd5cedeb4d8496d406b979483bc1f51a00cbab689d7a55c7b"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			leads, events, outcomes := History(tc.seed, tc.leads, tc.eventsPerLead)
			assert.Equal(t, tc.want, tablesDigest(leads, events, outcomes))
		})
	}

	// The 8 generated batches, each yielded once.
	s := NewEventStream(1000, 8<<16)
	tables := []*datasets.Table{s.Leads, s.Outcomes}
	next := s.Next()
	for {
		b, err := next()
		if err != nil {
			break
		}
		tables = append(tables, b)
	}
	require.Len(t, tables, 10)
	assert.Equal(t, "c20edc60509adfdb2b27c91dab43e4264a844f6904f1f0926bef10b50e150e0e", tablesDigest(tables...), "NewEventStream(1000, 8<<16)")
}

func TestEventStreamCounts(t *testing.T) {
	s := NewEventStream(100, 70000)
	next := s.Next()
	n := 0
	for {
		b, err := next()
		if err != nil {
			break
		}
		n += b.Rows()
	}
	assert.Equal(t, 70000, n)
	leads, events, _ := History(1, 50, 5)
	assert.Equal(t, 50, leads.Rows())
	assert.Positive(t, events.Rows())
}
