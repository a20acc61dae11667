package datasets

import (
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"
	"unicode/utf8"
)

// Format names accepted in ReadOptions.Format.
const (
	FormatCSV     = "csv"
	FormatParquet = "parquet"
	FormatArrow   = "arrow"
	FormatJSONL   = "jsonl"
)

// DefaultBatchSize is the number of rows Reader.Next returns per batch when
// ReadOptions.BatchSize is 0.
const DefaultBatchSize = 65536

// DefaultSampleRows is the number of leading rows used for type inference
// when ReadOptions.SampleRows is 0.
const DefaultSampleRows = 20000

// maxProblems is how many offending values a ValueErrors and a ReadReport
// keep; lead values are personal data, so only a handful are ever quoted.
const maxProblems = 5

// maxQuoted is the longest value quoted in a message, in bytes.
const maxQuoted = 64

// ReadOptions controls how a table is read.
type ReadOptions struct {
	// Format is "csv", "parquet", "arrow" or "jsonl" (or another name
	// ParseFormat accepts); "" picks it by file extension (FormatFromPath):
	// .csv .tsv .txt, .parquet .pq, .arrow .ipc .feather, .jsonl .ndjson.
	Format string
	// Delimiter separates CSV fields; 0 sniffs it among , ; tab and | from
	// the first lines of the file.
	Delimiter rune
	// MissingValues are markers that mean "no value" in addition to the
	// defaults "", NA, N/A, null, NULL, nan and NaN (for example "Select").
	MissingValues []string
	// Types declares the kind of some columns by name; inference is skipped
	// for them.
	Types map[string]Kind
	// Required lists columns that must exist.
	Required []string
	// BatchSize is the number of rows per batch from Reader.Next; 0 means
	// DefaultBatchSize.
	BatchSize int
	// SampleRows is the number of leading rows used to infer column kinds;
	// 0 means DefaultSampleRows.
	SampleRows int
}

// ReadReport counts what a Reader has read so far, so that nothing is
// dropped silently.
type ReadReport struct {
	// File is the path as given to Open (a database URL without its
	// password).
	File string `json:"file"`
	// Format is "csv", "parquet", "arrow" or "jsonl", or "sqlite" or
	// "postgres" for a database.
	Format string `json:"format"`
	// Delimiter is the CSV field separator ("" for other formats).
	Delimiter string `json:"delimiter,omitempty"`
	// Rows is the number of data rows read (the header is not a row).
	Rows int `json:"rows"`
	// Missing counts missing values per column (every column is listed).
	Missing map[string]int `json:"missing"`
	// Invalid counts, per column, values that did not parse as the
	// column's kind; they are stored as missing and reported by a
	// *ValueErrors at the end of the read.
	Invalid map[string]int `json:"invalid,omitempty"`
	// Problems are the first few invalid values, in file order.
	Problems []Problem `json:"problems,omitempty"`
}

// Problem is one value that does not fit its column. Value holds the raw
// text, which may be personal data: log Line, Column and Message, never Value.
type Problem struct {
	// Line is the 1-based line of the source file the row starts on (the
	// 1-based row number for Parquet and Arrow).
	Line int64 `json:"line"`
	// Column is the column's name.
	Column string `json:"column,omitempty"`
	// Value is the offending raw value, cut to 64 bytes.
	Value string `json:"value,omitempty"`
	// Message says what was expected, phrased to follow the quoted value,
	// for example "is not a number".
	Message string `json:"message"`
}

// String renders the problem as `line 812: column "TotalVisits": "abc" is not
// a number`.
func (p Problem) String() string {
	return fmt.Sprintf("line %d: column %q: %q %s", p.Line, p.Column, p.Value, p.Message)
}

// ValueErrors reports every value that did not parse as its column's
// inferred or declared kind. A Reader returns it from Next once all rows have
// been read (instead of io.EOF); those values are missing in the batches.
type ValueErrors struct {
	// File is the path as given to Open.
	File string `json:"file"`
	// Count is the number of offending values.
	Count int `json:"count"`
	// Columns counts offending values per column.
	Columns map[string]int `json:"columns"`
	// First are the first offending values in file order (at most 5).
	First []Problem `json:"first"`
}

