package webhook

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/leadscore/leadscore/models"
	"github.com/leadscore/leadscore/models/rules"
)

func result(tier, ruleTier string, disq bool) *models.Result {
	r := &models.Result{LeadID: "L-1", Tier: tier, Score: 42, Probability: 0.42, Grade: "B",
		Model: models.ModelRef{Name: "gbm", Version: "v1"},
		Explanation: &models.Explanation{Contributions: []models.Contribution{
			{Feature: "industry", Value: "software", Contribution: 0.2},
			{Feature: "seniority", Value: "vp", Contribution: -0.9},
			{Feature: "pricing visits", Value: "3", Contribution: 0.5},
			{Feature: "country", Value: "DE", Contribution: 0.05},
		}}}
	if ruleTier != "" {
		r.Rules = &rules.Result{Tier: ruleTier, Points: 35, Disqualified: disq}
	}
	return r
}

func kinds(ps []Payload) []string {
	out := []string{}
	for _, p := range ps {
		out = append(out, p.Event)
	}
	return out
}

func TestChanges(t *testing.T) {
	at := time.Date(2026, 3, 1, 12, 0, 0, 0, time.FixedZone("x", 3600))
	cases := []struct {
		name     string
		old, cur *models.Result
		cause    Cause
		want     []string
	}{
		{"nothing changed", result("warm", "warm", false), result("warm", "warm", false), CauseActivity, []string{}},
		{"cold to warm", result("cold", "cold", false), result("warm", "cold", false), CauseActivity, []string{KindTierChanged}},
		{"hot to cold", result("hot", "hot", false), result("cold", "hot", false), CauseActivity, []string{KindTierChanged}},
		{"becomes an MQL", result("cold", "cold", false), result("cold", "warm", false), CauseActivity, []string{KindMQLChanged}},
		{"MQL warm to hot is no MQL change", result("cold", "warm", false), result("cold", "hot", false), CauseActivity, []string{}},
		{"loses MQL", result("cold", "hot", false), result("cold", "cold", false), CauseActivity, []string{KindMQLChanged}},
		{"disqualified", result("warm", "warm", false), result("warm", "disqualified", true), CauseActivity, []string{KindMQLChanged, KindDisqualificationChanged}},
		{"requalified", result("warm", "disqualified", true), result("warm", "cold", false), CauseActivity, []string{KindDisqualificationChanged}},
		{"everything", result("cold", "warm", false), result("hot", "disqualified", true), CauseOutcome,
			[]string{KindTierChanged, KindMQLChanged, KindDisqualificationChanged, KindRescoredAfterOutcome}},
		{"outcome without change", result("warm", "warm", false), result("warm", "warm", false), CauseOutcome, []string{KindRescoredAfterOutcome}},
		{"first score cold", nil, result("cold", "cold", false), CauseActivity, []string{}},
		{"first score hot", nil, result("hot", "cold", false), CauseActivity, []string{KindTierChanged}},
		{"first score warm MQL", nil, result("warm", "warm", false), CauseActivity, []string{KindTierChanged, KindMQLChanged}},
		{"first score disqualified", nil, result("cold", "disqualified", true), CauseActivity, []string{KindDisqualificationChanged}},
		{"no rule sheet", result("cold", "", false), result("cold", "", false), CauseActivity, []string{}},
		{"no new result", result("cold", "", false), nil, CauseOutcome, []string{}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got := Changes(tc.old, tc.cur, tc.cause, at, 0)
			assert.Equal(t, tc.want, kinds(got))
			for _, p := range got {
				assert.Equal(t, "L-1", p.LeadID)
				assert.Equal(t, tc.cur.Tier, p.NewTier)
				if tc.old != nil {
					assert.Equal(t, tc.old.Tier, p.OldTier)
				} else {
					assert.Empty(t, p.OldTier)
				}
				assert.Equal(t, at.UTC(), p.OccurredAt)
				assert.Equal(t, time.UTC, p.OccurredAt.Location())
			}
		})
	}
}

func TestChangesPayload(t *testing.T) {
	at := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	old, cur := result("cold", "cold", false), result("hot", "warm", false)
	ps := Changes(old, cur, CauseActivity, at, 2)
	require.Len(t, ps, 2)
	p := ps[0]
	assert.Equal(t, KindTierChanged, p.Event)
	assert.Equal(t, "cold", p.OldTier)
	assert.Equal(t, "hot", p.NewTier)
	assert.Equal(t, 42, p.Score)
	assert.Equal(t, 0.42, p.Probability)
	assert.Equal(t, models.ModelRef{Name: "gbm", Version: "v1"}, p.Model)
	// Largest by absolute size first, cut at topK.
	require.Len(t, p.TopReasons, 2)
	assert.Equal(t, "seniority", p.TopReasons[0].Feature)
	assert.Equal(t, "pricing visits", p.TopReasons[1].Feature)
	require.NotNil(t, p.Rules)
	assert.Equal(t, RulesChange{OldTier: "cold", NewTier: "warm", OldMQL: false, NewMQL: true, Points: 35}, *p.Rules)
	// The explanation's order is untouched.
	assert.Equal(t, "industry", cur.Explanation.Contributions[0].Feature)

	assert.Len(t, Changes(old, cur, CauseActivity, at, 0)[0].TopReasons, DefaultTopReasons)
	assert.Empty(t, Changes(old, cur, CauseActivity, at, -1)[0].TopReasons)
}

func TestIsMQL(t *testing.T) {
	for _, tc := range []struct {
		r    *rules.Result
		want bool
	}{
		{nil, false},
		{&rules.Result{Tier: "hot"}, true},
		{&rules.Result{Tier: "warm"}, true},
		{&rules.Result{Tier: "cold"}, false},
		{&rules.Result{Tier: "disqualified", Disqualified: true}, false},
		{&rules.Result{Tier: "hot", Disqualified: true}, false},
	} {
		assert.Equal(t, tc.want, IsMQL(tc.r), "%+v", tc.r)
	}
}
