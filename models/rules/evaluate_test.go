package rules

import (
	"fmt"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/leadscore/leadscore/datasets"
	"github.com/leadscore/leadscore/features"
)

// cutoff is the scoring moment of every test lead.
var cutoff = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

const day = 24 * time.Hour

func mustParse(t testing.TB, src string) *Sheet {
	t.Helper()
	s, err := Parse([]byte(src), "test.yaml")
	require.NoError(t, err)
	return s
}

// oneRule is a sheet with a single rule "r" worth 10 points with the given
// condition and extra keys.
func oneRule(t testing.TB, when, extra string) *Sheet {
	t.Helper()
	return mustParse(t, fmt.Sprintf("name: t\ntiers: {hot: 20, warm: 10}\nrules:\n  - {name: r, when: %s, points: 10%s}\n", when, extra))
}

func num(f float64) features.Value { return features.Value{Kind: datasets.KindNumber, Num: f} }
func cat(s string) features.Value  { return features.Value{Kind: datasets.KindCategory, Str: s} }
func text(s string) features.Value { return features.Value{Kind: datasets.KindText, Str: s} }
func boolean(b bool) features.Value {
	v := features.Value{Kind: datasets.KindBool}
	if b {
		v.Num = 1
	}
	return v
}

func ev(typ string, ago time.Duration, attrs ...string) features.Event {
	e := features.Event{Type: typ, Time: cutoff.Add(-ago)}
	if len(attrs) > 0 {
		e.Attrs = make(map[string]string)
		for i := 0; i+1 < len(attrs); i += 2 {
			e.Attrs[attrs[i]] = attrs[i+1]
		}
	}
	return e
}

func leadWith(fields map[string]features.Value, events ...features.Event) *features.Lead {
	return &features.Lead{ID: "l1", Cutoff: cutoff, Fields: fields, Events: events}
}

