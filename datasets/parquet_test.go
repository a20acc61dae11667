package datasets

import (
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/array"
	"github.com/apache/arrow/go/v15/arrow/memory"
	"github.com/apache/arrow/go/v15/parquet"
	"github.com/apache/arrow/go/v15/parquet/pqarrow"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// writeParquetFile writes records with row groups of at most rowGroup rows.
func writeParquetFile(t testing.TB, path string, sc *arrow.Schema, recs []arrow.Record, rowGroup int64) {
	t.Helper()
	f, err := os.Create(path)
	require.NoError(t, err)
	defer f.Close()
	props := parquet.NewWriterProperties(parquet.WithMaxRowGroupLength(rowGroup))
	w, err := pqarrow.NewFileWriter(sc, f, props, pqarrow.DefaultWriterProps())
	require.NoError(t, err)
	for _, r := range recs {
		require.NoError(t, w.Write(r))
	}
	require.NoError(t, w.Close())
}

func TestParquetRoundTrip(t *testing.T) {
	for _, withDict := range []bool{false, true} {
		t.Run(fmt.Sprintf("dict=%v", withDict), func(t *testing.T) {
			sc, recs := roundTripRecords(t, withDict)
			path := writeTemp(t, "leads.parquet", "")
			writeParquetFile(t, path, sc, recs, 10)
			// Batches of 4 rows cross the 10-row row groups.
			tb, rep, err := ReadFile(path, ReadOptions{BatchSize: 4, MissingValues: []string{"Select"}})
			require.NoError(t, err)
			assert.Equal(t, roundTripSchema(withDict), tb.Schema())
			assert.Equal(t, roundTripWant(withDict), columnStrings(tb))
			require.Len(t, tb.Line, roundTripRows)
			for i, l := range tb.Line {
				assert.Equal(t, int64(i+1), l, "line is the 1-based row number")
			}
			assert.Equal(t, FormatParquet, rep.Format)
			assert.Equal(t, roundTripRows, rep.Rows)
			assert.Equal(t, 9, rep.Missing["source"])
			assert.Equal(t, 1, rep.Missing["converted"])
		})
	}
}

func TestParquetBatchesShareDictionary(t *testing.T) {
	sc, recs := roundTripRecords(t, false)
	path := writeTemp(t, "leads.pq", "")
	writeParquetFile(t, path, sc, recs, 10)
	r, err := Open(path, ReadOptions{BatchSize: 3, SampleRows: 5})
	require.NoError(t, err)
	defer r.Close()
	var dict *Dict
	n := 0
	for {
		tb, err := r.Next()
		if err != nil {
			break
		}
		src := tb.Col("source")
		if dict == nil {
			dict = src.Dict
		}
		assert.Same(t, dict, src.Dict)
		n += tb.Rows()
	}
	assert.Equal(t, roundTripRows, n)
	assert.Equal(t, []string{"Google", "Direct", "Select"}, dict.Values())
}

func TestParquetErrors(t *testing.T) {
	junk := writeTemp(t, "junk.parquet", "PAR1 but not really")
	_, _, err := ReadFile(junk, ReadOptions{})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "junk.parquet: not a valid Parquet file")

	path := writeTemp(t, "leads.parquet", "")
	sc, recs := roundTripRecords(t, false)
	writeParquetFile(t, path, sc, recs, 100)
	_, _, err = ReadFile(path, ReadOptions{Required: []string{"Converted"}})
	require.Error(t, err)
	assert.Contains(t, err.Error(), `missing required column(s) ["Converted"]`)
	assert.Contains(t, err.Error(), `"converted"`)
}

