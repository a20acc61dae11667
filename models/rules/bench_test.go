package rules_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/leadscore/leadscore/internal/benchkit"
	"github.com/leadscore/leadscore/models/rules"
)

// BenchmarkEvaluate scores benchkit.RulesLead (a b2b lead with 54 events)
// with the b2b default sheet, as `leadscore bench rules` does. Besides ns/op
// (wall time) it reports cpu-ns/op, the process CPU time per op, which a
// busy shared machine distorts far less.
func BenchmarkEvaluate(b *testing.B) {
	s, err := rules.Parse(rules.Default("b2b"), "b2b.yaml")
	require.NoError(b, err)
	l := benchkit.RulesLead()
	b.ReportAllocs()
	var res rules.Result
	cpu0 := benchkit.CPUTime()
	for b.Loop() {
		res = s.Evaluate(l)
	}
	b.ReportMetric(float64(benchkit.CPUTime()-cpu0)/float64(b.N), "cpu-ns/op")
	if len(res.Fired) == 0 {
		b.Fatal("no rule fired")
	}
}

func TestEvaluateAllocatesOnlyFired(t *testing.T) {
	s, err := rules.Parse(rules.Default("b2b"), "b2b.yaml")
	require.NoError(t, err)
	l := benchkit.RulesLead()
	allocs := testing.AllocsPerRun(100, func() { s.Evaluate(l) })
	assert.LessOrEqual(t, allocs, 1.0, "Evaluate should allocate the Fired slice only")
	var res rules.Result
	allocs = testing.AllocsPerRun(100, func() { s.EvaluateInto(l, &res) })
	assert.Zero(t, allocs, "EvaluateInto reuses the Fired slice")
	assert.Equal(t, s.Evaluate(l), res)
}

// TestSheetJSONRoundTrip checks that a sheet stored in a JSON document (as in
// a model bundle) comes back scoring leads identically.
func TestSheetJSONRoundTrip(t *testing.T) {
	s, err := rules.Parse(rules.Default("b2b"), "b2b.yaml")
	require.NoError(t, err)
	doc, err := json.Marshal(struct{ Rules *rules.Sheet }{s})
	require.NoError(t, err)
	assert.True(t, strings.Contains(string(doc), "name: b2b"))
	var back struct{ Rules *rules.Sheet }
	require.NoError(t, json.Unmarshal(doc, &back))
	l := benchkit.RulesLead()
	assert.Equal(t, s.Evaluate(l), back.Rules.Evaluate(l))
	assert.Equal(t, s.Source(), back.Rules.Source())
}
