package sqldb_test

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/leadscore/leadscore/datasets/sqldb"
	"github.com/leadscore/leadscore/internal/pgtest"
)

func TestParse(t *testing.T) {
	tests := []struct {
		raw   string
		want  sqldb.Location
		error string
	}{
		{raw: "sqlite:leads.db", want: sqldb.Location{Kind: sqldb.SQLite, DSN: "leads.db", Path: "leads.db"}},
		{raw: "sqlite:///abs/leads.db?table=leads", want: sqldb.Location{Kind: sqldb.SQLite, DSN: "/abs/leads.db", Path: "/abs/leads.db", Table: "leads"}},
		{raw: "sqlite:x.db?query=SELECT+*+FROM+t", want: sqldb.Location{Kind: sqldb.SQLite, DSN: "x.db", Path: "x.db", Query: "SELECT * FROM t"}},
		{raw: "postgres://u:secret@h:5432/db?sslmode=disable&table=events",
			want: sqldb.Location{Kind: sqldb.Postgres, DSN: "postgres://u:secret@h:5432/db?sslmode=disable", Table: "events"}},
		{raw: "postgresql://h/db", want: sqldb.Location{Kind: sqldb.Postgres, DSN: "postgresql://h/db"}},
		{raw: "sqlite:", error: "no file after sqlite:"},
		{raw: "sqlite:x.db?mode=rw", error: `unknown parameter "mode"`},
		{raw: "sqlite:x.db?table=a&query=b", error: "not both"},
		{raw: "mysql://h/db", error: "expected sqlite:PATH or a postgres:// URL"},
		{raw: "postgres://u:secret@h/db?table=a&query=b", error: "postgres://u:xxxxx@h/db"},
	}
	for _, tt := range tests {
		t.Run(tt.raw, func(t *testing.T) {
			got, err := sqldb.Parse(tt.raw)
			if tt.error != "" {
				require.Error(t, err)
				assert.Contains(t, err.Error(), tt.error)
				assert.NotContains(t, err.Error(), "secret")
				return
			}
			require.NoError(t, err)
			tt.want.URL = tt.raw
			assert.Equal(t, tt.want, got)
		})
	}
	assert.True(t, sqldb.IsURL("sqlite:a.db"))
	assert.True(t, sqldb.IsURL("postgres://h/db"))
	assert.False(t, sqldb.IsURL("leads.csv"))
	loc, err := sqldb.Parse("postgres://u:secret@h/db")
	require.NoError(t, err)
	assert.Equal(t, "postgres://u:xxxxx@h/db", loc.Redacted())
}

// Both engines open, write in a transaction and read it back; a read-only
// SQLite open refuses a missing file and refuses writes.
func TestOpenBothEngines(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "s.db")
	for _, raw := range []string{"sqlite:" + path, pgtest.URL(t)} {
		loc, err := sqldb.Parse(raw)
		require.NoError(t, err)
		t.Run(string(loc.Kind), func(t *testing.T) {
			db, err := sqldb.Open(ctx, loc, sqldb.ReadWrite)
			require.NoError(t, err)
			defer db.Close()
			_, err = db.ExecContext(ctx, "CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)")
			require.NoError(t, err)
			tx, err := db.BeginTx(ctx, nil)
			require.NoError(t, err)
			_, err = tx.ExecContext(ctx, "INSERT INTO t (id, v) VALUES (1, 'a'), (2, 'b')")
			require.NoError(t, err)
			require.NoError(t, tx.Commit())
			var n int
			require.NoError(t, db.QueryRowContext(ctx, "SELECT count(*) FROM t").Scan(&n))
			assert.Equal(t, 2, n)
		})
	}
	ro, err := sqldb.Parse("sqlite:" + path)
	require.NoError(t, err)
	db, err := sqldb.Open(ctx, ro, sqldb.ReadOnly)
	require.NoError(t, err)
	_, err = db.ExecContext(ctx, "INSERT INTO t (id, v) VALUES (3, 'c')")
	assert.Error(t, err, "a read-only open must refuse writes")
	db.Close()
	missing, err := sqldb.Parse("sqlite:" + filepath.Join(t.TempDir(), "none.db"))
	require.NoError(t, err)
	_, err = sqldb.Open(ctx, missing, sqldb.ReadOnly)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "none.db")
}
