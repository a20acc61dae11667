package datasets

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/memory"
	"github.com/apache/arrow/go/v15/parquet/file"
	"github.com/apache/arrow/go/v15/parquet/pqarrow"
)

// openParquet opens a Parquet file and reads it as Arrow record batches of
// BatchSize rows, one batch at a time, never the whole file.
func openParquet(r *Reader) error {
	pf, err := file.OpenParquetFile(r.path, false)
	if err != nil {
		return fmt.Errorf("read %s: not a valid Parquet file: %w", r.path, err)
	}
	fr, err := pqarrow.NewFileReader(pf, pqarrow.ArrowReadProperties{BatchSize: int64(r.opt.BatchSize)}, memory.DefaultAllocator)
	if err != nil {
		pf.Close()
		return fmt.Errorf("read %s: %w", r.path, err)
	}
	sc, err := fr.Schema()
	if err != nil {
		pf.Close()
		return fmt.Errorf("read %s: %w", r.path, err)
	}
	for _, f := range sc.Fields() {
		if _, ok := naturalKind(f.Type); !ok {
			pf.Close()
			return fmt.Errorf("read %s: column %q has type %s, which cannot be read: expected numbers, booleans, strings, dates or timestamps (flatten nested columns first)", r.path, f.Name, f.Type)
		}
	}
	if len(sc.Fields()) == 0 {
		pf.Close()
		return fmt.Errorf("read %s: the file has no columns", r.path)
	}
	rr, err := fr.GetRecordReader(context.Background(), nil, nil)
	if err != nil {
		pf.Close()
		return fmt.Errorf("read %s: %w", r.path, err)
	}
	next := func() (arrow.Record, error) {
		if rr.Next() {
			rec := rr.Record()
			rec.Retain()
			return rec, nil
		}
		if err := rr.Err(); err != nil && !errors.Is(err, io.EOF) {
			return nil, fmt.Errorf("read %s: %w", r.path, err)
		}
		return nil, io.EOF
	}
	closeFn := func() error {
		rr.Release()
		return pf.Close()
	}
	if err := setupArrow(r, sc, next, closeFn); err != nil {
		closeFn()
		return err
	}
	return nil
}
