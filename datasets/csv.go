package datasets

import (
	"bufio"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
)

// recordSource yields the rows of a text format (CSV, JSON Lines) as strings
// aligned with the header, with the line each row starts on.
type recordSource interface {
	// read returns the next record; it may be overwritten by the next call.
	// It returns io.EOF at the end.
	read() (rec []string, line int64, err error)
	close() error
}

// textFiller turns text records into typed columns. It first replays the
// records sampled for inference, then streams the rest.
type textFiller struct {
	r           *Reader
	src         recordSource
	ncols       int
	sample      [][]string
	sampleLines []int64
	pos         int
	parsers     []*textParser
	eof         bool
}

// setupText validates the header, reads the inference sample from src,
// infers (or takes the declared) column kinds and installs the filler on r.
// copyRecords must be set when src reuses its record slice between reads.
func setupText(r *Reader, header []string, headerLine int64, src recordSource, copyRecords bool) error {
	if err := checkHeader(r.path, headerLine, header); err != nil {
		return err
	}
	tf := &textFiller{r: r, src: src, ncols: len(header)}
	for len(tf.sample) < r.opt.SampleRows {
		rec, line, err := src.read()
		if errors.Is(err, io.EOF) {
			tf.eof = true
			break
		}
		if err != nil {
			return err
		}
		if len(rec) != tf.ncols {
			return raggedError(r.path, line, len(rec), tf.ncols)
		}
		if copyRecords {
			rec = append([]string(nil), rec...)
		}
		tf.sample = append(tf.sample, rec)
		tf.sampleLines = append(tf.sampleLines, line)
	}
	r.fields = make([]Field, tf.ncols)
	tf.parsers = make([]*textParser, tf.ncols)
	vals := make([]string, 0, len(tf.sample))
	for j, name := range header {
		vals = vals[:0]
		for _, rec := range tf.sample {
			if v := rec[j]; !r.missing.Is(v) {
				vals = append(vals, v)
			}
		}
		if k, ok := r.opt.Types[name]; ok {
			r.fields[j] = Field{Name: name, Kind: k}
			tf.parsers[j] = newTextParser(k, declaredLayout(k, vals))
			continue
		}
		inf := inferText(name, vals)
		r.fields[j] = Field{Name: name, Kind: inf.kind}
		tf.parsers[j] = newTextParser(inf.kind, inf.layout)
	}
	r.src = tf
	return nil
}

func raggedError(path string, line int64, got, want int) error {
	return fmt.Errorf("read %s line %d: the row has %d fields but the header has %d: check for an unquoted delimiter or quote on that line", path, line, got, want)
}

// next returns the next record: first the sampled ones, then the stream.
func (tf *textFiller) next() ([]string, int64, error) {
	if tf.pos < len(tf.sample) {
		rec, line := tf.sample[tf.pos], tf.sampleLines[tf.pos]
		tf.sample[tf.pos] = nil
		tf.pos++
		if tf.pos == len(tf.sample) {
			tf.sample, tf.sampleLines, tf.pos = nil, nil, 0
		}
		return rec, line, nil
	}
	if tf.eof {
		return nil, 0, io.EOF
	}
	rec, line, err := tf.src.read()
	if errors.Is(err, io.EOF) {
		tf.eof = true
		return nil, 0, io.EOF
	}
	if err != nil {
		return nil, 0, err
	}
	if len(rec) != tf.ncols {
		return nil, 0, raggedError(tf.r.path, line, len(rec), tf.ncols)
	}
	return rec, line, nil
}

func (tf *textFiller) fill(t *Table, n int) (int, error) {
	r := tf.r
	k := 0
	for k < n {
		rec, line, err := tf.next()
		if errors.Is(err, io.EOF) {
			if k == 0 {
				return 0, io.EOF
			}
			return k, nil
		}
		if err != nil {
			return k, err
		}
		for j, v := range rec {
			c := t.Columns[j]
			if r.missing.Is(v) {
				c.AppendMissing()
				r.nMissing[j]++
				continue
			}
			if ok, expected := tf.parsers[j].parse(c, v); !ok {
				c.AppendMissing()
				r.noteInvalid(line, j, v, expected)
			}
		}
		t.Line = append(t.Line, line)
		k++
	}
	return k, nil
}

func (tf *textFiller) close() error { return tf.src.close() }

// csvSource reads records with encoding/csv.
type csvSource struct {
	path string
	f    *os.File
	cr   *csv.Reader
}

func (s *csvSource) read() ([]string, int64, error) {
	rec, err := s.cr.Read()
	if err != nil {
		if errors.Is(err, io.EOF) {
			return nil, 0, io.EOF
		}
		return nil, 0, csvError(s.path, err)
	}
	line, _ := s.cr.FieldPos(0)
	return rec, int64(line), nil
}

func (s *csvSource) close() error { return s.f.Close() }

