package features

import (
	"math"
	"testing"
	"time"

	"github.com/leadscore/leadscore/datasets"
	"github.com/leadscore/leadscore/datasets/synth"
	"github.com/stretchr/testify/require"
)

// t0 is the origin of the hand-made timelines and of genSynth's histories.
var t0 = synth.HistoryStart

func day(n float64) time.Time { return t0.Add(time.Duration(n * float64(24*time.Hour))) }

// The column and table builders are datasets/synth's, which builds its
// generated histories with them: catCol ("" is missing), numCol (NaN is
// missing), timeCol (the zero time is missing) and table (row i on line
// i+2).
var (
	catCol  = synth.CatCol
	numCol  = synth.NumCol
	timeCol = synth.TimeCol
	table   = synth.Table
)

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

// requireSameNumbers checks that every numeric feature of b equals a's,
// row by row (NaN equal to NaN).
func requireSameNumbers(t *testing.T, a, b *Dataset) {
	t.Helper()
	for fi := range a.defs {
		f := &a.defs[fi]
		if f.Categorical {
			continue
		}
		x, y := a.numeric(f), b.numeric(f)
		for i := range a.Rows {
			require.True(t, sameFloats([]float64{x(i)}, []float64{y(i)}), "%s row %d", f.Name, i)
		}
	}
}
