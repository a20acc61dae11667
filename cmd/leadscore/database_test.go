package main

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
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
	"github.com/leadscore/leadscore/models/modelstest"
	"github.com/leadscore/leadscore/models/sqlgen/sqlgentest"
)

// dbCopies holds the CSV files of dir (name.csv for every name) in a
// SQLite file, as the files' text (an empty field is NULL), and in a fresh
// PostgreSQL database as typed columns (numbers as doubles, timestamps as
// timestamptz), and returns the two URLs without a table: the first ends
// in the path, the second in its query string, so "?table=" or "&table="
// is appended.
func dbCopies(t *testing.T, dir string, missing []string, names ...string) (lite, pg string) {
	t.Helper()
	ctx := context.Background()
	lite = "sqlite:" + filepath.Join(t.TempDir(), "crm.db")
	ldb := openDB(t, lite)
	pg = pgtest.URL(t)
	if !strings.Contains(pg, "?") {
		pg += "?sslmode=disable"
	}
	pdb := openDB(t, pg)
	for _, name := range names {
		path := filepath.Join(dir, name+".csv")
		rows := readCSV(t, path)
		var defs, ph []string
		for _, c := range rows[0] {
			defs = append(defs, fmt.Sprintf("%q TEXT", c))
			ph = append(ph, "?")
		}
		_, err := ldb.ExecContext(ctx, fmt.Sprintf("CREATE TABLE %q (%s)", name, strings.Join(defs, ", ")))
		require.NoError(t, err)
		tx, err := ldb.BeginTx(ctx, nil)
		require.NoError(t, err)
		ins := fmt.Sprintf("INSERT INTO %q VALUES (%s)", name, strings.Join(ph, ", "))
		for _, r := range rows[1:] {
			args := make([]any, len(r))
			for i, v := range r {
				if v != "" {
					args[i] = v
				}
			}
			_, err := tx.ExecContext(ctx, ins, args...)
			require.NoError(t, err)
		}
		require.NoError(t, tx.Commit())

		tbl, _, err := datasets.ReadFile(path, datasets.ReadOptions{MissingValues: missing})
		require.NoError(t, err)
		require.NoError(t, sqlgentest.Load(ctx, pdb, "postgres", name, tbl))
	}
	return lite, pg
}

func openDB(t *testing.T, raw string) *sql.DB {
	t.Helper()
	loc, err := sqldb.Parse(raw)
	require.NoError(t, err)
	db, err := sqldb.Open(context.Background(), loc, sqldb.ReadWrite)
	require.NoError(t, err)
	t.Cleanup(func() { db.Close() })
	return db
}

// table is the URL of table name in the database at base.
func table(base, name string) string {
	if strings.Contains(base, "?") {
		return base + "&table=" + name
	}
	return base + "?table=" + name
}

// Training from the same three tables in SQLite (the files' text) and in
// PostgreSQL (typed columns) gives the bundle that training from the CSV
// files gives: the same spec, models, calibration and population.
func TestTrainFromDatabase(t *testing.T) {
	dir := t.TempDir()
	data := filepath.Join(dir, "data")
	code, _, stderr := runCLI(t, "generate", "--profile", "b2b", "--leads", "200", "--seed", "7", "--out", data, "-q")
	require.Equal(t, 0, code, stderr)
	sheet := filepath.Join(dir, "rules.yaml")
	code, out, stderr := runCLI(t, "rules", "default", "--profile", "b2b")
	require.Equal(t, 0, code, stderr)
	require.NoError(t, os.WriteFile(sheet, []byte(out), 0o644))
	lite, pg := dbCopies(t, data, []string{"Select"}, "leads", "events", "outcomes")

	train := func(name, leads, events, outcomes string) string {
		bundle := filepath.Join(dir, "models", name)
		code, _, stderr := runCLI(t, "train", "--data", leads, "--events", events, "--outcomes", outcomes,
			"--rules", sheet, "--seed", "3", "--gbm-trees", "10", "--out", bundle, "-q")
		require.Equal(t, 0, code, "train from %s: %s", name, stderr)
		return bundle
	}
	want := train("csv", filepath.Join(data, "leads.csv"), filepath.Join(data, "events.csv"), filepath.Join(data, "outcomes.csv"))
	for _, src := range []struct{ name, base string }{{"sqlite", lite}, {"postgres", pg}} {
		t.Run(src.name, func(t *testing.T) {
			got := train(src.name, table(src.base, "leads"), table(src.base, "events"), table(src.base, "outcomes"))
			for _, f := range []string{"spec.json", "logistic.json", "gbm.json", "calibration.json", "scoring.json"} {
				w, err := os.ReadFile(filepath.Join(want, f))
				require.NoError(t, err)
				g, err := os.ReadFile(filepath.Join(got, f))
				require.NoError(t, err)
				assert.True(t, bytes.Equal(w, g), "%s from %s differs from the one trained on the CSV files", f, src.name)
			}
		})
	}
	// A column the configuration names but the table lacks is reported
	// with the URL and the flag, as for a file.
	code, _, stderr = runCLI(t, "train", "--data", table(lite, "leads"), "--events", table(lite, "events"), "--outcomes", table(lite, "outcomes"),
		"--id", "customer_id", "--rules", sheet, "--out", filepath.Join(dir, "models", "bad"), "-q")
	assert.NotEqual(t, 0, code)
	assert.Contains(t, stderr, table(lite, "leads")+` has no column "customer_id"`)
	assert.Contains(t, stderr, "--id")
}

