package datasets

import (
	"fmt"
	"os"
	"testing"

	"github.com/apache/arrow/go/v15/arrow"
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
