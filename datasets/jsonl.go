package datasets

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
)

// jsonlSource reads JSON Lines: one object per line whose keys are columns.
// The columns are the union of the keys of the sampled rows in first-seen
// order; a key first seen after the sample is an error.
type jsonlSource struct {
	path  string
	f     *os.File
	br    *bufio.Reader
	line  int64
	keys  []string
	index map[string]int
	// pending holds the sampled rows, as column index/value pairs, until
	// they are replayed.
	pending []jsonRow
	rec     []string
	sampled int
	eof     bool
}

type jsonRow struct {
	line int64
	cols []int
	vals []string
}

// openJSONL reads the sample rows to learn the keys, then hands the rows to
// the shared text inference.
func openJSONL(r *Reader) error {
	f, err := os.Open(r.path)
	if err != nil {
		return fmt.Errorf("read %s: %w", r.path, err)
	}
	s := &jsonlSource{path: r.path, f: f, br: bufio.NewReaderSize(f, 1<<16), index: make(map[string]int)}
	if b, _ := s.br.Peek(3); string(b) == utf8BOM {
		s.br.Discard(3)
	}
	for len(s.pending) < r.opt.SampleRows {
		row, err := s.parseNext(true)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			f.Close()
			return err
		}
		s.pending = append(s.pending, row)
	}
	if len(s.keys) == 0 {
		f.Close()
		if len(s.pending) == 0 {
			return fmt.Errorf("read %s: the file is empty: expected one JSON object per line", r.path)
		}
		return fmt.Errorf("read %s: the sampled objects have no keys: expected one JSON object per line whose keys name the columns", r.path)
	}
	s.rec = make([]string, len(s.keys))
	s.sampled = len(s.pending)
	var headerLine int64 = 1
	if len(s.pending) > 0 {
		headerLine = s.pending[0].line
	}
	if err := setupText(r, s.keys, headerLine, s, true); err != nil {
		f.Close()
		return err
	}
	return nil
}

// parseNext reads the next non-blank line as an object. When learn is set,
// new keys become columns; otherwise a new key is an error.
func (s *jsonlSource) parseNext(learn bool) (jsonRow, error) {
	for {
		if s.eof {
			return jsonRow{}, io.EOF
		}
		b, err := s.br.ReadBytes('\n')
		if err != nil {
			if !errors.Is(err, io.EOF) {
				return jsonRow{}, fmt.Errorf("read %s: %w", s.path, err)
			}
			s.eof = true
		}
		if len(b) == 0 && s.eof {
			return jsonRow{}, io.EOF
		}
		s.line++
		b = bytes.TrimSpace(b)
		if len(b) == 0 {
			continue
		}
		return s.parseObject(b, learn)
	}
}

func (s *jsonlSource) parseObject(b []byte, learn bool) (jsonRow, error) {
	row := jsonRow{line: s.line}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	bad := func(what string) error {
		return fmt.Errorf("read %s line %d: %s: expected one JSON object per line", s.path, s.line, what)
	}
	tok, err := dec.Token()
	if err != nil {
		return row, bad("invalid JSON (" + err.Error() + ")")
	}
	if d, ok := tok.(json.Delim); !ok || d != '{' {
		return row, bad("the line is not a JSON object")
	}
	seen := make(map[int]bool)
	for dec.More() {
		kt, err := dec.Token()
		if err != nil {
			return row, bad("invalid JSON (" + err.Error() + ")")
		}
		key, _ := kt.(string)
		vt, err := dec.Token()
		if err != nil {
			return row, bad("invalid JSON (" + err.Error() + ")")
		}
		var val string
		switch v := vt.(type) {
		case json.Delim:
			return row, fmt.Errorf("read %s line %d: key %q holds a nested object or array: expected a string, number, boolean or null", s.path, s.line, key)
		case string:
			val = v
		case json.Number:
			val = v.String()
		case bool:
			val = "false"
			if v {
				val = "true"
			}
		case nil:
			val = ""
		}
		col, ok := s.index[key]
		if !ok {
			if !learn {
				return row, fmt.Errorf("read %s line %d: key %q does not occur in the first %d rows used to infer the columns: raise the sample size or add the key (as null) to an early row",
					s.path, s.line, key, s.sampled)
			}
			col = len(s.keys)
			s.keys = append(s.keys, key)
			s.index[key] = col
		}
		if seen[col] {
			return row, fmt.Errorf("read %s line %d: key %q occurs twice in the object", s.path, s.line, key)
		}
		seen[col] = true
		row.cols = append(row.cols, col)
		row.vals = append(row.vals, val)
	}
	if _, err := dec.Token(); err != nil {
		return row, bad("invalid JSON (" + err.Error() + ")")
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return row, bad("more than one JSON value on the line")
	}
	return row, nil
}

// read replays the sampled rows, then parses the rest; keys missing from a
// row are missing values.
func (s *jsonlSource) read() ([]string, int64, error) {
	var row jsonRow
	if len(s.pending) > 0 {
		row = s.pending[0]
		s.pending[0] = jsonRow{}
		s.pending = s.pending[1:]
		if len(s.pending) == 0 {
			s.pending = nil
		}
	} else {
		var err error
		row, err = s.parseNext(false)
		if err != nil {
			return nil, 0, err
		}
	}
	for i := range s.rec {
		s.rec[i] = ""
	}
	for i, c := range row.cols {
		s.rec[c] = row.vals[i]
	}
	return s.rec, row.line, nil
}

func (s *jsonlSource) close() error { return s.f.Close() }