// leadscore score and leadscore inspect read leads and events from SQLite
// and PostgreSQL as they read the CSV files: the same score file and the
// same profile.
func TestScoreAndInspectFromDatabase(t *testing.T) {
	f, err := modelstest.NewFixture("v1")
	require.NoError(t, err)
	t.Cleanup(f.Remove)
	lite, pg := dbCopies(t, f.Data, nil, "leads", "events")
	dir := t.TempDir()
	score := func(t *testing.T, name, leads, events string) []byte {
		out := filepath.Join(dir, name+".csv")
		code, _, stderr := runCLI(t, "score", "--model", f.Bundle, "--in", leads, "--events", events,
			"--as-of", "2025-09-01", "--explain", "2", "--out", out, "-q")
		require.Equal(t, 0, code, "score from %s: %s", name, stderr)
		b, err := os.ReadFile(out)
		require.NoError(t, err)
		return b
	}
	inspect := func(t *testing.T, src string) map[string]any {
		code, out, stderr := runCLI(t, "inspect", src, "--json")
		require.Equal(t, 0, code, "inspect %s: %s", src, stderr)
		var p map[string]any
		require.NoError(t, json.Unmarshal([]byte(out), &p))
		// The source's name, format and delimiter are the only differences.
		rep, ok := p["report"].(map[string]any)
		require.True(t, ok, "inspect --json has a report")
		for _, m := range []map[string]any{p, rep} {
			assert.Equal(t, src, m["file"])
			delete(m, "file")
			delete(m, "format")
			delete(m, "delimiter")
		}
		return p
	}
	want := score(t, "csv", filepath.Join(f.Data, "leads.csv"), filepath.Join(f.Data, "events.csv"))
	wantProfile := inspect(t, filepath.Join(f.Data, "leads.csv"))
	for _, src := range []struct{ name, base string }{{"sqlite", lite}, {"postgres", pg}} {
		t.Run(src.name, func(t *testing.T) {
			// PostgreSQL returns a table's rows in no set order (here,
			// not always the order they were written in), and the score
			// file keeps the input's order: read it ordered.
			leads := src.base + "?query=" + url.QueryEscape("SELECT * FROM leads ORDER BY lead_id")
			if strings.Contains(src.base, "?") {
				leads = src.base + "&query=" + url.QueryEscape("SELECT * FROM leads ORDER BY lead_id")
			}
			got := score(t, src.name, leads, table(src.base, "events"))
			assert.Equal(t, string(want), string(got), "the score file from %s", src.name)
			assert.Equal(t, wantProfile, inspect(t, table(src.base, "leads")))
		})
	}
}

// A bundle's manifest records the command line without database passwords.
func TestCommandLineHidesPasswords(t *testing.T) {
	got := commandLine([]string{"train", "--data", "postgres://u:pw@h/db?table=leads", "--store=postgres://u:pw@h/db", "--out", "m"})
	assert.Equal(t, []string{"leadscore", "train", "--data", "postgres://u:xxxxx@h/db?table=leads", "--store=postgres://u:xxxxx@h/db", "--out", "m"}, got)
	assert.NotContains(t, strings.Join(got, " "), "pw@")
}
