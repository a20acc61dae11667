package serve

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"math"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"
	"unsafe"

	"github.com/leadscore/leadscore/datasets"
	"github.com/leadscore/leadscore/features"
	"github.com/leadscore/leadscore/models"
)

// maxFuture is how far after as_of a timestamp may lie before it is refused
// as a far-future (clock or unit) error; as_of itself may lie at most as far
// after the server's clock.
const maxFuture = 24 * time.Hour

// minTime is the earliest timestamp accepted: anything before 1970 is a unit
// or parsing error upstream (year 0000, seconds taken as days).
var minTime = time.Unix(0, 0).UTC()

// leadSchema is a Schema compiled for the decoder.
type leadSchema struct {
	// missing recognises the model's missing-value markers.
	missing    *datasets.MissingSet
	kinds      map[string]datasets.Kind
	names      map[string]string // field name -> the same string, to reuse
	eventTypes map[string]string // event type -> the same string, to reuse
	created    string
	// maxEvents is the most events a lead may hold (Config.MaxEventsPerLead).
	maxEvents int
}

// compileSchema checks a model's schema and indexes it; an unknown kind
// makes the model incompatible with this server.
func compileSchema(s Schema) (*leadSchema, error) {
	ls := &leadSchema{
		kinds:      make(map[string]datasets.Kind, len(s.Fields)),
		names:      make(map[string]string, len(s.Fields)+1),
		eventTypes: make(map[string]string, len(s.EventTypes)),
		created:    s.CreatedField,
		missing:    datasets.NewMissingSet(s.MissingValues),
		maxEvents:  DefaultMaxEventsPerLead,
	}
	for _, f := range s.Fields {
		var k datasets.Kind
		switch f.Kind {
		case KindNumber:
			k = datasets.KindNumber
		case KindBoolean:
			k = datasets.KindBool
		case KindCategory:
			k = datasets.KindCategory
		case KindTimestamp:
			k = datasets.KindTime
		case KindText:
			k = datasets.KindText
		default:
			return nil, fmt.Errorf("field %q has kind %q; this server knows number, boolean, category, timestamp and text", f.Name, f.Kind)
		}
		if f.Name == "" {
			return nil, errors.New("a field has an empty name")
		}
		ls.kinds[f.Name] = k
		ls.names[f.Name] = f.Name
	}
	for _, t := range s.EventTypes {
		ls.eventTypes[t] = t
	}
	if ls.created != "" {
		ls.names[ls.created] = ls.created
	}
	return ls, nil
}

// decoder turns request bodies into leads. It keeps the strings it has seen
// (attribute names and values such as "page" and "pricing") so repeated
// values are not allocated again; a decoder is used by one goroutine at a
// time.
//
// To spare the allocator, a decoder reuses its lead, event slice and
// attribute maps: the lead decode returns is valid until the decoder's next
// decode.
type decoder struct {
	sc     *leadSchema
	intern map[string]string
	lead   features.Lead
	fields map[string]features.Value
	events []features.Event
	attrs  []map[string]string
	tape   tape
	// other holds the names of fields seen in the lead but not kept in
	// lead.Fields (object values the rule sheet cannot read), so a
	// duplicate of one is still refused.
	other []string
	// res is the result of the decoded lead, reused like the lead.
	res models.Result
}

// maxInterned bounds a decoder's string cache.
const maxInterned = 4096

func newDecoder(sc *leadSchema) *decoder {
	return &decoder{sc: sc, intern: make(map[string]string, 64)}
}

// str returns b as a string, reusing a cached copy.
func (d *decoder) str(b []byte) string {
	if s, ok := d.intern[string(b)]; ok {
		return s
	}
	s := string(b)
	if len(d.intern) < maxInterned && len(s) <= 64 {
		d.intern[s] = s
	}
	return s
}

// decodeLead parses and validates one lead: data is its JSON object, now the
// default cutoff. It returns the lead, the warnings for the response (unknown
// fields) and an *APIError (status 400) naming the offending field. A field
// that is null, empty or one of the model's missing-value markers is
// missing; whether the model may do without it is the scoring path's
// decision (models.MissingFieldsError).
func decodeLead(data []byte, sc *leadSchema, now time.Time) (*features.Lead, []models.Warning, *APIError) {
	return newDecoder(sc).decode(data, now)
}

