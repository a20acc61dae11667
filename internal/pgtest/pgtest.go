// Package pgtest gives a test its own fresh PostgreSQL database on the
// server named by LEADSCORE_TEST_POSTGRES (a postgres:// URL whose user may
// create databases; `eval "$(.ci/postgres start)"` starts a throwaway one and
// sets it). Without that variable the test is skipped, or fails when
// LEADSCORE_REQUIRE_POSTGRES=1, as in CI.
package pgtest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net/url"
	"os"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib"
)

// Env is the variable naming the test server.
const Env = "LEADSCORE_TEST_POSTGRES"

// URL creates an empty database for t and returns its postgres:// URL. The
// database is dropped when t ends.
func URL(t testing.TB) string {
	t.Helper()
	server := os.Getenv(Env)
	if server == "" {
		msg := "no PostgreSQL for this test: set " + Env + "=postgres://... or run eval \"$(.ci/postgres start)\""
		if os.Getenv("LEADSCORE_REQUIRE_POSTGRES") != "" {
			t.Fatal(msg + " (LEADSCORE_REQUIRE_POSTGRES is set, so this fails instead of skipping)")
		}
		t.Skip(msg)
	}
	u, err := url.Parse(server)
	if err != nil {
		t.Fatalf("%s: %v", Env, err)
	}
	admin, err := sql.Open("pgx", server)
	if err != nil {
		t.Fatalf("%s: %v", Env, err)
	}
	defer admin.Close()
	b := make([]byte, 6)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	name := "lstest_" + hex.EncodeToString(b)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if _, err := admin.ExecContext(ctx, "CREATE DATABASE "+name); err != nil {
		t.Fatalf("create test database on %s: %v", u.Redacted(), err)
	}
	t.Cleanup(func() {
		db, err := sql.Open("pgx", server)
		if err != nil {
			t.Errorf("drop test database %s: %v", name, err)
			return
		}
		defer db.Close()
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		if _, err := db.ExecContext(ctx, "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)"); err != nil {
			t.Errorf("drop test database %s: %v", name, err)
		}
	})
	u.Path = "/" + name
	return u.String()
}
