package backtest

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/leadscore/leadscore/features"
	"github.com/leadscore/leadscore/models/gbm"
	"github.com/leadscore/leadscore/training"
)

// train --backtest: the backtest of the same models on the same data
// chooses the champion, and the report says so.
func TestTrainWithBacktest(t *testing.T) {
	dir, _ := genData(t, 1500, 6, 2)
	fc := features.DefaultConfig()
	fc.HorizonDays, fc.SnapshotDays = 45, []int{1, 7}
	gp := gbm.DefaultParams()
	gp.Trees = 30
	opt := training.Options{
		Data: filepath.Join(dir, "leads.csv"), Events: filepath.Join(dir, "events.csv"), Outcomes: filepath.Join(dir, "outcomes.csv"),
		RulesFile: filepath.Join(dir, "rules.yaml"), Config: fc, Seed: 3, Threads: 2, GBM: gp, LogisticLambda: 1e-3,
	}
	res, bt, err := TrainWithBacktest(context.Background(), opt, "")
	require.NoError(t, err)
	require.NotNil(t, bt.Overall, "some month was evaluated")
	assert.Equal(t, Month, bt.Settings.Period)
	want, why, ok := bt.ChampionChoice(res.Bundle.Models())
	require.True(t, ok)
	assert.Equal(t, want, res.Bundle.Scoring.Champion)
	assert.Equal(t, why, res.Report.ChampionReason)
	assert.Contains(t, why, "pooled out-of-time log loss")

	// A champion named by the user stands.
	opt.Champion = "rules"
	res, _, err = TrainWithBacktest(context.Background(), opt, Quarter)
	require.NoError(t, err)
	assert.Equal(t, "rules", res.Bundle.Scoring.Champion)
}
