package rules

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/leadscore/leadscore/datasets"
)

// generatorEvents is the synthetic generator's fixed event vocabulary.
var generatorEvents = []string{
	"email_sent", "email_open", "email_click", "email_unsubscribe", "email_bounce",
	"page_view", "form_submit", "content_download", "webinar_attended", "live_chat",
	"social_interaction", "newsletter_signup", "free_trial_signup", "demo_request",
}

var b2bSchema = []datasets.Field{
	{Name: "lead_id", Kind: datasets.KindText},
	{Name: "industry", Kind: datasets.KindCategory},
	{Name: "employees", Kind: datasets.KindNumber},
	{Name: "annual_revenue", Kind: datasets.KindNumber},
	{Name: "job_title", Kind: datasets.KindText},
	{Name: "seniority", Kind: datasets.KindCategory},
	{Name: "country", Kind: datasets.KindCategory},
	{Name: "lead_source", Kind: datasets.KindCategory},
}

var b2cSchema = []datasets.Field{
	{Name: "lead_id", Kind: datasets.KindText},
	{Name: "age", Kind: datasets.KindNumber},
	{Name: "income_band", Kind: datasets.KindCategory},
	{Name: "location", Kind: datasets.KindCategory},
	{Name: "occupation", Kind: datasets.KindCategory},
	{Name: "lead_source", Kind: datasets.KindCategory},
}

// xeducationSchema is the X Education export's columns with the kinds a
// reader infers for them (Yes/No columns as booleans).
var xeducationSchema = []datasets.Field{
	{Name: "Prospect ID", Kind: datasets.KindText},
	{Name: "Lead Number", Kind: datasets.KindNumber},
	{Name: "Lead Origin", Kind: datasets.KindCategory},
	{Name: "Lead Source", Kind: datasets.KindCategory},
	{Name: "Do Not Email", Kind: datasets.KindBool},
	{Name: "Do Not Call", Kind: datasets.KindBool},
	{Name: "Converted", Kind: datasets.KindBool},
	{Name: "TotalVisits", Kind: datasets.KindNumber},
	{Name: "Total Time Spent on Website", Kind: datasets.KindNumber},
	{Name: "Page Views Per Visit", Kind: datasets.KindNumber},
	{Name: "Last Activity", Kind: datasets.KindCategory},
	{Name: "Country", Kind: datasets.KindCategory},
	{Name: "Specialization", Kind: datasets.KindCategory},
	{Name: "How did you hear about X Education", Kind: datasets.KindCategory},
	{Name: "What is your current occupation", Kind: datasets.KindCategory},
	{Name: "What matters most to you in choosing a course", Kind: datasets.KindCategory},
	{Name: "Search", Kind: datasets.KindBool},
	{Name: "Through Recommendations", Kind: datasets.KindBool},
	{Name: "Receive More Updates About Our Courses", Kind: datasets.KindBool},
	{Name: "Tags", Kind: datasets.KindCategory},
	{Name: "Lead Quality", Kind: datasets.KindCategory},
	{Name: "Lead Profile", Kind: datasets.KindCategory},
	{Name: "City", Kind: datasets.KindCategory},
	{Name: "Asymmetrique Activity Index", Kind: datasets.KindCategory},
	{Name: "Asymmetrique Profile Index", Kind: datasets.KindCategory},
	{Name: "Asymmetrique Activity Score", Kind: datasets.KindNumber},
	{Name: "Asymmetrique Profile Score", Kind: datasets.KindNumber},
	{Name: "A free copy of Mastering The Interview", Kind: datasets.KindBool},
	{Name: "Last Notable Activity", Kind: datasets.KindCategory},
}

func TestLintFindsEveryProblem(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("testdata", "lint.yaml"))
	require.NoError(t, err)
	schema := append(append([]datasets.Field(nil), b2bSchema...), datasets.Field{Name: "do_not_email", Kind: datasets.KindBool})
	got := Lint(data, "lint.yaml", schema, generatorEvents)

	want := []struct {
		line     int
		severity Severity
		message  string
	}{
		{4, SeverityWarning, `field "Seniority" is not in the schema, so the rule sees it as missing; did you mean "seniority"?`},
		{5, SeverityWarning, `field "employes" is not in the schema, so the rule sees it as missing; did you mean "employees"?`},
		{6, SeverityError, `gte on category field "industry" is a numeric condition on a field that is not a number`},
		{7, SeverityWarning, `event type "demo_requets" does not occur in the data, so the rule never fires; did you mean "demo_request"?`},
		{8, SeverityWarning, "max_points has no effect without per_event: true"},
		{9, SeverityWarning, "points: 0 never changes the score"},
		{10, SeverityError, `name "Demo" is already used by the rule at line 7`},
		{11, SeverityError, `equals on number field "annual_revenue" never matches "lots": it is not a number`},
		{12, SeverityError, `in on boolean field "do_not_email" never matches "maybe"`},
		{13, SeverityError, `contains on number field "employees" never fires`},
		{14, SeverityWarning, "points are ignored on a disqualify rule"},
	}
	require.Len(t, got, len(want), "%v", got)
	for i, w := range want {
		t.Run(fmt.Sprintf("line %d", w.line), func(t *testing.T) {
			p := got[i]
			assert.Equal(t, w.line, p.Line)
			assert.Positive(t, p.Column)
			assert.Equal(t, w.severity, p.Severity)
			assert.Contains(t, p.Message, w.message)
			assert.Equal(t, "lint.yaml", p.File)
		})
	}
}