// prefixed puts prefix before the field an error names.
func prefixed(aerr *APIError, prefix string) *APIError {
	if aerr != nil && aerr.Field != "" {
		aerr.Field = prefix + aerr.Field
	} else if aerr != nil {
		aerr.Field = strings.TrimSuffix(prefix, ".")
	}
	return aerr
}

// decode is decodeLead with the decoder's string cache.
func (d *decoder) decode(data []byte, now time.Time) (*features.Lead, []models.Warning, *APIError) {
	sc := d.sc
	d.tape.reset(data)
	s := scanner{b: data, t: &d.tape}
	s.skipWS()
	if s.i >= len(data) {
		return nil, nil, badRequest(CodeMalformedJSON, "", "the body is empty; send a lead object")
	}
	top, aerr := s.value(0)
	if aerr != nil {
		return nil, nil, aerr
	}
	s.skipWS()
	if s.i < len(data) {
		return nil, nil, badRequest(CodeMalformedJSON, "", "malformed JSON at byte %d: unexpected data after the lead object", s.i)
	}
	if top[0] != '{' {
		return nil, nil, badRequest(CodeMalformedJSON, "", "expected a lead object, got %s", describe(top))
	}
	var idRaw, asOfRaw, fieldsRaw, eventsRaw []byte
	aerr = eachMember(top, &d.tape, func(key, raw []byte) *APIError {
		var dst *[]byte
		switch string(key) {
		case "lead_id":
			dst = &idRaw
		case "as_of":
			dst = &asOfRaw
		case "fields":
			dst = &fieldsRaw
		case "events":
			dst = &eventsRaw
		default:
			return badRequest(CodeUnknownKey, string(key), "unknown key; a lead has lead_id, as_of, fields and events")
		}
		if *dst != nil {
			return duplicateKey(string(key))
		}
		*dst = raw
		return nil
	})
	if aerr != nil {
		return nil, nil, aerr
	}
	l := d.reset(now)
	if l.ID, aerr = decodeString(idRaw, "lead_id"); aerr != nil {
		return nil, nil, aerr
	}
	if len(asOfRaw) > 0 && !isNull(asOfRaw) {
		t, aerr := decodeTime(asOfRaw, "as_of", now.Add(maxFuture))
		if aerr != nil {
			return nil, nil, aerr
		}
		l.Cutoff = t
	}
	limit := l.Cutoff.Add(maxFuture)
	warnings, aerr := d.decodeFields(fieldsRaw, l, limit)
	if aerr != nil {
		return nil, nil, aerr
	}
	if len(eventsRaw) > 0 && !isNull(eventsRaw) {
		if eventsRaw[0] != '[' {
			return nil, nil, badRequest(CodeInvalidField, "events", "expected an array, got %s", describe(eventsRaw))
		}
		aerr = eachElement(eventsRaw, &d.tape, func(i int, raw []byte) *APIError {
			if i == sc.maxEvents {
				return tooManyEvents(sc.maxEvents)
			}
			e, aerr := d.event(raw, limit, len(l.Events))
			if aerr != nil {
				return prefixed(aerr, "events["+strconv.Itoa(i)+"].")
			}
			l.Events = append(l.Events, e)
			return nil
		})
		if aerr != nil {
			return nil, nil, aerr
		}
	}
	if !slices.IsSortedFunc(l.Events, cmpEventTime) {
		slices.SortStableFunc(l.Events, cmpEventTime)
	}
	slices.SortFunc(warnings, func(a, b models.Warning) int { return strings.Compare(a.Field, b.Field) })
	d.events = l.Events[:0]
	return l, warnings, nil
}

