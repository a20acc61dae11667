package datasets

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/leadscore/leadscore/internal/atomicfile"
)

// rowBatchSize is the number of rows WriteRow buffers before it hands them
// to the format encoder as one batch.
const rowBatchSize = 65536

// encoder turns batches of rows into one file format. Columns passed to
// encode are already in schema order.
type encoder interface {
	encode(cols []*Column, rows int) error
	// finish writes any footer and flushes buffers to the underlying
	// writer; it must not close the file.
	finish() error
}

// Writer writes a table to one file in batches. The data goes to a temporary
// file in the destination directory that Close renames into place, so the
// destination path never holds a partial file. A Writer is not safe for
// concurrent use.
type Writer struct {
	path   string
	format string
	schema []Field
	tmp    *atomicfile.File
	enc    encoder
	err    error // first error; once set every call fails and Close removes the temp file
	done   bool  // Close or Abort has run
	rows   int64 // rows written so far, for error messages

	pending *Table // rows buffered by WriteRow
}

// CreateWriter starts writing a file at path with the given schema. format
// is "csv", "parquet", "arrow" (Arrow IPC file), "jsonl" or another name
// ParseFormat accepts; "" picks it from the extension (FormatFromPath), so
// every extension Open reads can be written. CSV is comma-separated, or
// tab-separated when format is "tsv" or, with no format, the file ends in
// .tsv. Call Close to publish the file or Abort to discard
// it; `defer w.Abort()` after a successful CreateWriter is safe because Abort
// after Close does nothing.
func CreateWriter(path, format string, schema []Field) (*Writer, error) {
	delim := writeDelimiter(path, format)
	if format == "" {
		f, err := FormatFromPath(path)
		if err != nil {
			return nil, fmt.Errorf("write %w", err)
		}
		format = f
	} else {
		f, err := ParseFormat(format)
		if err != nil {
			return nil, fmt.Errorf("write %s: %w", path, err)
		}
		format = f
	}
	if len(schema) == 0 {
		return nil, fmt.Errorf("write %s: the schema has no columns", path)
	}
	seen := make(map[string]bool, len(schema))
	for _, f := range schema {
		if f.Name == "" {
			return nil, fmt.Errorf("write %s: a column has an empty name", path)
		}
		if seen[f.Name] {
			return nil, fmt.Errorf("write %s: column %q appears twice in the schema", path, f.Name)
		}
		seen[f.Name] = true
		switch f.Kind {
		case KindNumber, KindBool, KindCategory, KindText, KindTime:
		default:
			return nil, fmt.Errorf("write %s: column %q has kind %s: declare number, boolean, category, timestamp or text", path, f.Name, f.Kind)
		}
	}
	tmp, err := atomicfile.Create(path, 0o644)
	if err != nil {
		return nil, err
	}
	w := &Writer{path: path, format: format, schema: append([]Field(nil), schema...), tmp: tmp}
	// The encoders see only Write, never Close: closing is the Writer's job.
	sink := writeSeeker{tmp}
	switch format {
	case FormatCSV:
		w.enc, err = newCSVEncoder(sink, w.schema, delim)
	case FormatJSONL:
		w.enc = newJSONLEncoder(sink, w.schema)
	case FormatParquet:
		w.enc, err = newParquetEncoder(sink, w.schema)
	case FormatArrow:
		w.enc, err = newArrowEncoder(sink, w.schema)
	}
	if err != nil {
		w.Abort()
		return nil, fmt.Errorf("write %s: %w", path, err)
	}
	return w, nil
}

// writeSeeker hides every method of the file but Write and Seek, so that
// encoders which close their sink (parquet does) cannot close the file
// before it is synced.
type writeSeeker struct{ f io.WriteSeeker }

func (o writeSeeker) Write(p []byte) (int, error) { return o.f.Write(p) }

func (o writeSeeker) Seek(off int64, whence int) (int64, error) { return o.f.Seek(off, whence) }

// Path returns the destination path.
func (w *Writer) Path() string { return w.path }