func TestLintIncludesParseProblems(t *testing.T) {
	cases := []struct {
		name    string
		src     string
		line    int
		message string
	}{
		{"tiers hot below warm", "name: t\ntiers: {hot: 20, warm: 30}\nrules:\n  - {name: r, when: {event: x}, points: 1}\n", 2, "tiers.hot: 20 must be above tiers.warm (30)"},
		{"tiers hot equals warm", "name: t\ntiers: {hot: 30, warm: 30}\nrules:\n  - {name: r, when: {event: x}, points: 1}\n", 2, "must be above"},
		{"conflicting equals and not_in", head + "  - {name: r, when: {field: f, equals: a, not_in: [a, b]}, points: 1}\n", 4, `conflicting conditions: equals "a" is also in the not_in list`},
		{"conflicting missing and value", head + "  - {name: r, when: {field: f, missing: true, equals: a}, points: 1}\n", 4, "conflicting conditions: missing: true"},
		{"conflicting in and not_in", head + "  - {name: r, when: {field: f, in: [a], not_in: [A, b]}, points: 1}\n", 4, "every value of in is also in not_in"},
		{"conflicting equals and in", head + "  - {name: r, when: {field: f, equals: c, in: [a, b]}, points: 1}\n", 4, `equals "c" is not in the in list`},
		{"conflicting equals and range", head + "  - {name: r, when: {field: f, equals: 3, gte: 5}, points: 1}\n", 4, "equals 3 is outside the gte/lte range"},
		{"unknown key", head + "  - {name: r, when: {event: x}, points: 1, disqualfy: true}\n", 4, `did you mean "disqualify"?`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got := Lint([]byte(tc.src), "t.yaml", nil, nil)
			require.Len(t, got, 1, "%v", got)
			assert.Equal(t, SeverityError, got[0].Severity)
			assert.Equal(t, tc.line, got[0].Line)
			assert.Contains(t, got[0].Message, tc.message)
		})
	}
}

func TestLintWithoutSchemaSkipsSchemaChecks(t *testing.T) {
	src := head + "  - {name: r, when: {field: nowhere, gte: 1}, points: 1}\n  - {name: s, when: {event: nothing}, points: 1}\n"
	assert.Empty(t, Lint([]byte(src), "t.yaml", nil, nil))
	assert.Len(t, Lint([]byte(src), "t.yaml", b2bSchema, generatorEvents), 2)
}

func TestDefaultSheets(t *testing.T) {
	cases := []struct {
		profile string
		schema  []datasets.Field
		events  []string
	}{
		{"b2b", b2bSchema, generatorEvents},
		{"b2c", b2cSchema, generatorEvents},
		{"xeducation", xeducationSchema, []string{}},
	}
	require.Len(t, Profiles(), len(cases))
	for _, tc := range cases {
		t.Run(tc.profile, func(t *testing.T) {
			data := Default(tc.profile)
			require.NotEmpty(t, data)
			s, err := Parse(data, tc.profile+".yaml")
			require.NoError(t, err)
			assert.Equal(t, tc.profile, s.Name())
			assert.Equal(t, 30.0, s.MQL(), "MQL at 30 points, as common practice")
			assert.Equal(t, 60.0, s.Hot())
			assert.Empty(t, Lint(data, tc.profile+".yaml", tc.schema, tc.events))

			data[0] = '!'
			assert.NotEqual(t, data[0], Default(tc.profile)[0], "Default returns a fresh copy")
		})
	}
	assert.Nil(t, Default("b2x"))
}

// TestXEducationSheetUsesNoSalesColumns keeps the sales-filled columns, which
// leak the outcome, out of the shipped sheet.
func TestXEducationSheetUsesNoSalesColumns(t *testing.T) {
	s, err := Parse(Default("xeducation"), "xeducation.yaml")
	require.NoError(t, err)
	banned := map[string]bool{"Tags": true, "Lead Quality": true, "Lead Profile": true, "Last Notable Activity": true,
		"Asymmetrique Activity Index": true, "Asymmetrique Profile Index": true, "Asymmetrique Activity Score": true,
		"Asymmetrique Profile Score": true, "Converted": true}
	for _, r := range s.rules {
		require.NotNil(t, r.field, "the export has no events")
		assert.False(t, banned[r.field.field], "rule %q uses %q", r.name, r.field.field)
	}
}
