package features

import (
	"math"
	"testing"
	"time"

	"github.com/leadscore/leadscore/datasets"
	"github.com/stretchr/testify/require"
)

// t0 is the origin of the hand-made timelines.
var t0 = time.Date(2025, 3, 3, 9, 30, 0, 0, time.UTC)

func day(n float64) time.Time { return t0.Add(time.Duration(n * float64(24*time.Hour))) }

// catCol builds a category column; "" is missing.
func catCol(name string, vals ...string) *datasets.Column {
	c := datasets.NewColumn(name, datasets.KindCategory, len(vals))
	for _, v := range vals {
		if v == "" {
			c.AppendMissing()
			continue
		}
		c.Codes = append(c.Codes, c.Dict.Code(v))
	}
	return c
}

// numCol builds a number column; NaN is missing.
func numCol(name string, vals ...float64) *datasets.Column {
	c := datasets.NewColumn(name, datasets.KindNumber, len(vals))
	c.Num = append(c.Num, vals...)
	return c
}

// timeCol builds a timestamp column; the zero time is missing.
func timeCol(name string, vals ...time.Time) *datasets.Column {
	c := datasets.NewColumn(name, datasets.KindTime, len(vals))
	for _, v := range vals {
		if v.IsZero() {
			c.AppendMissing()
			continue
		}
		c.Time = append(c.Time, v.UnixNano())
	}
	return c
}

func table(src string, cols ...*datasets.Column) *datasets.Table {
	t := &datasets.Table{Source: src, Columns: cols}
	for i := 0; i < t.Rows(); i++ {
		t.Line = append(t.Line, int64(i+2))
	}
	return t
}

// ev is one hand-made event.
type ev struct {
	lead, typ, page string
	at              time.Time
}

func eventsTable(evs []ev) *datasets.Table {
	ids, types, pages := make([]string, len(evs)), make([]string, len(evs)), make([]string, len(evs))
	ts := make([]time.Time, len(evs))
	for i, e := range evs {
		ids[i], types[i], pages[i], ts[i] = e.lead, e.typ, e.page, e.at
	}
	return table("events.csv", catCol("lead_id", ids...), timeCol("timestamp", ts...), catCol("type", types...), catCol("page", pages...))
}

// rawValue returns the raw numeric value of the named feature in row i.
func rawValue(t *testing.T, d *Dataset, name string, i int) float64 {
	t.Helper()
	for fi := range d.defs {
		if d.defs[fi].Name == name {
			get := d.numeric(&d.defs[fi])
			require.NotNil(t, get, name)
			return get(i)
		}
	}
	t.Fatalf("feature %q not in dataset (have %q)", name, d.FeatureNames())
	return 0
}

// sameFloats compares two float slices exactly, NaN equal to NaN.
func sameFloats(a, b []float64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] && !(math.IsNaN(a[i]) && math.IsNaN(b[i])) {
			return false
		}
	}
	return true
}

func allRows(n int) []int {
	out := make([]int, n)
	for i := range out {
		out[i] = i
	}
	return out
}
