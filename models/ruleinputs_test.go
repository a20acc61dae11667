package models

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/leadscore/leadscore/features"
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
