package serve

import "encoding/json"

// maxDepth bounds the nesting of a request's JSON.
const maxDepth = 64

// scanner validates JSON and finds the spans of values without building
// them, so the lead decoder can read fields straight from the request bytes
// instead of going through reflection and intermediate maps.
type scanner struct {
	b []byte
	i int
}

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
	case c == '[':
		err = s.container(depth, ']')
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

func (s *scanner) str() *APIError {
	s.i++ // opening quote
	for s.i < len(s.b) {
		for s.i < len(s.b) && plain[s.b[s.i]] {
			s.i++
		}
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
func eachMember(obj []byte, fn func(key, raw []byte) *APIError) *APIError {
	s := scanner{b: obj, i: 1}
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
func eachElement(arr []byte, fn func(i int, raw []byte) *APIError) *APIError {
	s := scanner{b: arr, i: 1}
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
