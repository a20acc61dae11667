package features

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestGroupOf(t *testing.T) {
	tests := []struct {
		f    Feature
		want string
	}{
		{Feature{Origin: originField}, GroupFit},
		{Feature{Origin: originToken}, GroupFit},
		{Feature{Origin: originHour}, GroupFit},
		{Feature{Origin: originWeekday}, GroupFit},
		{Feature{Origin: originAge}, GroupEngagement},
		{Feature{Origin: originFieldTime}, GroupEngagement},
		{Feature{Origin: originEvent}, GroupEngagement},
		{Feature{Origin: originAll}, GroupEngagement},
		{Feature{Origin: originSignal}, GroupEngagement},
		// A feature kind that says its group (rule-sheet points) keeps it.
		{Feature{Origin: "rule_points", Group: GroupFit}, GroupFit},
		{Feature{Origin: originField, Group: GroupEngagement}, GroupEngagement},
	}
	for _, tc := range tests {
		assert.Equal(t, tc.want, GroupOf(&tc.f), "%+v", tc.f)
	}
}

func TestEngagementFields(t *testing.T) {
	cfg := Config{ID: "id", Target: "converted", EngagementFields: []string{"pages"}}
	var src []string
	var pages, y []float64
	for i := range 200 {
		src = append(src, []string{"web", "ads", "event"}[i%3])
		pages = append(pages, float64(i%17))
		y = append(y, float64(i%5%2))
	}
	d, err := Build(cfg, Inputs{Leads: flatLeads(src, pages, make([]string, 200), y)})
	require.NoError(t, err)
	spec, err := Fit(cfg, d, allRows(d.Rows))
	require.NoError(t, err)
	groups := map[string]string{}
	for _, c := range spec.LinearColumns() {
		groups[c.Source] = c.Group
	}
	assert.Equal(t, map[string]string{"pages": GroupEngagement, "source": GroupFit}, groups)

	cfg.EngagementFields = []string{"Pages"}
	_, err = Fit(cfg, d, allRows(d.Rows))
	require.Error(t, err)
	assert.Contains(t, err.Error(), `engagement_fields: "Pages" is not a column of leads.csv`)
	assert.Contains(t, err.Error(), `did you mean "pages"`)
}
