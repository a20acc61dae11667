package serve

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/leadscore/leadscore/datasets"
	"github.com/leadscore/leadscore/features"
)

// maxFuture is how far after as_of a timestamp may lie before it is refused
// as a far-future (clock or unit) error.
const maxFuture = 24 * time.Hour

// leadSchema is a Schema compiled for the decoder.
type leadSchema struct {
	kinds      map[string]datasets.Kind
	required   []string
	eventTypes map[string]struct{}
	created    string
}

// compileSchema checks a model's schema and indexes it; an unknown kind
// makes the model incompatible with this server.
func compileSchema(s Schema) (*leadSchema, error) {
	ls := &leadSchema{
		kinds:      make(map[string]datasets.Kind, len(s.Fields)),
		eventTypes: make(map[string]struct{}, len(s.EventTypes)),
		created:    s.CreatedField,
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
		if f.Required {
			ls.required = append(ls.required, f.Name)
		}
	}
	for _, t := range s.EventTypes {
		ls.eventTypes[t] = struct{}{}
	}
	return ls, nil
}

// leadJSON is the wire shape of one lead.
type leadJSON struct {
	LeadID json.RawMessage              `json:"lead_id"`
	AsOf   json.RawMessage              `json:"as_of"`
	Fields map[string]json.RawMessage   `json:"fields"`
	Events []map[string]json.RawMessage `json:"events"`
}

// decodeLead parses and validates one lead: data is its JSON object, now the
// default cutoff. It returns the lead, the warnings for the response (unknown
// fields) and an *APIError (status 400) naming the offending field.
func decodeLead(data []byte, sc *leadSchema, now time.Time) (*features.Lead, []string, *APIError) {
	var in leadJSON
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&in); err != nil {
		return nil, nil, jsonError(err)
	}
	if dec.More() {
		return nil, nil, badRequest(CodeMalformedJSON, "", "unexpected data after the lead object")
	}
	if _, err := dec.Token(); err == nil {
		return nil, nil, badRequest(CodeMalformedJSON, "", "unexpected data after the lead object")
	}
	l := &features.Lead{Cutoff: now.UTC()}
	id, aerr := decodeString(in.LeadID, "lead_id")
	if aerr != nil {
		return nil, nil, aerr
	}
	l.ID = id
	if len(in.AsOf) > 0 && !isNull(in.AsOf) {
		t, aerr := decodeTime(in.AsOf, "as_of")
		if aerr != nil {
			return nil, nil, aerr
		}
		l.Cutoff = t
	}
	limit := l.Cutoff.Add(maxFuture)
	var warnings []string
	l.Fields = make(map[string]features.Value, len(in.Fields))
	for name, raw := range in.Fields {
		path := "fields." + name
		if name == sc.created && sc.created != "" {
			t, missing, aerr := decodeTimeValue(raw, path, limit)
			if aerr != nil {
				return nil, nil, aerr
			}
			if !missing {
				l.Created = t
			}
			if _, ok := sc.kinds[name]; !ok {
				continue
			}
		}
		kind, ok := sc.kinds[name]
		if !ok {
			warnings = append(warnings, fmt.Sprintf("unknown field %q: not one of the model's features", name))
			if v, ok := looseValue(raw); ok {
				l.Fields[name] = v // the rule sheet may still read it
			}
			continue
		}
		v, aerr := decodeValue(raw, kind, path, limit)
		if aerr != nil {
			return nil, nil, aerr
		}
		l.Fields[name] = v
	}
	for _, name := range sc.required {
		if v, ok := l.Fields[name]; !ok || v.Missing {
			return nil, nil, badRequest(CodeMissingField, "fields."+name, "the model requires this field")
		}
	}
	if len(in.Events) > 0 {
		l.Events = make([]features.Event, 0, len(in.Events))
	}
	for i, ev := range in.Events {
		e, aerr := decodeEvent(ev, i, sc, limit)
		if aerr != nil {
			return nil, nil, aerr
		}
		l.Events = append(l.Events, e)
	}
	if !slices.IsSortedFunc(l.Events, cmpEventTime) {
		slices.SortStableFunc(l.Events, cmpEventTime)
	}
	slices.Sort(warnings)
	return l, warnings, nil
}

func cmpEventTime(a, b features.Event) int { return a.Time.Compare(b.Time) }

