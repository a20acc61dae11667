package features

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/leadscore/leadscore/datasets"
)

// Feature origins: where a raw feature's value comes from.
const (
	originField     = "field"            // a lead column: number, boolean or category
	originFieldTime = "field_time"       // a lead timestamp column: days before the cutoff
	originAge       = "lead_age"         // days from creation to the cutoff
	originHour      = "created_hour"     // hour of creation (UTC), categorical
	originWeekday   = "created_weekday"  // weekday of creation (UTC), categorical
	originEvent     = "event"            // an aggregate of one event key
	originAll       = "all_events"       // an aggregate of all events
	originActive    = "active_days"      // distinct active days in the longest window
	originOpenRate  = "email_open_rate"  // email opens / emails sent
	originClickRate = "email_click_rate" // email clicks / email opens
	originSignal    = "signal"           // 1 when a negative signal happened before the cutoff
	originToken     = "token"            // 1 when a free-text lead field holds a word or bigram
)

// Names of the derived features.
const (
	// FeatureLeadAge is the lead's age at the cutoff, in days.
	FeatureLeadAge = "lead_age_days"
	// FeatureCreatedHour is the hour of the day (UTC, "00".."23") the lead was created.
	FeatureCreatedHour = "created_hour"
	// FeatureCreatedWeekday is the weekday (UTC, "Monday".."Sunday") the lead was created.
	FeatureCreatedWeekday = "created_weekday"
)

var signalNames = [numSignals]struct{ name, source string }{
	{"signal:unsubscribed", "unsubscribed"},
	{"signal:email_bounced", "email bounced"},
	{"signal:careers_page", "visited careers page"},
}

var hourNames = func() []string {
	h := make([]string, 24)
	for i := range h {
		h[i] = fmt.Sprintf("%02d", i)
	}
	return h
}()

var weekdayNames = []string{"Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"}

// Feature describes one raw feature (what it is computed from, and the name
// a marketer reads as Source) and, inside a Spec, the statistics fitted on
// the training rows that encode it.
type Feature struct {
	// Name identifies the feature: a lead column's name, "lead_age_days",
	// "event:page_view:pricing:count_30d", ...
	Name string `json:"name"`
	// Source is the readable field every encoded column of the feature
	// reports as ColumnInfo.Source.
	Source string `json:"source"`
	// Origin says where the value comes from (field, field_time, lead_age,
	// created_hour, created_weekday, event, all_events, active_days,
	// email_open_rate, email_click_rate, signal).
	Origin string `json:"origin"`
	// Categorical features are one-hot encoded (linear) or coded (trees).
	Categorical bool `json:"categorical,omitempty"`
	// Field is the lead column read (fields, timestamps and creation time).
	Field string `json:"field,omitempty"`
	// Key, Agg and Window (days) select an event aggregate.
	Key    string `json:"key,omitempty"`
	Agg    string `json:"agg,omitempty"`
	Window int    `json:"window_days,omitempty"`
	// Signal is the negative signal (0 unsubscribe, 1 bounce, 2 careers page).
	Signal int `json:"signal,omitempty"`
	// Group, when set, is the score axis the feature's contributions count
	// in (GroupFit or GroupEngagement), for feature kinds whose origin does
	// not say it; else Origin decides (see GroupOf).
	Group string `json:"group,omitempty"`

	// Fitted statistics (Spec only). Median imputes a missing number (raw
	// scale); Mean and Std standardise it after the optional Log1p.
	Median float64 `json:"median,omitempty"`
	Mean   float64 `json:"mean,omitempty"`
	Std    float64 `json:"std,omitempty"`
	Log1p  bool    `json:"log1p,omitempty"`
	// Min and Max are the training range of a number (raw scale). The
	// linear encoding clips values to it, so a lead scored far outside what
	// training saw (a lead much older than any snapshot, a huge count)
	// cannot push the linear model into extrapolation; trees are constant
	// beyond the range by construction.
	Min float64 `json:"min"`
	Max float64 `json:"max"`
	// Missing is set when training rows had missing values: numbers get a
	// missing-indicator column.
	Missing bool `json:"missing,omitempty"`
	// Levels are the category values with at least MinCategoryCount training
	// rows, most frequent first; rarer and unseen values encode as "other".
	Levels []string `json:"levels,omitempty"`
	// Required is set for lead fields never missing in training: scoring
	// data without them is an error.
	Required bool `json:"required,omitempty"`
	// Kind is the kind of the source field in training.
	Kind datasets.Kind `json:"kind,omitempty"`

	// text marks free-text or id columns: audited, never encoded.
	text bool
}