// Error names the file, the count and the first offending lines and says how
// to fix the input.
func (e *ValueErrors) Error() string {
	const hint = "; if such values are legitimate, declare the column's type (--types COL=category) " +
		"or list the marker as missing (--missing-values VALUE)"
	if e.Count == 1 && len(e.First) == 1 {
		p := e.First[0]
		return fmt.Sprintf("read %s line %d: column %q: %q %s%s", e.File, p.Line, p.Column, p.Value, p.Message, hint)
	}
	var b strings.Builder
	fmt.Fprintf(&b, "read %s: %d values do not match their column's type", e.File, e.Count)
	cols := make([]string, 0, len(e.Columns))
	for c := range e.Columns {
		cols = append(cols, c)
	}
	sort.Strings(cols)
	b.WriteString(" (")
	for i, c := range cols {
		if i > 0 {
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, "%q: %d", c, e.Columns[c])
	}
	fmt.Fprintf(&b, "); first %d: ", len(e.First))
	for i, p := range e.First {
		if i > 0 {
			b.WriteString("; ")
		}
		b.WriteString(p.String())
	}
	b.WriteString(hint)
	return b.String()
}

// Reader streams a table in batches. It keeps the inference sample and one
// batch in memory, never the whole file.
type Reader struct {
	path    string
	format  string
	opt     ReadOptions
	missing *MissingSet
	fields  []Field
	dicts   []*Dict // shared dictionaries of category columns (nil otherwise)
	src     filler

	rows     int
	nMissing []int
	nInvalid []int
	verrs    ValueErrors
	delim    string
	err      error // sticky: io.EOF, *ValueErrors or a hard error
}

// filler is a format's row source: fill appends up to n rows to the columns
// and lines of t and returns how many it appended, with io.EOF (and 0 rows)
// once the input is exhausted.
type filler interface {
	fill(t *Table, n int) (int, error)
	close() error
}

// Open opens a table file, sniffs its dialect, reads the inference sample and
// settles the schema. The caller must Close the Reader.
//
// path may also name a database table or query (IsDatabase):
// sqlite:PATH?table=NAME, postgres://user@host/db?query=SELECT... (see
// package sqldb). Its rows are rendered as text and go through the same
// type inference, missing markers and value errors as a CSV file's; a
// row's line is its 1-based row number, and messages name the URL with any
// password hidden.
func Open(path string, opt ReadOptions) (*Reader, error) {
	format := ""
	if !IsDatabase(path) {
		var err error
		if format, err = detectFormat(path, opt.Format); err != nil {
			return nil, err
		}
	}
	return openWith(path, format, opt, func(r *Reader) error {
		switch format {
		case "":
			return openDatabase(r)
		case FormatCSV:
			return openCSV(r)
		case FormatJSONL:
			return openJSONL(r)
		case FormatParquet:
			return openParquet(r)
		case FormatArrow:
			return openArrow(r)
		}
		return nil
	})
}

// openWith is Open with the format's setup in open, which installs the
// Reader's schema and row source.
func openWith(path, format string, opt ReadOptions, open func(r *Reader) error) (*Reader, error) {
	if opt.BatchSize <= 0 {
		opt.BatchSize = DefaultBatchSize
	}
	if opt.SampleRows <= 0 {
		opt.SampleRows = DefaultSampleRows
	}
	for name, k := range opt.Types {
		if k == KindUnknown || k > KindText {
			return nil, fmt.Errorf("read %s: column %q: declared type %v is not one of number, boolean, category, timestamp, text", path, name, k)
		}
	}
	r := &Reader{path: path, format: format, opt: opt, missing: NewMissingSet(opt.MissingValues)}
	r.verrs.File = path
	if err := open(r); err != nil {
		return nil, err
	}
	if err := r.checkColumns(); err != nil {
		r.src.close()
		return nil, err
	}
	r.nMissing = make([]int, len(r.fields))
	r.nInvalid = make([]int, len(r.fields))
	r.dicts = make([]*Dict, len(r.fields))
	for i, f := range r.fields {
		if f.Kind == KindCategory {
			r.dicts[i] = NewDict()
		}
	}
	return r, nil
}