// benchRecords builds rows rows of the benchmark's ten lead-like columns in
// record batches of 65536 rows.
func benchRecords(rows int) (*arrow.Schema, []arrow.Record) {
	sc := arrow.NewSchema([]arrow.Field{
		{Name: "lead_id", Type: arrow.BinaryTypes.String},
		{Name: "source", Type: arrow.BinaryTypes.String},
		{Name: "city", Type: arrow.BinaryTypes.String, Nullable: true},
		{Name: "visits", Type: arrow.PrimitiveTypes.Int64},
		{Name: "time_on_site", Type: arrow.PrimitiveTypes.Int64},
		{Name: "page_views", Type: arrow.PrimitiveTypes.Float64},
		{Name: "do_not_email", Type: arrow.FixedWidthTypes.Boolean},
		{Name: "converted", Type: arrow.FixedWidthTypes.Boolean},
		{Name: "created_at", Type: &arrow.TimestampType{Unit: arrow.Second}},
		{Name: "score", Type: arrow.PrimitiveTypes.Float64},
	}, nil)
	rng := rand.New(rand.NewPCG(1, 2))
	sources := []string{"Google", "Direct Traffic", "Olark Chat", "Organic Search", "Reference", "Welingak Website"}
	cities := []string{"Mumbai", "Thane & Outskirts", "Other Cities", "Select", ""}
	base := time.Date(2017, 6, 1, 0, 0, 0, 0, time.UTC).Unix()
	var recs []arrow.Record
	for start := 0; start < rows; start += DefaultBatchSize {
		b := array.NewRecordBuilder(memory.DefaultAllocator, sc)
		for i := start; i < min(rows, start+DefaultBatchSize); i++ {
			b.Field(0).(*array.StringBuilder).Append(fmt.Sprintf("L%08d", i))
			b.Field(1).(*array.StringBuilder).Append(sources[rng.IntN(len(sources))])
			if c := cities[rng.IntN(len(cities))]; c == "" {
				b.Field(2).AppendNull()
			} else {
				b.Field(2).(*array.StringBuilder).Append(c)
			}
			b.Field(3).(*array.Int64Builder).Append(int64(rng.IntN(30)))
			b.Field(4).(*array.Int64Builder).Append(int64(rng.IntN(2500)))
			b.Field(5).(*array.Float64Builder).Append(rng.Float64() * 10)
			b.Field(6).(*array.BooleanBuilder).Append(rng.IntN(2) == 1)
			b.Field(7).(*array.BooleanBuilder).Append(rng.IntN(2) == 1)
			b.Field(8).(*array.TimestampBuilder).Append(arrow.Timestamp(base + int64(rng.IntN(365*24*3600))))
			b.Field(9).(*array.Float64Builder).Append(rng.Float64())
		}
		recs = append(recs, b.NewRecord())
		b.Release()
	}
	return sc, recs
}

// BenchmarkReadParquet streams a generated 1,000,000-row, 10-column Parquet
// file (row groups of 131072 rows) and reports rows per second.
func BenchmarkReadParquet(b *testing.B) {
	const rows = 1_000_000
	path := filepath.Join(b.TempDir(), "leads.parquet")
	sc, recs := benchRecords(rows)
	writeParquetFile(b, path, sc, recs, 131072)
	for _, r := range recs {
		r.Release()
	}
	b.ReportAllocs()
	iters := 0
	for b.Loop() {
		n := drain(b, path, ReadOptions{MissingValues: []string{"Select"}})
		require.Equal(b, rows, n)
		iters++
	}
	b.ReportMetric(float64(rows*iters)/b.Elapsed().Seconds(), "rows/s")
}

func TestParquetEmptyAndInspect(t *testing.T) {
	sc, recs := roundTripRecords(t, false)
	empty := recs[0].NewSlice(0, 0)
	defer empty.Release()
	path := writeTemp(t, "empty.parquet", "")
	writeParquetFile(t, path, sc, []arrow.Record{empty}, 10)
	tb, rep, err := ReadFile(path, ReadOptions{})
	require.NoError(t, err)
	assert.Equal(t, 0, tb.Rows())
	assert.Equal(t, 0, rep.Rows)
	assert.Len(t, tb.Columns, len(sc.Fields()))

	path = writeTemp(t, "leads.parquet", "")
	writeParquetFile(t, path, sc, recs, 10)
	p, err := Inspect(path, ReadOptions{MissingValues: []string{"Select"}}, "converted")
	require.NoError(t, err)
	assert.Equal(t, roundTripRows, p.Rows)
	// Rows 0, 2, ... 24 are true except row 6, which is null.
	assert.Equal(t, TargetProfile{Column: "converted", Positives: 12, Negatives: 12, Missing: 1, PositiveRate: 0.5}, *p.Target)
	assert.Equal(t, 2, p.Columns[1].Distinct, "source: Google and Direct")
}
