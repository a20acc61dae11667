package backtest

import (
	"fmt"
	"time"
)

// Period lengths a backtest can step by.
const (
	Week    = "week"
	Month   = "month"
	Quarter = "quarter"
)

// periodStart returns the start (UTC) of the period of the given unit that
// holds t: weeks start on Monday 00:00, months on the 1st, quarters on the
// 1st of January, April, July and October.
func periodStart(t time.Time, unit string) time.Time {
	t = t.UTC()
	switch unit {
	case Week:
		d := time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
		back := (int(d.Weekday()) + 6) % 7
		return d.AddDate(0, 0, -back)
	case Quarter:
		m := time.Month((int(t.Month())-1)/3*3 + 1)
		return time.Date(t.Year(), m, 1, 0, 0, 0, 0, time.UTC)
	default:
		return time.Date(t.Year(), t.Month(), 1, 0, 0, 0, 0, time.UTC)
	}
}

// nextPeriod returns the start of the period after the one starting at s.
func nextPeriod(s time.Time, unit string) time.Time {
	switch unit {
	case Week:
		return s.AddDate(0, 0, 7)
	case Quarter:
		return s.AddDate(0, 3, 0)
	default:
		return s.AddDate(0, 1, 0)
	}
}

// periodLabel names the period starting at s: 2018-03 for a month, 2018-Q1
// for a quarter, 2018-W09 (ISO week) for a week.
func periodLabel(s time.Time, unit string) string {
	switch unit {
	case Week:
		y, w := s.ISOWeek()
		return fmt.Sprintf("%d-W%02d", y, w)
	case Quarter:
		return fmt.Sprintf("%d-Q%d", s.Year(), (int(s.Month())-1)/3+1)
	default:
		return s.Format("2006-01")
	}
}

// span is one period: [Start, End).
type span struct {
	Start, End time.Time
	Label      string
}

// periodsBetween lists the periods from the one holding first to the one
// holding last.
func periodsBetween(first, last time.Time, unit string) []span {
	var out []span
	for s := periodStart(first, unit); !s.After(last); s = nextPeriod(s, unit) {
		out = append(out, span{Start: s, End: nextPeriod(s, unit), Label: periodLabel(s, unit)})
	}
	return out
}

// validUnit reports whether unit is a period length.
func validUnit(unit string) bool { return unit == Week || unit == Month || unit == Quarter }
