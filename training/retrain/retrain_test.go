package retrain

import (
	"context"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/leadscore/leadscore/features"
	"github.com/leadscore/leadscore/metrics"
	"github.com/leadscore/leadscore/models"
	"github.com/leadscore/leadscore/models/modelstest"
	"github.com/leadscore/leadscore/training"
	"github.com/leadscore/leadscore/training/backtest"
)

var fixture *modelstest.Fixture

func TestMain(m *testing.M) {
	var err error
	if fixture, err = modelstest.NewFixture("b2b"); err != nil {
		panic(err)
	}
	code := m.Run()
	fixture.Remove()
	os.Exit(code)
}

var now = time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)

func options(t *testing.T, dir string) Options {
	t.Helper()
	return Options{
		Train: training.Options{
			Data: filepath.Join(fixture.Data, "leads.csv"), Events: filepath.Join(fixture.Data, "events.csv"),
			Outcomes: filepath.Join(fixture.Data, "outcomes.csv"), RulesFile: filepath.Join(fixture.Bundle, "rules.yaml"),
			Config: features.DefaultConfig(), Models: []string{models.Rules, models.Logistic}, Seed: 3, Threads: 2,
		},
		ModelsDir: dir, MinLeads: 500, MinConversions: 50, Resamples: 100, Now: func() time.Time { return now },
	}
}

// shuffledFit trains on the training rows' labels shuffled (seeded): a
// challenger that learned nothing.
func shuffledFit(ctx context.Context, opt training.Options, prep *training.Prepared, split training.Split) (*training.Result, error) {
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

func champion(t *testing.T, dir string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, championFile))
	require.NoError(t, err)
	return strings.TrimSpace(string(b))
}

// TestGate runs the gate three times on one models directory: without a
// model the first challenger is compared with the rule sheet and
// promoted; a second, trained like the first, is not worse and is
// promoted; a third trained on shuffled labels is refused and the second
// keeps serving. Every record's numbers are recomputed from the bundles.
func TestGate(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	opt := options(t, dir)

	first, err := Run(ctx, opt)
	require.NoError(t, err)
	d := first.Decision
	require.Equal(t, models.VerdictPromoted, d.Verdict, d.Reason)
	assert.Equal(t, "rules", d.Comparison.Baseline)
	assert.Empty(t, d.Champion)
	assert.Equal(t, d.Challenger, champion(t, dir))
	assert.DirExists(t, filepath.Join(dir, d.Challenger))
	assert.NoDirExists(t, filepath.Join(dir, models.ChallengersDir, d.Challenger))
	checkNumbers(t, opt, d, filepath.Join(dir, d.Challenger), "")

	opt.Now = func() time.Time { return now.Add(time.Hour) }
	second, err := Run(ctx, opt)
	require.NoError(t, err)
	d2 := second.Decision
	require.Equal(t, models.VerdictPromoted, d2.Verdict, d2.Reason)
	assert.Equal(t, d.Challenger, d2.Champion)
	assert.Equal(t, "champion", d2.Comparison.Baseline)
	assert.Empty(t, d2.Comparison.ChampionOverlap, "the first challenger's record says where its data ended")
	assert.False(t, d2.Comparison.WindowStart.Before(d.TrainedThrough), "the window starts after the champion's data")
	assert.Equal(t, d2.Challenger, champion(t, dir))
	checkNumbers(t, opt, d2, filepath.Join(dir, d2.Challenger), filepath.Join(dir, d.Challenger))

	opt.Now = func() time.Time { return now.Add(2 * time.Hour) }
	opt.Fit = shuffledFit
	third, err := Run(ctx, opt)
	require.NoError(t, err)
	d3 := third.Decision
	require.Equal(t, models.VerdictRefused, d3.Verdict, d3.Reason)
	assert.Contains(t, d3.Reason, "ranks worse than champion "+d2.Challenger+" beyond the interval")
	assert.Less(t, float64(d3.Comparison.AUCDiff.Hi), 0.0)
	assert.Equal(t, d2.Challenger, champion(t, dir), "the champion stays")
	assert.Equal(t, d2.Challenger, d3.Serving)
	assert.DirExists(t, filepath.Join(dir, models.ChallengersDir, d3.Challenger), "a refused challenger stays for inspection")
	checkNumbers(t, opt, d3, filepath.Join(dir, models.ChallengersDir, d3.Challenger), filepath.Join(dir, d2.Challenger))

	recs, err := models.ReadDecisions(dir)
	require.NoError(t, err)
	require.Len(t, recs, 3)
	assert.Equal(t, []string{d3.Challenger, d2.Challenger, d.Challenger}, []string{recs[0].Challenger, recs[1].Challenger, recs[2].Challenger})
	assert.Equal(t, d3.Reason, recs[0].Reason)
}

