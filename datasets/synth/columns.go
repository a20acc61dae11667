package synth

import (
	"io"
	"time"

	"github.com/leadscore/leadscore/datasets"
)

// CatCol builds a category column named name from vals; "" is missing.
func CatCol(name string, vals ...string) *datasets.Column {
	c := datasets.NewColumn(name, datasets.KindCategory, len(vals))
	for _, v := range vals {
		if v == "" {
			c.AppendMissing()
			continue
		}
		c.Codes = append(c.Codes, c.Dict.Code(v))
	}
	return c
}

// NumCol builds a number column named name from vals; NaN is missing.
func NumCol(name string, vals ...float64) *datasets.Column {
	c := datasets.NewColumn(name, datasets.KindNumber, len(vals))
	c.Num = append(c.Num, vals...)
	return c
}

// TimeCol builds a timestamp column named name from vals (stored as Unix
// nanoseconds); the zero time is missing.
func TimeCol(name string, vals ...time.Time) *datasets.Column {
	c := datasets.NewColumn(name, datasets.KindTime, len(vals))
	for _, v := range vals {
		if v.IsZero() {
			c.AppendMissing()
			continue
		}
		c.Time = append(c.Time, v.UnixNano())
	}
	return c
}

// Table builds a table of cols read from src, row i on line i+2 (after a
// header line) as a CSV reader numbers them.
func Table(src string, cols ...*datasets.Column) *datasets.Table {
	t := &datasets.Table{Source: src, Columns: cols}
	for i := 0; i < t.Rows(); i++ {
		t.Line = append(t.Line, int64(i+2))
	}
	return t
}

// Slice returns rows [lo, hi) of t as a new table sharing dictionaries and
// storage, as a batch reader returns them.
func Slice(t *datasets.Table, lo, hi int) *datasets.Table {
	out := &datasets.Table{Source: t.Source, Line: t.Line[lo:hi]}
	for _, c := range t.Columns {
		n := &datasets.Column{Name: c.Name, Kind: c.Kind, Dict: c.Dict}
		switch c.Kind {
		case datasets.KindNumber, datasets.KindBool:
			n.Num = c.Num[lo:hi]
		case datasets.KindCategory, datasets.KindText:
			n.Codes = c.Codes[lo:hi]
		case datasets.KindTime:
			n.Time = c.Time[lo:hi]
		}
		out.Columns = append(out.Columns, n)
	}
	return out
}

// Batches returns a batch source over t in batches of n rows, as a reader
// returns them (the events of features.BuildStreaming); it returns io.EOF
// after the last batch, and a nil t has no rows.
func Batches(t *datasets.Table, n int) func() (*datasets.Table, error) {
	pos := 0
	return func() (*datasets.Table, error) {
		if t == nil || pos >= t.Rows() {
			return nil, io.EOF
		}
		hi := min(pos+n, t.Rows())
		b := Slice(t, pos, hi)
		pos = hi
		return b, nil
	}
}
