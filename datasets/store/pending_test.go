package store_test

import (
	"context"
	"fmt"
	"math"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/leadscore/leadscore/datasets/store"
	"github.com/leadscore/leadscore/internal/pgtest"
)

// TestPendingRescores: the ingestion writes leave their leads' rescores
// pending in the same transaction (nothing for a failed write or with
// NoRescore), a lead keeps its first change and takes the latest, an
// outcome cause sticks, the rows survive a reopen, and LogRescores settles
// only the leads changed at or before its moment, in the transaction that
// logs their scores.
func TestPendingRescores(t *testing.T) {
	backends(t, func(t *testing.T, url string) {
		ctx := context.Background()
		s := open(t, url)
		t1, t2, t3 := t0.Add(time.Second), t0.Add(2*time.Second), t0.Add(3*time.Second)
		_, err := s.UpsertLeads(ctx, []store.Lead{{ID: "a", Created: t0, Fields: fields(t, `{"x": 1}`)}, {ID: "b", Created: t0, Fields: fields(t, `{}`)}, {ID: "a", Created: t0, Fields: fields(t, `{"x": 2}`)}}, t0, nil, store.RescoreActivity)
		require.NoError(t, err)
		_, err = s.UpsertLeads(ctx, []store.Lead{{ID: "quiet", Created: t0, Fields: fields(t, `{}`)}}, t0, nil, store.NoRescore)
		require.NoError(t, err)
		_, err = s.AppendEvents(ctx, []store.Event{{LeadID: "a", Type: "visit", Time: t1}, {LeadID: "c", Type: "visit", Time: t1}, {LeadID: "a", Type: "open", Time: t1}}, t1, store.RescoreActivity)
		require.NoError(t, err)
		_, err = s.RecordOutcomes(ctx, []store.Outcome{{LeadID: "b", ConvertedAt: t1, Amount: math.NaN()}}, t2, store.RescoreOutcome)
		require.NoError(t, err)
		// An activity after the outcome leaves the cause an outcome.
		_, err = s.AppendEvents(ctx, []store.Event{{LeadID: "b", Type: "visit", Time: t2}}, t3, store.RescoreActivity)
		require.NoError(t, err)
		// A failed write leaves nothing pending.
		_, err = s.AppendEvents(ctx, []store.Event{{LeadID: "d", Type: "visit", Time: t1}, {LeadID: "", Type: "visit", Time: t1}}, t3, store.RescoreActivity)
		require.Error(t, err)
		_, err = s.AppendEvents(ctx, []store.Event{{LeadID: "e", Type: "visit", Time: t1}}, t3, "later")
		require.ErrorContains(t, err, `rescore cause "later"`)

		want := []store.PendingRescore{
			{LeadID: "a", First: t0, Last: t1, Cause: store.RescoreActivity},
			{LeadID: "b", First: t0, Last: t3, Cause: store.RescoreOutcome},
			{LeadID: "c", First: t1, Last: t1, Cause: store.RescoreActivity},
		}
		got, err := s.PendingRescores(ctx)
		require.NoError(t, err)
		assert.Equal(t, want, got)
		s.Close()

		// A reopened store still has them; a rescore as of t2 settles a
		// and c (changed by then) but not b (changed at t3), and logs
		// its scores in the same transaction.
		s = open(t, url)
		got, err = s.PendingRescores(ctx)
		require.NoError(t, err)
		assert.Equal(t, want, got)
		scores := []store.Score{
			{LeadID: "a", ScoredAt: t2, AsOf: t2, Source: store.SourceRescore, ModelName: "m", ModelVersion: "v1", Probability: 0.2, Score: 20, Grade: "C", Tier: "cold", RulesPoints: math.NaN()},
			{LeadID: "b", ScoredAt: t2, AsOf: t2, Source: store.SourceRescore, ModelName: "m", ModelVersion: "v1", Probability: 0.6, Score: 60, Grade: "B", Tier: "warm", RulesPoints: math.NaN()},
		}
		require.NoError(t, s.LogRescores(ctx, scores, []string{"a", "b", "c"}, t2))
		got, err = s.PendingRescores(ctx)
		require.NoError(t, err)
		assert.Equal(t, want[1:2], got)
		logged, err := s.LeadScores(ctx, "b", 0, 10)
		require.NoError(t, err)
		assert.Len(t, logged, 1)
		require.NoError(t, s.LogRescores(ctx, nil, []string{"b"}, t3))
		got, err = s.PendingRescores(ctx)
		require.NoError(t, err)
		assert.Empty(t, got)
	})
}

