package training

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/leadscore/leadscore/datasets"
	"github.com/leadscore/leadscore/datasets/synth"
	"github.com/leadscore/leadscore/features"
	"github.com/leadscore/leadscore/internal/realdata"
	"github.com/leadscore/leadscore/models"
	"github.com/leadscore/leadscore/models/gbm"
	"github.com/leadscore/leadscore/models/rules"
)

var (
	sampleOnce sync.Once
	sampleDir  string
	sampleErr  error
)

// sample writes one small generated B2B history shared by the tests.
func sample(t *testing.T) string {
	t.Helper()
	sampleOnce.Do(func() {
		sampleDir, sampleErr = os.MkdirTemp("", "leadscore-training-*")
		if sampleErr != nil {
			return
		}
		_, sampleErr = synth.Generate(synth.Config{Profile: "b2b", Leads: 2000, Seed: 7, Format: "csv"}, sampleDir, nil)
	})
	require.NoError(t, sampleErr)
	return sampleDir
}

func TestMain(m *testing.M) {
	code := m.Run()
	if sampleDir != "" {
		os.RemoveAll(sampleDir)
	}
	os.Exit(code)
}

func sampleOptions(t *testing.T) Options {
	dir := sample(t)
	gp := fastGBM()
	return Options{
		Data:      filepath.Join(dir, "leads.csv"),
		Events:    filepath.Join(dir, "events.csv"),
		Outcomes:  filepath.Join(dir, "outcomes.csv"),
		Config:    features.DefaultConfig(),
		RulesYAML: rules.Default("b2b"),
		Seed:      3,
		GBM:       gp,
		// Cross-validation of lambda is tested in models/logistic; a fixed
		// strength keeps these tests fast.
		LogisticLambda: 1e-3,
	}
}

var (
	trainedOnce sync.Once
	trained     *Result
	trainedErr  error
)

// trainedSample trains every model on the sample once for the tests that
// only read the result.
func trainedSample(t *testing.T) *Result {
	t.Helper()
	opt := sampleOptions(t)
	trainedOnce.Do(func() { trained, trainedErr = Train(context.Background(), opt) })
	require.NoError(t, trainedErr)
	return trained
}

func TestTrainSaveLoadScoresIdentically(t *testing.T) {
	opt := sampleOptions(t)
	res := trainedSample(t)
	b := res.Bundle
	assert.ElementsMatch(t, models.AllModels, b.Models())
	for _, n := range b.Models() {
		m := res.Report.Metrics[n]
		assert.Greater(t, m.ROCAUC, 0.6, "model %s should beat chance on generated data", n)
		assert.Greater(t, m.N, 0)
	}
	// The best predictive model must beat the rule sheet on data generated
	// from a model with saturation and decay the sheet does not know.
	best := max(res.Report.Metrics[models.GBM].ROCAUC, res.Report.Metrics[models.Logistic].ROCAUC)
	assert.Greater(t, best, res.Report.Metrics[models.Rules].ROCAUC)

	dir := filepath.Join(t.TempDir(), "v1")
	require.NoError(t, b.Save(dir))
	loaded, err := models.Load(dir)
	require.NoError(t, err)

	// Score the leads as of a fixed moment through the batch path with both
	// bundles: identical numbers, field by field.
	in := features.Inputs{}
	in.Leads, _, err = datasets.ReadFile(opt.Data, datasets.ReadOptions{})
	require.NoError(t, err)
	in.Events, _, err = datasets.ReadFile(opt.Events, datasets.ReadOptions{})
	require.NoError(t, err)
	asOf := time.Date(2025, 6, 1, 0, 0, 0, 0, time.UTC)
	ds, err := features.ScoringDataset(b.Spec.Config, in, asOf)
	require.NoError(t, err)
	opts := models.ScoreOptions{Explain: models.ExplainAll, AllModels: true}
	r1 := b.ScoreDataset(ds, nil, opts, 2)
	r2 := loaded.ScoreDataset(ds, nil, opts, 1)
	require.Equal(t, len(r1), len(r2))
	scored := 0
	for i := range r1 {
		require.Equal(t, r1[i].Err == nil, r2[i].Err == nil)
		if r1[i].Err != nil {
			continue
		}
		scored++
		a, c := r1[i].Result, r2[i].Result
		require.Equal(t, a.Probability, c.Probability, "lead %s", a.LeadID)
		require.Equal(t, a.Probabilities, c.Probabilities)
		require.Equal(t, a.Explanation.Raw, c.Explanation.Raw)
		// Invariant: base value + sum of contributions = raw log-odds.
		sum := a.Explanation.BaseValue
		for _, ct := range a.Explanation.Contributions {
			sum += ct.Contribution
		}
		assert.InDelta(t, a.Explanation.Raw, sum, 1e-9, "lead %s", a.LeadID)
		assert.GreaterOrEqual(t, a.Score, 1)
		assert.LessOrEqual(t, a.Score, 99)
		assert.Contains(t, []string{"hot", "warm", "cold"}, a.Tier)
	}
	assert.Greater(t, scored, 0)
}

