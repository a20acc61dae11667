package datasets

import (
	"fmt"
	"io"
	"math"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/array"
	"github.com/apache/arrow/go/v15/arrow/ipc"
	"github.com/apache/arrow/go/v15/arrow/memory"
	"github.com/apache/arrow/go/v15/parquet"
	"github.com/apache/arrow/go/v15/parquet/compress"
	"github.com/apache/arrow/go/v15/parquet/pqarrow"
)

// ParquetRowGroupRows is the largest Parquet row group the writer makes, in
// rows. Batches are buffered into row groups of this size (the last one is
// smaller), so memory holds at most one encoded row group plus one batch.
const ParquetRowGroupRows = 256 * 1024

// arrowType maps a column kind to the Arrow type written for it: number ->
// float64, boolean -> bool, category and text -> utf8 string, timestamp ->
// timestamp[us, UTC].
func arrowType(k Kind) arrow.DataType {
	switch k {
	case KindNumber:
		return arrow.PrimitiveTypes.Float64
	case KindBool:
		return arrow.FixedWidthTypes.Boolean
	case KindTime:
		return &arrow.TimestampType{Unit: arrow.Microsecond, TimeZone: "UTC"}
	default:
		return arrow.BinaryTypes.String
	}
}

// ArrowSchema returns the Arrow schema the Parquet and Arrow IPC writers use
// for the given fields; every column is nullable.
func ArrowSchema(schema []Field) *arrow.Schema {
	fs := make([]arrow.Field, len(schema))
	for i, f := range schema {
		fs[i] = arrow.Field{Name: f.Name, Type: arrowType(f.Kind), Nullable: true}
	}
	return arrow.NewSchema(fs, nil)
}

// nsToMicros converts Unix nanoseconds to Unix microseconds, rounding toward
// negative infinity so that times before 1970 stay ordered.
func nsToMicros(ns int64) int64 {
	us := ns / 1000
	if ns%1000 < 0 {
		us--
	}
	return us
}

// recordFromColumns builds one Arrow record from columns in schema order.
// The caller releases it.
func recordFromColumns(mem memory.Allocator, schema *arrow.Schema, cols []*Column, rows int) (arrow.Record, error) {
	arrs := make([]arrow.Array, len(cols))
	defer func() {
		for _, a := range arrs {
			if a != nil {
				a.Release()
			}
		}
	}()
	for i, c := range cols {
		switch c.Kind {
		case KindNumber:
			b := array.NewFloat64Builder(mem)
			b.Reserve(rows)
			for _, v := range c.Num[:rows] {
				if math.IsNaN(v) {
					b.UnsafeAppendBoolToBitmap(false)
				} else {
					b.UnsafeAppend(v)
				}
			}
			arrs[i] = b.NewArray()
			b.Release()
		case KindBool:
			b := array.NewBooleanBuilder(mem)
			b.Reserve(rows)
			for _, v := range c.Num[:rows] {
				if math.IsNaN(v) {
					b.UnsafeAppendBoolToBitmap(false)
				} else {
					b.UnsafeAppend(v != 0)
				}
			}
			arrs[i] = b.NewArray()
			b.Release()
		case KindTime:
			b := array.NewTimestampBuilder(mem, schema.Field(i).Type.(*arrow.TimestampType))
			b.Reserve(rows)
			for _, v := range c.Time[:rows] {
				if v == MissingTime {
					b.UnsafeAppendBoolToBitmap(false)
				} else {
					b.UnsafeAppend(arrow.Timestamp(nsToMicros(v)))
				}
			}
			arrs[i] = b.NewArray()
			b.Release()
		case KindCategory, KindText:
			b := array.NewStringBuilder(mem)
			b.Reserve(rows)
			n := int32(c.Dict.Len())
			for r, code := range c.Codes[:rows] {
				switch {
				case code == MissingCode:
					b.AppendNull()
				case code < 0 || code >= n:
					b.Release()
					return nil, fmt.Errorf("column %q row %d: code %d is not in the dictionary", c.Name, r+1, code)
				default:
					b.Append(c.Dict.Value(code))
				}
			}
			arrs[i] = b.NewArray()
			b.Release()
		}
	}
	return array.NewRecord(schema, arrs, int64(rows)), nil
}

// parquetEncoder writes Parquet through pqarrow: snappy compression,
// dictionary encoding, row groups of up to ParquetRowGroupRows rows.
type parquetEncoder struct {
	mem    memory.Allocator
	schema *arrow.Schema
	fw     *pqarrow.FileWriter
}

func newParquetEncoder(w io.Writer, fields []Field) (*parquetEncoder, error) {
	mem := memory.NewGoAllocator()
	schema := ArrowSchema(fields)
	props := parquet.NewWriterProperties(
		parquet.WithAllocator(mem),
		parquet.WithCompression(compress.Codecs.Snappy),
		parquet.WithDictionaryDefault(true),
		parquet.WithMaxRowGroupLength(ParquetRowGroupRows),
		parquet.WithCreatedBy("leadscore"),
	)
	arrProps := pqarrow.NewArrowWriterProperties(pqarrow.WithAllocator(mem), pqarrow.WithStoreSchema())
	fw, err := pqarrow.NewFileWriter(schema, w, props, arrProps)
	if err != nil {
		return nil, err
	}
	return &parquetEncoder{mem: mem, schema: schema, fw: fw}, nil
}

func (e *parquetEncoder) encode(cols []*Column, rows int) error {
	rec, err := recordFromColumns(e.mem, e.schema, cols, rows)
	if err != nil {
		return err
	}
	defer rec.Release()
	return e.fw.WriteBuffered(rec)
}

func (e *parquetEncoder) finish() error { return e.fw.Close() }

// arrowEncoder writes an Arrow IPC file (the random-access "Feather v2"
// format), one record batch per Write, uncompressed.
type arrowEncoder struct {
	mem    memory.Allocator
	schema *arrow.Schema
	fw     *ipc.FileWriter
}

func newArrowEncoder(w io.WriteSeeker, fields []Field) (*arrowEncoder, error) {
	mem := memory.NewGoAllocator()
	schema := ArrowSchema(fields)
	fw, err := ipc.NewFileWriter(w, ipc.WithSchema(schema), ipc.WithAllocator(mem))
	if err != nil {
		return nil, err
	}
	return &arrowEncoder{mem: mem, schema: schema, fw: fw}, nil
}

func (e *arrowEncoder) encode(cols []*Column, rows int) error {
	rec, err := recordFromColumns(e.mem, e.schema, cols, rows)
	if err != nil {
		return err
	}
	defer rec.Release()
	return e.fw.Write(rec)
}

func (e *arrowEncoder) finish() error { return e.fw.Close() }
