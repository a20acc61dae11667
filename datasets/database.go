package datasets

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/leadscore/leadscore/datasets/sqldb"
)

// IsDatabase reports whether a table path names a database table or query
// rather than a file (sqldb.IsURL): sqlite:PATH?table=NAME,
// postgres://...?query=SELECT....
func IsDatabase(path string) bool { return sqldb.IsURL(path) }

// dbSource streams the rows of a database table or query as text records,
// so that they go through the same inference, missing markers and value
// errors as a CSV file's. The line of a row is its 1-based row number.
type dbSource struct {
	name string // the redacted URL, for messages
	db   *sql.DB
	rows *sql.Rows
	vals []any
	ptrs []any
	rec  []string
	row  int64
}

// openDatabase runs the table or query that the URL r.path names and hands
// its rows, rendered as text, to the shared text inference, as JSON Lines
// does. Messages name the URL with any password hidden.
func openDatabase(r *Reader) error {
	loc, err := sqldb.Parse(r.path)
	if err != nil {
		return fmt.Errorf("read %w", err)
	}
	name := loc.Redacted()
	r.path, r.verrs.File, r.format = name, name, string(loc.Kind)
	if r.opt.Format != "" {
		return fmt.Errorf("read %s: a database is read as a table, not as a file: leave out the format (--format %s)", name, r.opt.Format)
	}
	if loc.Table == "" && loc.Query == "" {
		return fmt.Errorf("read %s: name what to read: add ?table=NAME or ?query=SELECT... to the URL", name)
	}
	if loc.Kind == sqldb.SQLite {
		if st, err := os.Stat(loc.Path); err != nil {
			return fmt.Errorf("read %s: %w", name, err)
		} else if st.IsDir() {
			return fmt.Errorf("read %s: %s is a directory, expected a SQLite file", name, loc.Path)
		}
	}
	ctx := context.Background()
	db, err := sqldb.Open(ctx, loc, sqldb.ReadOnly)
	if err != nil {
		// sqldb's message names the URL too: keep the driver's reason.
		if cause := errors.Unwrap(err); cause != nil {
			err = cause
		}
		return fmt.Errorf("read %s: cannot connect: %w", name, err)
	}
	q, what := loc.Query, "query"
	if loc.Table != "" {
		q, what = "SELECT * FROM "+quoteTable(loc.Table), fmt.Sprintf("table %q", loc.Table)
	}
	rows, err := db.QueryContext(ctx, q)
	if err != nil {
		db.Close()
		hint := ""
		if loc.Table != "" {
			hint = " (the name is quoted as given: write it as the database stores it, or read it with ?query=SELECT ...)"
		}
		return fmt.Errorf("read %s: %s: %w%s", name, what, err, hint)
	}
	cols, err := rows.Columns()
	if err != nil {
		rows.Close()
		db.Close()
		return fmt.Errorf("read %s: %s: %w", name, what, err)
	}
	if len(cols) == 0 {
		rows.Close()
		db.Close()
		return fmt.Errorf("read %s: the %s returns no columns", name, what)
	}
	s := &dbSource{name: name, db: db, rows: rows, vals: make([]any, len(cols)), ptrs: make([]any, len(cols)), rec: make([]string, len(cols))}
	for i := range s.vals {
		s.ptrs[i] = &s.vals[i]
	}
	if err := setupText(r, cols, 0, s, true); err != nil {
		s.close()
		return err
	}
	return nil
}

// quoteTable quotes a table name, schema.table too, as an SQL identifier.
func quoteTable(name string) string {
	parts := strings.Split(name, ".")
	for i, p := range parts {
		parts[i] = `"` + strings.ReplaceAll(p, `"`, `""`) + `"`
	}
	return strings.Join(parts, ".")
}

func (s *dbSource) read() ([]string, int64, error) {
	if !s.rows.Next() {
		if err := s.rows.Err(); err != nil {
			return nil, 0, fmt.Errorf("read %s row %d: %w", s.name, s.row+1, err)
		}
		return nil, 0, io.EOF
	}
	s.row++
	if err := s.rows.Scan(s.ptrs...); err != nil {
		return nil, 0, fmt.Errorf("read %s row %d: %w", s.name, s.row, err)
	}
	for i, v := range s.vals {
		s.rec[i] = dbText(v)
	}
	return s.rec, s.row, nil
}

// dbText renders a value the driver returned as the text a file would hold:
// NULL as "" (missing), numbers so that they parse back to the same
// float64, booleans as true/false and timestamps in UTC as RFC 3339.
func dbText(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		return x
	case []byte:
		return string(x)
	case int64:
		return strconv.FormatInt(x, 10)
	case int32:
		return strconv.FormatInt(int64(x), 10)
	case float64:
		return formatFloat(x)
	case float32:
		return formatFloat(float64(x))
	case bool:
		if x {
			return "true"
		}
		return "false"
	case time.Time:
		return x.UTC().Format(time.RFC3339Nano)
	}
	return fmt.Sprint(v)
}

func (s *dbSource) close() error {
	return errors.Join(s.rows.Close(), s.db.Close())
}