// checkNumbers recomputes a record's comparison from the bundles on disk:
// both score the window's rows, and package metrics and the paired
// bootstrap give the record's numbers exactly.
func checkNumbers(t *testing.T, opt Options, d models.Decision, chDir, champDir string) {
	t.Helper()
	c := d.Comparison
	require.NotNil(t, c)
	prep, err := training.Prepare(context.Background(), opt.Train)
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
	p := backtest.PairedAUC(y, pc, pb, c.AUCDiff.Resamples, c.AUCDiff.Seed, 1)
	assert.Equal(t, models.Number(p.Value), c.AUCDiff.Value)
	assert.Equal(t, models.Number(p.Lo), c.AUCDiff.Lo)
	assert.Equal(t, models.Number(p.Hi), c.AUCDiff.Hi)
	assert.Contains(t, d.Reason, "95% interval")
}

// TestNotEnoughData: below the minimums nothing is trained, the record
// says what is missing and the champion stays.
func TestNotEnoughData(t *testing.T) {
	dir := t.TempDir()
	require.NoError(t, modelstest.WriteBundle(filepath.Join(dir, "b2b")))
	require.NoError(t, os.WriteFile(filepath.Join(dir, championFile), []byte("b2b\n"), 0o644))
	opt := options(t, dir)
	opt.MinLeads, opt.MinConversions = 5000, 100000
	res, err := Run(context.Background(), opt)
	require.NoError(t, err)
	d := res.Decision
	assert.Equal(t, models.VerdictNotEnoughData, d.Verdict)
	assert.Equal(t, 5000, d.Data.MinLeads)
	assert.Greater(t, d.Data.Leads, 1000)
	assert.Contains(t, d.Reason, "more leads with closed horizons")
	assert.Contains(t, d.Reason, "more conversions with closed horizons")
	b, err := models.Load(filepath.Join(dir, "b2b"))
	require.NoError(t, err)
	assert.Contains(t, d.Reason, "keeping champion "+b.Manifest.Version)
	assert.Equal(t, b.Manifest.Version, d.Champion)
	assert.Empty(t, d.Challenger)
	assert.NoDirExists(t, filepath.Join(dir, models.ChallengersDir))
	assert.Equal(t, "b2b", champion(t, dir))
	assert.FileExists(t, res.RecordPath)

	empty := t.TempDir()
	opt.ModelsDir = empty
	res, err = Run(context.Background(), opt)
	require.NoError(t, err)
	assert.Contains(t, res.Decision.Reason, "keeping the rule sheet: there is no model yet")
}

func TestRunRefusesBadModelsDir(t *testing.T) {
	dir := t.TempDir()
	require.NoError(t, modelstest.WriteBundle(filepath.Join(dir, "b2b")))
	opt := options(t, filepath.Join(dir, "b2b"))
	_, err := Run(context.Background(), opt)
	require.ErrorContains(t, err, "is one bundle")
	opt.ModelsDir = filepath.Join(dir, "none")
	_, err = Run(context.Background(), opt)
	require.ErrorContains(t, err, "--models")
	require.NoError(t, os.WriteFile(filepath.Join(dir, championFile), []byte("gone\n"), 0o644))
	opt.ModelsDir = dir
	_, err = Run(context.Background(), opt)
	require.ErrorContains(t, err, `the champion file names "gone"`)
}
