package datasets

import (
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"time"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/array"
	"github.com/apache/arrow/go/v15/arrow/ipc"
)

// nextRecord returns the next record batch, which the caller owns and must
// Release, or io.EOF at the end.
type nextRecord func() (arrow.Record, error)

// arrowFiller turns Arrow record batches (from Arrow IPC or Parquet) into
// typed columns. Line numbers are 1-based row numbers.
type arrowFiller struct {
	r       *Reader
	next    nextRecord
	closeFn func() error
	queue   []arrow.Record // records read for inference, replayed first
	cur     arrow.Record
	off     int
	row     int64
	conv    []arrowColumn
	eof     bool
}

// arrowColumn says how one Arrow column becomes a Column: directly from its
// natural kind, or through its text when a different kind was declared.
type arrowColumn struct {
	natural Kind
	viaText *textParser
}

// naturalKind maps an Arrow type to a column kind: integers, floats and
// decimals are numbers, bool is boolean, strings, binaries and dictionaries
// are categories, dates and timestamps are timestamps.
func naturalKind(dt arrow.DataType) (Kind, bool) {
	switch dt.ID() {
	case arrow.INT8, arrow.INT16, arrow.INT32, arrow.INT64,
		arrow.UINT8, arrow.UINT16, arrow.UINT32, arrow.UINT64,
		arrow.FLOAT16, arrow.FLOAT32, arrow.FLOAT64,
		arrow.DECIMAL128, arrow.DECIMAL256:
		return KindNumber, true
	case arrow.BOOL:
		return KindBool, true
	case arrow.STRING, arrow.LARGE_STRING, arrow.BINARY, arrow.LARGE_BINARY, arrow.DICTIONARY, arrow.NULL:
		return KindCategory, true
	case arrow.DATE32, arrow.DATE64, arrow.TIMESTAMP:
		return KindTime, true
	}
	return KindUnknown, false
}

// setupArrow maps the schema, reads the inference sample (whole record
// batches, kept and replayed) and installs the filler on r. closeFn is
// called by Close.
func setupArrow(r *Reader, sc *arrow.Schema, next nextRecord, closeFn func() error) error {
	fields := sc.Fields()
	names := make([]string, len(fields))
	for i, f := range fields {
		names[i] = f.Name
	}
	if err := checkHeader(r.path, 0, names); err != nil {
		return err
	}
	a := &arrowFiller{r: r, next: next, closeFn: closeFn, conv: make([]arrowColumn, len(fields))}
	r.fields = make([]Field, len(fields))
	for i, f := range fields {
		k, ok := naturalKind(f.Type)
		if !ok {
			return fmt.Errorf("read %s: column %q has Arrow type %s, which cannot be read: expected numbers, booleans, strings, dates or timestamps (flatten nested columns first)", r.path, f.Name, f.Type)
		}
		a.conv[i].natural = k
		r.fields[i] = Field{Name: f.Name, Kind: k}
	}
	sampled := 0
	for sampled < r.opt.SampleRows {
		rec, err := next()
		if errors.Is(err, io.EOF) {
			a.eof = true
			break
		}
		if err != nil {
			a.release()
			return err
		}
		a.queue = append(a.queue, rec)
		sampled += int(rec.NumRows())
	}
	for i, f := range r.fields {
		declared, ok := r.opt.Types[f.Name]
		switch {
		case ok && declared == f.Kind:
		case ok && isStringKind(declared) && a.conv[i].natural == KindCategory:
			r.fields[i].Kind = declared
		case ok:
			r.fields[i].Kind = declared
			a.conv[i].viaText = newTextParser(declared, "")
		case f.Kind == KindCategory:
			r.fields[i].Kind = a.inferStrings(i)
		}
	}
	r.src = a
	return nil
}

func isStringKind(k Kind) bool { return k == KindCategory || k == KindText }

// inferStrings applies the category-or-text rule to the sampled values of
// string column j.
func (a *arrowFiller) inferStrings(j int) Kind {
	var vals []string
	for _, rec := range a.queue {
		col := rec.Column(j)
		for i := 0; i < col.Len() && len(vals) < a.r.opt.SampleRows; i++ {
			if col.IsNull(i) {
				continue
			}
			if s := arrowString(col, i); !a.r.missing.Is(s) {
				vals = append(vals, s)
			}
		}
	}
	if len(vals) == 0 {
		return KindCategory
	}
	return stringKind(vals)
}

