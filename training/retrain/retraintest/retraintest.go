// Package retraintest holds what the tests of the retrain gate share: a
// challenger trained on shuffled labels and an independent check of a
// decision record's numbers. The gate's own tests and the end-to-end
// replay with a scheduled retrain (cmd/leadscore) use them.
package retraintest

import (
	"context"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/leadscore/leadscore/metrics"
	"github.com/leadscore/leadscore/models"
	"github.com/leadscore/leadscore/training"
	"github.com/leadscore/leadscore/training/backtest"
)

// ShuffledFit trains on the training rows' labels shuffled (seeded): a
// challenger that learned nothing. It is a retrain.Trainer.
func ShuffledFit(ctx context.Context, opt training.Options, prep *training.Prepared, split training.Split) (*training.Result, error) {
	ds := *prep.Dataset
	ds.Labels = append([]float64(nil), prep.Dataset.Labels...)
	rng := rand.New(rand.NewPCG(11, 11))
	rows := split.Train
	for i := len(rows) - 1; i > 0; i-- {
		j := rng.IntN(i + 1)
		ds.Labels[rows[i]], ds.Labels[rows[j]] = ds.Labels[rows[j]], ds.Labels[rows[i]]
	}
	p := *prep
	p.Dataset = &ds
	return training.Fit(ctx, opt, &p, split)
}

// CheckNumbers recomputes a record's comparison from the history of train
// (prepared again) and the bundles on disk: both score the window's rows,
// and package metrics and the paired bootstrap give the record's numbers
// exactly. champDir "" means the baseline was the rule sheet (the
// challenger's rules probability).
func CheckNumbers(t *testing.T, train training.Options, d models.Decision, chDir, champDir string) {
	t.Helper()
	c := d.Comparison
	require.NotNil(t, c)
	prep, err := training.Prepare(context.Background(), train)
	require.NoError(t, err)
	ds := prep.Dataset
	chal, err := models.Load(chDir)
	require.NoError(t, err)
	var rows []int
	for i := range ds.Rows {
		if !math.IsNaN(ds.Labels[i]) && !ds.Created[i].Before(c.WindowStart) {
			rows = append(rows, i)
		}
	}
	cs := chal.ScoreDataset(ds, rows, models.ScoreOptions{AllModels: true}, 1)
	var bs []models.Scored
	if champDir != "" {
		champ, err := models.Load(champDir)
		require.NoError(t, err)
		bs = champ.ScoreDataset(ds, rows, models.ScoreOptions{}, 1)
	}
	var y, pc, pb []float64
	for k, i := range rows {
		require.NoError(t, cs[k].Err)
		y = append(y, ds.Labels[i])
		pc = append(pc, cs[k].Result.Probability)
		if bs != nil {
			require.NoError(t, bs[k].Err)
			pb = append(pb, bs[k].Result.Probability)
		} else {
			pb = append(pb, cs[k].Result.Probabilities[models.Rules])
		}
	}
	assert.Equal(t, len(y), c.Rows)
	assert.Zero(t, c.Skipped)
	assert.Equal(t, models.Number(metrics.ROCAUC(y, pc, nil)), c.Challenger.ROCAUC)
	assert.Equal(t, models.Number(metrics.LogLoss(y, pc, nil)), c.Challenger.LogLoss)
	assert.Equal(t, models.Number(metrics.ECE(y, pc, 10)), c.Challenger.ECE)
	assert.Equal(t, models.Number(metrics.ROCAUC(y, pb, nil)), c.Champion.ROCAUC)
	assert.Equal(t, models.Number(metrics.LogLoss(y, pb, nil)), c.Champion.LogLoss)
	assert.Equal(t, models.Number(metrics.ECE(y, pb, 10)), c.Champion.ECE)
	p, e := backtest.PairedAUCECE(y, pc, pb, c.AUCDiff.Resamples, c.AUCDiff.Seed, 1)
	assert.Equal(t, models.Number(p.Value), c.AUCDiff.Value)
	assert.Equal(t, models.Number(p.Lo), c.AUCDiff.Lo)
	assert.Equal(t, models.Number(p.Hi), c.AUCDiff.Hi)
	assert.InDelta(t, metrics.ECE(y, pc, 10)-metrics.ECE(y, pb, 10), float64(c.ECEDiff.Value), 1e-12)
	assert.Equal(t, models.Number(e.Lo), c.ECEDiff.Lo)
	assert.Equal(t, models.Number(e.Hi), c.ECEDiff.Hi)
	if !strings.Contains(d.Reason, "calibration is off") {
		assert.Contains(t, d.Reason, "95% interval", "the reason states the interval")
	}
}
