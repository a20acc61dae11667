package sqlgen_test

import (
	"context"
	"database/sql"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/leadscore/leadscore/datasets/sqldb"
	"github.com/leadscore/leadscore/features"
	"github.com/leadscore/leadscore/internal/pgtest"
	"github.com/leadscore/leadscore/models"
	"github.com/leadscore/leadscore/models/modelstest"
	"github.com/leadscore/leadscore/models/sqlgen"
	"github.com/leadscore/leadscore/models/sqlgen/sqlgentest"
)

// The engine tests' fixtures and checks are sqlgentest's, shared with the
// DuckDB test module (models/sqlgen/duckdbtest).
var (
	fixtureAsOf = sqlgentest.FixtureAsOf
	engineCases = sqlgentest.EngineCases
	legacyCases = sqlgentest.LegacyCases
)

func fixture(t *testing.T) (*models.Bundle, features.Inputs) { return sqlgentest.LegacyFixture(t) }
func defaultFixture(t *testing.T) (*models.Bundle, features.Inputs) {
	return sqlgentest.DefaultFixture(t)
}
func defaultBundle(t *testing.T) (*models.Bundle, *modelstest.Fixture) {
	return sqlgentest.DefaultBundle(t)
}

func TestSQLiteMatchesGo(t *testing.T) {
	b, in := fixture(t)
	cases := legacyCases
	ctx := context.Background()
	db := sqliteWith(t, in)
	sqlgentest.CheckEngine(t, cases, "sqlite", func(q string) (map[string]sqlgentest.Row, error) { return sqlgentest.Query(ctx, db, q) }, b, in)
}

func TestPostgresMatchesGo(t *testing.T) {
	url := pgtest.URL(t)
	b, in := fixture(t)
	cases := legacyCases
	ctx := context.Background()
	loc, err := sqldb.Parse(url)
	require.NoError(t, err)
	db, err := sqldb.Open(ctx, loc, sqldb.ReadWrite)
	require.NoError(t, err)
	defer db.Close()
	require.NoError(t, sqlgentest.Load(ctx, db, "postgres", "leads", in.Leads))
	require.NoError(t, sqlgentest.Load(ctx, db, "postgres", "events", in.Events))
	sqlgentest.CheckEngine(t, cases, "postgres", func(q string) (map[string]sqlgentest.Row, error) { return sqlgentest.Query(ctx, db, q) }, b, in)
}

// The compiled clickhouse query runs through Distributed tables over two
// MergeTree shards, split by cityHash64(lead_id), and agrees with Go: the
// bundle trained with the defaults on the respelled history, every model
// and both explanations.
func TestClickHouseTwoShardsMatchesGo(t *testing.T) {
	ch := sqlgentest.NewClickHouse(t)
	b, in := defaultFixture(t)
	ctx := context.Background()
	require.NoError(t, ch.LoadDistributed(ctx, "leads", "lead_id", in.Leads))
	require.NoError(t, ch.LoadDistributed(ctx, "events", "lead_id", in.Events))
	for _, tbl := range []struct {
		name string
		rows int
	}{{"leads", in.Leads.Rows()}, {"events", in.Events.Rows()}} {
		n, err := ch.ShardRows(ctx, tbl.name)
		require.NoError(t, err)
		require.Len(t, n, 2, "two shards")
		assert.Positive(t, n[0], "%s rows on shard 1", tbl.name)
		assert.Positive(t, n[1], "%s rows on shard 2", tbl.name)
		assert.Equal(t, tbl.rows, n[0]+n[1], "every %s row on exactly one shard", tbl.name)
	}
	for _, tc := range engineCases {
		t.Run(tc.Name(), func(t *testing.T) {
			q, err := sqlgen.Compile(b, sqlgen.Options{Dialect: "clickhouse", Leads: ch.Database + ".leads", Events: ch.Database + ".events", AsOf: fixtureAsOf, Model: tc.Model, Explain: tc.Explain})
			require.NoError(t, err)
			want, err := sqlgentest.Expected(b, in, fixtureAsOf, tc.Model, tc.Explain)
			require.NoError(t, err)
			start := time.Now()
			got, err := ch.Query(ctx, q)
			require.NoError(t, err)
			t.Logf("%d bytes of SQL, %d rows in %s", len(q), len(got), time.Since(start).Round(time.Millisecond))
			sqlgentest.Compare(t, want, got)
		})
	}
}

