package models

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/leadscore/leadscore/features"
	"github.com/leadscore/leadscore/models/rules"
)

// Rule inputs keep their group as encoded columns, so the fit/engagement
// split counts the sheet's fit points in the fit part (a column without a
// group counts as engagement there).
func TestRuleInputColumnsKeepTheirGroup(t *testing.T) {
	ri := &RuleInputs{Columns: []RuleInput{
		{Name: "rules:fit_points", Source: "rule sheet: fit points", Kind: ruleFitPoints, Group: GroupFit},
		{Name: "rules:engagement_points", Source: "rule sheet: engagement points", Kind: ruleEngagementPoints, Group: GroupEngagement},
		{Name: "rules:fired:student", Source: "rule sheet: student", Kind: ruleFired, Rule: "student", Group: GroupFit},
	}}
	cols := ri.ColumnInfos()
	assert.Equal(t, []string{features.GroupFit, features.GroupEngagement, features.GroupFit},
		[]string{cols[0].Group, cols[1].Group, cols[2].Group})
	assert.Equal(t, "rule sheet: student", cols[2].Source)
}

// The sheet's points enter the linear encoding standardised and scaled by
// pointsScale (so the ridge penalty barely shrinks them), the fired
// indicators standardised only; a bundle written before Scale existed
// (Scale 0) encodes as before. The tree encoding is the raw value.
func TestRuleInputsLinearScale(t *testing.T) {
	sheet, err := rules.Parse(rules.Default("b2b"), "rules.yaml")
	require.NoError(t, err)
	first := sheet.Rules()[0].Name
	sheetRes := []rules.Result{
		{FitPoints: 10, EngagementPoints: 0, Fired: []rules.Fired{{Rule: first}}},
		{FitPoints: 30, EngagementPoints: 20},
	}
	ri := FitRuleInputs(sheet, sheetRes)
	require.Len(t, ri.Columns, 3)
	for k, want := range []float64{pointsScale, pointsScale, 0} {
		assert.Equal(t, want, ri.Columns[k].Scale, ri.Columns[k].Name)
	}
	lin, tree := make([]float64, 3), make([]float64, 3)
	ri.Encode(&sheetRes[1], lin, nil)
	ri.Encode(&sheetRes[1], nil, tree)
	assert.Equal(t, []float64{30, 20, 0}, tree)
	// Fit points: mean 20, std 10 -> (30-20)/10 * 10.
	assert.InDelta(t, 10, lin[0], 1e-12)
	assert.InDelta(t, 10, lin[1], 1e-12)
	assert.InDelta(t, -1, lin[2], 1e-12)
	old := &RuleInputs{Columns: []RuleInput{{Kind: ruleFitPoints, Mean: 20, Std: 10}}}
	old.Encode(&sheetRes[1], lin[:1], nil)
	assert.InDelta(t, 1, lin[0], 1e-12)
}
