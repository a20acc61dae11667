package synth

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"time"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/array"
	"github.com/apache/arrow/go/v15/arrow/memory"
	"github.com/apache/arrow/go/v15/parquet"
	"github.com/apache/arrow/go/v15/parquet/pqarrow"

	"github.com/leadscore/leadscore/datasets"
)

// The lead table of the reader benchmarks: an id, two categories (one with
// the xeducation export's "Select" placeholder and blanks), numbers,
// booleans, a timestamp and a score; about 76 bytes a row as CSV.
var (
	tableSources = []string{"Google", "Direct Traffic", "Olark Chat", "Organic Search", "Reference", "Welingak Website"}
	tableCities  = []string{"Mumbai", "Thane & Outskirts", "Other Cities", "Select", ""}
	tableStart   = time.Date(2017, 6, 1, 0, 0, 0, 0, time.UTC)
)

// LeadTableMissing returns the placeholders the reader benchmarks read as
// missing in the lead table ("Select").
func LeadTableMissing() []string { return []string{"Select"} }

// WriteLeadTableCSV writes the reader benchmarks' lead table as CSV to w: a
// header and rows seeded rows of lead_id, source, city, visits,
// time_on_site, page_views, do_not_email, converted, created_at (within a
// year of 2017-06-01) and score. It is the file of datasets'
// BenchmarkReadCSV, bench/readbench and `leadscore bench read`.
func WriteLeadTableCSV(w io.Writer, rows int) error {
	bw := bufio.NewWriterSize(w, 1<<20)
	rng := rand.New(rand.NewPCG(1, 2))
	fmt.Fprintln(bw, "lead_id,source,city,visits,time_on_site,page_views,do_not_email,converted,created_at,score")
	for i := 0; i < rows; i++ {
		ts := tableStart.Add(time.Duration(rng.IntN(365*24*3600)) * time.Second)
		fmt.Fprintf(bw, "L%08d,%s,%s,%d,%d,%.2f,%s,%d,%s,%.4f\n",
			i, tableSources[rng.IntN(len(tableSources))], tableCities[rng.IntN(len(tableCities))],
			rng.IntN(30), rng.IntN(2500), rng.Float64()*10,
			[]string{"No", "Yes"}[rng.IntN(2)], rng.IntN(2),
			ts.Format("2006-01-02 15:04:05"), rng.Float64())
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("write lead table: %w", err)
	}
	return nil
}

// WriteLeadTableCSVFile writes WriteLeadTableCSV's rows to path.
func WriteLeadTableCSVFile(path string, rows int) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := WriteLeadTableCSV(f, rows); err != nil {
		f.Close()
		return fmt.Errorf("%s: %w", path, err)
	}
	return f.Close()
}

// leadTableSchema is the Parquet lead table's typed schema.
var leadTableSchema = arrow.NewSchema([]arrow.Field{
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

// WriteLeadTableParquet writes rows typed rows of the lead table (the
// columns of WriteLeadTableCSV; a blank city is null) to path as Parquet in
// row groups of at most 131,072 rows, written from record batches of
// datasets.DefaultBatchSize rows: the file of datasets'
// BenchmarkReadParquet and `leadscore bench read`.
func WriteLeadTableParquet(path string, rows int) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	props := parquet.NewWriterProperties(parquet.WithMaxRowGroupLength(131072))
	w, err := pqarrow.NewFileWriter(leadTableSchema, f, props, pqarrow.DefaultWriterProps())
	if err != nil {
		f.Close()
		return fmt.Errorf("write %s: %w", path, err)
	}
	rng := rand.New(rand.NewPCG(1, 2))
	base := tableStart.Unix()
	for start := 0; start < rows; start += datasets.DefaultBatchSize {
		b := array.NewRecordBuilder(memory.DefaultAllocator, leadTableSchema)
		for i := start; i < min(rows, start+datasets.DefaultBatchSize); i++ {
			b.Field(0).(*array.StringBuilder).Append(fmt.Sprintf("L%08d", i))
			b.Field(1).(*array.StringBuilder).Append(tableSources[rng.IntN(len(tableSources))])
			if c := tableCities[rng.IntN(len(tableCities))]; c == "" {
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
		rec := b.NewRecord()
		b.Release()
		err := w.Write(rec)
		rec.Release()
		if err != nil {
			w.Close()
			f.Close()
			return fmt.Errorf("write %s: %w", path, err)
		}
	}
	if err := w.Close(); err != nil {
		f.Close()
		return fmt.Errorf("write %s: %w", path, err)
	}
	// The Parquet writer closes its sink; closing f again is harmless.
	if err := f.Close(); err != nil && !errors.Is(err, os.ErrClosed) {
		return err
	}
	return nil
}
