package serve

import (
	"encoding/binary"
	"encoding/json"
)

// maxDepth bounds the nesting of a request's JSON.
const maxDepth = 64

// scanner validates JSON and finds the spans of values without building
// them, so the lead decoder can read fields straight from the request bytes
// instead of going through reflection and intermediate maps.
type scanner struct {
	b []byte
	i int
	// t, when set, records while validating where each object and array
	// ends, so the decoder's later walks over the validated value jump
	// over nested containers instead of scanning them again. base is the
	// offset of b in the tape's buffer.
	t    *tape
	base int
}

// tape holds, for every object or array a scanner validated in one
// buffer, the offset just past its end, indexed by the offset of its
// opening bracket. Entries are written only at container starts and read
// only there, so the tape is reused across buffers without clearing.
type tape struct {
	ends []int32
	cap  int // cap of the buffer the offsets are relative to
}

// reset prepares the tape for data.
func (t *tape) reset(data []byte) {
	if cap(t.ends) < len(data) {
		t.ends = make([]int32, len(data), len(data)+len(data)/4)
	}
	t.ends = t.ends[:len(data)]
	t.cap = cap(data)
}

// offset is the position of sub, a slice of the tape's buffer, in it.
func (t *tape) offset(sub []byte) int { return t.cap - cap(sub) }

func (s *scanner) skipWS() {
	for s.i < len(s.b) && isSpace(s.b[s.i]) {
		s.i++
	}
}

func (s *scanner) syntax(what string) *APIError {
	if s.i >= len(s.b) {
		return badRequest(CodeMalformedJSON, "", "malformed JSON: the body ends before the JSON value does")
	}
	return badRequest(CodeMalformedJSON, "", "malformed JSON at byte %d: %s", s.i, what)
}

// value scans the JSON value at s.i (after white space) and returns it.
func (s *scanner) value(depth int) ([]byte, *APIError) {
	s.skipWS()
	if s.i >= len(s.b) {
		return nil, s.syntax("")
	}
	start := s.i
	var err *APIError
	switch c := s.b[s.i]; {
	case c == '"':
		err = s.str()
	case c == '{':
		err = s.container(depth, '}')
		s.record(start, err)
	case c == '[':
		err = s.container(depth, ']')
		s.record(start, err)
	case c == 't':
		err = s.literal("true")
	case c == 'f':
		err = s.literal("false")
	case c == 'n':
		err = s.literal("null")
	case c == '-' || '0' <= c && c <= '9':
		err = s.number()
	default:
		err = s.syntax("unexpected character " + quoteByte(c))
	}
	if err != nil {
		return nil, err
	}
	return s.b[start:s.i], nil
}

// record notes on the tape where the container at start ended.
func (s *scanner) record(start int, err *APIError) {
	if s.t != nil && err == nil {
		s.t.ends[s.base+start] = int32(s.base + s.i)
	}
}

func quoteByte(c byte) string {
	if c < 0x20 || c >= 0x7f {
		return "\\x" + string("0123456789abcdef"[c>>4]) + string("0123456789abcdef"[c&0xf])
	}
	return "'" + string(c) + "'"
}

// container scans an object (end '}') or array (end ']') at s.i.
func (s *scanner) container(depth int, end byte) *APIError {
	if depth >= maxDepth {
		return s.syntax("nested too deeply")
	}
	s.i++
	s.skipWS()
	if s.i < len(s.b) && s.b[s.i] == end {
		s.i++
		return nil
	}
	for {
		if end == '}' {
			s.skipWS()
			if s.i >= len(s.b) || s.b[s.i] != '"' {
				return s.syntax("expected a quoted key")
			}
			if err := s.str(); err != nil {
				return err
			}
			s.skipWS()
			if s.i >= len(s.b) || s.b[s.i] != ':' {
				return s.syntax("expected ':' after a key")
			}
			s.i++
		}
		if _, err := s.value(depth + 1); err != nil {
			return err
		}
		s.skipWS()
		if s.i >= len(s.b) {
			return s.syntax("")
		}
		switch s.b[s.i] {
		case ',':
			s.i++
		case end:
			s.i++
			return nil
		default:
			return s.syntax("expected ',' or '" + string(end) + "'")
		}
	}
}

// plain marks the bytes a JSON string holds as they are: not a quote, a
// backslash or a control character.
var plain = func() (t [256]bool) {
	for c := 0x20; c < 256; c++ {
		t[c] = c != '"' && c != '\\'
	}
	return t
}()

// plainRun returns the index of the first byte at or after i in b that is
// not plain, or len(b). It tests eight bytes at a time: a word holds a
// quote, a backslash or a control byte exactly when one of the classic
// "has a zero byte" tests fires, and only then are its bytes looked at one
// by one.
func plainRun(b []byte, i int) int {
	const ones, highs = 0x0101010101010101, 0x8080808080808080
	for ; i+8 <= len(b); i += 8 {
		w := binary.LittleEndian.Uint64(b[i:])
		q, bs := w^(ones*'"'), w^(ones*'\\')
		special := (q-ones)&^q | (bs-ones)&^bs | (w - ones*0x20)
		if special&^w&highs != 0 {
			break
		}
	}
	for i < len(b) && plain[b[i]] {
		i++
	}
	return i
}

