package rules

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/leadscore/leadscore/features"
)

const (
	head    = "name: t\ntiers: {hot: 60, warm: 30}\nrules:\n"
	oneLine = "  - {name: r, when: {event: x}, points: 1}\n"
)

func TestParseErrors(t *testing.T) {
	cases := []struct {
		name string
		src  string
		want []string // each must appear in the error text
	}{
		{"unknown key", head + "  - name: r\n    when: {event: demo_request}\n    pointz: 10\n",
			[]string{`test.yaml:6:5: rules[0]: unknown key "pointz"`, `did you mean "points"?`}},
		{"string where a number is expected", head + "  - {name: r, when: {event: demo_request}, points: ten}\n",
			[]string{`test.yaml:4:52: rules[0].points: expected a number, got the text "ten"`}},
		{"missing points", head + "  - name: r\n    when: {event: demo_request}\n",
			[]string{"test.yaml:4:5: rules[0] (r): missing points"}},
		{"missing rule name", head + "  - {when: {event: demo_request}, points: 5}\n",
			[]string{"test.yaml:4:5: rules[0]: missing name"}},
		{"tiers not a number", "name: t\ntiers: {hot: high, warm: 30}\nrules:\n  - {name: r, when: {event: x}, points: 1}\n",
			[]string{`test.yaml:2:14: tiers.hot: expected a number, got the text "high"`}},
		{"hot not above warm", "name: t\ntiers: {hot: 30, warm: 50}\nrules:\n  - {name: r, when: {event: x}, points: 1}\n",
			[]string{"test.yaml:2:14: tiers.hot: 30 must be above tiers.warm (50)"}},
		{"unknown tier", "name: t\ntiers: {hot: 60, warm: 30, cold: 0}\nrules:\n  - {name: r, when: {event: x}, points: 1}\n",
			[]string{`test.yaml:2:28: tiers: unknown key "cold"; expected one of hot, warm`}},
		{"missing tiers", "name: t\nrules:\n  - {name: r, when: {event: x}, points: 1}\n",
			[]string{"test.yaml:1:1: sheet: missing tiers"}},
		{"missing sheet name", "tiers: {hot: 60, warm: 30}\nrules:\n  - {name: r, when: {event: x}, points: 1}\n",
			[]string{"test.yaml:1:1: sheet: missing name"}},
		{"empty rules", "name: t\ntiers: {hot: 60, warm: 30}\nrules: []\n",
			[]string{"test.yaml:3:8: rules: the list is empty"}},
		{"rules not a list", "name: t\ntiers: {hot: 60, warm: 30}\nrules: {a: 1}\n",
			[]string{"test.yaml:3:8: rules: expected a list of rules, got a mapping"}},
		{"invalid YAML", "name: t\ntiers: {hot: 60, warm: 30\nrules: []\n",
			[]string{"test.yaml:", "invalid YAML"}},
		{"empty file", "", []string{"test.yaml:1:1: empty sheet"}},
		{"only a comment", "# nothing yet\n", []string{"test.yaml:1:1: empty sheet"}},
		{"two documents", head + oneLine + "---\nname: u\n", []string{"test.yaml:5:1: a sheet is one YAML document"}},
		{"conflicting gte and lte", head + "  - {name: r, when: {field: f, gte: 10, lte: 5}, points: 1}\n",
			[]string{"test.yaml:4:21: rules[0].when: conflicting conditions: gte 10 is above lte 5"}},
		{"reversed between", head + "  - {name: r, when: {field: f, between: [9, 1]}, points: 1}\n",
			[]string{"test.yaml:4:41: rules[0].when.between: low 9 is above high 1"}},
		{"unknown group", head + "  - {name: r, group: behaviour, when: {event: x}, points: 1}\n",
			[]string{`test.yaml:4:22: rules[0].group: unknown group "behaviour"; expected fit or engagement`}},
		{"field and event mixed", head + "  - {name: r, when: {field: f, event: x, equals: 1}, points: 1}\n",
			[]string{"test.yaml:4:32: rules[0].when: event is an event condition and cannot be combined with field:"}},
		{"operator without field", head + "  - {name: r, when: {event: x, equals: 1}, points: 1}\n",
			[]string{"test.yaml:4:32: rules[0].when: equals needs a field"}},
		{"in with a mapping", head + "  - {name: r, when: {field: f, in: {a: 1}}, points: 1}\n",
			[]string{"test.yaml:4:36: rules[0].when.in: expected a value or a list of values, got a mapping"}},
		{"negative within_days", head + "  - {name: r, when: {event: x, within_days: -3}, points: 1}\n",
			[]string{"test.yaml:4:45: rules[0].when.within_days: expected a number above 0, got -3"}},
		{"duplicate rule names", head + "  - {name: r, when: {event: x}, points: 1}\n  - {name: R, when: {event: y}, points: 1}\n",
			[]string{`test.yaml:5:12: rules[1]: name "R" is already used by the rule at line 4`}},
		{"grades not descending", "name: t\ntiers: {hot: 60, warm: 30}\ngrades:\n  fit: {A: 10, B: 20, C: 5}\nrules:\n  - {name: r, when: {event: x}, points: 1}\n",
			[]string{"test.yaml:4:19: grades.fit.B: 20 must be below A (10)"}},
		{"field without operator", head + "  - {name: r, when: {field: f}, points: 1}\n",
			[]string{`test.yaml:4:21: rules[0].when: field "f" has no condition`}},
		{"duplicate key", "name: t\nname: u\ntiers: {hot: 60, warm: 30}\nrules:\n" + oneLine,
			[]string{`test.yaml:2:1: sheet: key "name" appears twice`}},
		{"complex key", "name: t\ntiers: {hot: 60, warm: 30}\n? [a]\n: 1\nrules:\n" + oneLine,
			[]string{"test.yaml:3:3: sheet: expected a plain key, got a list"}},
		{"unknown group section", "name: t\ntiers: {hot: 60, warm: 30}\ngroups:\n  behaviour: {cap: 10}\nrules:\n" + oneLine,
			[]string{`test.yaml:4:3: groups: unknown key "behaviour"; expected one of fit, engagement`}},
		{"negative cap", "name: t\ntiers: {hot: 60, warm: 30}\ngroups:\n  fit: {cap: -10}\nrules:\n" + oneLine,
			[]string{"test.yaml:4:14: groups.fit.cap: expected a number above 0, got -10"}},
		{"misspelt half-life", "name: t\ntiers: {hot: 60, warm: 30}\ngroups:\n  fit: {halflife: 10}\nrules:\n" + oneLine,
			[]string{`test.yaml:4:9: groups.fit: unknown key "halflife"`, `did you mean "half_life_days"?`}},
		{"grade band missing", "name: t\ntiers: {hot: 60, warm: 30}\ngrades:\n  engagement: {\"1\": 40}\nrules:\n" + oneLine,
			[]string{"test.yaml:4:15: grades.engagement: missing 2"}},
		{"null rule name", head + "  - {name: ~, when: {event: x}, points: 1}\n",
			[]string{"test.yaml:4:12: rules[0].name: expected a text, got nothing"}},
		{"null in a list", head + "  - {name: r, when: {field: f, in: [a, ~]}, points: 1}\n",
			[]string{"test.yaml:4:40: rules[0].when.in[1]: expected a text, got nothing"}},
		{"when is a list", head + "  - {name: r, when: [a], points: 1}\n",
			[]string{"test.yaml:4:21: rules[0].when: expected a condition"}},
		{"empty when", head + "  - {name: r, when: {}, points: 1}\n",
			[]string{"test.yaml:4:21: rules[0].when: empty condition"}},
		{"rule is text", head + "  - just a rule\n",
			[]string{`test.yaml:4:5: rules[0]: expected a rule: {name, when, points}, got the text "just a rule"`}},
		{"fractional min_count", head + "  - {name: r, when: {event: x, min_count: 2.5}, points: 1}\n",
			[]string{"test.yaml:4:43: rules[0].when.min_count: expected a whole number of events, got 2.5"}},
		{"between with one bound", head + "  - {name: r, when: {field: f, between: [1]}, points: 1}\n",
			[]string{"test.yaml:4:41: rules[0].when.between: expected [low, high], got a list"}},
		{"between and gte", head + "  - {name: r, when: {field: f, between: [1, 2], gte: 0}, points: 1}\n",
			[]string{"test.yaml:4:32: rules[0].when: use either between or gte/lte, not both"}},
		{"zero max_points", head + "  - {name: r, when: {event: x}, points: 1, per_event: true, max_points: 0}\n",
			[]string{"test.yaml:4:73: rules[0].max_points: expected a number above 0, got 0"}},
		{"infinite points", head + "  - {name: r, when: {event: x}, points: .inf}\n",
			[]string{"test.yaml:4:41: rules[0].points: expected a number, got .inf"}},
		{"per_event not a bool", head + "  - {name: r, when: {event: x}, points: 1, per_event: often}\n",
			[]string{`rules[0].per_event: expected true or false, got the text "often"`}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s, err := Parse([]byte(tc.src), "test.yaml")
			require.Error(t, err)
			assert.Nil(t, s)
			var pe *ParseError
			require.True(t, errors.As(err, &pe))
			require.NotEmpty(t, pe.Problems)
			for _, w := range tc.want {
				assert.Contains(t, err.Error(), w)
			}
		})
	}
}

