package store_test

import (
	"context"
	"encoding/json"
	"math"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/leadscore/leadscore/datasets/store"
)

// TestLogRepeats: entries of one answer issued again unchanged (equal but
// for the time, sharing their reasons' bytes) are stored as one row, and
// every reader still lists each issuance with its own id and time: a
// lead's history, the log's pages (a cursor inside a row included), the
// latest score, the counts and the pruning. Entries that differ in any
// field, or whose reasons are only an equal copy, keep rows of their own.
func TestLogRepeats(t *testing.T) {
	backends(t, func(t *testing.T, url string) {
		ctx := context.Background()
		s := open(t, url)
		reasons := json.RawMessage(`[{"feature":"industry","value":"saas","contribution":0.5}]`)
		answer := store.Score{LeadID: "a", AsOf: t0, Source: store.SourceLead, ModelName: "gbm", ModelVersion: "v1",
			Probability: 0.25, Score: 25, Grade: "B", Tier: "warm", RulesPoints: math.NaN(), RulesProbability: math.NaN(), Reasons: reasons}
		at := func(sec int) time.Time { return t0.Add(time.Duration(sec) * time.Second) }
		var batch []store.Score
		add := func(sc store.Score, sec int) {
			sc.ScoredAt = at(sec)
			batch = append(batch, sc)
		}
		// Lead a's answer at 1..6 s, queued with 3 and 4 swapped, between
		// other entries: b's, a's with another as-of, and a's with an equal
		// copy of the reasons.
		add(answer, 1)
		add(answer, 2)
		other := answer
		other.LeadID = "b"
		add(other, 2)
		add(answer, 4)
		add(answer, 3)
		later := answer
		later.AsOf = t0.Add(time.Second)
		add(later, 5)
		copied := answer
		copied.Reasons = append(json.RawMessage(nil), reasons...)
		add(copied, 5)
		add(answer, 6)
		require.NoError(t, s.LogScores(ctx, batch))
		// A later batch: a's answer again, a row of its own.
		require.NoError(t, s.LogScores(ctx, []store.Score{func() store.Score { sc := answer; sc.ScoredAt = at(7); return sc }()}))

		var rows int
		require.NoError(t, s.DB().QueryRowContext(ctx, `SELECT COUNT(*) FROM predictions`).Scan(&rows))
		assert.Equal(t, 5, rows, "a's five issuances of the first batch share one row")
		c, err := s.Count(ctx)
		require.NoError(t, err)
		assert.EqualValues(t, 9, c.Scores, "every issuance counts")

		// The whole log, in pages of 2: ids increase by one, a's run first
		// in time order.
		var all []store.Score
		var after int64
		for {
			page, err := s.Scores(ctx, time.Time{}, after, 2)
			require.NoError(t, err)
			all = append(all, page...)
			if len(page) < 2 {
				break
			}
			after = page[len(page)-1].ID
		}
		require.Len(t, all, 9)
		for i := 1; i < len(all); i++ {
			assert.Equal(t, all[i-1].ID+1, all[i].ID, "ids of one write are consecutive")
		}
		// a's answer at t0 issued at 1, 2, 3, 4 and 6 s: its issuances, in
		// id order, in time order (the backends write a batch's rows in
		// different orders).
		inRun := func(sc store.Score) bool {
			return sc.LeadID == "a" && sc.AsOf.Equal(t0) && !sc.ScoredAt.Equal(at(5)) && !sc.ScoredAt.Equal(at(7))
		}
		var runTimes []time.Time
		var runIDs []int64
		for _, sc := range all {
			if inRun(sc) {
				assert.Equal(t, reasons, sc.Reasons)
				assert.Equal(t, 25, sc.Score)
				assert.True(t, math.IsNaN(sc.RulesPoints))
				runTimes = append(runTimes, sc.ScoredAt)
				runIDs = append(runIDs, sc.ID)
			}
		}
		assert.Equal(t, []time.Time{at(1), at(2), at(3), at(4), at(6)}, runTimes)
		require.Len(t, runIDs, 5)
		assert.Equal(t, runIDs[0]+4, runIDs[4], "the run's ids are one block")

		// since within the run: only its issuances from then on.
		page, err := s.Scores(ctx, at(3), 0, 100)
		require.NoError(t, err)
		require.Len(t, page, 6)
		for _, sc := range page {
			assert.False(t, sc.ScoredAt.Before(at(3)))
		}

		// Lead a's history, newest first, in pages of 3 with before (a
		// page ends inside the run on one backend or the other).
		var hist []store.Score
		var before int64
		for {
			got, err := s.LeadScores(ctx, "a", before, 3)
			require.NoError(t, err)
			hist = append(hist, got...)
			if len(got) < 3 {
				break
			}
			before = got[len(got)-1].ID
		}
		require.Len(t, hist, 8)
		for i := 1; i < len(hist); i++ {
			assert.Greater(t, hist[i-1].ID, hist[i].ID, "newest first")
		}
		assert.Equal(t, at(7), hist[0].ScoredAt)
		runTimes = nil
		for _, sc := range hist {
			if inRun(sc) {
				runTimes = append(runTimes, sc.ScoredAt)
			}
		}
		assert.Equal(t, []time.Time{at(6), at(4), at(3), at(2), at(1)}, runTimes)

		latest, err := s.LatestScores(ctx, []string{"a", "b"})
		require.NoError(t, err)
		assert.Equal(t, at(7), latest["a"].ScoredAt)
		assert.Equal(t, all[8].ID, latest["a"].ID)

		// Pruning before 4 s keeps the run whole (its last issuance is at 6
		// s) and drops b's entry at 2 s.
		n, err := s.PruneScores(ctx, at(4))
		require.NoError(t, err)
		assert.EqualValues(t, 1, n)
		c, err = s.Count(ctx)
		require.NoError(t, err)
		assert.EqualValues(t, 8, c.Scores)
		n, err = s.PruneScores(ctx, at(7))
		require.NoError(t, err)
		assert.EqualValues(t, 7, n, "the run goes with its last issuance")

		// New ids continue after the highest one taken, past a run.
		require.NoError(t, s.LogScores(ctx, []store.Score{func() store.Score { sc := other; sc.ScoredAt = at(8); return sc }()}))
		got, err := s.LeadScores(ctx, "b", 0, 1)
		require.NoError(t, err)
		require.Len(t, got, 1)
		assert.Equal(t, all[8].ID+1, got[0].ID)
	})
}

