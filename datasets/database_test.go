package datasets_test

import (
	"context"
	"database/sql"
	"errors"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/leadscore/leadscore/datasets"
	"github.com/leadscore/leadscore/datasets/sqldb"
	"github.com/leadscore/leadscore/internal/pgtest"
)

// dbLeadsCSV is the file the database tables below hold: text ids, a
// number with a "Select" marker and an empty value, a category, timestamps
// and a yes/no flag.
const dbLeadsCSV = `lead_id,visits,source,created_at,converted
L1,3,Google,2025-01-02 10:00:00,yes
L2,Select,Referral,2025-01-03 11:30:00,no
L3,,Google,2025-02-01 00:00:00,no
L4,0.1,Select,2025-02-11 09:15:00,yes
`

// dbRows are dbLeadsCSV's rows as typed values (nil for NULL).
var dbRows = [][]any{
	{"L1", 3.0, "Google", "2025-01-02 10:00:00", "yes"},
	{"L2", "Select", "Referral", "2025-01-03 11:30:00", "no"},
	{"L3", nil, "Google", "2025-02-01 00:00:00", "no"},
	{"L4", 0.1, "Select", "2025-02-11 09:15:00", "yes"},
}

// createLeads creates table leads in db with the given column types and
// writes dbRows into it (PostgreSQL placeholders when pg).
func createLeads(t *testing.T, db *sql.DB, types string, pg bool) {
	t.Helper()
	ctx := context.Background()
	_, err := db.ExecContext(ctx, "CREATE TABLE leads ("+types+")")
	require.NoError(t, err)
	ins := "INSERT INTO leads VALUES (?, ?, ?, ?, ?)"
	if pg {
		ins = "INSERT INTO leads VALUES ($1, $2, $3, $4, $5)"
	}
	for _, r := range dbRows {
		vals := append([]any(nil), r...)
		if pg {
			// Typed columns: "Select" cannot be stored in a double, so
			// PostgreSQL holds NULL there, as an export would.
			if _, ok := vals[1].(string); ok {
				vals[1] = nil
			}
			vals[4] = vals[4] == "yes"
		}
		_, err := db.ExecContext(ctx, ins, vals...)
		require.NoError(t, err)
	}
}

func sqliteLeads(t *testing.T) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "crm.db")
	loc, err := sqldb.Parse("sqlite:" + path)
	require.NoError(t, err)
	db, err := sqldb.Open(context.Background(), loc, sqldb.ReadWrite)
	require.NoError(t, err)
	defer db.Close()
	// Untyped text and numbers, as SQLite exports usually are.
	createLeads(t, db, "lead_id TEXT, visits, source TEXT, created_at TEXT, converted TEXT", false)
	return "sqlite:" + path
}

// A table read from SQLite or PostgreSQL, by table or by query, is the
// table the same rows give from a CSV file: the same kinds, values,
// missing counts and line (row) numbers.
func TestReadDatabaseLikeCSV(t *testing.T) {
	dir := t.TempDir()
	csvPath := filepath.Join(dir, "leads.csv")
	require.NoError(t, os.WriteFile(csvPath, []byte(dbLeadsCSV), 0o644))
	opt := datasets.ReadOptions{MissingValues: []string{"Select"}}
	want, wrep, err := datasets.ReadFile(csvPath, opt)
	require.NoError(t, err)

	lite := sqliteLeads(t)
	sources := []string{lite + "?table=leads", lite + "?query=" + url.QueryEscape("SELECT * FROM leads ORDER BY lead_id")}
	if pg := pgURL(t); pg != "" {
		db := openPG(t, pg)
		createLeads(t, db, "lead_id TEXT, visits DOUBLE PRECISION, source TEXT, created_at TIMESTAMPTZ, converted BOOLEAN", true)
		sources = append(sources, pg+"&table=leads", pg+"&query="+url.QueryEscape("SELECT * FROM leads ORDER BY lead_id"))
	}
	for _, src := range sources {
		t.Run(src[:strings.Index(src, ":")]+"/"+map[bool]string{true: "query", false: "table"}[strings.Contains(src, "query=")], func(t *testing.T) {
			got, rep, err := datasets.ReadFile(src, opt)
			require.NoError(t, err)
			require.Equal(t, len(want.Columns), len(got.Columns))
			for j, wc := range want.Columns {
				gc := got.Columns[j]
				require.Equal(t, wc.Name, gc.Name)
				require.Equal(t, wc.Kind, gc.Kind, "column %s", wc.Name)
				for i := 0; i < want.Rows(); i++ {
					assert.Equal(t, wc.IsMissing(i), gc.IsMissing(i), "column %s row %d missing", wc.Name, i+1)
					assert.Equal(t, wc.String(i), gc.String(i), "column %s row %d", wc.Name, i+1)
				}
			}
			assert.Equal(t, []int64{1, 2, 3, 4}, got.Line, "a row's line is its row number")
			assert.Equal(t, wrep.Rows, rep.Rows)
			assert.Equal(t, wrep.Missing, rep.Missing)
			assert.Contains(t, []string{"sqlite", "postgres"}, rep.Format)
		})
	}
}

