package models

import (
	"encoding/json"
	"fmt"
	"math"
	"reflect"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/leadscore/leadscore/models/rules"
)

// TestResultEncodingShape fails when a struct AppendJSON writes gains,
// loses or renames a field: update AppendJSON (and openapi.json) then.
func TestResultEncodingShape(t *testing.T) {
	shape := func(v any) string {
		var s string
		rt := reflect.TypeOf(v)
		for i := range rt.NumField() {
			f := rt.Field(i)
			s += fmt.Sprintf("%s %s %q; ", f.Name, f.Type, f.Tag.Get("json"))
		}
		return s
	}
	assert.Equal(t, `LeadID string "lead_id"; Model models.ModelRef "model"; Probability float64 "probability"; Score int "score"; Percentile float64 "percentile"; Grade string "grade"; Tier string "tier"; Fit *models.Part "fit,omitempty"; Engagement *models.Part "engagement,omitempty"; FitEngagementGrade string "fit_engagement_grade,omitempty"; Rules *rules.Result "rules,omitempty"; RulesProbability float64 "-"; Explanation *models.Explanation "explanation,omitempty"; Probabilities map[string]float64 "probabilities,omitempty"; Warnings []models.Warning "warnings,omitempty"; `, shape(Result{}))
	assert.Equal(t, `Name string "name"; Version string "version"; `, shape(ModelRef{}))
	assert.Equal(t, `Value float64 "value"; Percentile float64 "percentile"; `, shape(Part{}))
	assert.Equal(t, `BaseValue float64 "base_value"; Raw float64 "raw"; Contributions []models.Contribution "contributions"; `, shape(Explanation{}))
	assert.Equal(t, `Feature string "feature"; Value string "value"; Contribution float64 "contribution"; `, shape(Contribution{}))
	assert.Equal(t, `Points float64 "points"; FitPoints float64 "fit_points"; EngagementPoints float64 "engagement_points"; Tier string "tier"; Grade string "grade"; Fired []rules.Fired "fired"; Disqualified bool "disqualified"; `, shape(rules.Result{}))
	assert.Equal(t, `Code string "code"; Field string "field,omitempty"; Message string "message"; `, shape(Warning{}))
	assert.Equal(t, `Rule string "rule"; Group string "group,omitempty"; Points float64 "points"; Count int "count,omitempty"; `, shape(rules.Fired{}))
}

// TestResultEncoding: AppendJSON writes the bytes encoding/json writes.
func TestResultEncoding(t *testing.T) {
	cases := []*Result{
		{},
		{LeadID: `a"b\c<d>&é` + "\u2028\x01\xff", Model: ModelRef{Name: "gbm", Version: "v1"}, Probability: 1e-7, Score: 1, Percentile: 0, Grade: "D", Tier: "cold"},
		{LeadID: "x", Probability: 0.123456789012345, Score: 12, Percentile: 99.99, Grade: "A", Tier: "hot",
			Fit: &Part{Value: -0.25, Percentile: 12.5}, Engagement: &Part{Value: 1e-7, Percentile: 100}, FitEngagementGrade: "D1",
			Rules:         &rules.Result{Points: -5.5, FitPoints: 1e21, EngagementPoints: 2.5e-9, Tier: "disqualified", Grade: "D3", Fired: []rules.Fired{{Rule: "r1", Group: "fit", Points: 3, Count: 2}, {Rule: "r2", Points: math.Copysign(0, -1)}}, Disqualified: true},
			Explanation:   &Explanation{BaseValue: -1.25, Raw: 3, Contributions: []Contribution{{Feature: "f", Value: "v", Contribution: 0.5}}},
			Probabilities: map[string]float64{"rules": 0.2, "gbm": 0.3, "logistic": 0.25},
			Warnings:      []Warning{{Code: "c1", Field: "f", Message: "m1"}, {Code: "c2", Message: `"m2"`}}},
		{Rules: &rules.Result{Fired: []rules.Fired{}}, Explanation: &Explanation{}, Probabilities: map[string]float64{}, Warnings: []Warning{}},
	}
	for i, r := range cases {
		want, err := json.Marshal(r)
		require.NoError(t, err)
		got, err := r.AppendJSON([]byte("prefix"))
		require.NoError(t, err)
		assert.Equal(t, "prefix"+string(want), string(got), "case %d", i)
	}
	_, err := (&Result{Percentile: math.NaN()}).AppendJSON(nil)
	assert.Error(t, err)
	_, err = (&Result{Fit: &Part{Value: math.NaN()}}).AppendJSON(nil)
	assert.Error(t, err)
	_, err = (&Result{Explanation: &Explanation{Contributions: []Contribution{{Contribution: math.Inf(1)}}}}).AppendJSON(nil)
	assert.Error(t, err)
}