func (a *arrowFiller) release() {
	for _, rec := range a.queue {
		rec.Release()
	}
	a.queue = nil
	if a.cur != nil {
		a.cur.Release()
		a.cur = nil
	}
}

func (a *arrowFiller) close() error {
	a.release()
	return a.closeFn()
}

func (a *arrowFiller) fill(t *Table, n int) (int, error) {
	k := 0
	for k < n {
		if a.cur == nil || a.off >= int(a.cur.NumRows()) {
			if a.cur != nil {
				a.cur.Release()
				a.cur = nil
			}
			switch {
			case len(a.queue) > 0:
				a.cur = a.queue[0]
				a.queue[0] = nil
				a.queue = a.queue[1:]
			case a.eof:
			default:
				rec, err := a.next()
				if errors.Is(err, io.EOF) {
					a.eof = true
				} else if err != nil {
					return k, err
				} else {
					a.cur = rec
				}
			}
			if a.cur == nil {
				break
			}
			a.off = 0
			continue
		}
		m := min(n-k, int(a.cur.NumRows())-a.off)
		for j := range a.conv {
			a.appendColumn(t.Columns[j], j, a.cur.Column(j), a.off, a.off+m)
		}
		for i := 0; i < m; i++ {
			t.Line = append(t.Line, a.row+int64(i)+1)
		}
		a.row += int64(m)
		a.off += m
		k += m
	}
	if k == 0 {
		return 0, io.EOF
	}
	return k, nil
}

// appendColumn appends rows [from, to) of arr to column j.
func (a *arrowFiller) appendColumn(c *Column, j int, arr arrow.Array, from, to int) {
	r := a.r
	line := a.row + 1 - int64(from)
	missing := func() {
		c.AppendMissing()
		r.nMissing[j]++
	}
	if p := a.conv[j].viaText; p != nil {
		for i := from; i < to; i++ {
			if arr.IsNull(i) {
				missing()
				continue
			}
			s := arrowString(arr, i)
			if r.missing.Is(s) {
				missing()
				continue
			}
			if ok, expected := p.parse(c, s); !ok {
				c.AppendMissing()
				r.noteInvalid(line+int64(i), j, s, expected)
			}
		}
		return
	}
	switch c.Kind {
	case KindNumber, KindBool:
		if f64, ok := arr.(*array.Float64); ok && arr.NullN() == 0 {
			for _, v := range f64.Float64Values()[from:to] {
				c.Num = append(c.Num, v)
				if math.IsNaN(v) {
					r.nMissing[j]++
				}
			}
			return
		}
		for i := from; i < to; i++ {
			f, ok := arrowFloat(arr, i)
			if !ok || math.IsNaN(f) {
				missing()
				continue
			}
			c.Num = append(c.Num, f)
		}
	case KindTime:
		for i := from; i < to; i++ {
			ns, ok := arrowTime(arr, i)
			if !ok {
				missing()
				continue
			}
			c.Time = append(c.Time, ns)
		}
	case KindCategory, KindText:
		for i := from; i < to; i++ {
			if arr.IsNull(i) {
				missing()
				continue
			}
			s := arrowString(arr, i)
			if r.missing.Is(s) {
				missing()
				continue
			}
			c.Codes = append(c.Codes, dictCode(c.Dict, s))
		}
	}
}

// arrowFloat returns row i of a numeric or boolean array as float64; false
// when it is null or the array is not numeric.
func arrowFloat(arr arrow.Array, i int) (float64, bool) {
	if arr.IsNull(i) {
		return 0, false
	}
	switch a := arr.(type) {
	case *array.Float64:
		return a.Value(i), true
	case *array.Float32:
		return float64(a.Value(i)), true
	case *array.Float16:
		return float64(a.Value(i).Float32()), true
	case *array.Int64:
		return float64(a.Value(i)), true
	case *array.Int32:
		return float64(a.Value(i)), true
	case *array.Int16:
		return float64(a.Value(i)), true
	case *array.Int8:
		return float64(a.Value(i)), true
	case *array.Uint64:
		return float64(a.Value(i)), true
	case *array.Uint32:
		return float64(a.Value(i)), true
	case *array.Uint16:
		return float64(a.Value(i)), true
	case *array.Uint8:
		return float64(a.Value(i)), true
	case *array.Decimal128:
		return a.Value(i).ToFloat64(a.DataType().(*arrow.Decimal128Type).Scale), true
	case *array.Decimal256:
		return a.Value(i).ToFloat64(a.DataType().(*arrow.Decimal256Type).Scale), true
	case *array.Boolean:
		if a.Value(i) {
			return 1, true
		}
		return 0, true
	}
	return 0, false
}

