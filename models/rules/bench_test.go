package rules_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/leadscore/leadscore/datasets/synth"
	"github.com/leadscore/leadscore/features"
	"github.com/leadscore/leadscore/internal/cputime"
	"github.com/leadscore/leadscore/models/rules"
)

// benchLead returns synth.RulesLead, the lead `leadscore bench rules`
// evaluates, as a features lead.
func benchLead() *features.Lead {
	r := synth.RulesLead()
	l := &features.Lead{ID: r.ID, Created: r.Created, Cutoff: r.Cutoff, Fields: make(map[string]features.Value, len(r.Fields))}
	for k, v := range r.Fields {
		l.Fields[k] = features.Value{Kind: v.Kind, Num: v.Num, Str: v.Str}
	}
	for _, e := range r.Events {
		l.Events = append(l.Events, features.Event{Type: e.Type, Time: e.Time, Attrs: e.Attrs})
	}
	return l
}

// BenchmarkEvaluate scores synth.RulesLead (a b2b lead with 54 events)
// with the b2b default sheet, as `leadscore bench rules` does. Besides ns/op
// (wall time) it reports cpu-ns/op, the process CPU time per op, which a
// busy shared machine distorts far less.
func BenchmarkEvaluate(b *testing.B) {
	s, err := rules.Parse(rules.Default("b2b"), "b2b.yaml")
	require.NoError(b, err)
	l := benchLead()
	b.ReportAllocs()
	var res rules.Result
	cpu0 := cputime.Used()
	for b.Loop() {
		res = s.Evaluate(l)
	}
	b.ReportMetric(float64(cputime.Used()-cpu0)/float64(b.N), "cpu-ns/op")
	if len(res.Fired) == 0 {
		b.Fatal("no rule fired")
	}
}

func TestEvaluateAllocatesOnlyFired(t *testing.T) {
	s, err := rules.Parse(rules.Default("b2b"), "b2b.yaml")
	require.NoError(t, err)
	l := benchLead()
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
	l := benchLead()
	assert.Equal(t, s.Evaluate(l), back.Rules.Evaluate(l))
	assert.Equal(t, s.Source(), back.Rules.Source())
}
