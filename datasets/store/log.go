package store

import (
	"context"
	"database/sql"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"math"
	"runtime"
	"slices"
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
// one multi-row insert per 500 rows. Entries of one answer issued again
// unchanged (every field equal but ScoredAt, and the very same Reasons
// bytes, as the answers scoring by id serves from its cache) become one
// row standing for all of them, up to maxRepeats + 1 (see logRun).
func (s *Store) LogScores(ctx context.Context, scores []Score) error {
	if len(scores) == 0 {
		return nil
	}
	runs := collapseScores(scores)
	err := s.writeAside(ctx, func(tx *sql.Tx) error { return s.logScores(ctx, tx, runs) })
	if err == nil {
		s.addRows(len(runs))
	}
	return err
}

// maxRepeats bounds the earlier issuances one row of the log stands for.
const maxRepeats = 4095

// logRun is one row of the prediction log: the answer of sc issued at
// sc.ScoredAt alone (times nil) or at every one of times (nanoseconds,
// ascending). Its row's id is the last issuance's; the issuances have the
// ids id - len(times) + 1 .. id.
type logRun struct {
	sc    *Score
	times []int64
}

// issued is the number of issuances of r.
func (r *logRun) issued() int { return max(1, len(r.times)) }

// runKey finds the open row of an entry's answer: its lead, the moment it
// was scored as of and its reasons' very bytes (not an equal copy);
// sameAnswer checks the rest.
type runKey struct {
	lead     string
	asOf     int64
	reasons  *byte
	nreasons int
}

// sameAnswer reports whether a and b are one answer: every field equal but
// the time and id (a runKey's fields are checked by the map).
func sameAnswer(a, b *Score) bool {
	return a.Source == b.Source && a.ModelName == b.ModelName && a.ModelVersion == b.ModelVersion && a.Score == b.Score &&
		a.Grade == b.Grade && a.Tier == b.Tier && a.RulesTier == b.RulesTier &&
		math.Float64bits(a.Probability) == math.Float64bits(b.Probability) &&
		math.Float64bits(a.RulesPoints) == math.Float64bits(b.RulesPoints) &&
		math.Float64bits(a.RulesProbability) == math.Float64bits(b.RulesProbability)
}

// collapseScores groups scores into rows: each entry joins the open row of
// its answer, or opens one, in the order of first appearance.
func collapseScores(scores []Score) []logRun {
	if len(scores) == 0 {
		return nil
	}
	runs := make([]logRun, 0, len(scores))
	if len(scores) == 1 {
		return append(runs, logRun{sc: &scores[0]})
	}
	open := make(map[runKey]int, min(len(scores), 1024))
	for i := range scores {
		sc := &scores[i]
		k := runKey{lead: sc.LeadID, asOf: ns(sc.AsOf), reasons: unsafe.SliceData(sc.Reasons), nreasons: len(sc.Reasons)}
		if j, ok := open[k]; ok && len(runs[j].times) <= maxRepeats && sameAnswer(runs[j].sc, sc) {
			r := &runs[j]
			if r.times == nil {
				r.times = append(make([]int64, 0, 8), ns(r.sc.ScoredAt))
			}
			r.times = append(r.times, ns(sc.ScoredAt))
			continue
		}
		open[k] = len(runs)
		runs = append(runs, logRun{sc: sc})
	}
	for i := range runs {
		// Issuances are listed in time order; the answers' goroutines
		// may have queued them slightly out of it.
		slices.Sort(runs[i].times)
	}
	return runs
}

// repeatGaps encodes the gaps between successive times (ascending) as
// unsigned varints: repeated_at.
func repeatGaps(times []int64) []byte {
	out := make([]byte, 0, 3*len(times))
	for i := 1; i < len(times); i++ {
		out = binary.AppendUvarint(out, uint64(times[i]-times[i-1]))
	}
	return out
}

// predictionsLock is the PostgreSQL advisory lock (transaction level)
// under which a log write takes its block of ids, so that replicas sharing
// the store never take overlapping ones.
const predictionsLock = 0x6c73_7072_6564 // "lspred"

const logCols = scoreCols + `, id, repeats, repeated_at`

// logColCount is the number of logCols.
const logColCount = scoreColCount + 3

// logScores inserts runs into the prediction log in tx, in multi-row
// inserts of at most 500 rows (insertRows: on SQLite through statements
// prepared once, as parsing a statement of hundreds of rows costs a third
// of running it). On SQLite it yields the processor after each insert of
// 128 rows (about 2 ms of CPU): a busy server's log commits a thousand
// scores at once, and requests queued behind that one insert on a
// processor waited for all of it.
//
// Ids: on SQLite, whose writer holds the database's write lock, a row of
// one issuance takes the next rowid, as before repeats existed, and the
// rows of repeats are written after them, each taking the block of ids
// after the highest. On PostgreSQL every row takes its block from the
// table's sequence under predictionsLock (a plain nextval of another
// replica could otherwise land inside a block).
func (s *Store) logScores(ctx context.Context, tx *sql.Tx, runs []logRun) error {
	if len(runs) == 0 {
		return nil
	}
	if s.kind == sqldb.Postgres {
		total := 0
		for i := range runs {
			total += runs[i].issued()
		}
		if _, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock($1)`, int64(predictionsLock)); err != nil {
			return fmt.Errorf("store %s: log scores: %w", s.Redacted(), err)
		}
		var last int64
		if err := tx.QueryRowContext(ctx, `SELECT setval(pg_get_serial_sequence('predictions', 'id'), nextval(pg_get_serial_sequence('predictions', 'id')) + $1 - 1)`, total).Scan(&last); err != nil {
			return fmt.Errorf("store %s: log scores: %w", s.Redacted(), err)
		}
		return s.insertScoreRows(ctx, tx, runs, func(*logRun) bool { return true }, last-int64(total))
	}
	if err := s.insertScoreRows(ctx, tx, runs, func(r *logRun) bool { return r.times == nil }, -1); err != nil {
		return err
	}
	var last int64
	if err := tx.QueryRowContext(ctx, `SELECT COALESCE(MAX(id), 0) FROM predictions`).Scan(&last); err != nil {
		return fmt.Errorf("store %s: log scores: %w", s.Redacted(), err)
	}
	return s.insertScoreRows(ctx, tx, runs, func(r *logRun) bool { return r.times != nil }, last)
}

// insertScoreRows inserts the runs that pick accepts, with ids after
// after, or with the table's own ids when after is -1 (single issuances
// only).
func (s *Store) insertScoreRows(ctx context.Context, tx *sql.Tx, runs []logRun, pick func(*logRun) bool, after int64) error {
	chunk := 500
	if s.kind == sqldb.SQLite {
		chunk = rowChunks[0]
	}
	cols, ncols := logCols, logColCount
	if after < 0 {
		cols, ncols = scoreCols, scoreColCount
	}
	args := make([]any, 0, min(chunk, len(runs))*ncols)
	flush := func() error {
		if len(args) == 0 {
			return nil
		}
		_, err := s.insertRows(ctx, tx, `INSERT INTO predictions (`+cols+`) VALUES `, ncols, "", args)
		args = args[:0]
		if err != nil {
			return fmt.Errorf("log scores: %w", err)
		}
		if s.kind == sqldb.SQLite {
			runtime.Gosched()
		}
		return nil
	}
	for i := range runs {
		r := &runs[i]
		if !pick(r) {
			continue
		}
		sc := r.sc
		var rt, reasons any
		if sc.RulesTier != "" {
			rt = sc.RulesTier
		}
		if len(sc.Reasons) > 0 {
			// The driver copies the text while binding it, during this
			// call: no copy of the bytes here (they were a fifth of a
			// busy server's allocations).
			reasons = unsafe.String(unsafe.SliceData(sc.Reasons), len(sc.Reasons))
		}
		at := ns(sc.ScoredAt)
		if len(r.times) > 1 {
			at = r.times[len(r.times)-1]
		}
		args = append(args, sc.LeadID, at, ns(sc.AsOf), sc.Source, sc.ModelName, sc.ModelVersion,
			sc.Probability, sc.Score, sc.Grade, sc.Tier, nullUnlessNaN(sc.RulesPoints), rt, reasons, nullUnlessNaN(sc.RulesProbability))
		if after >= 0 {
			var gaps any
			if len(r.times) > 1 {
				gaps = repeatGaps(r.times)
			}
			after += int64(r.issued())
			args = append(args, after, r.issued()-1, gaps)
		}
		if len(args) == chunk*ncols {
			if err := flush(); err != nil {
				return err
			}
		}
	}
	return flush()
}

// readCols are the columns readers select: the row's id, the score and
// its repeats.
const readCols = `id, ` + scoreCols + `, repeats, repeated_at`

// scanScores reads rows of readCols and lists their issuances: each row's
// in time order, or newest first when desc; only those keep accepts (nil:
// all), at most limit (0: no limit).
func (s *Store) scanScores(rows *sql.Rows, desc bool, keep func(id, at int64) bool, limit int) ([]Score, error) {
	defer rows.Close()
	var out []Score
	var times []int64
	for rows.Next() {
		var sc Score
		var scoredAt, asOf, repeats int64
		var rp, rprob sql.NullFloat64
		var rt, reasons sql.NullString
		var gaps []byte
		if err := rows.Scan(&sc.ID, &sc.LeadID, &scoredAt, &asOf, &sc.Source, &sc.ModelName, &sc.ModelVersion,
			&sc.Probability, &sc.Score, &sc.Grade, &sc.Tier, &rp, &rt, &reasons, &rprob, &repeats, &gaps); err != nil {
			return nil, fmt.Errorf("store %s: %w", s.Redacted(), err)
		}
		sc.AsOf = fromNs(asOf)
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
		var err error
		if times, err = issueTimes(times[:0], scoredAt, repeats, gaps); err != nil {
			return nil, fmt.Errorf("store %s: prediction log row %d: %w", s.Redacted(), sc.ID, err)
		}
		first := sc.ID - repeats
		for k := range times {
			if desc {
				k = len(times) - 1 - k
			}
			id, at := first+int64(k), times[k]
			if keep != nil && !keep(id, at) {
				continue
			}
			e := sc
			e.ID, e.ScoredAt = id, fromNs(at)
			out = append(out, e)
			if len(out) == limit {
				return out, nil
			}
		}
	}
	return out, rows.Err()
}

// issueTimes appends to dst the times of the 1 + repeats issuances of a
// row, oldest first, the last at scoredAt and the others before it by the
// gaps of repeated_at.
func issueTimes(dst []int64, scoredAt, repeats int64, gaps []byte) ([]int64, error) {
	if repeats < 0 || repeats > maxRepeats {
		return dst, fmt.Errorf("repeats is %d, expected 0 to %d", repeats, maxRepeats)
	}
	n := int(repeats) + 1
	dst = slices.Grow(dst, n)[:n]
	dst[n-1] = scoredAt
	var total int64
	rest := gaps
	for k := range n - 1 {
		g, w := binary.Uvarint(rest)
		if w <= 0 || g > math.MaxInt64/2 {
			return dst, fmt.Errorf("repeated_at holds %d gaps, expected %d", k, n-1)
		}
		dst[k] = int64(g) // the gap after issuance k, for now
		total += int64(g)
		rest = rest[w:]
	}
	if len(rest) > 0 {
		return dst, fmt.Errorf("repeated_at holds more than the %d gaps of its repeats", n-1)
	}
	t := scoredAt - total
	for k := range n - 1 {
		g := dst[k]
		dst[k] = t
		t += g
	}
	return dst, nil
}

// LeadScores returns a lead's scores, newest first: at most limit, older
// than the entry before (0: from the newest).
func (s *Store) LeadScores(ctx context.Context, leadID string, before int64, limit int) ([]Score, error) {
	keep := func(id, _ int64) bool { return id < before }
	var out []Score
	if before > 0 {
		// The lead's row holding the ids up to before may hold earlier
		// ones too (its id is its last issuance's).
		rows, err := s.db.QueryContext(ctx, s.q(`SELECT `+readCols+` FROM predictions WHERE lead_id = ? AND id >= ? ORDER BY id LIMIT 1`), leadID, before)
		if err != nil {
			return nil, fmt.Errorf("store %s: %w", s.Redacted(), err)
		}
		if out, err = s.scanScores(rows, true, keep, limit); err != nil {
			return nil, err
		}
		if len(out) == limit {
			return out, nil
		}
	} else {
		before = math.MaxInt64
	}
	rows, err := s.db.QueryContext(ctx, s.q(`SELECT `+readCols+` FROM predictions WHERE lead_id = ? AND id < ? ORDER BY id DESC LIMIT ?`), leadID, before, limit-len(out))
	if err != nil {
		return nil, fmt.Errorf("store %s: %w", s.Redacted(), err)
	}
	more, err := s.scanScores(rows, true, keep, limit-len(out))
	return append(out, more...), err
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
		rows, err := s.db.QueryContext(ctx, s.q(`SELECT `+readCols+` FROM predictions WHERE id IN (SELECT MAX(id) FROM predictions WHERE lead_id IN (`+in+`) GROUP BY lead_id)`), args...)
		if err != nil {
			return nil, fmt.Errorf("store %s: %w", s.Redacted(), err)
		}
		scores, err := s.scanScores(rows, false, nil, 0)
		if err != nil {
			return nil, err
		}
		for _, sc := range scores {
			out[sc.LeadID] = sc // a row's last issuance comes last
		}
	}
	return out, nil
}

// Scores pages through the log in the order it was written: at most limit
// entries scored at or after since, with an id above after.
func (s *Store) Scores(ctx context.Context, since time.Time, after int64, limit int) ([]Score, error) {
	from := ns(since)
	// A row's id and scored_at are its last issuance's: every row with an
	// issuance past the cursor and at or after since qualifies, and gives
	// at least that last one.
	rows, err := s.db.QueryContext(ctx, s.q(`SELECT `+readCols+` FROM predictions WHERE id > ? AND scored_at >= ? ORDER BY id LIMIT ?`), after, from, limit)
	if err != nil {
		return nil, fmt.Errorf("store %s: %w", s.Redacted(), err)
	}
	return s.scanScores(rows, false, func(id, at int64) bool { return id > after && at >= from }, limit)
}

// PruneScores deletes the log entries scored before the moment and
// returns how many went (entries of a row of repeats go together, when
// the last of them is before the moment).
func (s *Store) PruneScores(ctx context.Context, before time.Time) (int64, error) {
	var n int64
	err := s.write(ctx, func(tx *sql.Tx) error {
		// A row goes when its last issuance is older than the moment; one
		// whose issuances straddle it stays whole.
		if err := tx.QueryRowContext(ctx, s.q(`SELECT COALESCE(SUM(1 + repeats), 0) FROM predictions WHERE scored_at < ?`), ns(before)).Scan(&n); err != nil {
			return fmt.Errorf("store %s: %w", s.Redacted(), err)
		}
		if _, err := tx.ExecContext(ctx, s.q(`DELETE FROM predictions WHERE scored_at < ?`), ns(before)); err != nil {
			return fmt.Errorf("store %s: %w", s.Redacted(), err)
		}
		return nil
	})
	return n, err
}
