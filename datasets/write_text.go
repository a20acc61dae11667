package datasets

import (
	"bufio"
	"fmt"
	"io"
	"math"
	"strconv"
	"time"
	"unicode/utf8"
)

// csvEncoder writes RFC 4180 CSV: a header line, then one line per row,
// fields separated by delim (a comma, or a tab for TSV) and quoted only when
// they hold the delimiter, a quote, a line break or leading/trailing space. Missing values are empty fields; numbers use the
// shortest text that round-trips; timestamps are RFC 3339 in UTC.
type csvEncoder struct {
	bw     *bufio.Writer
	schema []Field
	delim  byte
	line   []byte
}

func newCSVEncoder(w io.Writer, schema []Field, delim byte) (*csvEncoder, error) {
	e := &csvEncoder{bw: newBuffered(w), schema: schema, delim: delim}
	for i, f := range schema {
		if i > 0 {
			e.line = append(e.line, delim)
		}
		e.line = appendCSVField(e.line, f.Name, delim)
	}
	e.line = append(e.line, '\n')
	_, err := e.bw.Write(e.line)
	return e, err
}

func (e *csvEncoder) encode(cols []*Column, rows int) error {
	for r := 0; r < rows; r++ {
		b := e.line[:0]
		for i, c := range cols {
			if i > 0 {
				b = append(b, e.delim)
			}
			switch c.Kind {
			case KindNumber:
				if v := c.Num[r]; !math.IsNaN(v) {
					b = appendNumber(b, v)
				}
			case KindBool:
				if v := c.Num[r]; !math.IsNaN(v) {
					b = strconv.AppendBool(b, v != 0)
				}
			case KindTime:
				if v := c.Time[r]; v != MissingTime {
					b = appendTime(b, v)
				}
			case KindCategory, KindText:
				if code := c.Codes[r]; code != MissingCode {
					if code < 0 || int(code) >= c.Dict.Len() {
						return fmt.Errorf("column %q row %d: code %d is not in the dictionary", c.Name, r+1, code)
					}
					b = appendCSVField(b, c.Dict.Value(code), e.delim)
				}
			}
		}
		b = append(b, '\n')
		e.line = b
		if _, err := e.bw.Write(b); err != nil {
			return err
		}
	}
	return nil
}

func (e *csvEncoder) finish() error { return e.bw.Flush() }

// appendNumber appends v in the shortest form that parses back to the same
// float64, as plain decimals (123456789.125, 0.001) unless |v| < 1e-6 or
// |v| >= 1e21, where it uses an exponent (1e-07, 1e+21): the rule JSON
// encoders and spreadsheets follow, so amounts never print as 1.2e+06.
func appendNumber(b []byte, v float64) []byte {
	if a := math.Abs(v); a != 0 && (a < 1e-6 || a >= 1e21) {
		return strconv.AppendFloat(b, v, 'g', -1, 64)
	}
	return strconv.AppendFloat(b, v, 'f', -1, 64)
}

// appendTime appends Unix nanoseconds as RFC 3339 in UTC, with fractional
// seconds only when they are not zero.
func appendTime(b []byte, ns int64) []byte {
	return time.Unix(0, ns).UTC().AppendFormat(b, time.RFC3339Nano)
}

func csvNeedsQuotes(s string, delim byte) bool {
	if s == "" {
		return false
	}
	if s[0] == ' ' || s[0] == '\t' || s[len(s)-1] == ' ' || s[len(s)-1] == '\t' {
		return true
	}
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case delim, '"', '\n', '\r':
			return true
		}
	}
	return false
}

func appendCSVField(b []byte, s string, delim byte) []byte {
	if !csvNeedsQuotes(s, delim) {
		return append(b, s...)
	}
	b = append(b, '"')
	for i := 0; i < len(s); i++ {
		if s[i] == '"' {
			b = append(b, '"')
		}
		b = append(b, s[i])
	}
	return append(b, '"')
}

// jsonlEncoder writes JSON Lines: one object per row with the schema's
// column names as keys, in schema order. Missing values are omitted;
// timestamps are RFC 3339 strings in UTC; booleans are JSON booleans.
type jsonlEncoder struct {
	bw   *bufio.Writer
	keys [][]byte // `"name":` per column, pre-escaped
	line []byte
}

func newJSONLEncoder(w io.Writer, schema []Field) *jsonlEncoder {
	e := &jsonlEncoder{bw: newBuffered(w), keys: make([][]byte, len(schema))}
	for i, f := range schema {
		e.keys[i] = append(appendJSONString(nil, f.Name), ':')
	}
	return e
}

func (e *jsonlEncoder) encode(cols []*Column, rows int) error {
	for r := 0; r < rows; r++ {
		b := append(e.line[:0], '{')
		first := true
		for i, c := range cols {
			if c.IsMissing(r) {
				continue
			}
			if !first {
				b = append(b, ',')
			}
			first = false
			b = append(b, e.keys[i]...)
			switch c.Kind {
			case KindNumber:
				v := c.Num[r]
				if math.IsInf(v, 0) {
					return fmt.Errorf("column %q row %d: %v cannot be written as JSON: write CSV, Parquet or Arrow, or replace it", c.Name, r+1, v)
				}
				b = appendNumber(b, v)
			case KindBool:
				b = strconv.AppendBool(b, c.Num[r] != 0)
			case KindTime:
				b = append(b, '"')
				b = appendTime(b, c.Time[r])
				b = append(b, '"')
			case KindCategory, KindText:
				code := c.Codes[r]
				if int(code) >= c.Dict.Len() {
					return fmt.Errorf("column %q row %d: code %d is not in the dictionary", c.Name, r+1, code)
				}
				b = appendJSONString(b, c.Dict.Value(code))
			}
		}
		b = append(b, '}', '\n')
		e.line = b
		if _, err := e.bw.Write(b); err != nil {
			return err
		}
	}
	return nil
}

func (e *jsonlEncoder) finish() error { return e.bw.Flush() }

const hexDigits = "0123456789abcdef"

// appendJSONString appends s as a JSON string literal. Invalid UTF-8 becomes
// U+FFFD, as encoding/json does.
func appendJSONString(b []byte, s string) []byte {
	b = append(b, '"')
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			switch {
			case c == '"' || c == '\\':
				b = append(b, '\\', c)
			case c == '\n':
				b = append(b, '\\', 'n')
			case c == '\r':
				b = append(b, '\\', 'r')
			case c == '\t':
				b = append(b, '\\', 't')
			case c < 0x20:
				b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
			default:
				b = append(b, c)
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			b = append(b, `\ufffd`...)
		case r == '\u2028' || r == '\u2029':
			b = append(b, '\\', 'u', '2', '0', '2', hexDigits[r&0xf])
		default:
			b = append(b, s[i:i+size]...)
		}
		i += size
	}
	return append(b, '"')
}