// arrowTime returns row i of a date or timestamp array as Unix nanoseconds;
// false when it is null or the array holds no dates.
func arrowTime(arr arrow.Array, i int) (int64, bool) {
	if arr.IsNull(i) {
		return 0, false
	}
	switch a := arr.(type) {
	case *array.Date32:
		return int64(a.Value(i)) * int64(24*time.Hour), true
	case *array.Date64:
		return int64(a.Value(i)) * int64(time.Millisecond), true
	case *array.Timestamp:
		unit := a.DataType().(*arrow.TimestampType).Unit
		return int64(a.Value(i)) * int64(unit.Multiplier()), true
	}
	return 0, false
}

// arrowString returns row i as text, for string columns and for columns
// whose declared kind differs from their Arrow type.
func arrowString(arr arrow.Array, i int) string {
	switch a := arr.(type) {
	case *array.String:
		return a.Value(i)
	case *array.LargeString:
		return a.Value(i)
	case *array.Binary:
		return a.ValueString(i)
	case *array.LargeBinary:
		return a.ValueString(i)
	case *array.Dictionary:
		return arrowString(a.Dictionary(), a.GetValueIndex(i))
	case *array.Boolean:
		if a.Value(i) {
			return "true"
		}
		return "false"
	}
	if ns, ok := arrowTime(arr, i); ok {
		return time.Unix(0, ns).UTC().Format(time.RFC3339Nano)
	}
	if f, ok := arrowFloat(arr, i); ok {
		return formatFloat(f)
	}
	return arr.ValueStr(i)
}

// arrowMagic starts an Arrow IPC file (the stream format has no magic).
const arrowMagic = "ARROW1"

// openArrow opens an Arrow IPC file, or an Arrow IPC stream when the file
// does not start with the file format's magic.
func openArrow(r *Reader) error {
	f, err := os.Open(r.path)
	if err != nil {
		return fmt.Errorf("read %s: %w", r.path, err)
	}
	magic := make([]byte, len(arrowMagic))
	n, _ := io.ReadFull(f, magic)
	if n == 0 {
		f.Close()
		return fmt.Errorf("read %s: the file is empty: expected an Arrow IPC file or stream", r.path)
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		f.Close()
		return fmt.Errorf("read %s: %w", r.path, err)
	}
	if string(magic[:n]) == arrowMagic {
		fr, err := ipc.NewFileReader(f)
		if err != nil {
			f.Close()
			return fmt.Errorf("read %s: not a valid Arrow IPC file: %w", r.path, err)
		}
		i := 0
		next := func() (arrow.Record, error) {
			if i >= fr.NumRecords() {
				return nil, io.EOF
			}
			rec, err := fr.RecordAt(i)
			if err != nil {
				return nil, fmt.Errorf("read %s: record batch %d: %w", r.path, i+1, err)
			}
			i++
			return rec, nil
		}
		closeFn := func() error {
			fr.Close()
			return f.Close()
		}
		if err := setupArrow(r, fr.Schema(), next, closeFn); err != nil {
			closeFn()
			return err
		}
		return nil
	}
	sr, err := ipc.NewReader(f)
	if err != nil {
		f.Close()
		return fmt.Errorf("read %s: not a valid Arrow IPC file or stream: %w", r.path, err)
	}
	next := func() (arrow.Record, error) {
		if sr.Next() {
			rec := sr.Record()
			rec.Retain()
			return rec, nil
		}
		if err := sr.Err(); err != nil && !errors.Is(err, io.EOF) {
			return nil, fmt.Errorf("read %s: %w", r.path, err)
		}
		return nil, io.EOF
	}
	closeFn := func() error {
		sr.Release()
		return f.Close()
	}
	if err := setupArrow(r, sr.Schema(), next, closeFn); err != nil {
		closeFn()
		return err
	}
	return nil
}
