package sqlgen_test

import (
	"context"
	"database/sql"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/leadscore/leadscore/datasets"
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

// The query compiled against each shard's local tables, created as a view
// on every shard and read through a Distributed table over the views (the
// README's way to spread it over the shards), gives the same rows: leads
// and events are split by the same hash of the lead id, so every lead's
// events are on its shard.
func TestClickHouseViewPerShardMatchesGo(t *testing.T) {
	ch := sqlgentest.NewClickHouse(t)
	b, in := fixture(t)
	ctx := context.Background()
	require.NoError(t, ch.LoadDistributed(ctx, "leads", "lead_id", in.Leads))
	require.NoError(t, ch.LoadDistributed(ctx, "events", "lead_id", in.Events))
	q, err := sqlgen.Compile(b, sqlgen.Options{Dialect: "clickhouse", Leads: ch.Database + ".leads_local", Events: ch.Database + ".events_local", AsOf: fixtureAsOf, Model: models.Logistic})
	require.NoError(t, err)
	for i := range ch.Shards {
		_, err := ch.Exec(ctx, i, "CREATE VIEW "+ch.Database+".scored_local AS "+q, sqlgentest.QuerySettings)
		require.NoError(t, err)
		_, err = ch.Exec(ctx, i, fmt.Sprintf("CREATE TABLE %[1]s.scored AS %[1]s.scored_local ENGINE = Distributed(%[2]s, %[1]s, scored_local)", ch.Database, ch.Cluster), nil)
		require.NoError(t, err)
	}
	want, err := sqlgentest.Expected(b, in, fixtureAsOf, models.Logistic, 0)
	require.NoError(t, err)
	got, err := ch.Query(ctx, "SELECT * FROM "+ch.Database+".scored")
	require.NoError(t, err)
	sqlgentest.Compare(t, want, got)
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

// asOfCases are the models TestAsOfColumnMatchesGo checks.
var asOfCases = []struct {
	model   string
	explain int
}{{models.Logistic, 3}, {models.GBM, 0}, {models.Rules, 2}}

// withOwnCutoffs returns the fixture's leads with a scored_at column, half
// of them at fixtureAsOf and the others a month and a half later (more of
// them created by then, and later events counted), and, per asOfCases
// entry, Go's rows as of each lead's own time (with the entry's
// explanation when explain is set).
func withOwnCutoffs(t *testing.T, b *models.Bundle, in features.Inputs, explain bool) (*datasets.Table, []map[string]sqlgentest.Row) {
	t.Helper()
	later := fixtureAsOf.Add(45 * 24 * time.Hour)
	ids, err := in.Leads.MustCol(b.Spec.Config.WithDefaults().ID)
	require.NoError(t, err)
	at := datasets.NewColumn("scored_at", datasets.KindTime, in.Leads.Rows())
	own := map[string]time.Time{}
	for i := 0; i < in.Leads.Rows(); i++ {
		cut := fixtureAsOf
		if i%2 == 1 {
			cut = later
		}
		at.Time = append(at.Time, cut.UnixNano())
		own[ids.String(i)] = cut
	}
	leads := *in.Leads
	leads.Columns = append(append([]*datasets.Column{}, in.Leads.Columns...), at)
	var wants []map[string]sqlgentest.Row
	for _, tc := range asOfCases {
		want := map[string]sqlgentest.Row{}
		for _, cut := range []time.Time{fixtureAsOf, later} {
			k := tc.explain
			if !explain {
				k = 0
			}
			rows, err := sqlgentest.Expected(b, in, cut, tc.model, k)
			require.NoError(t, err)
			for id, r := range rows {
				if own[id].Equal(cut) {
					want[id] = r
				}
			}
		}
		require.Greater(t, len(want), in.Leads.Rows()/3, "most leads are scored")
		wants = append(wants, want)
	}
	return &leads, wants
}

// With --as-of-column every lead is scored as of its own time; each lead's
// row must equal Go's as of that time, in SQLite and PostgreSQL.
func TestAsOfColumnMatchesGo(t *testing.T) {
	b, in := fixture(t)
	leads, wants := withOwnCutoffs(t, b, in, true)
	ctx := context.Background()
	engines := map[string]*sql.DB{"sqlite": sqliteWith(t, features.Inputs{Leads: leads, Events: in.Events})}
	loc, err := sqldb.Parse(pgtest.URL(t))
	require.NoError(t, err)
	pg, err := sqldb.Open(ctx, loc, sqldb.ReadWrite)
	require.NoError(t, err)
	defer pg.Close()
	require.NoError(t, sqlgentest.Load(ctx, pg, "postgres", "leads", leads))
	require.NoError(t, sqlgentest.Load(ctx, pg, "postgres", "events", in.Events))
	engines["postgres"] = pg
	for k, tc := range asOfCases {
		for dialect, db := range engines {
			t.Run(dialect+"/"+tc.model, func(t *testing.T) {
				q, err := sqlgen.Compile(b, sqlgen.Options{Dialect: dialect, Leads: "leads", Events: "events", AsOfColumn: "scored_at", Model: tc.model, Explain: tc.explain})
				require.NoError(t, err)
				got, err := sqlgentest.Query(ctx, db, q)
				require.NoError(t, err)
				sqlgentest.Compare(t, wants[k], got)
			})
		}
	}
}

// The same through ClickHouse's two shards (no --explain there), for the
// logistic model and the rule sheet, which read every event aggregate: the
// gbm differs only after them, and 18.16 takes about a minute to analyse
// each of these queries.
func TestClickHouseAsOfColumnMatchesGo(t *testing.T) {
	ch := sqlgentest.NewClickHouse(t)
	b, in := fixture(t)
	leads, wants := withOwnCutoffs(t, b, in, false)
	ctx := context.Background()
	require.NoError(t, ch.LoadDistributed(ctx, "leads", "lead_id", leads))
	require.NoError(t, ch.LoadDistributed(ctx, "events", "lead_id", in.Events))
	for k, tc := range asOfCases {
		if tc.model == models.GBM {
			continue
		}
		t.Run(tc.model, func(t *testing.T) {
			q, err := sqlgen.Compile(b, sqlgen.Options{Dialect: "clickhouse", Leads: ch.Database + ".leads", Events: ch.Database + ".events", AsOfColumn: "scored_at", Model: tc.model})
			require.NoError(t, err)
			got, err := ch.Query(ctx, q)
			require.NoError(t, err)
			sqlgentest.Compare(t, wants[k], got)
		})
	}
}