// The logistic model's out-of-range mode compiles too: widened and none
// give the same probabilities and contributions as Go, which differ from
// clipping on this history (its leads grow older than any snapshot).
func TestSQLiteOutOfRangeModes(t *testing.T) {
	b, in := fixture(t)
	ctx := context.Background()
	db := sqliteWith(t, in)
	clipped, err := sqlgentest.Expected(b, in, fixtureAsOf, models.Logistic, 0)
	require.NoError(t, err)
	for _, o := range []features.OutOfRange{{Mode: features.RangeWidened, Margin: 0.5}, {Mode: features.RangeNone}} {
		t.Run(o.Mode, func(t *testing.T) {
			spec, err := b.Spec.WithOutOfRange(o)
			require.NoError(t, err)
			bo := *b
			bo.Spec = spec
			q, err := sqlgen.Compile(&bo, sqlgen.Options{Dialect: "sqlite", Leads: "leads", Events: "events", AsOf: fixtureAsOf, Model: models.Logistic, Explain: 3})
			require.NoError(t, err)
			want, err := sqlgentest.Expected(&bo, in, fixtureAsOf, models.Logistic, 3)
			require.NoError(t, err)
			differs := 0
			for id, r := range want {
				if r.Probability != clipped[id].Probability {
					differs++
				}
			}
			require.Positive(t, differs, "the mode must change some leads' probability, or this test shows nothing")
			got, err := sqlgentest.Query(ctx, db, q)
			require.NoError(t, err)
			sqlgentest.Compare(t, want, got)
		})
	}
}

// The bundle trained with the defaults compiles, and its queries agree
// with Go on the respelled history in SQLite and PostgreSQL, in every
// model and both explanations.
func TestDefaultBundleSQLiteMatchesGo(t *testing.T) {
	b, in := defaultFixture(t)
	cases := engineCases
	ctx := context.Background()
	db := sqliteWith(t, in)
	sqlgentest.CheckEngine(t, cases, "sqlite", func(q string) (map[string]sqlgentest.Row, error) { return sqlgentest.Query(ctx, db, q) }, b, in)
}

func TestDefaultBundlePostgresMatchesGo(t *testing.T) {
	url := pgtest.URL(t)
	b, in := defaultFixture(t)
	cases := engineCases
	ctx := context.Background()
	loc, err := sqldb.Parse(url)
	require.NoError(t, err)
	db, err := sqldb.Open(ctx, loc, sqldb.ReadWrite)
	require.NoError(t, err)
	defer db.Close()
	require.NoError(t, sqlgentest.Load(ctx, db, "postgres", "leads", in.Leads))
	require.NoError(t, sqlgentest.Load(ctx, db, "postgres", "events", in.Events))
	sqlgentest.CheckEngine(t, cases, "postgres", func(q string) (map[string]sqlgentest.Row, error) { return sqlgentest.Query(ctx, db, q) }, b, in)
}

// sqliteWith loads the history's leads and events into a new SQLite file,
// closed when t ends.
func sqliteWith(t *testing.T, in features.Inputs) *sql.DB {
	t.Helper()
	ctx := context.Background()
	loc, err := sqldb.Parse("sqlite:" + filepath.Join(t.TempDir(), "w.db"))
	require.NoError(t, err)
	db, err := sqldb.Open(ctx, loc, sqldb.ReadWrite)
	require.NoError(t, err)
	t.Cleanup(func() { db.Close() })
	require.NoError(t, sqlgentest.Load(ctx, db, "sqlite", "leads", in.Leads))
	require.NoError(t, sqlgentest.Load(ctx, db, "sqlite", "events", in.Events))
	return db
}