// decodeFields decodes a lead's "fields" object (its tape recorded in d.tape)
// into l: each field the model reads by its kind, the creation field into
// l.Created, other fields kept loosely for the rule sheet with an
// unknown_field warning. The request decoder and scoring by id share it,
// so a stored lead's fields mean what they mean in a request.
func (d *decoder) decodeFields(fieldsRaw []byte, l *features.Lead, limit time.Time) ([]models.Warning, *APIError) {
	sc := d.sc
	var warnings []models.Warning
	if len(fieldsRaw) > 0 && !isNull(fieldsRaw) {
		if fieldsRaw[0] != '{' {
			return nil, badRequest(CodeInvalidField, "fields", "expected an object, got %s", describe(fieldsRaw))
		}
		d.other = d.other[:0]
		createdSeen := false
		aerr := eachMember(fieldsRaw, &d.tape, func(key, raw []byte) *APIError {
			name, known := sc.names[string(key)]
			if _, dup := l.Fields[string(key)]; dup || slices.Contains(d.other, string(key)) || known && name == sc.created && createdSeen {
				return duplicateKey("fields." + string(key))
			}
			if known && name == sc.created {
				createdSeen = true
				t, missing, aerr := decodeTimeValue(raw, "", limit)
				if aerr != nil {
					return prefixed(aerr, "fields."+name)
				}
				if !missing {
					l.Created = t
				}
			}
			kind, ok := sc.kinds[string(key)]
			if !ok {
				if known {
					return nil // the creation time, not a feature
				}
				name = string(key)
				warnings = append(warnings, models.UnknownField(name))
				if v, ok := looseValue(raw); ok {
					l.Fields[name] = v // the rule sheet may still read it
				} else {
					d.other = append(d.other, name)
				}
				return nil
			}
			v, aerr := d.value(raw, kind, limit)
			if aerr != nil {
				return prefixed(aerr, "fields."+name)
			}
			l.Fields[name] = v
			return nil
		})
		if aerr != nil {
			return nil, aerr
		}
	}
	return warnings, nil
}

// reset empties the decoder's lead for the next request.
func (d *decoder) reset(now time.Time) *features.Lead {
	if d.fields == nil {
		d.fields = make(map[string]features.Value, len(d.sc.kinds)+1)
	}
	clear(d.fields)
	clear(d.events)
	d.lead = features.Lead{Cutoff: now.UTC(), Fields: d.fields, Events: d.events[:0]}
	return &d.lead
}

// attrMap returns the n-th reusable attribute map, empty.
func (d *decoder) attrMap(n, size int) map[string]string {
	for len(d.attrs) <= n {
		d.attrs = append(d.attrs, make(map[string]string, size))
	}
	m := d.attrs[n]
	clear(m)
	return m
}

// event decodes one event object: type, timestamp and string attributes.
// Errors name the field relative to the event.
func (d *decoder) event(raw []byte, limit time.Time, n int) (features.Event, *APIError) {
	var e features.Event
	if raw[0] != '{' {
		return e, &APIError{Status: http.StatusBadRequest, Code: CodeInvalidField, Message: "expected an event object, got " + describe(raw)}
	}
	var typ, ts []byte
	type attr struct{ key, val []byte }
	var buf [8]attr
	attrs := buf[:0]
	aerr := eachMember(raw, &d.tape, func(key, v []byte) *APIError {
		switch string(key) {
		case "type":
			if typ != nil {
				return duplicateKey("type")
			}
			typ = v
		case "timestamp":
			if ts != nil {
				return duplicateKey("timestamp")
			}
			ts = v
		default:
			attrs = append(attrs, attr{key, v})
		}
		return nil
	})
	if aerr != nil {
		return e, aerr
	}
	if typ == nil || isNull(typ) {
		return e, badRequest(CodeMissingField, "type", "every event needs a type")
	}
	if typ[0] != '"' {
		return e, badRequest(CodeInvalidField, "type", "expected a string, got %s", describe(typ))
	}
	t, ok := d.sc.eventTypes[string(typ[1:len(typ)-1])]
	if !ok {
		name, aerr := rawString(typ, "type")
		if aerr != nil {
			return e, aerr
		}
		if t, ok = d.sc.eventTypes[name]; !ok {
			return e, badRequest(CodeUnknownEventType, "type", "event type %q is not known to the model (known: %s)", name, knownList(d.sc.eventTypes))
		}
	}
	e.Type = t
	if ts == nil {
		return e, badRequest(CodeMissingField, "timestamp", "every event needs a timestamp")
	}
	tm, missing, aerr := decodeTimeValue(ts, "timestamp", limit)
	if aerr != nil {
		return e, aerr
	}
	if missing {
		return e, badRequest(CodeMissingField, "timestamp", "every event needs a timestamp")
	}
	e.Time = tm
	if len(attrs) == 0 {
		return e, nil
	}
	e.Attrs = d.attrMap(n, len(attrs))
	nulls := false
	for _, a := range attrs {
		key, v := a.key, a.val
		if _, dup := e.Attrs[string(key)]; dup {
			return e, duplicateKey(string(key))
		}
		if isNull(v) {
			e.Attrs[d.str(key)] = nullAttr // kept until the end to find duplicates
			nulls = true
			continue
		}
		switch v[0] {
		case '"':
			inner := v[1 : len(v)-1]
			if bytes.IndexByte(inner, '\\') < 0 {
				e.Attrs[d.str(key)] = d.str(inner)
				continue
			}
			s, aerr := rawString(v, string(key))
			if aerr != nil {
				return e, aerr
			}
			e.Attrs[d.str(key)] = s
		case '{', '[':
			return e, badRequest(CodeInvalidField, string(key), "expected a string, got %s", describe(v))
		default:
			e.Attrs[d.str(key)] = d.str(v)
		}
	}
	if nulls {
		maps.DeleteFunc(e.Attrs, func(_, v string) bool { return unsafe.StringData(v) == unsafe.StringData(nullAttr) })
	}
	if len(e.Attrs) == 0 {
		e.Attrs = nil
	}
	return e, nil
}

