// Package sqldb names and opens the databases leadscore reads from and
// writes to. A database is named by URL:
//
//	sqlite:PATH                 an embedded SQLite file (modernc.org/sqlite, pure Go)
//	sqlite:///abs/path.db       the same, with an absolute path
//	postgres://user@host:port/db?sslmode=disable   PostgreSQL (pgx); postgresql:// too
//
// Either may carry leadscore's own parameters, which are removed before the
// driver sees the URL: table=NAME or query=SELECT... name what to read when
// the database is a training source (`--data postgres://...?table=leads`).
// A PostgreSQL password may come from the URL or, as for psql, from the
// PGPASSWORD environment variable.
package sqldb

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"

	// The two drivers: "pgx" and "sqlite" in database/sql.
	_ "github.com/jackc/pgx/v5/stdlib"
	_ "modernc.org/sqlite"
)

// Kind is a database engine leadscore can use.
type Kind string

// The engines.
const (
	SQLite   Kind = "sqlite"
	Postgres Kind = "postgres"
)

// Location is a parsed database URL.
type Location struct {
	Kind Kind
	// URL is the URL as given (with its password, if any): see Redacted.
	URL string
	// DSN is what the driver receives: for PostgreSQL the URL without
	// leadscore's parameters, for SQLite the file path.
	DSN string
	// Path is the SQLite file (empty for PostgreSQL).
	Path string
	// Table and Query are the table=NAME and query=SELECT... parameters;
	// at most one is set.
	Table, Query string
}

// IsURL reports whether s names a database rather than a file: it starts
// with sqlite:, postgres:// or postgresql://.
func IsURL(s string) bool {
	return strings.HasPrefix(s, "sqlite:") || strings.HasPrefix(s, "postgres://") || strings.HasPrefix(s, "postgresql://")
}

// Parse reads a database URL. The error says what was expected.
func Parse(raw string) (Location, error) {
	loc := Location{URL: raw}
	switch {
	case strings.HasPrefix(raw, "sqlite:"):
		loc.Kind = SQLite
		rest := strings.TrimPrefix(raw, "sqlite:")
		rest = strings.TrimPrefix(rest, "//")
		path, query, _ := strings.Cut(rest, "?")
		if path == "" {
			return Location{}, fmt.Errorf("database %q: no file after sqlite: (expected sqlite:PATH, for example sqlite:leads.db)", raw)
		}
		vals, err := url.ParseQuery(query)
		if err != nil {
			return Location{}, fmt.Errorf("database %q: parameters after ?: %v", raw, err)
		}
		if err := loc.takeParams(vals); err != nil {
			return Location{}, err
		}
		for k := range vals {
			return Location{}, fmt.Errorf("database %q: unknown parameter %q (sqlite: takes table=NAME or query=SELECT...)", raw, k)
		}
		loc.Path, loc.DSN = path, path
	case strings.HasPrefix(raw, "postgres://"), strings.HasPrefix(raw, "postgresql://"):
		loc.Kind = Postgres
		u, err := url.Parse(raw)
		if err != nil {
			return Location{}, fmt.Errorf("database %s: %v (expected postgres://user@host:port/dbname)", Redact(raw), errors.Unwrap(err))
		}
		vals := u.Query()
		if err := loc.takeParams(vals); err != nil {
			return Location{}, err
		}
		u.RawQuery = vals.Encode()
		loc.DSN = u.String()
	default:
		return Location{}, fmt.Errorf("database %s: expected sqlite:PATH or a postgres:// URL", Redact(raw))
	}
	return loc, nil
}

func (l *Location) takeParams(vals url.Values) error {
	l.Table, l.Query = vals.Get("table"), vals.Get("query")
	vals.Del("table")
	vals.Del("query")
	if l.Table != "" && l.Query != "" {
		return fmt.Errorf("database %s: give table= or query=, not both", l.Redacted())
	}
	return nil
}

// Redacted is the URL with any password replaced by xxxxx, for messages
// and logs.
func (l Location) Redacted() string { return Redact(l.URL) }

// Redact returns raw with any password replaced by xxxxx; raw is returned
// as it is when it has none or is not a URL.
func Redact(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.User == nil {
		return raw
	}
	if _, has := u.User.Password(); !has {
		return raw
	}
	return u.Redacted()
}

// Mode says whether a database is opened to read only or to write.
type Mode int

// The modes.
const (
	ReadWrite Mode = iota
	ReadOnly
)

// Open opens the database and checks that it answers within ctx. A SQLite
// file opened ReadWrite is created when absent and put in WAL mode with
// synchronous=FULL, so a committed transaction survives a crash of the
// process or the machine, with a 10 s busy timeout for concurrent writers,
// foreign keys on, a 16 MiB page cache per connection and temporary storage
// in memory. ReadOnly refuses to create a missing file.
func Open(ctx context.Context, loc Location, mode Mode) (*sql.DB, error) {
	var db *sql.DB
	var err error
	switch loc.Kind {
	case SQLite:
		pragmas := "_pragma=busy_timeout(10000)&_pragma=foreign_keys(1)"
		// A 16 MiB page cache per connection (SQLite's default is 2 MiB):
		// under sustained ingestion and rescoring most of the CPU went to
		// reading evicted index pages back (pread) page by page.
		// Temporary storage in memory: the store's group commit runs each
		// write in a savepoint, whose sub-journal otherwise goes to a
		// temporary file (11% of a busy server's CPU was its pwrite
		// calls).
		dsn := "file:" + loc.Path + "?" + pragmas + "&_pragma=journal_mode(WAL)&_pragma=synchronous(FULL)&_pragma=cache_size(-16384)&_pragma=temp_store(MEMORY)&_txlock=immediate"
		if mode == ReadOnly {
			dsn = "file:" + loc.Path + "?mode=ro&" + pragmas
		}
		db, err = sql.Open("sqlite", dsn)
	case Postgres:
		db, err = sql.Open("pgx", loc.DSN)
	default:
		return nil, fmt.Errorf("database %s: unknown kind %q", loc.Redacted(), loc.Kind)
	}
	if err != nil {
		return nil, fmt.Errorf("open database %s: %w", loc.Redacted(), err)
	}
	pctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	if err := db.PingContext(pctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("open database %s: %w", loc.Redacted(), err)
	}
	return db, nil
}
