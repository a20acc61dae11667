package sqlgen_test

import (
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/leadscore/leadscore/models"
	"github.com/leadscore/leadscore/models/sqlgen"
)

var update = flag.Bool("update", false, "rewrite the golden SQL files in testdata/golden")

// goldenBundle is the fixture bundle trained with the defaults (folded
// categories, word features, rule-sheet inputs) made small enough to
// read: its first three trees and every hundredth population quantile.
func goldenBundle(t *testing.T) *models.Bundle {
	b, _ := defaultBundle(t)
	g := *b.GBM
	g.Roots = g.Roots[:3]
	b.GBM = &g
	pop := map[string][]float64{}
	for m, q := range b.Scoring.Population {
		var s []float64
		for i := 0; i < len(q); i += 100 {
			s = append(s, q[i])
		}
		pop[m] = s
	}
	b.Scoring.Population = pop
	return b
}

// The dialects no engine here runs (BigQuery, Snowflake, Spark; DuckDB
// needs cgo, which the build avoids, and runs in the module
// models/sqlgen/duckdbtest instead) are
// pinned as text: a change to the generator shows as a diff here, to be
// read and then accepted with -update. The others are executed by the
// tests beside this one.
func TestGolden(t *testing.T) {
	b := goldenBundle(t)
	for _, dialect := range []string{"bigquery", "duckdb", "snowflake", "spark"} {
		for _, tc := range []struct {
			model   string
			explain int
		}{{models.Logistic, 2}, {models.GBM, 0}, {models.Rules, 0}} {
			name := dialect + "_" + tc.model + ".sql"
			t.Run(name, func(t *testing.T) {
				q, err := sqlgen.Compile(b, sqlgen.Options{Dialect: dialect, Leads: "crm.leads", Events: "crm.events", AsOf: fixtureAsOf, Model: tc.model, Explain: tc.explain})
				require.NoError(t, err)
				path := filepath.Join("testdata", "golden", name)
				if *update {
					require.NoError(t, os.MkdirAll(filepath.Dir(path), 0o755))
					require.NoError(t, os.WriteFile(path, []byte(q), 0o644))
				}
				want, err := os.ReadFile(path)
				require.NoError(t, err, "run go test ./models/sqlgen -run TestGolden -update to write it")
				assert.Equal(t, string(want), q)
			})
		}
	}
}