// tooManyEvents is the 413 for a lead over Config.MaxEventsPerLead: each
// event costs memory while the lead is scored, so the cap bounds a
// request's memory whatever its body holds.
func tooManyEvents(max int) *APIError {
	return &APIError{Status: http.StatusRequestEntityTooLarge, Code: CodeTooManyEvents, Field: "events",
		Message: "a lead holds at most " + strconv.Itoa(max) + " events (--max-events-per-lead); aggregate older events or raise the limit"}
}

// nullAttr marks an event attribute sent as null while an event's
// attributes are checked for duplicates; it is told apart by its address,
// so a client's "\x00null" is not taken for it.
var nullAttr = string([]byte("\x00null"))

// duplicateKey is the answer for a key given twice in one object: the JSON
// standard leaves its meaning open, and taking either copy silently could
// change the score.
func duplicateKey(field string) *APIError {
	return badRequest(CodeDuplicateKey, field, "the key is given more than once; send it once")
}

func cmpEventTime(a, b features.Event) int { return a.Time.Compare(b.Time) }

func knownList(set map[string]string) string {
	if len(set) == 0 {
		return "none"
	}
	names := make([]string, 0, len(set))
	for n := range set {
		names = append(names, n)
	}
	slices.Sort(names)
	if len(names) > 20 {
		return strings.Join(names[:20], ", ") + ", ..."
	}
	return strings.Join(names, ", ")
}

func isNull(raw json.RawMessage) bool { return len(raw) == 4 && string(raw) == "null" }

// rawString returns the content of a JSON string token.
func rawString(raw []byte, path string) (string, *APIError) {
	if bytes.IndexByte(raw, '\\') < 0 {
		return string(raw[1 : len(raw)-1]), nil
	}
	var s string
	if err := json.Unmarshal(raw, &s); err != nil {
		return "", badRequest(CodeInvalidField, path, "bad string: %v", err)
	}
	return s, nil
}

// decodeString accepts a string, number or boolean as text (numbers keep
// their JSON spelling); null and absent are "".
func decodeString(raw json.RawMessage, path string) (string, *APIError) {
	if len(raw) == 0 || isNull(raw) {
		return "", nil
	}
	switch raw[0] {
	case '"':
		return rawString(raw, path)
	case '{', '[':
		return "", badRequest(CodeInvalidField, path, "expected a string, got %s", describe(raw))
	}
	return string(raw), nil
}

// describe shows a JSON value in an error message, shortened.
func describe(raw []byte) string {
	switch raw[0] {
	case '{':
		return "an object"
	case '[':
		return "an array"
	}
	if len(raw) > 64 {
		return string(raw[:61]) + `..."`
	}
	return string(raw)
}

// value is decodeValue that reuses the decoder's copies of repeated
// category and text values (most leads share a few countries, industries
// and sources) instead of allocating a string per lead.
func (d *decoder) value(raw json.RawMessage, kind datasets.Kind, limit time.Time) (features.Value, *APIError) {
	if len(raw) >= 2 && raw[0] == '"' {
		inner := raw[1 : len(raw)-1]
		if bytes.IndexByte(inner, '\\') < 0 {
			if d.sc.missing.Is(unsafe.String(unsafe.SliceData(inner), len(inner))) {
				return features.Value{Kind: kind, Missing: true}, nil
			}
			if kind == datasets.KindCategory || kind == datasets.KindText {
				return features.Value{Kind: kind, Str: d.str(inner)}, nil
			}
		} else if s, aerr := rawString(raw, ""); aerr == nil && d.sc.missing.Is(s) {
			return features.Value{Kind: kind, Missing: true}, nil
		}
	}
	return decodeValue(raw, kind, "", limit)
}

