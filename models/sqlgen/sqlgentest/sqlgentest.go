// Package sqlgentest runs a compiled scoring query against real engines in
// tests: it loads a datasets.Table into a database, runs the query and
// compares its rows with what the Go scoring path gives for the same leads.
// It is for tests only, like net/http/httptest.
package sqlgentest

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/leadscore/leadscore/datasets"
	"github.com/leadscore/leadscore/features"
	"github.com/leadscore/leadscore/models"
)

// Tol is the largest difference allowed between a number in SQL and in Go.
const Tol = 1e-9

// Row is one scored lead.
type Row struct {
	Probability float64
	Score       int
	Percentile  float64
	Grade, Tier string
	Model       string
	RulesPoints float64
	RulesTier   string
	HasRules    bool
	Reasons     []Reason
}

// Reason is one contribution.
type Reason struct {
	Feature      string  `json:"feature"`
	Contribution float64 `json:"contribution"`
}

// Expected scores the leads of in as of asOf through the Go scoring path
// with model as the champion: the rows `leadscore score` writes.
func Expected(b *models.Bundle, in features.Inputs, asOf time.Time, model string, explain int) (map[string]Row, error) {
	bc := *b
	bc.Scoring.Champion = model
	scored, err := bc.ScoreInputs(in, asOf, models.ScoreOptions{Explain: explain}, 0)
	if err != nil {
		return nil, err
	}
	out := make(map[string]Row, len(scored))
	for _, s := range scored {
		if s.Err != nil {
			continue
		}
		r := s.Result
		row := Row{Probability: r.Probability, Score: r.Score, Percentile: r.Percentile, Grade: r.Grade, Tier: r.Tier, Model: r.Model.Name}
		if r.Rules != nil {
			row.HasRules, row.RulesPoints, row.RulesTier = true, r.Rules.Points, r.Rules.Tier
		}
		if r.Explanation != nil {
			row.Reasons = []Reason{}
			for _, c := range r.Explanation.Contributions {
				row.Reasons = append(row.Reasons, Reason{Feature: c.Feature, Contribution: c.Contribution})
			}
		}
		out[s.LeadID] = row
	}
	return out, nil
}

// Query runs q on db and reads its rows by lead id.
func Query(ctx context.Context, db *sql.DB, q string) (map[string]Row, error) {
	rows, err := db.QueryContext(ctx, q)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		return nil, err
	}
	out := map[string]Row{}
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			return nil, err
		}
		m := map[string]any{}
		for i, c := range cols {
			m[c] = vals[i]
		}
		id, row, err := FromMap(m)
		if err != nil {
			return nil, err
		}
		out[id] = row
	}
	return out, rows.Err()
}

// FromMap reads one output row given as column -> value.
func FromMap(m map[string]any) (string, Row, error) {
	var r Row
	id := fmt.Sprint(text(m["lead_id"]))
	var err error
	num := func(name string) float64 {
		x, e := toFloat(m[name])
		if e != nil && err == nil {
			err = fmt.Errorf("column %s: %w", name, e)
		}
		return x
	}
	r.Probability = num("probability")
	r.Score = int(num("score"))
	r.Percentile = num("percentile")
	r.Grade, r.Tier, r.Model = text(m["grade"]), text(m["tier"]), text(m["model"])
	if _, ok := m["rules_points"]; ok {
		r.HasRules = true
		r.RulesPoints = num("rules_points")
		r.RulesTier = text(m["rules_tier"])
	}
	if v, ok := m["reasons"]; ok {
		r.Reasons = []Reason{}
		if s := text(v); s != "" {
			if e := json.Unmarshal([]byte(s), &r.Reasons); e != nil && err == nil {
				err = fmt.Errorf("column reasons %q: %w", s, e)
			}
		}
	}
	return id, r, err
}

func text(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case []byte:
		return string(x)
	case string:
		return x
	}
	return fmt.Sprint(v)
}

func toFloat(v any) (float64, error) {
	switch x := v.(type) {
	case float64:
		return x, nil
	case float32:
		return float64(x), nil
	case int64:
		return float64(x), nil
	case int32:
		return float64(x), nil
	case int:
		return float64(x), nil
	case json.Number:
		return x.Float64()
	case nil:
		return math.NaN(), nil
	}
	var f float64
	_, err := fmt.Sscan(text(v), &f)
	return f, err
}

