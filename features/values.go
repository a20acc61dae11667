package features

import (
	"math"
	"time"

	"github.com/leadscore/leadscore/datasets"
)

// numGetter returns the raw numeric value of a feature in a Dataset row.
type numGetter func(i int) float64

// catGetter returns the category code of a feature in a Dataset row (-1
// when missing); names holds the text of each code.
type catGetter struct {
	code  func(i int) int32
	names []string
}

// numeric returns a getter for a numeric feature, or nil when the Dataset
// cannot provide it (its lead column is absent). Event keys the Dataset never
// saw read as zero events.
func (d *Dataset) numeric(f *Feature) numGetter {
	switch f.Origin {
	case originField:
		c := d.Leads.Col(f.Field)
		if c == nil {
			return nil
		}
		switch c.Kind {
		case datasets.KindNumber, datasets.KindBool:
			return func(i int) float64 { return finite(c.Num[d.LeadRows[i]]) }
		case datasets.KindCategory, datasets.KindText:
			conv := make([]float64, c.Dict.Len())
			for k, s := range c.Dict.Values() {
				x, _ := parseNumber(s)
				conv[k] = finite(x)
			}
			return func(i int) float64 {
				code := c.Codes[d.LeadRows[i]]
				if code < 0 {
					return math.NaN()
				}
				return conv[code]
			}
		}
		return func(int) float64 { return math.NaN() }
	case originFieldTime:
		c := d.Leads.Col(f.Field)
		if c == nil {
			return nil
		}
		if c.Kind != datasets.KindTime {
			return func(int) float64 { return math.NaN() }
		}
		return func(i int) float64 { return daysBefore(c.Time[d.LeadRows[i]], d.cutoffNs[i]) }
	case originAge:
		if d.Leads.Col(f.Field) == nil {
			return nil
		}
		return func(i int) float64 { return daysBefore(d.createdNs[i], d.cutoffNs[i]) }
	case originEvent, originAll:
		w := d.fold.windowIndex(f.Window)
		if f.Agg == aggCount && w < 0 {
			return func(int) float64 { return 0 }
		}
		if f.Origin == originAll {
			return func(i int) float64 { return d.fold.value(&d.extra[i].all, f.Agg, w, d.cutoffNs[i]) }
		}
		k, ok := d.keyIndex[f.Key]
		if !ok {
			var zero aggState
			return func(i int) float64 { return d.fold.value(&zero, f.Agg, w, d.cutoffNs[i]) }
		}
		st := d.states[k]
		return func(i int) float64 { return d.fold.value(&st[i], f.Agg, w, d.cutoffNs[i]) }
	case originActive:
		nw := d.fold.words
		return func(i int) float64 { return activeCount(d.active[i*nw : (i+1)*nw]) }
	case originOpenRate:
		return func(i int) float64 { e := &d.extra[i].email; return emailRate(e[emailOpen], e[emailSent]) }
	case originClickRate:
		return func(i int) float64 { e := &d.extra[i].email; return emailRate(e[emailClk], e[emailOpen]) }
	case originSignal:
		return func(i int) float64 { return signalValue(d.extra[i].sig[f.Signal]) }
	case originToken:
		return d.tokenGetter(f)
	}
	return nil
}

// finite returns x, or NaN (missing) for an infinity, which no statistic
// or JSON Spec could hold.
func finite(x float64) float64 {
	if math.IsInf(x, 0) {
		return math.NaN()
	}
	return x
}

func signalValue(n uint32) float64 {
	if n > 0 {
		return 1
	}
	return 0
}

// categorical returns a getter for a categorical feature, or ok false when
// the Dataset cannot provide it (its lead column is absent).
func (d *Dataset) categorical(f *Feature) (g catGetter, ok bool) {
	switch f.Origin {
	case originField:
		c := d.Leads.Col(f.Field)
		if c == nil {
			return g, false
		}
		if c.Codes != nil {
			return catGetter{code: func(i int) int32 { return c.Codes[d.LeadRows[i]] }, names: c.Dict.Values()}, true
		}
		// A column read with another kind: recode its text.
		dict := datasets.NewDict()
		codes := make([]int32, c.Len())
		for r := range codes {
			codes[r] = datasets.MissingCode
			if s, ok := cellString(c, r); ok {
				codes[r] = dict.Code(s)
			}
		}
		return catGetter{code: func(i int) int32 { return codes[d.LeadRows[i]] }, names: dict.Values()}, true
	case originHour, originWeekday:
		if d.Leads.Col(f.Field) == nil {
			return g, false
		}
		names := hourNames
		if f.Origin == originWeekday {
			names = weekdayNames
		}
		return catGetter{code: func(i int) int32 {
			return timeCategory(f.Origin, d.createdNs[i])
		}, names: names}, true
	}
	return g, false
}

// timeCategory returns the hour (0-23) or weekday (0 Sunday) of a creation
// time in UTC, -1 when missing.
func timeCategory(origin string, t int64) int32 {
	if t == datasets.MissingTime {
		return -1
	}
	u := time.Unix(0, t).UTC()
	if origin == originHour {
		return int32(u.Hour())
	}
	return int32(u.Weekday())
}
