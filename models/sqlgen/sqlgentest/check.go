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

// Fixture loads the fixture bundle (the one the compiler takes without
// --sql-compatible, modelstest.NewLegacyFixture) and its history, removed
// when t ends.
func Fixture(t testing.TB) (*models.Bundle, features.Inputs) {
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
// (which hold in), runs each query through run and checks it against the
// Go scoring path as of FixtureAsOf: every model, and the logistic and
// rules explanations. A query that fails is kept in the test's temporary
// folder as q.sql.
func CheckEngine(t *testing.T, dialect string, run func(q string) (map[string]Row, error), b *models.Bundle, in features.Inputs) {
	t.Helper()
	for _, tc := range []struct {
		model   string
		explain int
	}{{models.Logistic, 0}, {models.GBM, 0}, {models.Rules, 0}, {models.Logistic, 3}, {models.Rules, 2}} {
		name := tc.model
		if tc.explain > 0 {
			name += "-explain"
		}
		t.Run(name, func(t *testing.T) {
			q, err := sqlgen.Compile(b, sqlgen.Options{Dialect: dialect, Leads: "leads", Events: "events", AsOf: FixtureAsOf, Model: tc.model, Explain: tc.explain})
			require.NoError(t, err)
			want, err := Expected(b, in, FixtureAsOf, tc.model, tc.explain)
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