// decodeValue decodes one field by its kind.
func decodeValue(raw json.RawMessage, kind datasets.Kind, path string, limit time.Time) (features.Value, *APIError) {
	v := features.Value{Kind: kind}
	if isNull(raw) {
		v.Missing = true
		return v, nil
	}
	switch kind {
	case datasets.KindNumber:
		x, missing, aerr := decodeNumber(raw, path)
		v.Num, v.Missing = x, missing
		return v, aerr
	case datasets.KindBool:
		b, missing, aerr := decodeBool(raw, path)
		v.Missing = missing
		if b {
			v.Num = 1
		}
		return v, aerr
	case datasets.KindTime:
		t, missing, aerr := decodeTimeValue(raw, path, limit)
		v.Time, v.Missing = t, missing
		return v, aerr
	}
	s, aerr := decodeString(raw, path)
	if aerr != nil {
		return v, aerr
	}
	v.Str = s
	v.Missing = strings.TrimSpace(s) == ""
	return v, nil
}

// decodeNumber accepts a JSON number or a numeric string; "" is missing.
func decodeNumber(raw []byte, path string) (float64, bool, *APIError) {
	text := raw
	if raw[0] == '"' {
		if inner := raw[1 : len(raw)-1]; bytes.IndexByte(inner, '\\') < 0 {
			text = bytes.TrimSpace(inner) // most numbers in strings: no copy
		} else {
			s, aerr := rawString(raw, path)
			if aerr != nil {
				return 0, false, aerr
			}
			text = []byte(strings.TrimSpace(s))
		}
		if len(text) == 0 {
			return 0, true, nil
		}
		if !decimalText(text) {
			return 0, false, badRequest(CodeInvalidField, path, "expected a number, got %s", describe(raw))
		}
	} else if raw[0] < '0' && raw[0] != '-' || raw[0] > '9' {
		return 0, false, badRequest(CodeInvalidField, path, "expected a number, got %s", describe(raw))
	}
	// text is only read during the call (the error is inspected, not
	// kept), so it is viewed as a string without a copy.
	x, err := strconv.ParseFloat(unsafe.String(unsafe.SliceData(text), len(text)), 64)
	if err != nil || math.IsNaN(x) || math.IsInf(x, 0) {
		if err == nil || errors.Is(err, strconv.ErrRange) {
			return 0, false, badRequest(CodeInvalidField, path, "expected a finite number, got %s", describe(raw))
		}
		return 0, false, badRequest(CodeInvalidField, path, "expected a number, got %s", describe(raw))
	}
	return x, false, nil
}

// decimalText reports whether a number sent as a string is spelled with
// digits, a sign, a point and an exponent only: strconv.ParseFloat alone
// would also take Go's "1_000", hex "0x1p10" and "Inf".
func decimalText(b []byte) bool {
	for _, c := range b {
		if !('0' <= c && c <= '9' || c == '.' || c == '-' || c == '+' || c == 'e' || c == 'E') {
			return false
		}
	}
	return true
}

// decodeBool accepts true/false, yes/no, 1/0 as JSON values or strings.
func decodeBool(raw []byte, path string) (bool, bool, *APIError) {
	s := string(raw)
	if raw[0] == '"' {
		var aerr *APIError
		if s, aerr = rawString(raw, path); aerr != nil {
			return false, false, aerr
		}
		s = strings.TrimSpace(s)
		if s == "" {
			return false, true, nil
		}
	}
	switch strings.ToLower(s) {
	case "true", "yes", "1":
		return true, false, nil
	case "false", "no", "0":
		return false, false, nil
	}
	return false, false, badRequest(CodeInvalidField, path, "expected a boolean (true/false, yes/no or 1/0), got %s", describe(raw))
}

// decodeTime decodes a required timestamp, refusing one after limit.
func decodeTime(raw []byte, path string, limit time.Time) (time.Time, *APIError) {
	t, missing, aerr := decodeTimeValue(raw, path, limit)
	if aerr == nil && missing {
		aerr = badRequest(CodeInvalidField, path, "expected a timestamp (RFC 3339 or 2006-01-02), got %s", describe(raw))
	}
	return t, aerr
}