// TestPendingRescoresConcurrent: concurrent writes (committed together by
// SQLite's group commit) leave the rows that one upsert per write in turn
// would: each lead keeps the change of the first write committed and
// takes the latest, an outcome among them sticks, and a refused write
// leaves none of its own marks.
func TestPendingRescoresConcurrent(t *testing.T) {
	backends(t, func(t *testing.T, url string) {
		ctx := context.Background()
		s := open(t, url)
		const writers = 24
		var wg sync.WaitGroup
		for g := range writers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				at := t0.Add(time.Duration(g) * time.Second)
				own := fmt.Sprintf("g%02d", g)
				var err error
				switch g % 3 {
				case 0:
					_, err = s.AppendEvents(ctx, []store.Event{{LeadID: "x", Type: "visit", Time: t1(g)}, {LeadID: own, Type: "visit", Time: t1(g)}, {LeadID: "x", Type: "open", Time: t1(g)}}, at, store.RescoreActivity)
				case 1:
					_, err = s.RecordOutcomes(ctx, []store.Outcome{{LeadID: "y", ConvertedAt: at, Amount: math.NaN()}, {LeadID: own, ConvertedAt: at, Amount: math.NaN()}}, at, store.RescoreOutcome)
				default:
					// Fails on its second event, after marking "bad".
					_, err = s.AppendEvents(ctx, []store.Event{{LeadID: "bad", Type: "visit", Time: t1(g)}, {LeadID: "bad", Type: "visit"}}, at, store.RescoreActivity)
					if err == nil {
						t.Error("an event without a timestamp was accepted")
					}
					_, err = s.AppendEvents(ctx, []store.Event{{LeadID: "x", Type: "visit", Time: t1(g)}, {LeadID: "y", Type: "visit", Time: t1(g)}}, at, store.RescoreActivity)
				}
				assert.NoError(t, err)
			}()
		}
		wg.Wait()
		got, err := s.PendingRescores(ctx)
		require.NoError(t, err)
		want := map[string]store.PendingRescore{
			"x": {LeadID: "x", First: t0, Last: t0.Add((writers - 1) * time.Second), Cause: store.RescoreActivity},
			"y": {LeadID: "y", First: t0.Add(time.Second), Last: t0.Add((writers - 1) * time.Second), Cause: store.RescoreOutcome},
		}
		for g := range writers {
			if g%3 != 2 {
				cause := store.RescoreActivity
				if g%3 == 1 {
					cause = store.RescoreOutcome
				}
				at := t0.Add(time.Duration(g) * time.Second)
				want[fmt.Sprintf("g%02d", g)] = store.PendingRescore{LeadID: fmt.Sprintf("g%02d", g), First: at, Last: at, Cause: cause}
			}
		}
		require.Len(t, got, len(want))
		for _, p := range got {
			w := want[p.LeadID]
			if p.LeadID == "x" || p.LeadID == "y" {
				// Marked by many writers: the first committed one's
				// change, whichever that was.
				assert.False(t, p.First.Before(w.First) || p.First.After(w.Last), "%s first at %s", p.LeadID, p.First)
				w.First = p.First
			}
			assert.Equal(t, w, p, p.LeadID)
		}
	})
}

// t1 is an event time of writer g.
func t1(g int) time.Time { return t0.Add(time.Duration(g) * time.Minute) }

