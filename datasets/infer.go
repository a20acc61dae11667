package datasets

import (
	"math"
	"strconv"
	"strings"
	"time"
)

// defaultMissingValues are the markers that mean "no value" in every text
// source, before ReadOptions.MissingValues adds its own.
func defaultMissingValues() []string {
	return []string{"", "NA", "N/A", "null", "NULL", "nan", "NaN"}
}

// MissingSet recognises missing-value markers: the default markers ("",
// "NA", "N/A", "null", "NULL", "nan", "NaN") and any extra ones (such as a
// web form's "Select"). A value matches when it equals a marker exactly or
// after trimming surrounding white space, so a value of only white space is
// missing too. Every reader applies one, and the scoring path applies the
// same one to leads that arrive by other ways (the API, forms), so a value
// means the same wherever it comes from. first marks the first bytes of
// markers, so most values are ruled out without hashing. A MissingSet is
// read-only after NewMissingSet and safe for concurrent use.
type MissingSet struct {
	markers map[string]struct{}
	first   [256]bool
}

// NewMissingSet returns the set of the default markers plus extra.
func NewMissingSet(extra []string) *MissingSet {
	m := &MissingSet{markers: make(map[string]struct{})}
	for _, s := range append(defaultMissingValues(), extra...) {
		s = strings.TrimSpace(s)
		m.markers[s] = struct{}{}
		if s != "" {
			m.first[s[0]] = true
		}
	}
	return m
}

func isSpaceByte(c byte) bool {
	return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f' || c >= 0x80
}

// Is reports whether v means "no value".
func (m *MissingSet) Is(v string) bool {
	if v == "" {
		return true
	}
	if !m.first[v[0]] && !isSpaceByte(v[0]) && !isSpaceByte(v[len(v)-1]) {
		return false
	}
	if _, ok := m.markers[v]; ok {
		return true
	}
	t := strings.TrimSpace(v)
	if len(t) == len(v) {
		return false
	}
	_, ok := m.markers[t]
	return ok
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// scanNumber reports whether s is a plain decimal number: an optional sign,
// digits with an optional fraction, and an optional exponent. With strict set
// it also rejects an integer part with a leading zero ("007", "01.5"), which
// marks codes and ordinal labels rather than quantities.
func scanNumber(s string, strict bool) bool {
	i := 0
	if i < len(s) && (s[i] == '+' || s[i] == '-') {
		i++
	}
	start := i
	for i < len(s) && isDigit(s[i]) {
		i++
	}
	intDigits := i - start
	if strict && intDigits > 1 && s[start] == '0' {
		return false
	}
	fracDigits := 0
	if i < len(s) && s[i] == '.' {
		i++
		fs := i
		for i < len(s) && isDigit(s[i]) {
			i++
		}
		fracDigits = i - fs
	}
	if intDigits+fracDigits == 0 {
		return false
	}
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		i++
		if i < len(s) && (s[i] == '+' || s[i] == '-') {
			i++
		}
		ds := i
		for i < len(s) && isDigit(s[i]) {
			i++
		}
		if i == ds {
			return false
		}
	}
	return i == len(s)
}