func TestFieldConditions(t *testing.T) {
	cases := []struct {
		name  string
		when  string
		value *features.Value // nil: field absent
		want  bool
	}{
		{"equals category ignores case and space", "{field: f, equals: Student}", ptr(cat("  sTUDENT ")), true},
		{"equals category other value", "{field: f, equals: Student}", ptr(cat("teacher")), false},
		{"equals number", "{field: f, equals: 5}", ptr(num(5)), true},
		{"equals number other", "{field: f, equals: 5}", ptr(num(5.5)), false},
		{"equals text word on number", "{field: f, equals: five}", ptr(num(5)), false},
		{"bool equals yes", "{field: f, equals: 'yes'}", ptr(boolean(true)), true},
		{"bool equals no on true", "{field: f, equals: 'no'}", ptr(boolean(true)), false},
		{"bool equals 0 on false", "{field: f, equals: 0}", ptr(boolean(false)), true},
		{"bool equals true", "{field: f, equals: true}", ptr(boolean(true)), true},
		{"category Yes equals true", "{field: f, equals: true}", ptr(cat("Yes")), true},
		{"category No equals 1", "{field: f, equals: 1}", ptr(cat("No")), false},
		{"in category", "{field: f, in: [vp, director, c_level]}", ptr(cat("Director")), true},
		{"in category miss", "{field: f, in: [vp, director]}", ptr(cat("manager")), false},
		{"in numbers", "{field: f, in: [1, 2, 3]}", ptr(num(2)), true},
		{"in long list", "{field: f, in: [a, b, c, d, e, f, g, h, i, j, k, l, Mumbai]}", ptr(cat("MUMBAI")), true},
		{"in long list miss", "{field: f, in: [a, b, c, d, e, f, g, h, i, j, k, l, m]}", ptr(cat("z")), false},
		{"not_in present other", "{field: f, not_in: [student, retired]}", ptr(cat("employed")), true},
		{"not_in present listed", "{field: f, not_in: [student, retired]}", ptr(cat("Retired")), false},
		{"not_in missing does not fire", "{field: f, not_in: [student]}", nil, false},
		{"gte at bound", "{field: f, gte: 600}", ptr(num(600)), true},
		{"gte below", "{field: f, gte: 600}", ptr(num(599.9)), false},
		{"gte numeric text", "{field: f, gte: 600}", ptr(cat(" 700 ")), true},
		{"gte non-numeric text", "{field: f, gte: 600}", ptr(cat("lots")), false},
		{"gte missing", "{field: f, gte: 0}", nil, false},
		{"gte Missing flag", "{field: f, gte: 0}", ptr(features.Value{Kind: datasets.KindNumber, Missing: true}), false},
		{"lte at bound", "{field: f, lte: 17}", ptr(num(17)), true},
		{"lte above", "{field: f, lte: 17}", ptr(num(18)), false},
		{"between low bound", "{field: f, between: [25, 54]}", ptr(num(25)), true},
		{"between high bound", "{field: f, between: [25, 54]}", ptr(num(54)), true},
		{"between below", "{field: f, between: [25, 54]}", ptr(num(24.99)), false},
		{"between above", "{field: f, between: [25, 54]}", ptr(num(54.01)), false},
		{"gte and lte together", "{field: f, gte: 1, lte: 3}", ptr(num(4)), false},
		{"contains ignores case", "{field: f, contains: Student}", ptr(text("Senior STUDENT advisor")), true},
		{"contains miss", "{field: f, contains: student}", ptr(text("engineer")), false},
		{"contains on number never fires", "{field: f, contains: '5'}", ptr(num(5)), false},
		{"missing true on absent field", "{field: f, missing: true}", nil, true},
		{"missing true on Missing flag", "{field: f, missing: true}", ptr(features.Value{Kind: datasets.KindCategory, Str: "x", Missing: true}), true},
		{"missing true on empty text", "{field: f, missing: true}", ptr(cat("   ")), true},
		{"missing true on value", "{field: f, missing: true}", ptr(num(0)), false},
		{"missing false on value", "{field: f, missing: false}", ptr(num(0)), true},
		{"missing false on absent", "{field: f, missing: false}", nil, false},
		{"missing false on time", "{field: f, missing: false}", ptr(features.Value{Kind: datasets.KindTime, Time: cutoff}), true},
		{"missing false with not_in", "{field: f, missing: false, not_in: [select]}", ptr(cat("Select")), false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s := oneRule(t, tc.when, "")
			fields := map[string]features.Value{"other": num(1)}
			if tc.value != nil {
				fields["f"] = *tc.value
			}
			res := s.Evaluate(leadWith(fields))
			if tc.want {
				require.Len(t, res.Fired, 1)
				assert.Equal(t, Fired{Rule: "r", Points: 10}, res.Fired[0])
				assert.Equal(t, 10.0, res.Points)
			} else {
				assert.Empty(t, res.Fired)
				assert.Equal(t, 0.0, res.Points)
			}
		})
	}
}

func ptr[T any](v T) *T { return &v }

func TestEventConditions(t *testing.T) {
	cases := []struct {
		name      string
		when      string
		events    []features.Event
		wantCount int // 0: not fired
	}{
		{"type", "{event: form_submit}", []features.Event{ev("form_submit", day), ev("email_open", day)}, 1},
		{"type ignores case", "{event: Form_Submit}", []features.Event{ev("FORM_SUBMIT", day)}, 1},
		{"type listed twice counts once", "{event: [demo_request, Demo_Request]}", []features.Event{ev("demo_request", day)}, 1},
		{"type list", "{event: [free_trial_signup, demo_request]}", []features.Event{ev("demo_request", day), ev("free_trial_signup", 2*day), ev("email_open", day)}, 2},
		{"no match", "{event: demo_request}", []features.Event{ev("email_open", day)}, 0},
		{"attribute", "{event: page_view, page: pricing}", []features.Event{ev("page_view", day, "page", "Pricing"), ev("page_view", day, "page", "blog"), ev("page_view", day)}, 1},
		{"attribute list", "{event: page_view, page: [contact, directions]}", []features.Event{ev("page_view", day, "page", "contact"), ev("page_view", day, "page", "directions"), ev("page_view", day, "page", "home")}, 2},
		{"two attributes", "{event: social_interaction, channel: linkedin, page: home}", []features.Event{ev("social_interaction", day, "channel", "linkedin"), ev("social_interaction", day, "channel", "linkedin", "page", "home")}, 1},
		{"attribute without type", "{channel: linkedin}", []features.Event{ev("social_interaction", day, "channel", "linkedin"), ev("email_open", day, "channel", "LinkedIn"), ev("email_open", day, "channel", "email")}, 2},
		{"min_count reached", "{event: page_view, min_count: 3}", []features.Event{ev("page_view", 3*day), ev("page_view", 2*day), ev("page_view", day)}, 3},
		{"min_count not reached", "{event: page_view, min_count: 3}", []features.Event{ev("page_view", 2*day), ev("page_view", day)}, 0},
		{"at or after cutoff ignored", "{event: demo_request}", []features.Event{ev("demo_request", 0), ev("demo_request", -day)}, 0},
		{"within_days", "{event: email_open, within_days: 7}", []features.Event{ev("email_open", 10*day), ev("email_open", 6*day)}, 1},
		{"event at the zero time counts without a window", "{event: x}", []features.Event{{Type: "x"}}, 1},
		{"event at the zero time is outside any window", "{event: x, within_days: 36500}", []features.Event{{Type: "x"}}, 0},
		{"event type with spaces", "{event: x}", []features.Event{ev(" X ", day)}, 1},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s := oneRule(t, tc.when, "")
			res := s.Evaluate(leadWith(nil, tc.events...))
			if tc.wantCount == 0 {
				assert.Empty(t, res.Fired)
				return
			}
			require.Len(t, res.Fired, 1)
			assert.Equal(t, tc.wantCount, res.Fired[0].Count)
			assert.Equal(t, 10.0, res.Fired[0].Points, "a non-per-event rule adds its points once")
		})
	}
}

