package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"math"
	"runtime"
	"strings"
	"time"
	"unsafe"

	"github.com/leadscore/leadscore/datasets/sqldb"
)

// Score sources: where an issued score came from.
const (
	SourceScore   = "score"   // POST /v1/score
	SourceBatch   = "batch"   // POST /v1/score/batch
	SourceLead    = "lead"    // GET /v1/leads/{id}
	SourceRescore = "rescore" // leadscore score --store, rescoring
)

// Score is one entry of the prediction log: a score issued to a lead.
type Score struct {
	// ID orders the log; it is the cursor of Scores.
	ID       int64     `json:"id"`
	LeadID   string    `json:"lead_id"`
	ScoredAt time.Time `json:"scored_at"`
	// AsOf is the moment the lead was scored at (its cutoff).
	AsOf         time.Time `json:"as_of"`
	Source       string    `json:"source"`
	ModelName    string    `json:"model_name"`
	ModelVersion string    `json:"model_version"`
	Probability  float64   `json:"probability"`
	Score        int       `json:"score"`
	Grade        string    `json:"grade"`
	Tier         string    `json:"tier"`
	// RulesPoints is NaN, and RulesTier empty, for a bundle without a
	// rule sheet.
	RulesPoints float64 `json:"-"`
	RulesTier   string  `json:"rules_tier,omitempty"`
	// RulesProbability is the rule sheet's calibrated probability, NaN
	// without a rule sheet (and for scores logged before the store kept
	// it, schema version 3).
	RulesProbability float64 `json:"-"`
	// Reasons are the top contributions, as the score's explanation
	// listed them (a JSON array; null when none were asked for).
	Reasons json.RawMessage `json:"reasons,omitempty"`
}

// MarshalJSON writes rules_points and rules_probability only when there
// is a rule sheet.
func (s Score) MarshalJSON() ([]byte, error) {
	type plain Score
	return json.Marshal(struct {
		plain
		RulesPoints      *float64 `json:"rules_points,omitempty"`
		RulesProbability *float64 `json:"rules_probability,omitempty"`
	}{plain(s), unlessNaN(s.RulesPoints), unlessNaN(s.RulesProbability)})
}

// unlessNaN is &x, nil when x is NaN.
func unlessNaN(x float64) *float64 {
	if math.IsNaN(x) {
		return nil
	}
	return &x
}

// nullUnlessNaN is x as a column value, NULL when x is NaN.
func nullUnlessNaN(x float64) any {
	if math.IsNaN(x) {
		return nil
	}
	return x
}

const scoreCols = `lead_id, scored_at, as_of, source, model_name, model_version, probability, score, grade, tier, rules_points, rules_tier, reasons, rules_probability`

// scoreColCount is the number of scoreCols.
const scoreColCount = 14

// LogScores appends scores to the prediction log in one transaction, with
// one multi-row insert per 500 scores.
func (s *Store) LogScores(ctx context.Context, scores []Score) error {
	if len(scores) == 0 {
		return nil
	}
	return s.writeAside(ctx, func(tx *sql.Tx) error { return s.logScores(ctx, tx, scores) })
}

// logScores inserts scores into the prediction log in tx, in multi-row
// inserts of at most 500 rows (insertRows: on SQLite through statements
// prepared once, as parsing a statement of hundreds of rows costs a third
// of running it). On SQLite it yields the processor after each insert of
// 128 rows (about 2 ms of CPU): a busy server's log commits a thousand
// scores at once, and requests queued behind that one insert on a
// processor waited for all of it.
func (s *Store) logScores(ctx context.Context, tx *sql.Tx, scores []Score) error {
	chunk := 500
	if s.kind == sqldb.SQLite {
		chunk = rowChunks[0]
	}
	args := make([]any, 0, min(chunk, len(scores))*scoreColCount)
	for lo := 0; lo < len(scores); lo += chunk {
		if lo > 0 && s.kind == sqldb.SQLite {
			runtime.Gosched()
		}
		part := scores[lo:min(lo+chunk, len(scores))]
		args = args[:0]
		for i := range part {
			sc := &part[i]
			var rt, reasons any
			if sc.RulesTier != "" {
				rt = sc.RulesTier
			}
			if len(sc.Reasons) > 0 {
				// The driver copies the text while binding it, during
				// this call: no copy of the bytes here (they were a
				// fifth of a busy server's allocations).
				reasons = unsafe.String(unsafe.SliceData(sc.Reasons), len(sc.Reasons))
			}
			args = append(args, sc.LeadID, ns(sc.ScoredAt), ns(sc.AsOf), sc.Source, sc.ModelName, sc.ModelVersion,
				sc.Probability, sc.Score, sc.Grade, sc.Tier, nullUnlessNaN(sc.RulesPoints), rt, reasons, nullUnlessNaN(sc.RulesProbability))
		}
		if _, err := s.insertRows(ctx, tx, `INSERT INTO predictions (`+scoreCols+`) VALUES `, scoreColCount, "", args); err != nil {
			return fmt.Errorf("log scores: %w", err)
		}
	}
	return nil
}