// decodeTimeValue accepts an RFC 3339 or 2006-01-02 string; "" is missing.
// Timestamps before 1970 are refused, and with a non-zero limit later ones
// too.
func decodeTimeValue(raw []byte, path string, limit time.Time) (time.Time, bool, *APIError) {
	if isNull(raw) {
		return time.Time{}, true, nil
	}
	if raw[0] != '"' {
		return time.Time{}, false, badRequest(CodeInvalidField, path, "expected a timestamp (RFC 3339 or 2006-01-02), got %s", describe(raw))
	}
	t, ok := fastTime(raw[1 : len(raw)-1])
	s := ""
	if !ok {
		var aerr *APIError
		if s, aerr = rawString(raw, path); aerr != nil {
			return time.Time{}, false, aerr
		}
		if s = strings.TrimSpace(s); s == "" {
			return time.Time{}, true, nil
		}
		t, ok = parseTime(s)
	}
	if !ok {
		return time.Time{}, false, badRequest(CodeInvalidField, path, "expected a timestamp (RFC 3339 or 2006-01-02), got %s", describe(raw))
	}
	if t.Before(minTime) {
		return time.Time{}, false, badRequest(CodeInvalidField, path, "%s is before 1970; check the date's year and unit", t.Format(time.RFC3339Nano))
	}
	if !limit.IsZero() && t.After(limit) {
		if path == "as_of" {
			return time.Time{}, false, badRequest(CodeFutureTimestamp, path, "%s is more than a day after the server's clock (%s); check the clock or the time zone", t.Format(time.RFC3339Nano), limit.Add(-maxFuture).Format(time.RFC3339))
		}
		return time.Time{}, false, badRequest(CodeFutureTimestamp, path, "%s is more than a day after as_of (%s); check the clock or the time zone", t.Format(time.RFC3339Nano), limit.Add(-maxFuture).Format(time.RFC3339))
	}
	return t, false, nil
}

func parseTime(s string) (time.Time, bool) {
	if len(s) == 10 {
		t, err := time.Parse(time.DateOnly, s)
		return t, err == nil
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return time.Time{}, false
	}
	return t.UTC(), true
}

// looseValue keeps a field the model's features do not know, typed by its
// JSON value, for the rule sheet; objects and arrays are dropped.
func looseValue(raw json.RawMessage) (features.Value, bool) {
	switch {
	case isNull(raw):
		return features.Value{Kind: datasets.KindCategory, Missing: true}, true
	case raw[0] == '"':
		s, aerr := rawString(raw, "")
		if aerr != nil {
			return features.Value{}, false
		}
		return features.Value{Kind: datasets.KindCategory, Str: s, Missing: strings.TrimSpace(s) == ""}, true
	case string(raw) == "true":
		return features.Value{Kind: datasets.KindBool, Num: 1}, true
	case string(raw) == "false":
		return features.Value{Kind: datasets.KindBool}, true
	case raw[0] == '{' || raw[0] == '[':
		return features.Value{}, false
	}
	x, err := strconv.ParseFloat(string(raw), 64)
	if err != nil || math.IsInf(x, 0) {
		return features.Value{}, false
	}
	return features.Value{Kind: datasets.KindNumber, Num: x}, true
}

// fastTime parses the common UTC forms 2006-01-02T15:04:05Z and 2006-01-02
// without allocating; anything else is left to parseTime.
func fastTime(b []byte) (time.Time, bool) {
	if len(b) != 20 && len(b) != 10 {
		return time.Time{}, false
	}
	num := func(b []byte) (int, bool) {
		n := 0
		for _, c := range b {
			if c < '0' || c > '9' {
				return 0, false
			}
			n = n*10 + int(c-'0')
		}
		return n, true
	}
	if b[4] != '-' || b[7] != '-' {
		return time.Time{}, false
	}
	y, ok1 := num(b[0:4])
	mo, ok2 := num(b[5:7])
	d, ok3 := num(b[8:10])
	if !ok1 || !ok2 || !ok3 || mo < 1 || mo > 12 || d < 1 || d > daysIn(time.Month(mo), y) {
		return time.Time{}, false
	}
	if len(b) == 10 {
		return time.Date(y, time.Month(mo), d, 0, 0, 0, 0, time.UTC), true
	}
	if b[10] != 'T' || b[13] != ':' || b[16] != ':' || b[19] != 'Z' {
		return time.Time{}, false
	}
	h, ok1 := num(b[11:13])
	mi, ok2 := num(b[14:16])
	sec, ok3 := num(b[17:19])
	if !ok1 || !ok2 || !ok3 || h > 23 || mi > 59 || sec > 59 {
		return time.Time{}, false
	}
	return time.Date(y, time.Month(mo), d, h, mi, sec, 0, time.UTC), true
}

func daysIn(m time.Month, year int) int {
	return time.Date(year, m+1, 0, 0, 0, 0, 0, time.UTC).Day()
}