// TestWithinDaysBoundary pins the window [cutoff - days, cutoff): an event
// exactly at the cutoff is excluded, one exactly within_days before it is
// included, one a nanosecond earlier is not.
func TestWithinDaysBoundary(t *testing.T) {
	s := oneRule(t, "{event: page_view, within_days: 30}", "")
	cases := []struct {
		name string
		ago  time.Duration
		want bool
	}{
		{"exactly at cutoff", 0, false},
		{"just before cutoff", time.Nanosecond, true},
		{"exactly 30 days before", 30 * day, true},
		{"30 days and 1ns before", 30*day + time.Nanosecond, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			res := s.Evaluate(leadWith(nil, ev("page_view", tc.ago)))
			assert.Equal(t, tc.want, len(res.Fired) == 1)
		})
	}
}

func TestPerEventMaxPoints(t *testing.T) {
	many := func(n int) []features.Event {
		evs := make([]features.Event, n)
		for i := range evs {
			evs[i] = ev("page_view", time.Duration(i+1)*time.Hour, "page", "pricing")
		}
		return evs
	}
	cases := []struct {
		name   string
		extra  string
		points string
		n      int
		want   float64
	}{
		{"below max", ", per_event: true, max_points: 30", "", 2, 20},
		{"at max", ", per_event: true, max_points: 30", "", 3, 30},
		{"clipped at max", ", per_event: true, max_points: 30", "", 7, 30},
		{"no max", ", per_event: true", "", 7, 70},
		{"not per event", "", "", 7, 10},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s := oneRule(t, "{event: page_view, page: pricing}", tc.extra)
			res := s.Evaluate(leadWith(nil, many(tc.n)...))
			require.Len(t, res.Fired, 1)
			assert.Equal(t, tc.want, res.Fired[0].Points)
			assert.Equal(t, tc.n, res.Fired[0].Count)
			assert.Equal(t, tc.want, res.Points)
		})
	}
	t.Run("negative points clip at -max", func(t *testing.T) {
		s := mustParse(t, "name: t\ntiers: {hot: 20, warm: 10}\nrules:\n  - {name: r, when: {event: email_bounce}, points: -5, per_event: true, max_points: 12}\n")
		res := s.Evaluate(leadWith(nil, ev("email_bounce", day), ev("email_bounce", 2*day), ev("email_bounce", 3*day)))
		require.Len(t, res.Fired, 1)
		assert.Equal(t, -12.0, res.Fired[0].Points)
	})
}

