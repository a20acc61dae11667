package features

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/leadscore/leadscore/datasets"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// plantedFlat builds a flat table of n leads with honest columns and one
// planted column of each leak kind.
func plantedFlat(seed uint64, n int) *datasets.Table {
	rng := rand.New(rand.NewPCG(seed, 1))
	ids, src, stage, closed, email, constant := make([]string, n), make([]string, n), make([]string, n), make([]string, n), make([]string, n), make([]string, n)
	visits, y := make([]float64, n), make([]float64, n)
	for i := range n {
		ids[i] = fmt.Sprintf("L%d", i)
		visits[i] = float64(rng.IntN(20))
		src[i] = []string{"web", "ads", "partner"}[rng.IntN(3)]
		p := 0.2 + 0.02*visits[i]
		if rng.Float64() < p {
			y[i] = 1
		}
		// Planted: a sales stage that is the outcome with 2% noise.
		stage[i] = "lost"
		if (y[i] == 1) != (rng.Float64() < 0.02) {
			stage[i] = "won"
		}
		// Planted: a reason filled in only when the deal closed.
		if y[i] == 1 && rng.Float64() < 0.9 {
			closed[i] = []string{"price", "fit", "timing"}[rng.IntN(3)]
		}
		email[i] = fmt.Sprintf("h%08x", rng.Uint32())
		constant[i] = "EU"
	}
	return table("planted.csv", catCol("id", ids...), numCol("visits", visits...), catCol("source", src...),
		catCol("stage", stage...), catCol("close_reason", closed...), catCol("email_hash", email...),
		catCol("region", constant...), numCol("converted", y...))
}

func TestAuditPlantedLeaks(t *testing.T) {
	cfg := Config{ID: "id", Target: "converted"}
	d, err := Build(cfg, Inputs{Leads: plantedFlat(1, 2000)})
	require.NoError(t, err)
	train := allRows(d.Rows)
	m := suspectMap(Audit(cfg, d, train))
	tests := []struct {
		column, reason string
	}{
		{"stage", "single-column AUC"},
		{"close_reason", "filled mostly for converted leads"},
		{"email_hash", "id-like"},
		{"region", "constant"},
	}
	for _, tc := range tests {
		t.Run(tc.column, func(t *testing.T) {
			require.Contains(t, m, tc.column)
			assert.Contains(t, m[tc.column].Reason, tc.reason)
		})
	}
	assert.GreaterOrEqual(t, m["stage"].AUC, 0.95)
	assert.NotContains(t, m, "visits", "an honest predictor is not a suspect")
	assert.NotContains(t, m, "source")

	spec, err := Fit(cfg, d, train)
	require.NoError(t, err)
	var used []string
	for _, f := range spec.Features {
		used = append(used, f.Name)
	}
	assert.ElementsMatch(t, []string{"visits", "source"}, used, "Fit leaves suspects out")
	assert.Len(t, spec.Excluded, 4)

	cfg.AllowLeaky = []string{"close_reason"}
	spec, err = Fit(cfg, d, train)
	require.NoError(t, err)
	used = used[:0]
	for _, f := range spec.Features {
		used = append(used, f.Name)
	}
	assert.Contains(t, used, "close_reason", "AllowLeaky keeps a suspect")
	require.Len(t, spec.Allowed, 1)
}

func TestAuditColumnFarAboveTheRest(t *testing.T) {
	// "score" separates the classes with AUC about 0.9: below 0.95 but far
	// above every other column.
	rng := rand.New(rand.NewPCG(9, 9))
	n := 1000
	ids, noise, score, y := make([]string, n), make([]float64, n), make([]float64, n), make([]float64, n)
	for i := range n {
		ids[i] = fmt.Sprintf("L%d", i)
		y[i] = float64(rng.IntN(2))
		score[i] = y[i]*1.8 + rng.NormFloat64()
		noise[i] = rng.NormFloat64()
	}
	leads := table("leads.csv", catCol("id", ids...), numCol("score", score...), numCol("noise", noise...), numCol("y", y...))
	cfg := Config{ID: "id", Target: "y"}
	d, err := Build(cfg, Inputs{Leads: leads})
	require.NoError(t, err)
	m := suspectMap(Audit(cfg, d, nil))
	require.Contains(t, m, "score")
	assert.Contains(t, m["score"].Reason, "far above every other column")
	assert.InDelta(t, 0.9, m["score"].AUC, 0.05)
	assert.NotContains(t, m, "noise")
}

func TestAuditTimestampAfterConversion(t *testing.T) {
	// deal_closed_at is stamped when the deal closes: at or after conversion.
	n := 60
	ids := make([]string, n)
	created, closedAt := make([]time.Time, n), make([]time.Time, n)
	var oIDs []string
	var oTimes []time.Time
	for i := range n {
		ids[i] = fmt.Sprintf("L%d", i)
		created[i] = day(float64(i))
		if i%3 == 0 {
			conv := day(float64(i) + 20)
			oIDs, oTimes = append(oIDs, ids[i]), append(oTimes, conv)
			closedAt[i] = conv.Add(time.Hour)
		}
	}
	leads := table("leads.csv", catCol("lead_id", ids...), timeCol("created_at", created...), timeCol("deal_closed_at", closedAt...))
	outcomes := table("outcomes.csv", catCol("lead_id", oIDs...), timeCol("converted_at", oTimes...))
	d, err := Build(Config{}, Inputs{Leads: leads, Outcomes: outcomes, AsOf: day(400)})
	require.NoError(t, err)
	// Point in time: the stamp is always after the snapshot's cutoff, so it
	// never reaches a feature.
	get := d.numeric(&Feature{Origin: originFieldTime, Field: "deal_closed_at"})
	for i := range d.Rows {
		require.True(t, math.IsNaN(get(i)))
	}
	m := suspectMap(Audit(Config{}, d, nil))
	require.Contains(t, m, "deal_closed_at")
	assert.Contains(t, m["deal_closed_at"].Reason, "at or after the conversion")
	assert.True(t, strings.Contains(m["deal_closed_at"].Reason, "100%"), m["deal_closed_at"].Reason)
}

func TestAUCAbs(t *testing.T) {
	tests := []struct {
		name string
		x, y []float64
		want float64
	}{
		{"perfect", []float64{1, 2, 3, 4}, []float64{0, 0, 1, 1}, 1},
		{"reversed counts the same", []float64{4, 3, 2, 1}, []float64{0, 0, 1, 1}, 1},
		{"all tied", []float64{1, 1, 1, 1}, []float64{0, 1, 0, 1}, 0.5},
		{"half", []float64{1, 2, 3, 4}, []float64{0, 1, 0, 1}, 0.75},
		{"missing lowest", []float64{math.NaN(), 2, 3, math.NaN()}, []float64{0, 1, 1, 0}, 1},
		{"missing tied together", []float64{math.NaN(), math.NaN(), 1, 2}, []float64{0, 1, 0, 1}, 0.625},
		{"one class", []float64{1, 2, 3}, []float64{1, 1, 1}, 0.5},
		{"empty", nil, nil, 0.5},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			assert.InDelta(t, tc.want, aucAbs(tc.x, tc.y), 1e-12)
		})
	}
}
