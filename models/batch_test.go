package models

import (
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/leadscore/leadscore/features"
)

var fixtureAsOf = time.Date(2025, 6, 1, 0, 0, 0, 0, time.UTC)

// ScoreRows, chunked and threaded, returns exactly what scoring the leads
// one by one with Scorer.Score returns; so do the GBM's chunked
// explanations, which the fixture's small tables would not reach by
// themselves.
func TestScoreRowsEqualsScoringOneByOne(t *testing.T) {
	b, in := fixture(t)
	ds, err := features.ScoringDataset(b.Spec.Config, in, fixtureAsOf)
	require.NoError(t, err)
	for _, champ := range []string{Logistic, GBM, Rules} {
		bc := *b
		bc.Scoring.Champion = champ
		for _, opt := range []ScoreOptions{{}, {Explain: 3}, {Explain: ExplainAll, AllModels: true}} {
			for _, chunked := range []bool{false, true} {
				if chunked && (champ != GBM || opt.Explain == 0) {
					continue
				}
				got := make([]*Result, ds.Rows)
				var mu sync.Mutex
				workers := map[int]bool{}
				bc.scoreRows(datasetRows{ds, allRows(ds.Rows)}, opt, 2, chunked, nil, func(w, i int, res *Result, err error) {
					require.NoError(t, err)
					got[i] = res.clone()
					mu.Lock()
					workers[w] = true
					mu.Unlock()
				})
				if !chunked { // one chunk of 2048 holds every lead
					assert.Len(t, workers, 2, "both workers take part")
				}
				s := bc.NewScorer()
				explained := 0
				for i := range ds.Rows {
					want, err := s.Score(ds.Lead(i), opt)
					require.NoError(t, err)
					require.Equal(t, want, got[i], "champion %s, %+v, chunked %v, lead %s", champ, opt, chunked, want.LeadID)
					if opt.AllModels {
						require.NotNil(t, bc.Rules)
						assert.Equal(t, want.Probabilities[Rules], want.RulesProbability, "the rule sheet's calibrated probability, logged for monitoring")
					}
					if want.Explanation != nil && len(want.Explanation.Contributions) > 0 {
						explained++
					}
				}
				if opt.Explain != 0 {
					assert.Greater(t, explained, ds.Rows/2)
				}
			}
		}
	}
}

func allRows(n int) []int {
	rows := make([]int, n)
	for i := range rows {
		rows[i] = i
	}
	return rows
}

// failingRows fails some rows, panics on one and hands out the others.
type failingRows struct {
	datasetRows
	bad   map[int]bool
	panic int
}

func (r failingRows) Lead(w, i int) (*features.Lead, error) {
	if i == r.panic {
		panic("boom")
	}
	if r.bad[i] {
		return nil, errors.New("unreadable row")
	}
	return r.datasetRows.Lead(w, i)
}

// A row that cannot be read keeps its error, a panic becomes that row's
// PanicError, and every other row is still scored.
func TestScoreRowsKeepsEveryRowsReason(t *testing.T) {
	b, in := fixture(t)
	ds, err := features.ScoringDataset(b.Spec.Config, in, fixtureAsOf)
	require.NoError(t, err)
	rows := failingRows{datasetRows{ds, allRows(ds.Rows)}, map[int]bool{3: true, 700: true}, 42}
	seen := make([]int, ds.Rows)
	var mu sync.Mutex
	b.ScoreRows(rows, ScoreOptions{Explain: 2}, 2, func(_, i int, res *Result, err error) {
		mu.Lock()
		defer mu.Unlock()
		seen[i]++
		switch i {
		case 3, 700:
			assert.EqualError(t, err, "unreadable row")
			assert.Nil(t, res)
		case 42:
			var pe *PanicError
			require.ErrorAs(t, err, &pe)
			assert.Equal(t, "boom", pe.Value)
			assert.NotEmpty(t, pe.Stack)
		default:
			assert.NoError(t, err)
			assert.NotNil(t, res)
		}
	})
	for i, n := range seen {
		assert.Equal(t, 1, n, "row %d emitted once", i)
	}
}

// ScoreInputs returns every input row in order, with a reason for each row
// it could not score, and names every required column a table lacks.
func TestScoreInputsKeepsEveryInputRow(t *testing.T) {
	b, in := fixture(t)
	asOf := time.Date(2025, 3, 1, 0, 0, 0, 0, time.UTC) // some leads are created later
	scored, err := b.ScoreInputs(in, asOf, ScoreOptions{}, 2)
	require.NoError(t, err)
	require.Len(t, scored, in.Leads.Rows())
	var ok, later int
	for i, s := range scored {
		require.Equal(t, i, s.Row)
		require.NotEmpty(t, s.LeadID)
		if s.Result != nil {
			ok++
			assert.Equal(t, s.LeadID, s.Result.LeadID)
			continue
		}
		require.Error(t, s.Err)
		assert.Contains(t, s.Err.Error(), "created after the scoring time")
		later++
	}
	assert.Greater(t, ok, 0)
	assert.Greater(t, later, 0)
}