func TestTrainIsDeterministic(t *testing.T) {
	opt := sampleOptions(t)
	opt.Models = []string{models.Logistic, models.GBM}
	a, err := Train(context.Background(), opt)
	require.NoError(t, err)
	b, err := Train(context.Background(), opt)
	require.NoError(t, err)
	ja, _ := json.Marshal(a.Bundle.GBM)
	jb, _ := json.Marshal(b.Bundle.GBM)
	assert.Equal(t, string(ja), string(jb), "same data and seed must give the same gbm")
	assert.Equal(t, a.Bundle.Logistic.Weights, b.Bundle.Logistic.Weights)
	assert.Equal(t, a.Bundle.Scoring, b.Bundle.Scoring)
}

// TestReportRecordsGBMSampling checks that report.json and report.md say
// how many rows and columns each tree drew (--gbm-subsample,
// --gbm-colsample).
func TestReportRecordsGBMSampling(t *testing.T) {
	res := trainedSample(t)
	var rep struct {
		GBM struct {
			Params struct {
				Subsample float64 `json:"subsample"`
				ColSample float64 `json:"colsample"`
			} `json:"params"`
		} `json:"gbm"`
	}
	require.NoError(t, json.Unmarshal(res.Bundle.Report, &rep))
	assert.Equal(t, 0.8, rep.GBM.Params.Subsample)
	assert.Equal(t, 0.5, rep.GBM.Params.ColSample)
	assert.Contains(t, res.Report.Markdown(), fmt.Sprintf("each tree drew 80%% of the %d fitting rows and 50%% of the feature columns", res.Report.GBM.FitRows))
}

// GBMDefaults takes the sampling leadscore.yaml sets and the gbm's
// defaults otherwise; the template's comments name those defaults.
func TestGBMDefaults(t *testing.T) {
	d := gbm.DefaultParams()
	want := d
	want.ColSample = 0 // sized by the columns when the gbm is fitted
	assert.Equal(t, want, GBMDefaults(features.Config{}))
	p := GBMDefaults(features.Config{GBMSubsample: 0.6})
	assert.Equal(t, 0.6, p.Subsample)
	assert.Zero(t, p.ColSample)
	p = GBMDefaults(features.Config{GBMColSample: 1})
	assert.Equal(t, d.Subsample, p.Subsample)
	assert.Equal(t, 1.0, p.ColSample)
	assert.Contains(t, features.ConfigTemplate, fmt.Sprintf("gbm_subsample: 0         # default %g ", d.Subsample))
	assert.Contains(t, features.ConfigTemplate, fmt.Sprintf("gbm_colsample: 0         # default: about %d columns per tree, a share between %g and %g ",
		gbm.ColumnsPerTree, gbm.MinSizedColSample, gbm.MaxSizedColSample))
}

// The gbm's L2 penalty is per lead: on snapshot data it is multiplied by
// the fitting rows' snapshots per lead, counted here independently of
// rowsPerLead, and report.json and report.md say so.
func TestGBMLambdaPerLead(t *testing.T) {
	res := trainedSample(t)
	g := res.Report.GBM
	require.NotNil(t, g)
	assert.Equal(t, fastGBM().Lambda, g.LambdaPerLead)
	assert.Greater(t, g.RowsPerLead, 2.0, "the sample has several snapshots per lead")
	assert.InDelta(t, g.LambdaPerLead*g.RowsPerLead, g.Params.Lambda, 1e-12)
	assert.Equal(t, g.Params.Lambda, res.Bundle.GBM.Params.Lambda, "the penalty applied is the one the model records")
	assert.Contains(t, res.Report.Markdown(), fmt.Sprintf("%g per lead, was %.4g on the fitting rows: %.2f snapshots per lead", g.LambdaPerLead, g.Params.Lambda, g.RowsPerLead))
	// The fitting rows' leads are among the training leads.
	assert.GreaterOrEqual(t, g.RowsPerLead, float64(g.FitRows)/float64(res.Report.Split.TrainLeads))

	// --tune's candidates set their own penalty, unscaled.
	opt := sampleOptions(t)
	opt.Models, opt.Tune = []string{models.GBM}, true
	tuned, err := Train(context.Background(), opt)
	require.NoError(t, err)
	assert.Zero(t, tuned.Report.GBM.LambdaPerLead)
	assert.Contains(t, []float64{1, 5}, tuned.Report.GBM.Params.Lambda)
	assert.NotContains(t, tuned.Report.Markdown(), "per lead, was")
}