// decodeEvent decodes events[i]: type, timestamp and string attributes.
func decodeEvent(ev map[string]json.RawMessage, i int, sc *leadSchema, limit time.Time) (features.Event, *APIError) {
	var e features.Event
	prefix := "events[" + strconv.Itoa(i) + "]"
	if ev == nil {
		return e, badRequest(CodeInvalidField, prefix, "expected an event object, got null")
	}
	typ, ok := ev["type"]
	if !ok || isNull(typ) {
		return e, badRequest(CodeMissingField, prefix+".type", "every event needs a type")
	}
	t, aerr := decodeString(typ, prefix+".type")
	if aerr != nil {
		return e, aerr
	}
	if _, known := sc.eventTypes[t]; !known {
		return e, badRequest(CodeUnknownEventType, prefix+".type", "event type %q is not known to the model (known: %s)", t, knownList(sc.eventTypes))
	}
	e.Type = t
	ts, ok := ev["timestamp"]
	if !ok || isNull(ts) {
		return e, badRequest(CodeMissingField, prefix+".timestamp", "every event needs a timestamp")
	}
	tm, missing, aerr := decodeTimeValue(ts, prefix+".timestamp", limit)
	if aerr != nil {
		return e, aerr
	}
	if missing {
		return e, badRequest(CodeMissingField, prefix+".timestamp", "every event needs a timestamp")
	}
	e.Time = tm
	for k, raw := range ev {
		if k == "type" || k == "timestamp" || isNull(raw) {
			continue
		}
		s, aerr := decodeString(raw, prefix+"."+k)
		if aerr != nil {
			return e, aerr
		}
		if e.Attrs == nil {
			e.Attrs = make(map[string]string, len(ev)-2)
		}
		e.Attrs[k] = s
	}
	return e, nil
}

func knownList(set map[string]struct{}) string {
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

// jsonError turns an encoding/json error into a 400 naming the field.
func jsonError(err error) *APIError {
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syn):
		return badRequest(CodeMalformedJSON, "", "malformed JSON at byte %d: %s", syn.Offset, strings.TrimPrefix(syn.Error(), "json: "))
	case errors.As(err, &typ):
		field := typ.Field
		if field == "" {
			return badRequest(CodeMalformedJSON, "", "expected a lead object, got %s", typ.Value)
		}
		return badRequest(CodeInvalidField, field, "expected %s, got %s", jsonTypeName(typ.Type.Kind().String()), typ.Value)
	case errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF):
		return badRequest(CodeMalformedJSON, "", "the body ends before the JSON value does")
	}
	msg := strings.TrimPrefix(err.Error(), "json: ")
	if strings.HasPrefix(msg, "unknown field ") {
		name := strings.Trim(strings.TrimPrefix(msg, "unknown field "), `"`)
		return badRequest(CodeUnknownKey, name, "unknown key; a lead has lead_id, as_of, fields and events")
	}
	return badRequest(CodeMalformedJSON, "", "malformed JSON: %s", msg)
}

func jsonTypeName(goKind string) string {
	switch goKind {
	case "map", "struct":
		return "an object"
	case "slice":
		return "an array"
	case "string":
		return "a string"
	}
	return goKind
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
		s, aerr := rawString(raw, path)
		if aerr != nil {
			return 0, false, aerr
		}
		s = strings.TrimSpace(s)
		if s == "" {
			return 0, true, nil
		}
		text = []byte(s)
	} else if raw[0] < '0' && raw[0] != '-' || raw[0] > '9' {
		return 0, false, badRequest(CodeInvalidField, path, "expected a number, got %s", describe(raw))
	}
	x, err := strconv.ParseFloat(string(text), 64)
	if err != nil || math.IsNaN(x) || math.IsInf(x, 0) {
		if err == nil || errors.Is(err, strconv.ErrRange) {
			return 0, false, badRequest(CodeInvalidField, path, "expected a finite number, got %s", describe(raw))
		}
		return 0, false, badRequest(CodeInvalidField, path, "expected a number, got %s", describe(raw))
	}
	return x, false, nil
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

// decodeTime decodes a required timestamp without the far-future check.
func decodeTime(raw []byte, path string) (time.Time, *APIError) {
	t, missing, aerr := decodeTimeValue(raw, path, time.Time{})
	if aerr == nil && missing {
		aerr = badRequest(CodeInvalidField, path, "expected a timestamp (RFC 3339 or 2006-01-02), got %s", describe(raw))
	}
	return t, aerr
}

// decodeTimeValue accepts an RFC 3339 or 2006-01-02 string; "" is missing.
// A non-zero limit refuses later timestamps.
func decodeTimeValue(raw []byte, path string, limit time.Time) (time.Time, bool, *APIError) {
	if isNull(raw) {
		return time.Time{}, true, nil
	}
	if raw[0] != '"' {
		return time.Time{}, false, badRequest(CodeInvalidField, path, "expected a timestamp (RFC 3339 or 2006-01-02), got %s", describe(raw))
	}
	s, aerr := rawString(raw, path)
	if aerr != nil {
		return time.Time{}, false, aerr
	}
	s = strings.TrimSpace(s)
	if s == "" {
		return time.Time{}, true, nil
	}
	t, ok := parseTime(s)
	if !ok {
		return time.Time{}, false, badRequest(CodeInvalidField, path, "expected a timestamp (RFC 3339 or 2006-01-02), got %s", describe(raw))
	}
	if !limit.IsZero() && t.After(limit) {
		return time.Time{}, false, badRequest(CodeFutureTimestamp, path, "%s is more than a day after as_of (%s); check the clock or the time zone", s, limit.Add(-maxFuture).Format(time.RFC3339))
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
