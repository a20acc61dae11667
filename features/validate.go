package features

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/leadscore/leadscore/datasets"
)

// MissingFieldsError is the error for a lead that lacks fields the model
// requires (fields never missing in training): all of them at once.
type MissingFieldsError struct {
	LeadID string
	Fields []string
}

func (e *MissingFieldsError) Error() string {
	return fmt.Sprintf("lead %s: missing required fields %s: the model was trained with them and never saw them missing; send them", e.LeadID, quoteList(e.Fields))
}

// InvalidFieldsError is the error for a lead whose fields hold values the
// model cannot read: text that is not a number (nor a missing-value marker)
// in a field the model reads as a number. Values[i] is the text of
// Fields[i], for the sender's own correction; it is never logged.
type InvalidFieldsError struct {
	LeadID string
	Fields []string
	Values []string
}

func (e *InvalidFieldsError) Error() string {
	parts := make([]string, len(e.Fields))
	for i, f := range e.Fields {
		parts[i] = fmt.Sprintf("%q is %q", f, e.Values[i])
	}
	return fmt.Sprintf("lead %s: not a number: %s: the model reads these fields as numbers; send a number, or leave the field empty when it is unknown", e.LeadID, strings.Join(parts, ", "))
}

func quoteList(names []string) string {
	q := make([]string, len(names))
	for i, n := range names {
		q[i] = strconv.Quote(n)
	}
	return strings.Join(q, ", ")
}

// Validate checks a lead as the scoring path reads it: every required
// field (never missing in training) has a value, and every field the model
// reads as a number holds a number (or yes/no, true/false) or nothing. It
// returns a *MissingFieldsError or an *InvalidFieldsError that lists every
// such field. Missing-value markers count as missing: call MarkMissing
// first for a lead that did not come from a reader.
func (s *Spec) Validate(l *Lead) error {
	ix := s.index()
	var missing []string
	for _, name := range ix.required {
		if v, ok := l.Fields[name]; !ok || v.Missing {
			missing = append(missing, name)
		}
	}
	if missing != nil {
		return &MissingFieldsError{LeadID: l.ID, Fields: missing}
	}
	var bad *InvalidFieldsError
	for _, name := range ix.numFields {
		v, ok := l.Fields[name]
		if !ok || v.Missing || v.Kind == datasets.KindNumber || v.Kind == datasets.KindBool || v.Kind == datasets.KindTime {
			continue
		}
		if strings.TrimSpace(v.Str) == "" {
			continue // blank text is missing
		}
		if _, ok := parseNumber(v.Str); !ok {
			if bad == nil {
				bad = &InvalidFieldsError{LeadID: l.ID}
			}
			bad.Fields = append(bad.Fields, name)
			bad.Values = append(bad.Values, v.Str)
		}
	}
	if bad != nil {
		return bad
	}
	return nil
}