// detectFormat returns the explicit format (ParseFormat) or the one the
// extension implies (FormatFromPath).
func detectFormat(path, format string) (string, error) {
	if format != "" {
		f, err := ParseFormat(format)
		if err != nil {
			return "", fmt.Errorf("read %s: %w", path, err)
		}
		return f, nil
	}
	f, err := FormatFromPath(path)
	if err != nil {
		return "", fmt.Errorf("read %w", err)
	}
	return f, nil
}

// checkColumns validates Required and the names in Types against the schema.
func (r *Reader) checkColumns() error {
	have := make(map[string]bool, len(r.fields))
	names := make([]string, len(r.fields))
	for i, f := range r.fields {
		have[f.Name] = true
		names[i] = f.Name
	}
	var missing []string
	for _, c := range r.opt.Required {
		if !have[c] {
			missing = append(missing, c)
		}
	}
	if len(missing) > 0 {
		return fmt.Errorf("read %s: missing required column(s) %q; the file has columns %q", r.path, missing, names)
	}
	var unknown []string
	for c := range r.opt.Types {
		if !have[c] {
			unknown = append(unknown, c)
		}
	}
	if len(unknown) > 0 {
		sort.Strings(unknown)
		return fmt.Errorf("read %s: types are declared for column(s) %q that the file does not have; the file has columns %q", r.path, unknown, names)
	}
	return nil
}

// checkHeader rejects empty and duplicate column names. line is the header's
// line, 0 for formats without lines.
func checkHeader(path string, line int64, names []string) error {
	where := "read " + path
	if line > 0 {
		where += fmt.Sprintf(" line %d", line)
	}
	seen := make(map[string]int, len(names))
	for i, n := range names {
		if strings.TrimSpace(n) == "" {
			return fmt.Errorf("%s: column %d has an empty name in the header: every column needs a name", where, i+1)
		}
		if j, ok := seen[n]; ok {
			return fmt.Errorf("%s: duplicate column name %q at positions %d and %d: column names must be unique", where, n, j+1, i+1)
		}
		seen[n] = i
	}
	return nil
}

// Schema returns the columns' names and kinds.
func (r *Reader) Schema() []Field {
	out := make([]Field, len(r.fields))
	copy(out, r.fields)
	return out
}

// newBatch returns an empty table for the next batch. Category columns share
// the Reader's dictionary, so a code means the same value in every batch.
// Text columns (ids, free text) get a fresh dictionary per batch, which keeps
// memory bounded by the batch: their codes are meaningful within one batch.
func (r *Reader) newBatch() *Table {
	t := &Table{Source: r.path, Columns: make([]*Column, len(r.fields)), Line: make([]int64, 0, r.opt.BatchSize)}
	for i, f := range r.fields {
		c := NewColumn(f.Name, f.Kind, r.opt.BatchSize)
		switch {
		case r.dicts[i] != nil:
			c.Dict = r.dicts[i]
		case f.Kind == KindText:
			// Text values are mostly distinct: size the dictionary for
			// the batch up front instead of growing it value by value.
			c.Dict = &Dict{values: make([]string, 0, r.opt.BatchSize), index: make(map[string]int32, r.opt.BatchSize)}
		}
		t.Columns[i] = c
	}
	return t
}

// Next returns the next batch of at most BatchSize rows. At the end it
// returns io.EOF, or a *ValueErrors if some values did not parse as their
// column's kind. Category columns of every batch share one *Dict, so their
// codes are stable across batches; text columns (ids, free text) get a fresh
// *Dict per batch so that memory stays bounded, and their codes must be read
// through that batch's Dict (ReadFile merges them into one).
func (r *Reader) Next() (*Table, error) {
	if r.err != nil {
		return nil, r.err
	}
	t := r.newBatch()
	n, err := r.src.fill(t, r.opt.BatchSize)
	r.rows += n
	if err != nil && !errors.Is(err, io.EOF) {
		r.err = err
		return nil, err
	}
	if n > 0 {
		return t, nil
	}
	if r.verrs.Count > 0 {
		ve := r.valueErrors()
		r.err = ve
		return nil, ve
	}
	r.err = io.EOF
	return nil, io.EOF
}