// Left to the data, the share of columns per tree is sized by the feature
// columns, and report.json, report.md and the model say what was used.
func TestGBMColSampleSizedByColumns(t *testing.T) {
	opt := sampleOptions(t)
	opt.Models = []string{models.GBM}
	opt.GBM.ColSample = 0
	res, err := Train(context.Background(), opt)
	require.NoError(t, err)
	g := res.Report.GBM
	assert.True(t, g.ColSampleSized)
	assert.Equal(t, res.Tree.Cols, g.Columns)
	assert.Greater(t, g.Columns, 2*gbm.ColumnsPerTree, "the sample is wide enough for the share to fall below half")
	assert.InDelta(t, float64(gbm.ColumnsPerTree)/float64(g.Columns), g.Params.ColSample, 1e-12)
	assert.Equal(t, g.Params.ColSample, res.Bundle.GBM.Params.ColSample)
	assert.Contains(t, res.Report.Markdown(), fmt.Sprintf("sized by the %d feature columns: about %d per tree", g.Columns, gbm.ColumnsPerTree))
	// A share that is set is kept and not reported as sized.
	assert.False(t, trainedSample(t).Report.GBM.ColSampleSized)
}

func TestRowsPerLead(t *testing.T) {
	ids := []string{"a", "a", "a", "b", "b", "c"}
	assert.Equal(t, 2.0, rowsPerLead(ids, []int{0, 1, 2, 3, 4, 5}))
	assert.Equal(t, 1.5, rowsPerLead(ids, []int{0, 1, 5}))
	assert.Equal(t, 1.0, rowsPerLead(ids, nil))
	assert.Equal(t, 1.0, gbmLambda(1, 1))
	assert.Equal(t, 7.5, gbmLambda(1, 7.5))
	assert.Equal(t, 2.0, gbmLambda(2, 0.5), "never below the penalty asked for")
}

func TestDamagedBundleIsRefused(t *testing.T) {
	res := trainedSample(t)
	dir := filepath.Join(t.TempDir(), "v1")
	require.NoError(t, res.Bundle.Save(dir))
	require.Error(t, res.Bundle.Save(dir), "saving over an existing bundle must be refused")

	path := filepath.Join(dir, "logistic.json")
	data, err := os.ReadFile(path)
	require.NoError(t, err)
	data[len(data)/2] ^= 1
	require.NoError(t, os.WriteFile(path, data, 0o644))
	_, err = models.Load(dir)
	require.ErrorIs(t, err, models.ErrDamaged)
	assert.Contains(t, err.Error(), "logistic.json")

	_, err = models.Load(t.TempDir())
	require.Error(t, err)
	assert.Contains(t, err.Error(), "not a leadscore model bundle")
}

func TestCalibrationIsMonotone(t *testing.T) {
	res := trainedSample(t)
	for name, c := range res.Bundle.Calibrators {
		prev := -1.0
		for x := -20.0; x <= 120; x += 0.25 {
			p := c.Apply(x)
			require.False(t, math.IsNaN(p), name)
			require.GreaterOrEqual(t, p, prev, "%s calibrator decreases at %v", name, x)
			prev = p
		}
	}
}

// fastGBM keeps the test suite quick: fewer, smaller trees.
func fastGBM() gbm.Params {
	p := gbm.DefaultParams()
	p.Trees = 60
	p.Leaves = 15
	p.LearningRate = 0.1
	return p
}

// xeducation is the real flat CRM export described in ../shared/datasets.
func xeducation(t *testing.T) string {
	return realdata.Path(t, "xeducation/Leads.csv")
}

func TestTrainFlatXEducationFlagsSalesColumns(t *testing.T) {
	cfg := features.DefaultConfig()
	cfg.Target, cfg.ID = "Converted", "Prospect ID"
	cfg.MissingValues = []string{"Select"}
	opt := Options{
		Data:   xeducation(t),
		Read:   datasets.ReadOptions{MissingValues: []string{"Select"}},
		Config: cfg, Models: []string{models.Logistic, models.GBM}, Seed: 1, GBM: fastGBM(),
		LogisticLambda: 1e-3,
	}
	res, err := Train(context.Background(), opt)
	require.NoError(t, err)
	suspects := map[string]bool{}
	for _, s := range res.Report.LeakageSuspects {
		suspects[s.Column] = true
	}
	for _, col := range []string{"Tags", "Lead Quality", "Lead Number"} {
		assert.True(t, suspects[col], "audit must flag %q; got %v", col, res.Report.LeakageSuspects)
	}
	for _, c := range res.Bundle.Spec.TreeColumns() {
		assert.False(t, suspects[c.Source], "suspect %q must not be a feature", c.Source)
	}
	// Without the sales-filled columns a model is good but not implausibly so.
	auc := res.Report.Metrics[models.Logistic].ROCAUC
	assert.Greater(t, auc, 0.80)
	assert.Less(t, auc, 0.97)
	assert.Equal(t, 9237, res.Report.Split.TrainRows+res.Report.Split.TestRows)
}

func TestVersionsAreUniqueAndSortByTime(t *testing.T) {
	t0 := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	a, b := newVersion(t0), newVersion(t0)
	assert.NotEqual(t, a, b, "two trainings in the same instant get different versions")
	assert.Regexp(t, `^20260102-030405\.000000000-[0-9a-f]{6}$`, a)
	later := newVersion(t0.Add(time.Nanosecond))
	assert.Less(t, a, later, "versions sort by time as strings")
	assert.Less(t, b, later)
}