func (s *scanner) str() *APIError {
	s.i++ // opening quote
	for s.i < len(s.b) {
		s.i = plainRun(s.b, s.i)
		if s.i >= len(s.b) {
			break
		}
		c := s.b[s.i]
		switch {
		case c == '"':
			s.i++
			return nil
		case c == '\\':
			s.i++
			if s.i >= len(s.b) {
				return s.syntax("")
			}
			switch s.b[s.i] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
				s.i++
			case 'u':
				if s.i+4 >= len(s.b) {
					s.i = len(s.b)
					return s.syntax("")
				}
				for _, h := range s.b[s.i+1 : s.i+5] {
					if !('0' <= h && h <= '9' || 'a' <= h && h <= 'f' || 'A' <= h && h <= 'F') {
						return s.syntax(`invalid \u escape`)
					}
				}
				s.i += 5
			default:
				return s.syntax("invalid escape in string")
			}
		case c < 0x20:
			return s.syntax("control character in string")
		default:
			s.i++
		}
	}
	return s.syntax("")
}

func (s *scanner) literal(lit string) *APIError {
	if len(s.b)-s.i < len(lit) || string(s.b[s.i:s.i+len(lit)]) != lit {
		return s.syntax("invalid literal")
	}
	s.i += len(lit)
	return nil
}

func (s *scanner) digits() int {
	n := 0
	for s.i < len(s.b) && '0' <= s.b[s.i] && s.b[s.i] <= '9' {
		s.i++
		n++
	}
	return n
}

// number scans -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)?
func (s *scanner) number() *APIError {
	if s.b[s.i] == '-' {
		s.i++
	}
	if s.i < len(s.b) && s.b[s.i] == '0' {
		s.i++
	} else if s.digits() == 0 {
		return s.syntax("invalid number")
	}
	if s.i < len(s.b) && s.b[s.i] == '.' {
		s.i++
		if s.digits() == 0 {
			return s.syntax("invalid number")
		}
	}
	if s.i < len(s.b) && (s.b[s.i] == 'e' || s.b[s.i] == 'E') {
		s.i++
		if s.i < len(s.b) && (s.b[s.i] == '+' || s.b[s.i] == '-') {
			s.i++
		}
		if s.digits() == 0 {
			return s.syntax("invalid number")
		}
	}
	return nil
}

// eachMember calls fn with the unquoted key and the value of every member
// of obj, a JSON object already validated by scanner.value.
func eachMember(obj []byte, t *tape, fn func(key, raw []byte) *APIError) *APIError {
	s := scanner{b: obj, i: 1}
	if t != nil {
		s.t, s.base = t, t.offset(obj)
	}
	for {
		s.skipWS()
		if s.i >= len(s.b) || s.b[s.i] == '}' {
			return nil
		}
		if s.b[s.i] == ',' {
			s.i++
			s.skipWS()
		}
		start := s.i
		s.skipString()
		key := unquoteKey(s.b[start:s.i])
		s.skipWS()
		s.i++ // ':'
		s.skipWS()
		start = s.i
		s.skipValue()
		if err := fn(key, s.b[start:s.i]); err != nil {
			return err
		}
	}
}

// eachElement calls fn with every element of arr, a JSON array already
// validated by scanner.value.
func eachElement(arr []byte, t *tape, fn func(i int, raw []byte) *APIError) *APIError {
	s := scanner{b: arr, i: 1}
	if t != nil {
		s.t, s.base = t, t.offset(arr)
	}
	for n := 0; ; n++ {
		s.skipWS()
		if s.i >= len(s.b) || s.b[s.i] == ']' {
			return nil
		}
		if s.b[s.i] == ',' {
			s.i++
			s.skipWS()
		}
		start := s.i
		s.skipValue()
		if err := fn(n, s.b[start:s.i]); err != nil {
			return err
		}
	}
}

// skipString moves past the validated string at s.i.
func (s *scanner) skipString() {
	s.i++
	for s.i < len(s.b) {
		s.i = plainRun(s.b, s.i)
		if s.i >= len(s.b) {
			return
		}
		c := s.b[s.i]
		switch {
		case plain[c]:
			s.i++
		case c == '"':
			s.i++
			return
		default: // a backslash: skip the escaped byte too
			s.i += 2
		}
	}
}

// skipValue moves past the validated value at s.i.
func (s *scanner) skipValue() {
	switch s.b[s.i] {
	case '"':
		s.skipString()
	case '{', '[':
		if s.t != nil {
			s.i = int(s.t.ends[s.base+s.i]) - s.base
			return
		}
		depth := 0
		for s.i < len(s.b) {
			switch s.b[s.i] {
			case '"':
				s.skipString()
				continue
			case '{', '[':
				depth++
			case '}', ']':
				depth--
				if depth == 0 {
					s.i++
					return
				}
			}
			s.i++
		}
	default: // number or literal
		for s.i < len(s.b) {
			switch s.b[s.i] {
			case ',', '}', ']', ' ', '\t', '\n', '\r':
				return
			}
			s.i++
		}
	}
}

// unquoteKey returns the content of a validated JSON string.
func unquoteKey(raw []byte) []byte {
	inner := raw[1 : len(raw)-1]
	for _, c := range inner {
		if c == '\\' {
			var s string
			if json.Unmarshal(raw, &s) != nil {
				return inner
			}
			return []byte(s)
		}
	}
	return inner
}
