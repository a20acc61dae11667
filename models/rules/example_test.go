package rules_test

import (
	"fmt"
	"time"

	"github.com/leadscore/leadscore/datasets"
	"github.com/leadscore/leadscore/features"
	"github.com/leadscore/leadscore/models/rules"
)

func ExampleSheet_Evaluate() {
	sheet, err := rules.Parse([]byte(`
name: example
tiers: {hot: 50, warm: 30}
groups:
  engagement: {cap: 60, half_life_days: 30}
  fit: {cap: 40}
rules:
  - {name: pricing page, group: engagement, when: {event: page_view, page: pricing, within_days: 30}, points: 10, per_event: true, max_points: 30}
  - {name: senior title, group: fit, when: {field: seniority, in: [director, vp, c_level]}, points: 15}
  - {name: student, when: {field: occupation, equals: student}, disqualify: true}
`), "example.yaml")
	if err != nil {
		fmt.Println(err)
		return
	}
	cutoff := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	lead := &features.Lead{
		ID:     "lead-1",
		Cutoff: cutoff,
		Fields: map[string]features.Value{"seniority": {Kind: datasets.KindCategory, Str: "VP"}},
		Events: []features.Event{
			{Type: "page_view", Time: cutoff.AddDate(0, 0, -30), Attrs: map[string]string{"page": "pricing"}},
			{Type: "page_view", Time: cutoff.AddDate(0, 0, -1), Attrs: map[string]string{"page": "pricing"}},
		},
	}
	res := sheet.Evaluate(lead)
	fmt.Printf("%.1f points (fit %.0f, engagement %.1f): %s, grade %s\n", res.Points, res.FitPoints, res.EngagementPoints, res.Tier, res.Grade)
	for _, f := range res.Fired {
		fmt.Printf("  %s: %.1f (%d events)\n", f.Rule, f.Points, f.Count)
	}
	// Output:
	// 29.8 points (fit 15, engagement 14.8): cold, grade C3
	//   pricing page: 14.8 (2 events)
	//   senior title: 15.0 (0 events)
}

func ExampleLint() {
	sheet := []byte(`name: lint
tiers: {hot: 60, warm: 30}
rules:
  - {name: size, group: fit, when: {field: employes, gte: 100}, points: 10}
  - {name: visits, when: {event: page_view}, points: 5, max_points: 20}
`)
	schema := []datasets.Field{{Name: "employees", Kind: datasets.KindNumber}}
	for _, p := range rules.Lint(sheet, "lint.yaml", schema, nil) {
		fmt.Println(p)
	}
	// Output:
	// lint.yaml:4:44: warning: rule "size": field "employes" is not in the schema, so the rule sees it as missing; did you mean "employees"?
	// lint.yaml:5:69: warning: rules[1] (visits): max_points has no effect without per_event: true
}