func TestDecay(t *testing.T) {
	const sheet = `name: t
tiers: {hot: 100, warm: 50}
groups:
  engagement: {half_life_days: 30}
rules:
  - {name: visit, group: engagement, when: {event: page_view}, points: 10, per_event: true}
  - {name: demo, group: engagement, when: {event: demo_request}, points: 40}
  - {name: title, group: engagement, when: {field: seniority, equals: vp}, points: 8}
`
	s := mustParse(t, sheet)
	cases := []struct {
		name   string
		events []features.Event
		rule   string
		want   float64
	}{
		{"one half-life halves", []features.Event{ev("page_view", 30*day)}, "visit", 5},
		{"two half-lives quarter", []features.Event{ev("page_view", 60*day)}, "visit", 2.5},
		{"per event sums decayed points", []features.Event{ev("page_view", 30*day), ev("page_view", 60*day)}, "visit", 7.5},
		{"non per event uses most recent match", []features.Event{ev("demo_request", 90*day), ev("demo_request", 30*day), ev("demo_request", 60*day)}, "demo", 20},
		{"field rules never decay", nil, "title", 8},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			res := s.Evaluate(leadWith(map[string]features.Value{"seniority": cat("VP")}, tc.events...))
			var got *Fired
			for i := range res.Fired {
				if res.Fired[i].Rule == tc.rule {
					got = &res.Fired[i]
				}
			}
			require.NotNil(t, got, "rule %s should fire", tc.rule)
			assert.InDelta(t, tc.want, got.Points, 1e-9)
			assert.Equal(t, "engagement", got.Group)
		})
	}
}

func TestGroupCaps(t *testing.T) {
	const sheet = `name: t
tiers: {hot: 60, warm: 30}
groups:
  fit: {cap: 40}
  engagement: {cap: 20}
rules:
  - {name: senior, group: fit, when: {field: seniority, equals: vp}, points: 30}
  - {name: big, group: fit, when: {field: employees, gte: 1000}, points: 25}
  - {name: bounce, group: engagement, when: {event: email_bounce}, points: -15, per_event: true}
  - {name: demo, group: engagement, when: {event: demo_request}, points: 50}
  - {name: partner, when: {field: lead_source, equals: partner}, points: 7}
`
	s := mustParse(t, sheet)
	cases := []struct {
		name            string
		fields          map[string]features.Value
		events          []features.Event
		fit, eng, total float64
	}{
		{"fit clipped at cap", map[string]features.Value{"seniority": cat("vp"), "employees": num(5000)}, nil, 40, 0, 40},
		{"fit below cap", map[string]features.Value{"seniority": cat("vp")}, nil, 30, 0, 30},
		{"engagement clipped at cap", nil, []features.Event{ev("demo_request", day)}, 0, 20, 20},
		{"engagement clipped at -cap", nil, []features.Event{ev("email_bounce", day), ev("email_bounce", 2*day)}, 0, -20, -20},
		{"ungrouped counts to total only", map[string]features.Value{"lead_source": cat("Partner"), "seniority": cat("vp")}, nil, 30, 0, 37},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			res := s.Evaluate(leadWith(tc.fields, tc.events...))
			assert.Equal(t, tc.fit, res.FitPoints)
			assert.Equal(t, tc.eng, res.EngagementPoints)
			assert.Equal(t, tc.total, res.Points)
		})
	}
	t.Run("fired points are before the cap", func(t *testing.T) {
		res := s.Evaluate(leadWith(nil, ev("demo_request", day)))
		require.Len(t, res.Fired, 1)
		assert.Equal(t, 50.0, res.Fired[0].Points)
	})
}

func TestDisqualify(t *testing.T) {
	const sheet = `name: t
tiers: {hot: 20, warm: 10}
groups:
  fit: {cap: 40}
rules:
  - {name: vp, group: fit, when: {field: seniority, equals: vp}, points: 25}
  - {name: student, when: {field: occupation, equals: student}, disqualify: true}
  - {name: spam trap, when: {event: email_bounce, min_count: 2}, disqualify: true}
`
	s := mustParse(t, sheet)
	t.Run("field", func(t *testing.T) {
		res := s.Evaluate(leadWith(map[string]features.Value{"seniority": cat("vp"), "occupation": cat("Student")}))
		assert.True(t, res.Disqualified)
		assert.Equal(t, TierDisqualified, res.Tier)
		assert.Equal(t, 25.0, res.Points, "points are still reported")
		assert.Equal(t, []Fired{{Rule: "vp", Group: "fit", Points: 25}, {Rule: "student"}}, res.Fired)
	})
	t.Run("event", func(t *testing.T) {
		res := s.Evaluate(leadWith(nil, ev("email_bounce", day), ev("email_bounce", 2*day)))
		assert.True(t, res.Disqualified)
		assert.Equal(t, []Fired{{Rule: "spam trap", Count: 2}}, res.Fired)
	})
	t.Run("not disqualified", func(t *testing.T) {
		res := s.Evaluate(leadWith(map[string]features.Value{"seniority": cat("vp"), "occupation": cat("employed")}, ev("email_bounce", day)))
		assert.False(t, res.Disqualified)
		assert.Equal(t, TierHot, res.Tier)
	})
}