// TestLogRepeatsCap: one row stands for at most 4,096 issuances; more of
// one answer open another.
func TestLogRepeatsCap(t *testing.T) {
	backends(t, func(t *testing.T, url string) {
		ctx := context.Background()
		s := open(t, url)
		answer := store.Score{LeadID: "a", AsOf: t0, Source: store.SourceLead, ModelName: "gbm", ModelVersion: "v1",
			Probability: 0.25, Score: 25, Grade: "B", Tier: "warm", RulesPoints: math.NaN(), RulesProbability: math.NaN()}
		batch := make([]store.Score, 5000)
		for i := range batch {
			batch[i] = answer
			batch[i].ScoredAt = t0.Add(time.Duration(i) * time.Millisecond)
		}
		require.NoError(t, s.LogScores(ctx, batch))
		var rows int
		require.NoError(t, s.DB().QueryRowContext(ctx, `SELECT COUNT(*) FROM predictions`).Scan(&rows))
		assert.Equal(t, 2, rows)
		got, err := s.Scores(ctx, time.Time{}, 0, 10000)
		require.NoError(t, err)
		require.Len(t, got, 5000)
		for i, sc := range got {
			require.Equal(t, batch[i].ScoredAt, sc.ScoredAt, i)
			require.Equal(t, got[0].ID+int64(i), sc.ID, i)
		}
	})
}