// pgURL is the test server's fresh database with sslmode set, or "" when
// there is none (pgtest skips or fails the test then).
func pgURL(t *testing.T) string {
	if os.Getenv(pgtest.Env) == "" && os.Getenv("LEADSCORE_REQUIRE_POSTGRES") == "" {
		return ""
	}
	u := pgtest.URL(t)
	if !strings.Contains(u, "?") {
		u += "?sslmode=disable"
	}
	return u
}

func openPG(t *testing.T, raw string) *sql.DB {
	t.Helper()
	loc, err := sqldb.Parse(raw)
	require.NoError(t, err)
	db, err := sqldb.Open(context.Background(), loc, sqldb.ReadWrite)
	require.NoError(t, err)
	t.Cleanup(func() { db.Close() })
	return db
}

// Bad database input is refused with a message naming the URL, the table
// or the row and column, and what was expected; a password never shows.
func TestReadDatabaseErrors(t *testing.T) {
	lite := sqliteLeads(t)
	for _, tc := range []struct {
		name, src string
		opt       datasets.ReadOptions
		want      []string
	}{
		{"no table or query", lite, datasets.ReadOptions{}, []string{lite, "?table=NAME or ?query=SELECT"}},
		{"no such table", lite + "?table=deals", datasets.ReadOptions{}, []string{lite + "?table=deals", `table "deals"`, "no such table"}},
		{"bad query", lite + "?query=SELEC", datasets.ReadOptions{}, []string{"query", "syntax error"}},
		{"no such file", "sqlite:" + filepath.Join(t.TempDir(), "none.db") + "?table=leads", datasets.ReadOptions{}, []string{"none.db", "no such file"}},
		{"format given", lite + "?table=leads", datasets.ReadOptions{Format: "csv"}, []string{"leave out the format"}},
		{"required column", lite + "?table=leads", datasets.ReadOptions{Required: []string{"email"}}, []string{lite + "?table=leads", `"email"`}},
		{"value", lite + "?table=leads", datasets.ReadOptions{Types: map[string]datasets.Kind{"visits": datasets.KindNumber}},
			[]string{lite + "?table=leads line 2", `column "visits"`, `"Select" is not a number`}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, _, err := datasets.ReadFile(tc.src, tc.opt)
			require.Error(t, err)
			for _, w := range tc.want {
				assert.Contains(t, err.Error(), w)
			}
		})
	}
	t.Run("value error is a ValueErrors", func(t *testing.T) {
		tbl, _, err := datasets.ReadFile(lite+"?table=leads", datasets.ReadOptions{Types: map[string]datasets.Kind{"visits": datasets.KindNumber}})
		var ve *datasets.ValueErrors
		require.True(t, errors.As(err, &ve), "%v", err)
		assert.Equal(t, 1, ve.Count)
		require.NotNil(t, tbl, "the table is kept with the value missing, as for a file")
		assert.True(t, tbl.Columns[1].IsMissing(1))
	})
	t.Run("password hidden", func(t *testing.T) {
		pg := pgURL(t)
		if pg == "" {
			t.Skip("no PostgreSQL: set " + pgtest.Env + " (.ci/postgres start prints it)")
		}
		u, err := url.Parse(pg)
		require.NoError(t, err)
		u.User = url.UserPassword(u.User.Username(), "s3cret")
		_, _, err = datasets.ReadFile(u.String()+"&table=nope", datasets.ReadOptions{})
		require.Error(t, err)
		assert.NotContains(t, err.Error(), "s3cret")
		assert.Contains(t, err.Error(), `table "nope"`)
		u.Path = "/no_such_database"
		_, _, err = datasets.ReadFile(u.String()+"&table=leads", datasets.ReadOptions{})
		require.Error(t, err)
		assert.NotContains(t, err.Error(), "s3cret")
		assert.Contains(t, err.Error(), "cannot connect")
		assert.Contains(t, err.Error(), "no_such_database")
	})
}