func TestTiersAtThresholds(t *testing.T) {
	s := mustParse(t, `name: t
tiers: {hot: 50, warm: 30}
rules:
  - {name: r, when: {event: page_view}, points: 1, per_event: true}
  - {name: half, when: {field: half, equals: 'yes'}, points: -0.5}
`)
	assert.Equal(t, 30.0, s.MQL())
	assert.Equal(t, 50.0, s.Hot())
	cases := []struct {
		visits int
		half   bool
		want   string
	}{
		{0, false, TierCold},
		{30, true, TierCold},
		{30, false, TierWarm},
		{50, true, TierWarm},
		{50, false, TierHot},
		{80, false, TierHot},
	}
	for _, tc := range cases {
		t.Run(fmt.Sprintf("%d-%v", tc.visits, tc.half), func(t *testing.T) {
			evs := make([]features.Event, tc.visits)
			for i := range evs {
				evs[i] = ev("page_view", time.Hour)
			}
			res := s.Evaluate(leadWith(map[string]features.Value{"half": boolean(tc.half)}, evs...))
			assert.Equal(t, tc.want, res.Tier, "points %v", res.Points)
		})
	}
}

func TestGradeMatrix(t *testing.T) {
	defaults := mustParse(t, `name: t
tiers: {hot: 60, warm: 30}
groups: {fit: {cap: 40}, engagement: {cap: 60}}
rules: [{name: r, when: {event: x}, points: 1}]
`)
	custom := mustParse(t, `name: t
tiers: {hot: 60, warm: 30}
grades:
  fit: {A: 20, B: 10, C: 5}
  engagement: {"1": 30, "2": 10}
rules: [{name: r, when: {event: x}, points: 1}]
`)
	uncapped := mustParse(t, `name: t
tiers: {hot: 80, warm: 30}
rules: [{name: r, when: {event: x}, points: 1}]
`)
	cases := []struct {
		sheet    *Sheet
		fit, eng float64
		want     string
	}{
		// defaults from fit cap 40 (A 30, B 20, C 10) and engagement cap 60 (1 40, 2 20)
		{defaults, 40, 60, "A1"},
		{defaults, 30, 40, "A1"},
		{defaults, 29.9, 39.9, "B2"},
		{defaults, 20, 20, "B2"},
		{defaults, 19.9, 19.9, "C3"},
		{defaults, 10, 0, "C3"},
		{defaults, 9.9, 45, "D1"},
		{defaults, -5, -5, "D3"},
		{custom, 20, 30, "A1"},
		{custom, 10, 10, "B2"},
		{custom, 5, 9.99, "C3"},
		{custom, 4.99, 30, "D1"},
		// no caps: bands scale with hot (80): A 60, B 40, C 20; 1 53.3, 2 26.7
		{uncapped, 60, 54, "A1"},
		{uncapped, 40, 27, "B2"},
		{uncapped, 20, 26, "C3"},
	}
	for _, tc := range cases {
		t.Run(fmt.Sprintf("%v-%v-%s", tc.fit, tc.eng, tc.want), func(t *testing.T) {
			assert.Equal(t, tc.want, tc.sheet.grade(tc.fit, tc.eng))
		})
	}
	t.Run("through Evaluate", func(t *testing.T) {
		s := mustParse(t, `name: t
tiers: {hot: 60, warm: 30}
groups: {fit: {cap: 40}, engagement: {cap: 60}}
rules:
  - {name: vp, group: fit, when: {field: seniority, equals: vp}, points: 30}
  - {name: demo, group: engagement, when: {event: demo_request}, points: 25}
`)
		res := s.Evaluate(leadWith(map[string]features.Value{"seniority": cat("vp")}, ev("demo_request", day)))
		assert.Equal(t, "A2", res.Grade)
		assert.Equal(t, TierWarm, res.Tier, "55 points")
	})
}