// TestPendingSlack: with a pending slack, an activity of a lead whose row
// was committed with a change less than the slack before is not written
// (the row keeps its latest change), a later one is, an outcome always is,
// a failed write spares nothing, and a settle deletes a row only when its
// latest change is at least the slack before the rescore's moment, so
// that every change the row stands for came before it. Without a slack
// every change is written, as before.
func TestPendingSlack(t *testing.T) {
	backends(t, func(t *testing.T, url string) {
		ctx := context.Background()
		s := open(t, url)
		const slack = 500 * time.Millisecond
		s.SetPendingSlack(slack)
		at := func(ms int) time.Time { return t0.Add(time.Duration(ms) * time.Millisecond) }
		visit := func(lead string, ms int) error {
			_, err := s.AppendEvents(ctx, []store.Event{{LeadID: lead, Type: "visit", Time: at(ms)}}, at(ms), store.RescoreActivity)
			return err
		}
		pending := func() map[string]store.PendingRescore {
			got, err := s.PendingRescores(ctx)
			require.NoError(t, err)
			m := map[string]store.PendingRescore{}
			for _, p := range got {
				m[p.LeadID] = p
			}
			return m
		}
		require.NoError(t, visit("a", 0))
		require.NoError(t, visit("a", 300)) // within the slack: spared
		assert.Equal(t, store.PendingRescore{LeadID: "a", First: at(0), Last: at(0), Cause: store.RescoreActivity}, pending()["a"])
		require.NoError(t, visit("a", 600)) // past it: written
		assert.Equal(t, at(600), pending()["a"].Last)
		// Leads too: the same marks.
		_, err := s.UpsertLeads(ctx, []store.Lead{{ID: "a", Created: t0, Fields: fields(t, `{"x": 1}`)}}, at(700), nil, store.RescoreActivity)
		require.NoError(t, err)
		assert.Equal(t, at(600), pending()["a"].Last)
		// An outcome is always written.
		_, err = s.RecordOutcomes(ctx, []store.Outcome{{LeadID: "a", ConvertedAt: at(800), Amount: math.NaN()}}, at(800), store.RescoreOutcome)
		require.NoError(t, err)
		assert.Equal(t, store.PendingRescore{LeadID: "a", First: at(0), Last: at(800), Cause: store.RescoreOutcome}, pending()["a"])

		// A failed write spares nothing: the next change is written.
		_, err = s.AppendEvents(ctx, []store.Event{{LeadID: "d", Type: "visit", Time: at(0)}, {LeadID: "", Type: "visit", Time: at(0)}}, at(0), store.RescoreActivity)
		require.Error(t, err)
		require.NoError(t, visit("d", 100))
		assert.Equal(t, at(100), pending()["d"].Last)

		// The row of a (latest change written at 800, maybe later ones
		// spared until 1,300) is settled only by a rescore at 1,300 or later.
		require.NoError(t, s.LogRescores(ctx, nil, []string{"a", "d"}, at(1299)))
		assert.Contains(t, pending(), "a")
		assert.NotContains(t, pending(), "d") // 100 <= 1,299 - 500
		require.NoError(t, s.LogRescores(ctx, nil, []string{"a"}, at(1300)))
		assert.NotContains(t, pending(), "a")

		// Once a's row is settled, its next change is written even within
		// the slack of the last written one (800), and the one after is
		// spared again.
		require.NoError(t, visit("a", 1000))
		assert.Equal(t, store.PendingRescore{LeadID: "a", First: at(1000), Last: at(1000), Cause: store.RescoreActivity}, pending()["a"])
		require.NoError(t, visit("a", 1100))
		assert.Equal(t, at(1000), pending()["a"].Last)

		// No slack: every change is written.
		s.SetPendingSlack(0)
		require.NoError(t, visit("b", 0))
		require.NoError(t, visit("b", 10))
		assert.Equal(t, at(10), pending()["b"].Last)
		require.NoError(t, s.LogRescores(ctx, nil, []string{"b"}, at(10)))
		assert.NotContains(t, pending(), "b")
	})
}

// On PostgreSQL a lead's pending rescore may be held in several rows, one
// per slot (migration 8): a transaction marking a lead pending does not
// wait for another one's uncommitted mark of the same lead, as every
// concurrent ingestion request's would otherwise.
func TestPendingMarksDoNotWaitPG(t *testing.T) {
	ctx := context.Background()
	s := open(t, pgtest.URL(t))
	// Another writer's transaction marks lead a (in slot 0) and stays open.
	tx, err := s.DB().BeginTx(ctx, nil)
	require.NoError(t, err)
	defer tx.Rollback()
	_, err = tx.ExecContext(ctx, `INSERT INTO pending_rescores (lead_id, slot, first_at, last_at, cause) VALUES ('a', 0, 1, 1, 'activity')`)
	require.NoError(t, err)
	wctx, cancel := context.WithTimeout(ctx, 3*time.Second)
	defer cancel()
	_, err = s.AppendEvents(wctx, []store.Event{{LeadID: "a", Type: "visit", Time: t0}}, t0, store.RescoreActivity)
	require.NoError(t, err, "marking a lead pending waited for another transaction's mark")
	require.NoError(t, tx.Commit())
	got, err := s.PendingRescores(ctx)
	require.NoError(t, err)
	require.Len(t, got, 1, "one pending rescore per lead, whatever its rows")
	assert.Equal(t, store.PendingRescore{LeadID: "a", First: time.Unix(0, 1).UTC(), Last: t0, Cause: store.RescoreActivity}, got[0])
	// Settled as one: both rows go once the latest change is covered.
	require.NoError(t, s.LogRescores(ctx, nil, []string{"a"}, t0.Add(-time.Hour)))
	got, err = s.PendingRescores(ctx)
	require.NoError(t, err)
	assert.Len(t, got, 1, "a rescore before the latest change settles nothing")
	require.NoError(t, s.LogRescores(ctx, nil, []string{"a"}, t0.Add(time.Hour)))
	got, err = s.PendingRescores(ctx)
	require.NoError(t, err)
	assert.Empty(t, got)
}