// Schema returns the columns being written, in file order.
func (w *Writer) Schema() []Field { return append([]Field(nil), w.schema...) }

// Rows returns the number of rows accepted so far (including rows buffered by
// WriteRow that are not yet encoded).
func (w *Writer) Rows() int64 {
	if w.pending != nil {
		return w.rows + int64(w.pending.Rows())
	}
	return w.rows
}

func (w *Writer) fail(err error) error {
	if w.err == nil {
		w.err = err
	}
	return err
}

func (w *Writer) usable() error {
	if w.err != nil {
		return w.err
	}
	if w.done {
		return fmt.Errorf("write %s: the writer is already closed", w.path)
	}
	return nil
}

// Write appends a batch. Every schema column must be present in t by name,
// with the same kind (category and text are interchangeable); t must have no
// other columns. Rows buffered by WriteRow are written first, so order is
// kept.
func (w *Writer) Write(t *Table) error {
	if err := w.usable(); err != nil {
		return err
	}
	if err := w.flushPending(); err != nil {
		return err
	}
	return w.write(t)
}

func (w *Writer) write(t *Table) error {
	if len(t.Columns) != len(w.schema) {
		return w.fail(fmt.Errorf("write %s: batch has columns %q but the file has %q", w.path, t.Names(), fieldNames(w.schema)))
	}
	cols := make([]*Column, len(w.schema))
	rows := t.Rows()
	for i, f := range w.schema {
		c := t.Col(f.Name)
		if c == nil {
			return w.fail(fmt.Errorf("write %s: batch lacks column %q (it has %q)", w.path, f.Name, t.Names()))
		}
		if !kindsCompatible(f.Kind, c.Kind) {
			return w.fail(fmt.Errorf("write %s: column %q is %s in the batch but %s in the schema", w.path, f.Name, c.Kind, f.Kind))
		}
		if c.Len() != rows {
			return w.fail(fmt.Errorf("write %s: column %q has %d rows, column %q has %d", w.path, f.Name, c.Len(), t.Columns[0].Name, rows))
		}
		if (c.Kind == KindCategory || c.Kind == KindText) && c.Dict == nil {
			return w.fail(fmt.Errorf("write %s: column %q has no dictionary", w.path, f.Name))
		}
		cols[i] = c
	}
	if rows == 0 {
		return nil
	}
	if err := w.enc.encode(cols, rows); err != nil {
		return w.fail(fmt.Errorf("write %s: rows %d-%d: %w", w.path, w.rows+1, w.rows+int64(rows), err))
	}
	w.rows += int64(rows)
	return nil
}

func kindsCompatible(schema, got Kind) bool {
	if schema == got {
		return true
	}
	str := func(k Kind) bool { return k == KindCategory || k == KindText }
	return str(schema) && str(got)
}

func fieldNames(fs []Field) []string {
	names := make([]string, len(fs))
	for i, f := range fs {
		names[i] = f.Name
	}
	return names
}