func TestParseReportsEveryError(t *testing.T) {
	src := head + "  - {name: r, when: {event: x}, points: ten}\n  - {name: s, when: {field: f, gte: x}, points: 1}\n  - {name: u, when: {event: x}}\n"
	_, err := Parse([]byte(src), "test.yaml")
	var pe *ParseError
	require.True(t, errors.As(err, &pe))
	assert.Len(t, pe.Problems, 3, "%v", err)
}

func TestParseAcceptsAliasesAndBlockStyle(t *testing.T) {
	src := `name: block
description: written in block style with an anchor
tiers:
  hot: 50
  warm: 30
rules:
  - name: pricing page
    group: engagement
    when:
      event: page_view
      page: &pages [pricing, contact]
      within_days: 30
    points: 10
    per_event: true
    max_points: 30
  - name: any key page
    when: {event: page_view, page: *pages}
    points: 1
`
	s := mustParse(t, src)
	assert.Equal(t, "block", s.Name())
	assert.Equal(t, "written in block style with an anchor", s.Description())
	assert.Equal(t, []string{"pricing page", "any key page"}, s.RuleNames())
	res := s.Evaluate(leadWith(nil, ev("page_view", day, "page", "contact")))
	assert.Equal(t, 11.0, res.Points)
}

func TestLoad(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "sheet.yaml")
	require.NoError(t, os.WriteFile(path, []byte(head+"  - {name: r, when: {event: x}, points: ten}\n"), 0o600))
	_, err := Load(path)
	require.Error(t, err)
	assert.Contains(t, err.Error(), path+":4:")

	_, err = Load(filepath.Join(dir, "absent.yaml"))
	require.Error(t, err)
	assert.Contains(t, err.Error(), "absent.yaml")

	s, err := Load(filepath.Join("testdata", "example.yaml"))
	require.NoError(t, err)
	assert.Equal(t, 30.0, s.MQL())
}

func TestResultJSON(t *testing.T) {
	s := mustParse(t, head+"  - {name: r, group: engagement, when: {event: x}, points: 40}\n")
	res := s.Evaluate(&features.Lead{Cutoff: cutoff, Events: []features.Event{ev("x", day)}})
	b, err := json.Marshal(res)
	require.NoError(t, err)
	assert.JSONEq(t, `{"points":40,"fit_points":0,"engagement_points":40,"tier":"warm","grade":"D1",
		"fired":[{"rule":"r","group":"engagement","points":40,"count":1}],"disqualified":false}`, string(b))
}
