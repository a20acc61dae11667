// Package datasets reads and writes the tables leadscore works on (CSV,
// Parquet, Arrow IPC, JSON Lines; it also reads SQLite and PostgreSQL
// tables and queries, named as in package sqldb), infers column types, validates input with
// errors that name the file, line and column, and generates synthetic lead
// histories with a documented ground truth.
//
// A Table is columnar and typed: numbers and booleans as float64 (NaN marks a
// missing value), categories and free text as dictionary codes (-1 marks a
// missing value), timestamps as Unix nanoseconds (MissingTime marks a missing
// value). Every row remembers the line of the source file it came from so that
// later stages can still point a user at the offending line.
package datasets

import (
	"fmt"
	"math"
	"strconv"
	"time"
)

// Kind is the inferred or declared type of a column.
type Kind uint8

// The column kinds. KindText is free text or an identifier (unique per row);
// it is stored like a category but never one-hot encoded.
const (
	KindUnknown Kind = iota
	KindNumber
	KindBool
	KindCategory
	KindTime
	KindText
)

var kindNames = [...]string{"unknown", "number", "boolean", "category", "timestamp", "text"}

// String returns the kind's name as used in messages and in --json output.
func (k Kind) String() string {
	if int(k) < len(kindNames) {
		return kindNames[k]
	}
	return fmt.Sprintf("kind(%d)", k)
}

// ParseKind is the inverse of Kind.String; it also accepts "bool", "time",
// "id" and "string".
func ParseKind(s string) (Kind, error) {
	switch s {
	case "number", "numeric", "float":
		return KindNumber, nil
	case "boolean", "bool":
		return KindBool, nil
	case "category", "categorical":
		return KindCategory, nil
	case "timestamp", "time", "date", "datetime":
		return KindTime, nil
	case "text", "id", "string":
		return KindText, nil
	}
	return KindUnknown, fmt.Errorf("unknown column type %q: expected number, boolean, category, timestamp or text", s)
}

// MissingTime marks a missing timestamp in Column.Time.
const MissingTime int64 = math.MinInt64

// MissingCode marks a missing category or text value in Column.Codes.
const MissingCode int32 = -1

// Dict maps category strings to dense int32 codes in order of first
// appearance. A Dict is shared by all batches read from one file, so a code
// means the same string in every batch.
type Dict struct {
	values []string
	index  map[string]int32
}

// NewDict returns an empty dictionary.
func NewDict() *Dict { return &Dict{index: make(map[string]int32)} }

// Code returns the code of s, adding s if it is new.
func (d *Dict) Code(s string) int32 {
	if c, ok := d.index[s]; ok {
		return c
	}
	c := int32(len(d.values))
	d.values = append(d.values, s)
	d.index[s] = c
	return c
}

// Lookup returns the code of s and whether s is known, without adding it.
func (d *Dict) Lookup(s string) (int32, bool) {
	c, ok := d.index[s]
	return c, ok
}

// Value returns the string of code c; it panics on an out-of-range code,
// which is a programming error, never an input error.
func (d *Dict) Value(c int32) string { return d.values[c] }

// Len is the number of distinct values.
func (d *Dict) Len() int { return len(d.values) }

// Values returns the strings in code order. The slice must not be modified.
func (d *Dict) Values() []string { return d.values }

// Column is one typed column. Exactly one of Num, Codes or Time is used,
// according to Kind: Num for KindNumber and KindBool (0/1), Codes with Dict for
// KindCategory and KindText, Time (Unix nanoseconds, UTC) for KindTime.
type Column struct {
	Name  string
	Kind  Kind
	Num   []float64
	Codes []int32
	Dict  *Dict
	Time  []int64
}

// NewColumn returns an empty column of the given kind with capacity n.
func NewColumn(name string, kind Kind, n int) *Column {
	c := &Column{Name: name, Kind: kind}
	switch kind {
	case KindNumber, KindBool:
		c.Num = make([]float64, 0, n)
	case KindCategory, KindText:
		c.Codes = make([]int32, 0, n)
		c.Dict = NewDict()
	case KindTime:
		c.Time = make([]int64, 0, n)
	}
	return c
}