// WriteRow appends one row given as text, one value per schema column in
// schema order. "" is a missing value. Numbers are parsed with
// strconv.ParseFloat, booleans accept true/false, 1/0, yes/no (any case) and
// timestamps must be RFC 3339. Rows are buffered and encoded in batches of
// 65,536.
func (w *Writer) WriteRow(vals []string) error {
	if err := w.usable(); err != nil {
		return err
	}
	row := w.Rows() + 1
	if len(vals) != len(w.schema) {
		return w.fail(fmt.Errorf("write %s row %d: got %d values for %d columns %q", w.path, row, len(vals), len(w.schema), fieldNames(w.schema)))
	}
	if w.pending == nil {
		w.pending = &Table{Source: w.path, Columns: make([]*Column, len(w.schema))}
		for i, f := range w.schema {
			w.pending.Columns[i] = NewColumn(f.Name, f.Kind, 1024)
		}
	}
	// Parse every value before appending any, so a bad value leaves the
	// columns equally long.
	var (
		nums  [8]float64
		times [8]int64
	)
	numv, timev := nums[:0], times[:0]
	for i, f := range w.schema {
		s := vals[i]
		switch f.Kind {
		case KindNumber:
			v := math.NaN()
			if s != "" {
				var err error
				if v, err = strconv.ParseFloat(strings.TrimSpace(s), 64); err != nil {
					return w.fail(fmt.Errorf("write %s row %d: column %q: %q is not a number", w.path, row, f.Name, s))
				}
			}
			numv = append(numv, v)
		case KindBool:
			v := math.NaN()
			if s != "" {
				b, ok := parseBoolText(s)
				if !ok {
					return w.fail(fmt.Errorf("write %s row %d: column %q: %q is not a boolean (use true/false, yes/no or 1/0)", w.path, row, f.Name, s))
				}
				v = 0
				if b {
					v = 1
				}
			}
			numv = append(numv, v)
		case KindTime:
			v := MissingTime
			if s != "" {
				ts, err := time.Parse(time.RFC3339Nano, strings.TrimSpace(s))
				if err != nil {
					return w.fail(fmt.Errorf("write %s row %d: column %q: %q is not an RFC 3339 timestamp like 2025-01-31T09:30:00Z", w.path, row, f.Name, s))
				}
				v = ts.UnixNano()
			}
			timev = append(timev, v)
		}
	}
	ni, ti := 0, 0
	for i, f := range w.schema {
		c := w.pending.Columns[i]
		switch f.Kind {
		case KindNumber, KindBool:
			c.Num = append(c.Num, numv[ni])
			ni++
		case KindTime:
			c.Time = append(c.Time, timev[ti])
			ti++
		case KindCategory, KindText:
			if vals[i] == "" {
				c.Codes = append(c.Codes, MissingCode)
			} else {
				c.Codes = append(c.Codes, c.Dict.Code(vals[i]))
			}
		}
	}
	if w.pending.Rows() >= rowBatchSize {
		return w.flushPending()
	}
	return nil
}

func parseBoolText(s string) (bool, bool) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "true", "t", "1", "yes", "y":
		return true, true
	case "false", "f", "0", "no", "n":
		return false, true
	}
	return false, false
}

func (w *Writer) flushPending() error {
	if w.pending == nil || w.pending.Rows() == 0 {
		return nil
	}
	t := w.pending
	w.pending = nil // fresh dictionaries per batch keep memory bounded
	return w.write(t)
}

// Close writes buffered rows and the format's footer, fsyncs the temporary
// file, renames it to the destination path (mode 0644) and fsyncs the
// directory (atomicfile.File.Commit). If any earlier call failed,
// or Close itself fails, the temporary file is removed, nothing appears at
// the destination and the error is returned.
func (w *Writer) Close() error {
	if w.done {
		if w.err != nil {
			return w.err
		}
		return fmt.Errorf("write %s: the writer is already closed", w.path)
	}
	if w.err == nil {
		if err := w.flushPending(); err == nil {
			if err := w.enc.finish(); err != nil {
				w.fail(fmt.Errorf("write %s: %w", w.path, err))
			}
		}
	}
	if w.err != nil {
		w.Abort()
		return w.err
	}
	w.done = true
	// atomicfile fsyncs the file, makes it 0644 (an ordinary file), renames
	// it into place and fsyncs the directory; on error it removes the file.
	if err := w.tmp.Commit(); err != nil {
		return w.fail(err)
	}
	return nil
}

// Abort discards everything written: it removes the temporary file and
// leaves the destination untouched. It is safe to call more than once and
// after Close, where it does nothing.
func (w *Writer) Abort() {
	if w.done {
		return
	}
	w.done = true
	if w.err == nil {
		w.err = errors.New("write " + w.path + ": aborted")
	}
	w.tmp.Abort()
}

// bufSize is the size of the buffered writer in front of the file.
const bufSize = 1 << 20

func newBuffered(w io.Writer) *bufio.Writer { return bufio.NewWriterSize(w, bufSize) }
