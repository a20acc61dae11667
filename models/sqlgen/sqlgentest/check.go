package sqlgentest

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/leadscore/leadscore/datasets"
	"github.com/leadscore/leadscore/features"
	"github.com/leadscore/leadscore/models"
	"github.com/leadscore/leadscore/models/modelstest"
	"github.com/leadscore/leadscore/models/sqlgen"
)

// FixtureAsOf is inside the fixture history, so some leads are created
// after it (left out) and the others have events on both sides of it.
var FixtureAsOf = time.Date(2025, 9, 1, 12, 0, 0, 0, time.UTC)

// EngineCase is one model, and how many contributions to explain, that an
// engine's compiled query is checked with.
type EngineCase struct {
	Model   string
	Explain int
}

// Name is the subtest's name: the model, with -explain when explained.
func (c EngineCase) Name() string {
	if c.Explain > 0 {
		return c.Model + "-explain"
	}
	return c.Model
}

// EngineCases are the models and explanations every engine is checked
// with.
var EngineCases = []EngineCase{{models.Logistic, 0}, {models.GBM, 0}, {models.Rules, 0}, {models.Logistic, 3}, {models.Rules, 2}}

// LegacyCases are what the legacy bundle (categories as spelled, no word
// features or rule inputs) is still checked with: the parts the default
// bundle compiles differently (the category levels, the gbm's and the
// logistic model's columns); the rest is common.
var LegacyCases = []EngineCase{{models.GBM, 0}, {models.Logistic, 3}}

// DefaultBundle loads the fixture bundle trained with the defaults
// (modelstest.NewFixture), removed when t ends.
func DefaultBundle(t *testing.T) (*models.Bundle, *modelstest.Fixture) {
	t.Helper()
	f, err := modelstest.NewFixture("v1")
	require.NoError(t, err)
	t.Cleanup(f.Remove)
	b, err := models.Load(f.Bundle)
	require.NoError(t, err)
	return b, f
}

// DefaultFixture is the default-trained fixture bundle (folded categories,
// word features, rule-sheet inputs: checked here) and its history with the
// category values, event types and attributes respelled (Respell).
func DefaultFixture(t *testing.T) (*models.Bundle, features.Inputs) {
	t.Helper()
	b, f := DefaultBundle(t)
	var err error
	require.True(t, b.Spec.FoldCategories)
	require.Positive(t, b.RuleInputs.Len())
	tokens := 0
	for _, f := range b.Spec.Features {
		if f.Origin == "token" {
			tokens++
		}
	}
	require.Positive(t, tokens, "the fixture has word features")
	dir := t.TempDir()
	opt := datasets.ReadOptions{MissingValues: b.Spec.Config.MissingValues}
	var in features.Inputs
	in.Leads, _, err = datasets.ReadFile(Respell(t, filepath.Join(f.Data, "leads.csv"), filepath.Join(dir, "leads.csv"),
		[]string{"job_title", "industry", "country", "seniority", "lead_source"}), opt)
	require.NoError(t, err)
	in.Events, _, err = datasets.ReadFile(Respell(t, filepath.Join(f.Data, "events.csv"), filepath.Join(dir, "events.csv"),
		[]string{"type", "page", "channel"}), opt)
	require.NoError(t, err)
	return b, in
}

// LegacyFixture loads the legacy fixture bundle (modelstest.NewLegacyFixture,
// trained before category folding) and its history, removed when t ends.
func LegacyFixture(t *testing.T) (*models.Bundle, features.Inputs) {
	t.Helper()
	f, err := modelstest.NewLegacyFixture("v1")
	require.NoError(t, err)
	t.Cleanup(f.Remove)
	b, err := models.Load(f.Bundle)
	require.NoError(t, err)
	opt := datasets.ReadOptions{MissingValues: b.Spec.Config.MissingValues}
	var in features.Inputs
	in.Leads, _, err = datasets.ReadFile(filepath.Join(f.Data, "leads.csv"), opt)
	require.NoError(t, err)
	in.Events, _, err = datasets.ReadFile(filepath.Join(f.Data, "events.csv"), opt)
	require.NoError(t, err)
	return b, in
}

// CheckEngine compiles b for dialect over the tables "leads" and "events"
// (which hold in), runs each case's query through run and checks it
// against the Go scoring path as of FixtureAsOf. A query that fails is
// kept in the test's temporary folder as q.sql.
func CheckEngine(t *testing.T, cases []EngineCase, dialect string, run func(q string) (map[string]Row, error), b *models.Bundle, in features.Inputs) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.Name(), func(t *testing.T) {
			q, err := sqlgen.Compile(b, sqlgen.Options{Dialect: dialect, Leads: "leads", Events: "events", AsOf: FixtureAsOf, Model: tc.Model, Explain: tc.Explain})
			require.NoError(t, err)
			want, err := Expected(b, in, FixtureAsOf, tc.Model, tc.Explain)
			require.NoError(t, err)
			got, err := run(q)
			if err != nil {
				path := filepath.Join(t.TempDir(), "q.sql")
				if os.WriteFile(path, []byte(q), 0o644) == nil {
					t.Logf("the query is in %s", path)
				}
			}
			require.NoError(t, err)
			Compare(t, want, got)
		})
	}
}
