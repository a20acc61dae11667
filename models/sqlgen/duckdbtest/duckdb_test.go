//go:build duckdb

package duckdbtest

import (
	"context"
	"database/sql"
	"testing"

	_ "github.com/duckdb/duckdb-go/v2"
	"github.com/stretchr/testify/require"

	"github.com/leadscore/leadscore/models/sqlgen/sqlgentest"
)

// The compiled duckdb query, run in an in-memory DuckDB over the fixture
// history, gives every lead the probability of leadscore score --as-of
// within 1e-9 for logistic, gbm and rules, the same scores, percentiles,
// grades and tiers, and the logistic and rules explanations.
func TestDuckDBMatchesGo(t *testing.T) {
	ctx := context.Background()
	b, in := sqlgentest.Fixture(t)
	db, err := sql.Open("duckdb", "")
	require.NoError(t, err)
	defer db.Close()
	// One connection: an in-memory database is private to its connection.
	db.SetMaxOpenConns(1)
	var version string
	require.NoError(t, db.QueryRowContext(ctx, "SELECT version()").Scan(&version))
	t.Logf("DuckDB %s", version)
	// Timestamps are compared in UTC, as the other engines' sessions do.
	_, err = db.ExecContext(ctx, "SET TimeZone = 'UTC'")
	require.NoError(t, err)
	require.NoError(t, sqlgentest.Load(ctx, db, "duckdb", "leads", in.Leads))
	require.NoError(t, sqlgentest.Load(ctx, db, "duckdb", "events", in.Events))
	sqlgentest.CheckEngine(t, "duckdb", func(q string) (map[string]sqlgentest.Row, error) { return sqlgentest.Query(ctx, db, q) }, b, in)
}