// rangeField names what an out-of-range value of f is reported on (see
// Warnings.OutOfRange).
func (f *Feature) rangeField() string {
	switch {
	case f.isField():
		return f.Field
	case f.Origin == originAge:
		return "lead_age"
	case f.Origin == originEvent:
		return "event:" + f.Key
	}
	return f.Source
}

// outside reports whether x is a number outside f's training range.
func (f *Feature) outside(x float64) bool { return x < f.Min || x > f.Max }

// isField reports whether f is read from a lead column.
func (f *Feature) isField() bool { return f.Origin == originField || f.Origin == originFieldTime }

// eventDefs returns the descriptors of the event aggregates of key (all
// events when key is "").
func eventDefs(cfg Config, key string) []Feature {
	var defs []Feature
	origin, name, label := originEvent, "event:"+key, key
	if key == "" {
		origin, name, label = originAll, "events", "all activity"
	}
	for _, w := range cfg.WindowDays {
		defs = append(defs, Feature{
			Name: fmt.Sprintf("%s:count_%dd", name, w), Source: fmt.Sprintf("%s in %d days", label, w),
			Origin: origin, Key: key, Agg: aggCount, Window: w,
		})
	}
	if cfg.HalfLifeDays > 0 {
		defs = append(defs, Feature{
			Name: name + ":decayed", Source: fmt.Sprintf("%s (decayed, %g-day half-life)", label, cfg.HalfLifeDays),
			Origin: origin, Key: key, Agg: aggDecayed,
		})
	}
	defs = append(defs, Feature{
		Name: name + ":days_since_last", Source: "days since last " + label,
		Origin: origin, Key: key, Agg: aggSinceLast,
	})
	return defs
}

// parseNumber reads a number or a yes/no style boolean from text.
func parseNumber(s string) (float64, bool) {
	s = strings.TrimSpace(s)
	if s == "" {
		return math.NaN(), false
	}
	// Only text that can start a number goes to ParseFloat, whose error
	// allocates; category text ("Germany") is common on the scoring path.
	if c := s[0]; c >= '0' && c <= '9' || strings.IndexByte("+-.iInN", c) >= 0 {
		if v, err := strconv.ParseFloat(s, 64); err == nil {
			return v, true
		}
	}
	switch strings.ToLower(s) {
	case "yes", "y", "true", "t":
		return 1, true
	case "no", "n", "false", "f":
		return 0, true
	}
	return math.NaN(), false
}

// cellString returns row i of c as category text, or "" and false when
// missing. Booleans read "true"/"false" and numbers in shortest form.
func cellString(c *datasets.Column, i int) (string, bool) {
	if c.IsMissing(i) {
		return "", false
	}
	return c.String(i), true
}

// valueString returns a lead field as category text.
func valueString(v Value) (string, bool) {
	if v.Missing {
		return "", false
	}
	switch v.Kind {
	case datasets.KindCategory, datasets.KindText, datasets.KindUnknown:
		// An absent field is the zero Value; an empty or blank text is
		// what every reader reads as missing.
		if strings.TrimSpace(v.Str) == "" {
			return "", false
		}
		return v.Str, true
	case datasets.KindNumber:
		if math.IsNaN(v.Num) {
			return "", false
		}
		return strconv.FormatFloat(v.Num, 'g', -1, 64), true
	case datasets.KindBool:
		if math.IsNaN(v.Num) {
			return "", false
		}
		if v.Num != 0 {
			return "true", true
		}
		return "false", true
	case datasets.KindTime:
		if v.Time.IsZero() {
			return "", false
		}
		return v.Time.UTC().Format("2006-01-02T15:04:05.999999999Z07:00"), true
	}
	return "", false
}

// valueNumber returns a lead field as a number (NaN when missing or not a
// number).
func valueNumber(v Value) float64 {
	if v.Missing {
		return math.NaN()
	}
	switch v.Kind {
	case datasets.KindNumber, datasets.KindBool:
		return finite(v.Num)
	case datasets.KindCategory, datasets.KindText, datasets.KindUnknown:
		x, _ := parseNumber(v.Str)
		return finite(x)
	}
	return math.NaN()
}

// valueTime returns a lead field as Unix ns, or MissingTime.
func valueTime(v Value) int64 {
	if v.Missing || v.Kind != datasets.KindTime || v.Time.IsZero() {
		return datasets.MissingTime
	}
	return v.Time.UnixNano()
}

// daysBefore is the number of days from t to cutoff (Unix ns); NaN when t is
// missing or not before the cutoff (a value from the future is unknown).
func daysBefore(t, cutoff int64) float64 {
	if t == datasets.MissingTime || t > cutoff {
		return math.NaN()
	}
	return float64(cutoff-t) / float64(dayNs)
}