// parseNumber parses a decimal number, accepting leading zeros; it rejects
// hexadecimal, infinities and values out of float64 range.
func parseNumber(s string) (float64, bool) {
	s = strings.TrimSpace(s)
	if !scanNumber(s, false) {
		return 0, false
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsInf(f, 0) {
		return 0, false
	}
	return f, true
}

// parseBool parses yes/no, true/false, y/n and 1/0 in any letter case, as
// 1 and 0.
func parseBool(s string) (float64, bool) {
	s = strings.TrimSpace(s)
	switch len(s) {
	case 1:
		switch s[0] {
		case '1', 'y', 'Y':
			return 1, true
		case '0', 'n', 'N':
			return 0, true
		}
	case 2:
		if strings.EqualFold(s, "no") {
			return 0, true
		}
	case 3:
		if strings.EqualFold(s, "yes") {
			return 1, true
		}
	case 4:
		if strings.EqualFold(s, "true") {
			return 1, true
		}
	case 5:
		if strings.EqualFold(s, "false") {
			return 0, true
		}
	}
	return 0, false
}

// timeLayout is one accepted timestamp spelling. Layout "unix" means integer
// Unix seconds.
type timeLayout struct {
	layout string
	label  string
}

const unixLayout = "unix"

// timeLayouts lists the accepted timestamp spellings in the order inference
// prefers them. Values without a zone are read as UTC. "02-01-2006" is
// day-month-year.
func timeLayouts() []timeLayout {
	return []timeLayout{
		{time.RFC3339Nano, "RFC 3339 (2006-01-02T15:04:05Z07:00)"},
		{"2006-01-02T15:04:05", "2006-01-02T15:04:05"},
		{"2006-01-02T15:04:05Z0700", "2006-01-02T15:04:05-0700"},
		{"2006-01-02T15:04", "2006-01-02T15:04"},
		{"2006-01-02 15:04:05", "2006-01-02 15:04:05"},
		{"2006-01-02 15:04:05Z07:00", "2006-01-02 15:04:05Z07:00"},
		{"2006-01-02 15:04", "2006-01-02 15:04"},
		{"2006-01-02", "2006-01-02"},
		{"02-01-2006", "DD-MM-YYYY"},
		{"02-01-2006 15:04", "DD-MM-YYYY HH:MM"},
		{"02-01-2006 15:04:05", "DD-MM-YYYY HH:MM:SS"},
		{"2006/01/02", "2006/01/02"},
		{"2006/01/02 15:04:05", "2006/01/02 15:04:05"},
	}
}

// unixMin and unixMax bound the integers read as Unix seconds (1973 to 2096),
// so that small counts in a column named like "days_since_update" stay numbers.
const (
	unixMin = 1e8
	unixMax = 4e9
)

// nameSuggestsTime reports whether a column name hints at a timestamp.
func nameSuggestsTime(name string) bool {
	n := strings.ToLower(name)
	return strings.Contains(n, "time") || strings.Contains(n, "date") || strings.Contains(n, "_at")
}

// parseTimeLayout parses s with one layout and returns Unix nanoseconds (UTC).
func parseTimeLayout(s, layout string) (int64, bool) {
	if layout == unixLayout {
		if !scanNumber(s, true) || strings.ContainsAny(s, ".eE") {
			return 0, false
		}
		v, err := strconv.ParseInt(strings.TrimPrefix(s, "+"), 10, 64)
		if err != nil || v < unixMin || v > unixMax {
			return 0, false
		}
		return v * int64(time.Second), true
	}
	if ns, ok, handled := parseFixedTime(s, layout); handled {
		return ns, ok
	}
	t, err := time.Parse(layout, s)
	if err != nil {
		return 0, false
	}
	return t.UnixNano(), true
}

// parseFixedTime is a fast path for layouts made only of the fixed-width
// fields 2006 01 02 15 04 05 and separators, when s has exactly the layout's
// length. handled is false when the fast path does not apply (a zone, a
// fraction, another length), and time.Parse must decide.
func parseFixedTime(s, layout string) (ns int64, ok, handled bool) {
	if len(s) != len(layout) {
		return 0, false, false
	}
	var y, mo, d, h, mi, sec int
	d, mo = 1, 1
	for i := 0; i < len(layout); {
		switch {
		case strings.HasPrefix(layout[i:], "2006"):
			v, good := digits(s[i : i+4])
			if !good {
				return 0, false, true
			}
			y, i = v, i+4
			continue
		case isDigit(layout[i]):
			if i+2 > len(layout) {
				return 0, false, false
			}
			v, good := digits(s[i : i+2])
			if !good {
				return 0, false, true
			}
			switch layout[i : i+2] {
			case "01":
				mo = v
			case "02":
				d = v
			case "15":
				h = v
			case "04":
				mi = v
			case "05":
				sec = v
			default:
				return 0, false, false
			}
			i += 2
			continue
		case strings.IndexByte("-:T/ ", layout[i]) < 0:
			return 0, false, false
		case s[i] != layout[i]:
			return 0, false, true
		}
		i++
	}
	if mo < 1 || mo > 12 || d < 1 || d > daysIn(mo, y) || h > 23 || mi > 59 || sec > 59 {
		return 0, false, true
	}
	return time.Date(y, time.Month(mo), d, h, mi, sec, 0, time.UTC).UnixNano(), true, true
}

func digits(s string) (int, bool) {
	v := 0
	for i := 0; i < len(s); i++ {
		if !isDigit(s[i]) {
			return 0, false
		}
		v = 10*v + int(s[i]-'0')
	}
	return v, true
}

func daysIn(month, year int) int {
	switch month {
	case 2:
		if year%4 == 0 && (year%100 != 0 || year%400 == 0) {
			return 29
		}
		return 28
	case 4, 6, 9, 11:
		return 30
	}
	return 31
}

// textParser converts the text of one column to its kind.
type textParser struct {
	kind    Kind
	layout  string       // preferred layout for KindTime
	layouts []timeLayout // fallbacks for KindTime
}

// parse appends the value of s to c. On failure it appends nothing and
// returns what was expected, phrased to follow the quoted value.
func (p *textParser) parse(c *Column, s string) (ok bool, expected string) {
	switch p.kind {
	case KindNumber:
		f, ok := parseNumber(s)
		if !ok {
			return false, "is not a number"
		}
		c.Num = append(c.Num, f)
	case KindBool:
		f, ok := parseBool(s)
		if !ok {
			return false, "is not a boolean (expected yes/no, true/false, y/n or 1/0)"
		}
		c.Num = append(c.Num, f)
	case KindTime:
		s = strings.TrimSpace(s)
		if ns, ok := parseTimeLayout(s, p.layout); ok {
			c.Time = append(c.Time, ns)
			return true, ""
		}
		for _, l := range p.layouts {
			if l.layout == p.layout {
				continue
			}
			if ns, ok := parseTimeLayout(s, l.layout); ok {
				c.Time = append(c.Time, ns)
				return true, ""
			}
		}
		return false, "is not a timestamp (expected " + layoutLabel(p.layout) + ")"
	case KindCategory, KindText:
		c.Codes = append(c.Codes, dictCode(c.Dict, s))
	default:
		return false, "has no known type"
	}
	return true, ""
}

func layoutLabel(layout string) string {
	if layout == unixLayout {
		return "Unix seconds"
	}
	for _, l := range timeLayouts() {
		if l.layout == layout {
			return l.label
		}
	}
	return layout
}

// dictCode returns the code of s in d; a new value is cloned first so the
// dictionary never pins a larger buffer that s happens to point into.
func dictCode(d *Dict, s string) int32 {
	if c, ok := d.Lookup(s); ok {
		return c
	}
	return d.Code(strings.Clone(s))
}

// newTextParser returns the parser for a column of the given kind. For
// KindTime, layout is the spelling inferred from the sample ("" when the kind
// was declared rather than inferred).
func newTextParser(kind Kind, layout string) *textParser {
	p := &textParser{kind: kind, layout: layout}
	if kind == KindTime {
		p.layouts = timeLayouts()
		if layout == "" {
			p.layout = p.layouts[0].layout
		}
	}
	return p
}

// declaredLayout picks the timestamp layout for a column declared as
// KindTime from its sample values: the first layout that parses them all,
// else Unix seconds when they all are, else "" (the parser's default).
func declaredLayout(k Kind, vals []string) string {
	if k != KindTime || len(vals) == 0 {
		return ""
	}
	if l, ok := inferLayout(vals); ok {
		return l
	}
	if allParse(vals, unixLayout) {
		return unixLayout
	}
	return ""
}

// inference is the outcome of inferring one column's kind from sample values.
type inference struct {
	kind   Kind
	layout string
}

// textMinRows is the least number of distinct non-missing sample values
// that makes an all-distinct string column text (an id) rather than a category.
const textMinRows = 20

// textMinAvgLen is the average value length above which a string column is
// free text.
const textMinAvgLen = 50

// inferText infers a column's kind from its non-missing sample values. Order
// of preference: boolean, Unix seconds (only when the name suggests time),
// number, timestamp, then category or text.
func inferText(name string, vals []string) inference {
	if len(vals) == 0 {
		return inference{kind: KindCategory}
	}
	if isBoolColumn(vals) {
		return inference{kind: KindBool}
	}
	allNum := true
	for _, v := range vals {
		if !scanNumber(strings.TrimSpace(v), true) {
			allNum = false
			break
		}
	}
	if allNum {
		if nameSuggestsTime(name) && allParse(vals, unixLayout) {
			return inference{kind: KindTime, layout: unixLayout}
		}
		for _, v := range vals {
			if _, ok := parseNumber(v); !ok {
				allNum = false
				break
			}
		}
		if allNum {
			return inference{kind: KindNumber}
		}
	}
	if l, ok := inferLayout(vals); ok {
		return inference{kind: KindTime, layout: l}
	}
	return inference{kind: stringKind(vals)}
}

// isBoolColumn reports whether every value is a boolean token. A column of
// only "0" or only "1" stays a number: one value alone says nothing about
// the column being a flag.
func isBoolColumn(vals []string) bool {
	words, zero, one := false, false, false
	for _, v := range vals {
		v = strings.TrimSpace(v)
		if _, ok := parseBool(v); !ok {
			return false
		}
		switch v {
		case "0":
			zero = true
		case "1":
			one = true
		default:
			words = true
		}
	}
	return words || (zero && one)
}

func allParse(vals []string, layout string) bool {
	for _, v := range vals {
		if _, ok := parseTimeLayout(strings.TrimSpace(v), layout); !ok {
			return false
		}
	}
	return true
}

// inferLayout returns the first timestamp layout that parses every value.
func inferLayout(vals []string) (string, bool) {
	layouts := timeLayouts()
	alive := make([]bool, len(layouts))
	n := 0
	// Narrow the candidates on the first value, then check the rest against
	// the survivors only.
	first := strings.TrimSpace(vals[0])
	for i, l := range layouts {
		if _, ok := parseTimeLayout(first, l.layout); ok {
			alive[i] = true
			n++
		}
	}
	for _, v := range vals[1:] {
		if n == 0 {
			return "", false
		}
		v = strings.TrimSpace(v)
		for i, l := range layouts {
			if !alive[i] {
				continue
			}
			if _, ok := parseTimeLayout(v, l.layout); !ok {
				alive[i] = false
				n--
			}
		}
	}
	for i, l := range layouts {
		if alive[i] {
			return l.layout, true
		}
	}
	return "", false
}

// stringKind decides between category and text for string values: text when
// every value is distinct and there are at least textMinRows of them, or when
// the average length exceeds textMinAvgLen.
func stringKind(vals []string) Kind {
	seen := make(map[string]struct{}, len(vals))
	total := 0
	for _, v := range vals {
		seen[v] = struct{}{}
		total += len(v)
	}
	if len(vals) >= textMinRows && len(seen) == len(vals) {
		return KindText
	}
	if float64(total)/float64(len(vals)) > textMinAvgLen {
		return KindText
	}
	return KindCategory
}
