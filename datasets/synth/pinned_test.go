package synth

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"hash"
	"io"
	"math"
	"os"
	"path/filepath"
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

func sha(b []byte) string {
	h := sha256.Sum256(b)
	return hex.EncodeToString(h[:])
}

// The generators must keep writing exactly the files the scripts under
// bench/ wrote when the published figures were measured: these digests are
// those of `go run ./bench/gbm gen -rows 1000`, `bench/logistic gen -rows
// 2000 -cols 7` and `readbench -rows 3000` before the generators moved out
// of those programs (to internal/benchkit, then here).
func TestGeneratorsUnchanged(t *testing.T) {
	tests := []struct {
		name  string
		write func(w io.Writer) error
		want  string
	}{
		{"gbm data", func(w io.Writer) error { return WriteGBM(w, 1000, 1) },
			"e73e85d858d285f061ff4d7f6e081605c9d2eacdb4320832cf99590930a83a3f"},
		{"logistic data", func(w io.Writer) error {
			X, y := LogisticMatrix(2000, 7, 1)
			return WriteLogistic(w, X, y)
		}, "a2de10c4c0ecfefd91de91390212d665cab8461c7dcffc685a0d24322ac7b0db"},
		{"reader CSV", func(w io.Writer) error { return WriteLeadTableCSV(w, 3000) },
			"6ef368cd46d546e2716c592019f558f4afcbe64893ed3ffb1e7d833ad98877ea"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var b bytes.Buffer
			require.NoError(t, tc.write(&b))
			assert.Equal(t, tc.want, sha(b.Bytes()))
		})
	}
}

// sameBits requires got to hold exactly want's float64 bit patterns.
func sameBits(t *testing.T, want, got []float64) {
	t.Helper()
	require.Len(t, got, len(want))
	for i := range want {
		if math.Float64bits(want[i]) != math.Float64bits(got[i]) {
			t.Fatalf("value %d: want %v, got %v", i, want[i], got[i])
		}
	}
}

// A matrix written to a file reads back bit for bit, with its columns.
func TestMatrixFilesRoundTrip(t *testing.T) {
	dir := t.TempDir()
	gbmPath := filepath.Join(dir, "gbm.bin")
	f, err := os.Create(gbmPath)
	require.NoError(t, err)
	require.NoError(t, WriteGBM(f, 500, 3))
	require.NoError(t, f.Close())
	X, y, err := ReadGBM(gbmPath)
	require.NoError(t, err)
	X2, y2 := GBMMatrix(500, 3)
	sameBits(t, X2.Data, X.Data)
	sameBits(t, y2, y)
	assert.Equal(t, X2.Names, X.Names)
	assert.Equal(t, X2.Categories, X.Categories)
	assert.Equal(t, []int{20, 50, 5}, X.Categories[35:38])
	assert.Equal(t, "f39", X.Names[39])
	for i := range X.Rows {
		for _, j := range []int{35, 36, 37} {
			v := X.Row(i)[j]
			require.True(t, v >= 0 && v < float64(X.Categories[j]) && v == math.Trunc(v), "row %d column %d: %v", i, j, v)
		}
	}

	logPath := filepath.Join(dir, "log.bin")
	L, ly := LogisticMatrix(300, 5, 2)
	f, err = os.Create(logPath)
	require.NoError(t, err)
	require.NoError(t, WriteLogistic(f, L, ly))
	require.NoError(t, f.Close())
	L2, ly2, err := ReadLogistic(logPath)
	require.NoError(t, err)
	sameBits(t, L.Data, L2.Data)
	sameBits(t, ly, ly2)
	assert.Equal(t, []string{"x0", "x1", "x2", "x3", "x4"}, L2.Names)

	_, _, err = ReadLogistic(gbmPath)
	assert.ErrorContains(t, err, "not a logistic-bench data file")
	require.NoError(t, os.WriteFile(gbmPath, []byte("short"), 0o644))
	_, _, err = ReadGBM(gbmPath)
	assert.ErrorContains(t, err, "not a whole number")
}

// The logistic matrix is standardised exactly: every column has mean 0 and
// population standard deviation 1.
func TestLogisticMatrixStandardised(t *testing.T) {
	X, y := LogisticMatrix(1000, 4, 5)
	require.Len(t, y, 1000)
	for j := range X.Cols {
		var mean, ss float64
		for i := range X.Rows {
			mean += X.Row(i)[j]
		}
		mean /= float64(X.Rows)
		for i := range X.Rows {
			d := X.Row(i)[j] - mean
			ss += d * d
		}
		assert.InDelta(t, 0, mean, 1e-12, "column %d", j)
		assert.InDelta(t, 1, math.Sqrt(ss/float64(X.Rows)), 1e-12, "column %d", j)
	}
}

// Both lead tables read back with every row, through the readers every
// command uses.
func TestLeadTablesRead(t *testing.T) {
	dir := t.TempDir()
	tests := []struct {
		name  string
		rows  int
		write func(path string, rows int) error
	}{
		{"l.csv", 1234, WriteLeadTableCSVFile},
		{"l.parquet", 70000, WriteLeadTableParquet},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(dir, tc.name)
			require.NoError(t, tc.write(path, tc.rows))
			tab, _, err := datasets.ReadFile(path, datasets.ReadOptions{MissingValues: LeadTableMissing()})
			require.NoError(t, err)
			assert.Equal(t, tc.rows, tab.Rows())
			assert.Equal(t, []string{"lead_id", "source", "city", "visits", "time_on_site", "page_views", "do_not_email", "converted", "created_at", "score"}, tab.Names())
			city := tab.Col("city")
			for i := range tab.Rows() {
				require.NotEqual(t, "Select", city.String(i), "row %d: Select reads as missing", i)
			}
		})
	}
}

func TestRulesLead(t *testing.T) {
	l := RulesLead()
	require.Len(t, l.Events, 54)
	for i, e := range l.Events {
		require.True(t, e.Time.Before(l.Cutoff) && !e.Time.Before(l.Created), "event %d at %s", i, e.Time)
		if i > 0 {
			require.True(t, e.Time.After(l.Events[i-1].Time), "events in time order")
		}
	}
	assert.Equal(t, datasets.KindNumber, l.Fields["employees"].Kind)
	assert.Equal(t, "vp", l.Fields["seniority"].Str)
}