// Len is the number of rows in the column.
func (c *Column) Len() int {
	switch c.Kind {
	case KindNumber, KindBool:
		return len(c.Num)
	case KindCategory, KindText:
		return len(c.Codes)
	case KindTime:
		return len(c.Time)
	}
	return 0
}

// IsMissing reports whether row i holds no value.
func (c *Column) IsMissing(i int) bool {
	switch c.Kind {
	case KindNumber, KindBool:
		return math.IsNaN(c.Num[i])
	case KindCategory, KindText:
		return c.Codes[i] == MissingCode
	case KindTime:
		return c.Time[i] == MissingTime
	}
	return true
}

// String returns row i as text ("" when missing). Numbers use the shortest
// representation that round-trips; booleans are "true"/"false"; timestamps are
// RFC 3339 in UTC.
func (c *Column) String(i int) string {
	if c.IsMissing(i) {
		return ""
	}
	switch c.Kind {
	case KindNumber:
		return formatFloat(c.Num[i])
	case KindBool:
		if c.Num[i] != 0 {
			return "true"
		}
		return "false"
	case KindCategory, KindText:
		return c.Dict.Value(c.Codes[i])
	case KindTime:
		return time.Unix(0, c.Time[i]).UTC().Format(time.RFC3339Nano)
	}
	return ""
}

// AppendMissing appends a missing value.
func (c *Column) AppendMissing() {
	switch c.Kind {
	case KindNumber, KindBool:
		c.Num = append(c.Num, math.NaN())
	case KindCategory, KindText:
		c.Codes = append(c.Codes, MissingCode)
	case KindTime:
		c.Time = append(c.Time, MissingTime)
	}
}

// Table is a set of equally long typed columns read from one source.
// Line[i] is the 1-based line of the source file on which row i starts (0 when
// the source has no lines, as for Parquet, where it is the 1-based row number).
type Table struct {
	Source  string
	Columns []*Column
	Line    []int64
}

// Rows is the number of rows.
func (t *Table) Rows() int {
	if len(t.Columns) == 0 {
		return len(t.Line)
	}
	return t.Columns[0].Len()
}

// Col returns the column with the given name, or nil.
func (t *Table) Col(name string) *Column {
	for _, c := range t.Columns {
		if c.Name == name {
			return c
		}
	}
	return nil
}

// MustCol returns the named column or an error that names the source and
// lists the columns that do exist.
func (t *Table) MustCol(name string) (*Column, error) {
	if c := t.Col(name); c != nil {
		return c, nil
	}
	names := make([]string, len(t.Columns))
	for i, c := range t.Columns {
		names[i] = c.Name
	}
	return nil, fmt.Errorf("%s: missing required column %q (columns are %q)", t.Source, name, names)
}

// Names returns the column names in order.
func (t *Table) Names() []string {
	names := make([]string, len(t.Columns))
	for i, c := range t.Columns {
		names[i] = c.Name
	}
	return names
}

func formatFloat(f float64) string { return strconv.FormatFloat(f, 'g', -1, 64) }

// Field names a column and its kind; a schema is a []Field.
type Field struct {
	Name string `json:"name"`
	Kind Kind   `json:"kind"`
}

// MarshalText writes a Kind by name, so JSON shows "number", not 1.
func (k Kind) MarshalText() ([]byte, error) { return []byte(k.String()), nil }

// UnmarshalText reads a Kind by name.
func (k *Kind) UnmarshalText(b []byte) error {
	v, err := ParseKind(string(b))
	if err != nil {
		return err
	}
	*k = v
	return nil
}

// Schema returns the table's fields in column order.
func (t *Table) Schema() []Field {
	fs := make([]Field, len(t.Columns))
	for i, c := range t.Columns {
		fs[i] = Field{Name: c.Name, Kind: c.Kind}
	}
	return fs
}