// csvError rewrites an encoding/csv error to name the file and line and say
// how to fix the quoting.
func csvError(path string, err error) error {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return fmt.Errorf("read %s line %d: %v at byte %d of that line (the row starts on line %d): enclose fields that contain the delimiter, quotes or line breaks in double quotes and double any quote inside them",
			path, pe.Line, pe.Err, pe.Column, pe.StartLine)
	}
	return fmt.Errorf("read %s: %w", path, err)
}

// utf8BOM is the UTF-8 byte order mark some spreadsheet exports start with.
const utf8BOM = "\xEF\xBB\xBF"

// sniffBytes is how much of the file delimiter sniffing looks at.
const sniffBytes = 64 << 10

// openCSV opens a CSV file: strips a UTF-8 BOM, sniffs the delimiter, reads
// the header and the inference sample.
func openCSV(r *Reader) error {
	f, err := os.Open(r.path)
	if err != nil {
		return fmt.Errorf("read %s: %w", r.path, err)
	}
	br := bufio.NewReaderSize(f, 1<<16)
	if b, _ := br.Peek(3); string(b) == utf8BOM {
		if _, err := br.Discard(3); err != nil {
			f.Close()
			return fmt.Errorf("read %s: %w", r.path, err)
		}
	}
	delim := r.opt.Delimiter
	if delim == 0 {
		head, err := br.Peek(sniffBytes)
		if err != nil && !errors.Is(err, io.EOF) && !errors.Is(err, bufio.ErrBufferFull) {
			f.Close()
			return fmt.Errorf("read %s: %w", r.path, err)
		}
		delim = sniffDelimiter(head, len(head) < sniffBytes, strings.EqualFold(filepath.Ext(r.path), ".tsv"))
	}
	if delim == '"' || delim == '\r' || delim == '\n' {
		f.Close()
		return fmt.Errorf("read %s: %q cannot be a delimiter: use , ; tab or |", r.path, delim)
	}
	r.delim = string(delim)
	cr := csv.NewReader(br)
	cr.Comma = delim
	cr.FieldsPerRecord = -1
	cr.LazyQuotes = false
	cr.ReuseRecord = true
	src := &csvSource{path: r.path, f: f, cr: cr}
	header, _, err := src.read()
	if errors.Is(err, io.EOF) {
		f.Close()
		return fmt.Errorf("read %s: the file is empty: expected a header row naming the columns", r.path)
	}
	if err != nil {
		f.Close()
		return err
	}
	headerLine, _ := cr.FieldPos(0)
	names := make([]string, len(header))
	for i, h := range header {
		names[i] = strings.TrimSpace(h)
	}
	if err := checkNotData(r.path, int64(headerLine), names); err != nil {
		f.Close()
		return err
	}
	if err := setupText(r, names, int64(headerLine), src, true); err != nil {
		f.Close()
		return err
	}
	return nil
}

// checkNotData rejects a first row that looks like data rather than a
// header: a header name is never a number or a timestamp.
func checkNotData(path string, line int64, names []string) error {
	for i, n := range names {
		what := ""
		if scanNumber(n, false) {
			what = "a number"
		} else if _, ok := inferLayout([]string{n}); ok {
			what = "a timestamp"
		}
		if what != "" {
			return fmt.Errorf("read %s line %d: the first row looks like data, not a header (column %d is %s): add a header row that names the columns", path, line, i+1, what)
		}
	}
	return nil
}

// sniffDelimiter picks the delimiter among , ; tab and | whose count per
// line (outside quotes) is non-zero in the header and most consistent over
// the following lines; ties go to the larger count, then to the order above.
// complete says head holds the whole file (so its last line is whole); tsv
// prefers tab when nothing is conclusive.
func sniffDelimiter(head []byte, complete, tsv bool) rune {
	cands := []byte{',', ';', '\t', '|'}
	var lines [][4]int
	var cur [4]int
	inQuote := false
	for i := 0; i < len(head) && len(lines) < 50; i++ {
		c := head[i]
		switch {
		case c == '"':
			inQuote = !inQuote
		case inQuote:
		case c == '\n':
			lines = append(lines, cur)
			cur = [4]int{}
		default:
			for k, d := range cands {
				if c == d {
					cur[k]++
				}
			}
		}
	}
	if complete && cur != ([4]int{}) {
		lines = append(lines, cur)
	}
	fallback := rune(',')
	if tsv {
		fallback = '\t'
	}
	if len(lines) == 0 {
		return fallback
	}
	best, bestScore, bestCount := -1, -1.0, 0
	for k := range cands {
		h := lines[0][k]
		if h == 0 {
			continue
		}
		same := 0
		for _, l := range lines[1:] {
			if l[k] == h {
				same++
			}
		}
		score := 1.0
		if len(lines) > 1 {
			score = float64(same) / float64(len(lines)-1)
		}
		if score > bestScore || (score == bestScore && h > bestCount) {
			best, bestScore, bestCount = k, score, h
		}
	}
	if best < 0 {
		return fallback
	}
	return rune(cands[best])
}