func (s *Store) scanScores(rows *sql.Rows) ([]Score, error) {
	defer rows.Close()
	var out []Score
	for rows.Next() {
		var sc Score
		var scoredAt, asOf int64
		var rp, rprob sql.NullFloat64
		var rt, reasons sql.NullString
		if err := rows.Scan(&sc.ID, &sc.LeadID, &scoredAt, &asOf, &sc.Source, &sc.ModelName, &sc.ModelVersion,
			&sc.Probability, &sc.Score, &sc.Grade, &sc.Tier, &rp, &rt, &reasons, &rprob); err != nil {
			return nil, fmt.Errorf("store %s: %w", s.Redacted(), err)
		}
		sc.ScoredAt, sc.AsOf = fromNs(scoredAt), fromNs(asOf)
		sc.RulesPoints = math.NaN()
		if rp.Valid {
			sc.RulesPoints = rp.Float64
		}
		sc.RulesProbability = math.NaN()
		if rprob.Valid {
			sc.RulesProbability = rprob.Float64
		}
		sc.RulesTier = rt.String
		if reasons.Valid {
			sc.Reasons = json.RawMessage(reasons.String)
		}
		out = append(out, sc)
	}
	return out, rows.Err()
}

// LeadScores returns a lead's scores, newest first: at most limit, older
// than the entry before (0: from the newest).
func (s *Store) LeadScores(ctx context.Context, leadID string, before int64, limit int) ([]Score, error) {
	if before <= 0 {
		before = math.MaxInt64
	}
	rows, err := s.db.QueryContext(ctx, s.q(`SELECT id, `+scoreCols+` FROM predictions WHERE lead_id = ? AND id < ? ORDER BY id DESC LIMIT ?`), leadID, before, limit)
	if err != nil {
		return nil, fmt.Errorf("store %s: %w", s.Redacted(), err)
	}
	return s.scanScores(rows)
}

// LatestScores returns the newest logged score of each of ids that has
// one, by lead id: one query per 500 ids instead of LeadScores(id, 0, 1)
// for each.
func (s *Store) LatestScores(ctx context.Context, ids []string) (map[string]Score, error) {
	out := make(map[string]Score, len(ids))
	const chunk = 500
	for lo := 0; lo < len(ids); lo += chunk {
		part := ids[lo:min(lo+chunk, len(ids))]
		args := make([]any, len(part))
		for i, id := range part {
			args[i] = id
		}
		in := strings.TrimSuffix(strings.Repeat("?, ", len(part)), ", ")
		rows, err := s.db.QueryContext(ctx, s.q(`SELECT id, `+scoreCols+` FROM predictions WHERE id IN (SELECT MAX(id) FROM predictions WHERE lead_id IN (`+in+`) GROUP BY lead_id)`), args...)
		if err != nil {
			return nil, fmt.Errorf("store %s: %w", s.Redacted(), err)
		}
		scores, err := s.scanScores(rows)
		if err != nil {
			return nil, err
		}
		for _, sc := range scores {
			out[sc.LeadID] = sc
		}
	}
	return out, nil
}

// Scores pages through the log in the order it was written: at most limit
// entries scored at or after since, with an id above after.
func (s *Store) Scores(ctx context.Context, since time.Time, after int64, limit int) ([]Score, error) {
	rows, err := s.db.QueryContext(ctx, s.q(`SELECT id, `+scoreCols+` FROM predictions WHERE id > ? AND scored_at >= ? ORDER BY id LIMIT ?`), after, ns(since), limit)
	if err != nil {
		return nil, fmt.Errorf("store %s: %w", s.Redacted(), err)
	}
	return s.scanScores(rows)
}

// PruneScores deletes the log entries scored before the moment and
// returns how many went.
func (s *Store) PruneScores(ctx context.Context, before time.Time) (int64, error) {
	var n int64
	err := s.write(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, s.q(`DELETE FROM predictions WHERE scored_at < ?`), ns(before))
		if err != nil {
			return fmt.Errorf("store %s: %w", s.Redacted(), err)
		}
		n, _ = res.RowsAffected()
		return nil
	})
	return n, err
}
