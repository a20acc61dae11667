//go:build duckdb

package duckdbtest

import (
	"context"
	"database/sql"
	"testing"

	_ "github.com/duckdb/duckdb-go/v2"
	"github.com/stretchr/testify/require"

	"github.com/leadscore/leadscore/features"
	"github.com/leadscore/leadscore/models/sqlgen/sqlgentest"
)

// duckdbWith opens an in-memory DuckDB holding in's leads and events,
// closed when t ends.
func duckdbWith(t *testing.T, in features.Inputs) *sql.DB {
	t.Helper()
	ctx := context.Background()
	db, err := sql.Open("duckdb", "")
	require.NoError(t, err)
	t.Cleanup(func() { db.Close() })
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
	return db
}

// The compiled duckdb query, run in an in-memory DuckDB, gives every lead
// the probability of leadscore score --as-of within 1e-9 for logistic, gbm
// and rules, the same scores, percentiles, grades and tiers, and the
// logistic and rules explanations: on the default-trained fixture bundle
// over its respelled history, as in SQLite and PostgreSQL.
func TestDuckDBMatchesGo(t *testing.T) {
	b, in := sqlgentest.DefaultFixture(t)
	db := duckdbWith(t, in)
	ctx := context.Background()
	sqlgentest.CheckEngine(t, sqlgentest.EngineCases, "duckdb", func(q string) (map[string]sqlgentest.Row, error) { return sqlgentest.Query(ctx, db, q) }, b, in)
}

// The legacy fixture bundle (trained before category folding) is checked
// with the cases it compiles differently, as in SQLite and PostgreSQL.
func TestDuckDBLegacyBundleMatchesGo(t *testing.T) {
	b, in := sqlgentest.LegacyFixture(t)
	db := duckdbWith(t, in)
	ctx := context.Background()
	sqlgentest.CheckEngine(t, sqlgentest.LegacyCases, "duckdb", func(q string) (map[string]sqlgentest.Row, error) { return sqlgentest.Query(ctx, db, q) }, b, in)
}