func (r *Reader) valueErrors() *ValueErrors {
	ve := &ValueErrors{File: r.path, Count: r.verrs.Count, Columns: make(map[string]int)}
	ve.First = append(ve.First, r.verrs.First...)
	for i, n := range r.nInvalid {
		if n > 0 {
			ve.Columns[r.fields[i].Name] = n
		}
	}
	return ve
}

// noteInvalid records a value of column j that does not parse.
func (r *Reader) noteInvalid(line int64, j int, value, expected string) {
	r.nInvalid[j]++
	r.verrs.Count++
	if len(r.verrs.First) < maxProblems {
		if len(value) > maxQuoted {
			cut := maxQuoted
			for cut > 0 && !utf8.RuneStart(value[cut]) {
				cut--
			}
			value = value[:cut] + "..."
		}
		r.verrs.First = append(r.verrs.First, Problem{Line: line, Column: r.fields[j].Name, Value: value, Message: expected})
	}
}

// Report returns the counts so far.
func (r *Reader) Report() *ReadReport {
	rep := &ReadReport{File: r.path, Format: r.format, Delimiter: r.delim, Rows: r.rows, Missing: make(map[string]int, len(r.fields))}
	for i, f := range r.fields {
		rep.Missing[f.Name] = r.nMissing[i]
		if r.nInvalid[i] > 0 {
			if rep.Invalid == nil {
				rep.Invalid = make(map[string]int)
			}
			rep.Invalid[f.Name] = r.nInvalid[i]
		}
	}
	rep.Problems = append(rep.Problems, r.verrs.First...)
	return rep
}

// Close releases the file.
func (r *Reader) Close() error {
	if r.src == nil {
		return nil
	}
	err := r.src.close()
	r.src = nil
	if r.err == nil {
		r.err = fmt.Errorf("read %s: reader is closed", r.path)
	}
	return err
}

// ReadFile reads a whole table. Text columns are re-coded into one
// dictionary per column. When some values do not parse as their column's
// kind it returns the table (with those values missing), the report and a
// *ValueErrors, so that a caller can show every problem at once; on any other
// error the table is nil.
func ReadFile(path string, opt ReadOptions) (*Table, *ReadReport, error) {
	r, err := Open(path, opt)
	if err != nil {
		return nil, nil, err
	}
	return ReadAll(r)
}

// ReadAll reads the rest of r's table and closes r, as ReadFile does.
func ReadAll(r *Reader) (*Table, *ReadReport, error) {
	defer r.Close()
	out := &Table{Source: r.path, Columns: make([]*Column, len(r.fields))}
	for i, f := range r.fields {
		c := NewColumn(f.Name, f.Kind, 0)
		if r.dicts[i] != nil {
			c.Dict = r.dicts[i]
		}
		out.Columns[i] = c
	}
	var recode []int32
	for {
		t, err := r.Next()
		if err != nil {
			var ve *ValueErrors
			if errors.Is(err, io.EOF) {
				return out, r.Report(), nil
			}
			if errors.As(err, &ve) {
				return out, r.Report(), err
			}
			return nil, r.Report(), err
		}
		out.Line = append(out.Line, t.Line...)
		for i, c := range t.Columns {
			o := out.Columns[i]
			switch c.Kind {
			case KindNumber, KindBool:
				o.Num = append(o.Num, c.Num...)
			case KindTime:
				o.Time = append(o.Time, c.Time...)
			case KindCategory:
				o.Codes = append(o.Codes, c.Codes...)
			case KindText:
				recode = recode[:0]
				for _, v := range c.Dict.Values() {
					recode = append(recode, o.Dict.Code(v))
				}
				for _, code := range c.Codes {
					if code == MissingCode {
						o.Codes = append(o.Codes, MissingCode)
					} else {
						o.Codes = append(o.Codes, recode[code])
					}
				}
			}
		}
	}
}
