package models

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"unicode/utf8"

	"github.com/leadscore/leadscore/models/rules"
)

// AppendJSON appends r as JSON, byte for byte what encoding/json writes for
// a Result (same names, order and omitempty), without reflection: encoding
// results was a tenth of a batch's CPU in the API. TestResultEncoding keeps
// it in step with the structs. A NaN or infinite number, which JSON cannot
// carry, is an error and b is returned unchanged.
func (r *Result) AppendJSON(b []byte) ([]byte, error) {
	if err := finite(r); err != nil {
		return b, err
	}
	b = append(b, `{"lead_id":`...)
	b = appendJSONString(b, r.LeadID)
	b = append(b, `,"model":{"name":`...)
	b = appendJSONString(b, r.Model.Name)
	b = append(b, `,"version":`...)
	b = appendJSONString(b, r.Model.Version)
	b = append(b, `},"probability":`...)
	b = appendFloat(b, r.Probability)
	b = append(b, `,"score":`...)
	b = strconv.AppendInt(b, int64(r.Score), 10)
	b = append(b, `,"percentile":`...)
	b = appendFloat(b, r.Percentile)
	b = append(b, `,"grade":`...)
	b = appendJSONString(b, r.Grade)
	b = append(b, `,"tier":`...)
	b = appendJSONString(b, r.Tier)
	if r.Fit != nil {
		b = append(b, `,"fit":`...)
		b = appendPart(b, r.Fit)
	}
	if r.Engagement != nil {
		b = append(b, `,"engagement":`...)
		b = appendPart(b, r.Engagement)
	}
	if r.FitEngagementGrade != "" {
		b = append(b, `,"fit_engagement_grade":`...)
		b = appendJSONString(b, r.FitEngagementGrade)
	}
	if r.Rules != nil {
		b = append(b, `,"rules":`...)
		b = appendRules(b, r.Rules)
	}
	if ex := r.Explanation; ex != nil {
		b = append(b, `,"explanation":{"base_value":`...)
		b = appendFloat(b, ex.BaseValue)
		b = append(b, `,"raw":`...)
		b = appendFloat(b, ex.Raw)
		b = append(b, `,"contributions":`...)
		if ex.Contributions == nil {
			b = append(b, "null"...)
		} else {
			b = append(b, '[')
			for i, c := range ex.Contributions {
				if i > 0 {
					b = append(b, ',')
				}
				b = append(b, `{"feature":`...)
				b = appendJSONString(b, c.Feature)
				b = append(b, `,"value":`...)
				b = appendJSONString(b, c.Value)
				b = append(b, `,"contribution":`...)
				b = appendFloat(b, c.Contribution)
				b = append(b, '}')
			}
			b = append(b, ']')
		}
		b = append(b, '}')
	}
	if len(r.Probabilities) > 0 {
		b = append(b, `,"probabilities":{`...)
		keys := make([]string, 0, len(r.Probabilities))
		for k := range r.Probabilities {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		for i, k := range keys {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendJSONString(b, k)
			b = append(b, ':')
			b = appendFloat(b, r.Probabilities[k])
		}
		b = append(b, '}')
	}
	if len(r.Warnings) > 0 {
		b = append(b, `,"warnings":[`...)
		for i, w := range r.Warnings {
			if i > 0 {
				b = append(b, ',')
			}
			b = append(b, `{"code":`...)
			b = appendJSONString(b, w.Code)
			if w.Field != "" {
				b = append(b, `,"field":`...)
				b = appendJSONString(b, w.Field)
			}
			b = append(b, `,"message":`...)
			b = appendJSONString(b, w.Message)
			b = append(b, '}')
		}
		b = append(b, ']')
	}
	return append(b, '}'), nil
}

func appendPart(b []byte, p *Part) []byte {
	b = append(b, `{"value":`...)
	b = appendFloat(b, p.Value)
	b = append(b, `,"percentile":`...)
	b = appendFloat(b, p.Percentile)
	return append(b, '}')
}

func appendRules(b []byte, r *rules.Result) []byte {
	b = append(b, `{"points":`...)
	b = appendFloat(b, r.Points)
	b = append(b, `,"fit_points":`...)
	b = appendFloat(b, r.FitPoints)
	b = append(b, `,"engagement_points":`...)
	b = appendFloat(b, r.EngagementPoints)
	b = append(b, `,"tier":`...)
	b = appendJSONString(b, r.Tier)
	b = append(b, `,"grade":`...)
	b = appendJSONString(b, r.Grade)
	b = append(b, `,"fired":`...)
	if r.Fired == nil {
		b = append(b, "null"...)
	} else {
		b = append(b, '[')
		for i, f := range r.Fired {
			if i > 0 {
				b = append(b, ',')
			}
			b = append(b, `{"rule":`...)
			b = appendJSONString(b, f.Rule)
			if f.Group != "" {
				b = append(b, `,"group":`...)
				b = appendJSONString(b, f.Group)
			}
			b = append(b, `,"points":`...)
			b = appendFloat(b, f.Points)
			if f.Count != 0 {
				b = append(b, `,"count":`...)
				b = strconv.AppendInt(b, int64(f.Count), 10)
			}
			b = append(b, '}')
		}
		b = append(b, ']')
	}
	b = append(b, `,"disqualified":`...)
	b = strconv.AppendBool(b, r.Disqualified)
	return append(b, '}')
}

// appendFloat formats like encoding/json: the shortest representation,
// exponent form only below 1e-6 or from 1e21.
func appendFloat(b []byte, f float64) []byte {
	format := byte('f')
	if abs := math.Abs(f); abs != 0 && (abs < 1e-6 || abs >= 1e21) {
		format = 'e'
	}
	b = strconv.AppendFloat(b, f, format, -1, 64)
	if format == 'e' {
		// 1e-07 -> 1e-7, as encoding/json writes it.
		if n := len(b); n >= 4 && b[n-4] == 'e' && b[n-3] == '-' && b[n-2] == '0' {
			b[n-2] = b[n-1]
			b = b[:n-1]
		}
	}
	return b
}

// finite reports a NaN or infinite number in r, which JSON cannot carry.
func finite(r *Result) error {
	bad := func(x float64) bool { return math.IsNaN(x) || math.IsInf(x, 0) }
	if bad(r.Probability) || bad(r.Percentile) {
		return fmt.Errorf("lead %s: the model produced a non-finite probability or percentile", r.LeadID)
	}
	for _, p := range []*Part{r.Fit, r.Engagement} {
		if p != nil && (bad(p.Value) || bad(p.Percentile)) {
			return fmt.Errorf("lead %s: the fit or engagement part is not finite", r.LeadID)
		}
	}
	if ex := r.Explanation; ex != nil {
		if bad(ex.BaseValue) || bad(ex.Raw) {
			return fmt.Errorf("lead %s: the explanation is not finite", r.LeadID)
		}
		for _, c := range ex.Contributions {
			if bad(c.Contribution) {
				return fmt.Errorf("lead %s: the contribution of %s is not finite", r.LeadID, c.Feature)
			}
		}
	}
	for _, p := range r.Probabilities {
		if bad(p) {
			return fmt.Errorf("lead %s: a model probability is not finite", r.LeadID)
		}
	}
	if rr := r.Rules; rr != nil {
		if bad(rr.Points) || bad(rr.FitPoints) || bad(rr.EngagementPoints) {
			return fmt.Errorf("lead %s: the rule points are not finite", r.LeadID)
		}
		for _, f := range rr.Fired {
			if bad(f.Points) {
				return fmt.Errorf("lead %s: rule %s's points are not finite", r.LeadID, f.Rule)
			}
		}
	}
	return nil
}

// appendJSONString appends s as a JSON string as encoding/json writes it:
// escaping what JSON requires and <, >, &, U+2028 and U+2029, and replacing
// invalid UTF-8 with U+FFFD.
func appendJSONString(dst []byte, s string) []byte {
	const hex = "0123456789abcdef"
	dst = append(dst, '"')
	for i := 0; i < len(s); {
		c := s[i]
		if c < 0x80 {
			switch {
			case c == '"' || c == '\\':
				dst = append(dst, '\\', c)
			case c < 0x20 || c == '<' || c == '>' || c == '&':
				dst = append(dst, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xf])
			default:
				dst = append(dst, c)
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == 0xFFFD && size == 1 {
			dst = append(dst, `\ufffd`...)
		} else if r == 0x2028 || r == 0x2029 {
			dst = append(dst, '\\', 'u', '2', '0', '2', hex[r&0xf])
		} else {
			dst = append(dst, s[i:i+size]...)
		}
		i += size
	}
	return append(dst, '"')
}