func TestEvaluateIgnoresEventOrderAndZeroCutoff(t *testing.T) {
	s := oneRule(t, "{event: page_view, within_days: 10}", ", per_event: true")
	sorted := leadWith(nil, ev("page_view", 20*day), ev("page_view", 5*day), ev("page_view", day))
	shuffled := leadWith(nil, ev("page_view", day), ev("page_view", 20*day), ev("page_view", 5*day))
	assert.Equal(t, s.Evaluate(sorted), s.Evaluate(shuffled))
	zero := *sorted
	zero.Cutoff = time.Time{}
	assert.Empty(t, s.Evaluate(&zero).Fired, "with a zero cutoff no event is before it")
}

func TestDecayMath(t *testing.T) {
	assert.Equal(t, 1.0, decay(10*day, 0))
	assert.InDelta(t, 0.5, decay(7*day, 7), 1e-12)
	assert.InDelta(t, math.Pow(0.5, 1.5), decay(45*day, 30), 1e-12)
}

// TestManyRules covers sheets with more rules than Evaluate keeps on the
// stack.
func TestManyRules(t *testing.T) {
	var b strings.Builder
	b.WriteString("name: many\ntiers: {hot: 1000, warm: 100}\nrules:\n")
	for i := range 2 * stackRules {
		if i%2 == 0 {
			fmt.Fprintf(&b, "  - {name: field %d, when: {field: n, gte: %d}, points: 1}\n", i, i)
		} else {
			fmt.Fprintf(&b, "  - {name: event %d, when: {event: e%d}, points: 2}\n", i, i%4)
		}
	}
	s := mustParse(t, b.String())
	res := s.Evaluate(leadWith(map[string]features.Value{"n": num(10)}, ev("e1", day), ev("e3", day)))
	// gte 0, 2, ..., 10: 6 field rules; every odd rule is an event rule on
	// e1 or e3, which both occurred: 64 rules worth 2.
	assert.Equal(t, 6.0+2*float64(stackRules), res.Points)
	assert.Len(t, res.Fired, 6+stackRules)
}

// Text is compared after features.FoldText, the one case folding of
// category levels and word features, whichever path a condition takes
// (a short or a long in list, contains, event types and attributes), so
// the SQL compiler can reproduce it.
func TestFoldedTextMatching(t *testing.T) {
	long := "[a1, a2, a3, a4, a5, a6, a7, a8, a9, a10, a11, istanbul, straße]"
	for _, tc := range []struct {
		when  string
		value string
		fires bool
	}{
		{"{field: city, equals: istanbul}", "İSTANBUL", true},
		{"{field: city, equals: İstanbul}", "ISTANBUL", true},
		{"{field: city, in: [istanbul, x]}", " İstanbul\u00a0", true},
		{"{field: city, in: " + long + "}", "İstanbul", true},
		{"{field: city, in: " + long + "}", "STRAẞE", true},
		{"{field: city, not_in: " + long + "}", "STRAẞE", false},
		{"{field: city, in: [straße, x]}", "STRAẞE", true},
		{"{field: city, equals: strasse}", "STRAẞE", false},
		{"{field: city, contains: straße}", "Große STRAẞE 5", true},
		{"{field: city, contains: \"k\"}", "\u212a", true},
		{"{field: city, contains: \"ﬁ\"}", "fi", false},
		{"{field: ok, equals: yes}", "YEſ", true},
	} {
		s := oneRule(t, tc.when, "")
		field := "city"
		if strings.Contains(tc.when, "field: ok") {
			field = "ok"
		}
		r := s.Evaluate(leadWith(map[string]features.Value{field: text(tc.value)}))
		assert.Equal(t, tc.fires, len(r.Fired) == 1, "%s on %q", tc.when, tc.value)
	}
	s := oneRule(t, "{event: FORM_Submit, page: İletişim}", "")
	r := s.Evaluate(leadWith(nil, ev(" form_submİt\t", time.Hour, "page", "İLETİŞİM")))
	assert.Len(t, r.Fired, 1)
}
