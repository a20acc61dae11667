package retrain

import (
	"context"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/leadscore/leadscore/features"
	"github.com/leadscore/leadscore/models"
	"github.com/leadscore/leadscore/models/modelstest"
	"github.com/leadscore/leadscore/training"
	"github.com/leadscore/leadscore/training/retrain/retraintest"
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
	retraintest.CheckNumbers(t, opt.Train, d, filepath.Join(dir, d.Challenger), "")

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
	retraintest.CheckNumbers(t, opt.Train, d2, filepath.Join(dir, d2.Challenger), filepath.Join(dir, d.Challenger))

	opt.Now = func() time.Time { return now.Add(2 * time.Hour) }
	opt.Fit = retraintest.ShuffledFit
	third, err := Run(ctx, opt)
	require.NoError(t, err)
	d3 := third.Decision
	require.Equal(t, models.VerdictRefused, d3.Verdict, d3.Reason)
	assert.Contains(t, d3.Reason, "ranks worse than champion "+d2.Challenger+" beyond the interval")
	assert.Less(t, float64(d3.Comparison.AUCDiff.Hi), 0.0)
	assert.Equal(t, d2.Challenger, champion(t, dir), "the champion stays")
	assert.Equal(t, d2.Challenger, d3.Serving)
	assert.DirExists(t, filepath.Join(dir, models.ChallengersDir, d3.Challenger), "a refused challenger stays for inspection")
	retraintest.CheckNumbers(t, opt.Train, d3, filepath.Join(dir, models.ChallengersDir, d3.Challenger), filepath.Join(dir, d2.Challenger))

	recs, err := models.ReadDecisions(dir)
	require.NoError(t, err)
	require.Len(t, recs, 3)
	assert.Equal(t, []string{d3.Challenger, d2.Challenger, d.Challenger}, []string{recs[0].Challenger, recs[1].Challenger, recs[2].Challenger})
	assert.Equal(t, d3.Reason, recs[0].Reason)
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

// TestVerdictECE: the calibration check passes a challenger within the
// threshold, or above it but not worse than the baseline beyond the paired
// interval, and refuses one that is worse beyond it.
func TestVerdictECE(t *testing.T) {
	cmp := func(ch, base, lo, hi float64) *models.Comparison {
		return &models.Comparison{Baseline: "champion",
			Challenger: models.ModelFigures{Version: "v2", ROCAUC: 0.80, ECE: models.Number(ch)},
			Champion:   models.ModelFigures{Version: "v1", ROCAUC: 0.79, ECE: models.Number(base)},
			AUCDiff:    models.PairedFigures{Value: 0.01, Lo: -0.01, Hi: 0.03, Resamples: 200},
			ECEDiff:    models.PairedFigures{Value: models.Number(ch - base), Lo: models.Number(lo), Hi: models.Number(hi)}}
	}
	for _, c := range []struct {
		name             string
		ch, base, lo, hi float64
		promote          bool
		reason           string
	}{
		{"within the threshold", 0.03, 0.04, -0.02, 0.01, true, "is within 0.0500"},
		{"within the champion's ECE", 0.07, 0.08, -0.03, 0.01, true, "is within 0.0800"},
		{"above both, within noise", 0.081, 0.0768, -0.012, 0.021, true, "not worse than champion v1's beyond the interval (ECE 0.0810"},
		{"worse beyond the interval", 0.12, 0.06, 0.03, 0.09, false, "calibration is off"},
		{"no interval", 0.12, 0.06, math.NaN(), math.NaN(), false, "calibration is off"},
	} {
		t.Run(c.name, func(t *testing.T) {
			ok, why := verdict(cmp(c.ch, c.base, c.lo, c.hi), 0.05)
			assert.Equal(t, c.promote, ok, why)
			assert.Contains(t, why, c.reason)
		})
	}
}