// Compare checks that got (from SQL) holds exactly the leads of want (from
// Go), each with its probability, rule points and contributions within
// Tol and the same score, percentile, grade and tiers.
func Compare(t testing.TB, want, got map[string]Row) {
	t.Helper()
	require.Equal(t, len(want), len(got), "the query scores as many leads as leadscore score")
	bad := 0
	for id, w := range want {
		g, ok := got[id]
		if !assert.True(t, ok, "lead %s missing from the query's rows", id) {
			bad++
			continue
		}
		okRow := assert.InDelta(t, w.Probability, g.Probability, Tol, "lead %s probability", id) &&
			assert.Equal(t, w.Score, g.Score, "lead %s score", id) &&
			assert.InDelta(t, w.Percentile, g.Percentile, Tol, "lead %s percentile", id) &&
			assert.Equal(t, w.Grade, g.Grade, "lead %s grade", id) &&
			assert.Equal(t, w.Tier, g.Tier, "lead %s tier", id) &&
			assert.Equal(t, w.Model, g.Model, "lead %s model", id)
		if w.HasRules {
			okRow = okRow && assert.InDelta(t, w.RulesPoints, g.RulesPoints, Tol, "lead %s rules_points", id) &&
				assert.Equal(t, w.RulesTier, g.RulesTier, "lead %s rules_tier", id)
		}
		if w.Reasons != nil {
			okRow = okRow && compareReasons(t, id, w.Reasons, g.Reasons)
		}
		if !okRow {
			bad++
		}
		if bad >= 5 {
			t.Fatalf("stopping after %d leads that differ", bad)
		}
	}
}

func compareReasons(t testing.TB, id string, want, got []Reason) bool {
	t.Helper()
	if !assert.Equal(t, len(want), len(got), "lead %s: number of reasons (want %v, got %v)", id, want, got) {
		return false
	}
	for i := range want {
		if !assert.Equal(t, want[i].Feature, got[i].Feature, "lead %s reason %d (want %v, got %v)", id, i, want, got) ||
			!assert.InDelta(t, want[i].Contribution, got[i].Contribution, Tol, "lead %s reason %d", id, i) {
			return false
		}
	}
	return true
}

// Engine is how Load writes a table: "sqlite", "postgres" or "duckdb".
type Engine string

// Load creates table name in db and writes t into it: text and
// categories as text, numbers and booleans (0/1) as doubles, timestamps as
// the engine's timestamp (ISO text in SQLite).
func Load(ctx context.Context, db *sql.DB, engine Engine, name string, t *datasets.Table) error {
	var defs []string
	for _, c := range t.Columns {
		typ := "TEXT"
		switch c.Kind {
		case datasets.KindNumber, datasets.KindBool:
			typ = map[Engine]string{"sqlite": "REAL", "postgres": "DOUBLE PRECISION", "duckdb": "DOUBLE"}[engine]
		case datasets.KindTime:
			typ = map[Engine]string{"sqlite": "TEXT", "postgres": "TIMESTAMPTZ", "duckdb": "TIMESTAMPTZ"}[engine]
		}
		defs = append(defs, quote(c.Name)+" "+typ)
	}
	if _, err := db.ExecContext(ctx, fmt.Sprintf("CREATE TABLE %s (%s)", quote(name), strings.Join(defs, ", "))); err != nil {
		return err
	}
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	ncol := len(t.Columns)
	batch := max(1, 2000/ncol)
	n := t.Rows()
	for lo := 0; lo < n; lo += batch {
		hi := min(n, lo+batch)
		var ph []string
		args := make([]any, 0, (hi-lo)*ncol)
		for i := lo; i < hi; i++ {
			var p []string
			for _, c := range t.Columns {
				if engine == "postgres" {
					p = append(p, fmt.Sprintf("$%d", len(args)+1))
				} else {
					p = append(p, "?")
				}
				args = append(args, Cell(c, i, engine))
			}
			ph = append(ph, "("+strings.Join(p, ", ")+")")
		}
		if _, err := tx.ExecContext(ctx, fmt.Sprintf("INSERT INTO %s VALUES %s", quote(name), strings.Join(ph, ", ")), args...); err != nil {
			return fmt.Errorf("load %s: %w", name, err)
		}
	}
	return tx.Commit()
}

// Cell is row i of c as a value for the engine (nil when missing).
func Cell(c *datasets.Column, i int, engine Engine) any {
	if c.IsMissing(i) {
		return nil
	}
	switch c.Kind {
	case datasets.KindNumber, datasets.KindBool:
		return c.Num[i]
	case datasets.KindTime:
		tm := time.Unix(0, c.Time[i]).UTC()
		if engine == "sqlite" {
			return tm.Format("2006-01-02 15:04:05.000")
		}
		return tm
	}
	return c.String(i)
}

func quote(s string) string { return `"` + strings.ReplaceAll(s, `"`, `""`) + `"` }
