package backtest

import (
	"context"
	"encoding/json"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/leadscore/leadscore/features"
	"github.com/leadscore/leadscore/internal/realdata"
	"github.com/leadscore/leadscore/models/gbm"
	"github.com/leadscore/leadscore/training"
	"github.com/leadscore/leadscore/training/htmlreport"
)

// runGenerated runs a small backtest of generated data.
func runGenerated(t *testing.T) (*Result, *training.Prepared, Config) {
	t.Helper()
	dir, _ := genData(t, 2400, 12, 1)
	cfg := testConfig(dir)
	res, err := Run(context.Background(), cfg)
	require.NoError(t, err)
	opt, err := cfg.withDefaults().trainingOptions()
	require.NoError(t, err)
	prep, err := training.Prepare(context.Background(), opt)
	require.NoError(t, err)
	return res, prep, cfg
}

// TestBacktestGenerated runs one small backtest and checks it from several
// sides.
func TestBacktestGenerated(t *testing.T) {
	res, prep, cfg := runGenerated(t)
	t.Run("out of time", func(t *testing.T) { checkOutOfTime(t, res, prep, cfg) })
	t.Run("validation split", func(t *testing.T) { checkValidationSplit(t, prep, cfg) })
	t.Run("report files", func(t *testing.T) { checkReportFiles(t, res) })
}

func checkOutOfTime(t *testing.T, res *Result, prep *training.Prepared, cfg Config) {
	ds := prep.Dataset
	horizon := time.Duration(cfg.HorizonDays) * 24 * time.Hour
	statuses := map[string]int{}
	for _, p := range res.Periods {
		statuses[p.Status]++
		if p.Status != StatusEvaluated {
			assert.Nil(t, p.Eval, "period %s is %s and must not be scored against outcomes", p.Label, p.Status)
			continue
		}
		require.NotEmpty(t, p.trainRows, p.Label)
		for _, r := range p.trainRows {
			// Every training example's outcome window closed by the period start,
			// and the lead was created before it: no later outcome reaches the fit.
			require.False(t, ds.Cutoffs[r].Add(horizon).After(p.Start), "period %s trains on row %d whose outcome window ends %s", p.Label, r, ds.Cutoffs[r].Add(horizon))
			require.True(t, ds.Created[r].Before(p.Start), "period %s trains on a lead created %s", p.Label, ds.Created[r])
			if ds.Labels[r] == 1 {
				// A planted conversion is known before the period starts.
				require.False(t, ds.ConvertedAt[r].After(p.Start), "period %s learns from a conversion on %s", p.Label, ds.ConvertedAt[r])
			}
		}
		assert.False(t, p.TrainLatestEnd.After(p.Start))
		assert.False(t, p.OutcomesKnownAt.After(res.Data.AsOf), "evaluated periods have complete outcomes")
		require.NotNil(t, p.Eval)
		assert.Equal(t, p.Leads, p.Eval.Leads)
		assert.Len(t, p.Eval.Models, 4, "rules, logistic, gbm and champion")
		assert.Len(t, p.Eval.Paired, 2)
		assert.NotEmpty(t, p.Drift)
	}
	assert.Positive(t, statuses[StatusEvaluated], "some periods are evaluated: %v", statuses)
	assert.Positive(t, statuses[StatusWarmUp], "the first months lack history: %v", statuses)
	// Censoring: the last months' leads have not had their horizon by the
	// end of the data.
	last := res.Periods[len(res.Periods)-1]
	assert.Equal(t, StatusIncomplete, last.Status)
	assert.Contains(t, last.Reason, "outcomes complete only on")
	require.NotNil(t, res.Overall)
	champ, ok := find(res.Overall, "predictive")
	require.True(t, ok)
	rs, _ := find(res.Overall, "rules")
	assert.Greater(t, float64(champ.ROCAUC.Value), 0.6, "the planted signal is learned")
	assert.Greater(t, float64(rs.ROCAUC.Value), 0.5)
	assert.NotEmpty(t, res.Summary)
	assert.Contains(t, res.Summary[0], "in its top 10% of leads; the rule sheet captured")
}

func checkValidationSplit(t *testing.T, prep *training.Prepared, cfg Config) {
	fc := prep.Dataset
	tl := newTimeline(fc, mustFeatureConfig(t, cfg))
	start := time.Date(2024, 8, 1, 0, 0, 0, 0, time.UTC)
	train := tl.trainRows(start)
	s := validationSplit(tl, train)
	require.NotEmpty(t, s.Train)
	require.NotEmpty(t, s.Test)
	var latestTrain time.Time
	for _, r := range s.Train {
		if tl.key[r].After(latestTrain) {
			latestTrain = tl.key[r]
		}
	}
	for _, r := range s.Test {
		assert.False(t, tl.key[r].Before(latestTrain), "the hold-out is the latest leads")
	}
	assert.Equal(t, len(train), s.TrainRows+s.TestRows)
}

func mustFeatureConfig(t *testing.T, cfg Config) features.Config {
	fc, err := cfg.withDefaults().featureConfig()
	require.NoError(t, err)
	return fc
}

// externalRef finds anything a page could fetch from elsewhere; url() is
// allowed only with a data: URI.
var externalRef = regexp.MustCompile(`(?i)https?://|<script|@import|<link|src=|url\(\s*['"]?[^d'"\s]`)

func checkReportFiles(t *testing.T, res *Result) {
	dir := filepath.Join(t.TempDir(), "report")
	require.NoError(t, WriteReport(dir, res))
	page, err := os.ReadFile(filepath.Join(dir, htmlreport.HTMLFile))
	require.NoError(t, err)
	html := string(page)
	assert.Empty(t, externalRef.FindAllString(html, -1), "report.html must be self-contained")
	for _, s := range []string{"http://", "https://", "<script src", "@import"} {
		assert.NotContains(t, html, s)
	}
	assert.GreaterOrEqual(t, strings.Count(html, "<svg"), 6, "ROC, gains, reliability, distribution and two over-time charts")
	assert.Contains(t, html, res.Summary[0][:40])

	js, err := os.ReadFile(filepath.Join(dir, htmlreport.JSONFile))
	require.NoError(t, err)
	var got struct {
		SchemaVersion int `json:"schema_version"`
		Periods       []struct {
			Label string `json:"label"`
			Eval  *struct {
				Models []struct {
					Model  string `json:"model"`
					ROCAUC struct {
						Value *float64 `json:"value"`
					} `json:"roc_auc"`
					Capture10 struct {
						Value *float64 `json:"value"`
					} `json:"top10_capture"`
				} `json:"models"`
			} `json:"evaluation"`
		} `json:"periods"`
	}
	require.NoError(t, json.Unmarshal(js, &got))
	assert.Equal(t, SchemaVersion, got.SchemaVersion)

	// Every AUC and top-10% capture in the "Metrics by period" table of the
	// page matches report.json.
	rows := tableRows(t, html, "Metrics by period")
	require.NotEmpty(t, rows)
	checked := 0
	for _, p := range got.Periods {
		if p.Eval == nil {
			continue
		}
		for _, m := range p.Eval.Models {
			row := findRow(rows, p.Label, m.Model)
			if row == nil && (m.Model == Champion || m.Model == "predictive") {
				// Left out as equal to a row above, and said so.
				assert.Contains(t, strings.ToLower(html), "not repeated", "period %s model %s", p.Label, m.Model)
				continue
			}
			require.NotNil(t, row, "period %s model %s in the table", p.Label, m.Model)
			auc, err := strconv.ParseFloat(row[4], 64)
			require.NoError(t, err)
			require.NotNil(t, m.ROCAUC.Value)
			assert.InDelta(t, *m.ROCAUC.Value, auc, 0.0005+1e-9)
			capPct, err := strconv.ParseFloat(strings.TrimSuffix(row[10], "%"), 64)
			require.NoError(t, err)
			assert.InDelta(t, *m.Capture10.Value*100, capPct, 0.05+1e-9)
			checked++
		}
	}
	assert.Positive(t, checked)

	md, err := os.ReadFile(filepath.Join(dir, htmlreport.MDFile))
	require.NoError(t, err)
	assert.Contains(t, string(md), "## Period by period")
}

var (
	cellRe = regexp.MustCompile(`(?s)<t[dh][^>]*>(.*?)</t[dh]>`)
	rowRe  = regexp.MustCompile(`(?s)<tr>(.*?)</tr>`)
)

// tableRows returns the cells of the rows of the table with the caption.
func tableRows(t *testing.T, html, caption string) [][]string {
	t.Helper()
	i := strings.Index(html, "<caption>"+caption+"</caption>")
	require.GreaterOrEqual(t, i, 0, "table %q", caption)
	end := strings.Index(html[i:], "</table>")
	var out [][]string
	for _, r := range rowRe.FindAllStringSubmatch(html[i:i+end], -1) {
		var cells []string
		for _, c := range cellRe.FindAllStringSubmatch(r[1], -1) {
			cells = append(cells, c[1])
		}
		out = append(out, cells)
	}
	return out
}

func findRow(rows [][]string, period, model string) []string {
	for _, r := range rows {
		if len(r) > 1 && r[0] == period && (r[1] == model || strings.HasPrefix(r[1], model) ||
			(model == "rules" && r[1] == "rule sheet")) {
			return r
		}
	}
	return nil
}

func TestBacktestReproducible(t *testing.T) {
	dir, _ := genData(t, 1500, 6, 2)
	cfg := testConfig(dir)
	cfg.MinTrain = 100
	cfg.Models = []string{"logistic"}
	a, err := Run(context.Background(), cfg)
	require.NoError(t, err)
	require.NotNil(t, a.Overall, "some period is evaluated: %+v", a.Periods)
	b, err := Run(context.Background(), cfg)
	require.NoError(t, err)
	a.CreatedAt, b.CreatedAt = time.Time{}, time.Time{}
	ja, err := json.Marshal(a)
	require.NoError(t, err)
	jb, err := json.Marshal(b)
	require.NoError(t, err)
	assert.JSONEq(t, string(ja), string(jb), "same data and seed give the same backtest")

	// Data prepared once by the caller (as the quickstart shares it with
	// its training run) gives the same backtest.
	opt, err := cfg.withDefaults().trainingOptions()
	require.NoError(t, err)
	cfg.Prepared, err = training.Prepare(context.Background(), opt)
	require.NoError(t, err)
	c, err := Run(context.Background(), cfg)
	require.NoError(t, err)
	c.CreatedAt = time.Time{}
	jc, err := json.Marshal(c)
	require.NoError(t, err)
	assert.JSONEq(t, string(ja), string(jc), "a shared Prepared gives the same backtest")
}

func TestConfigValidation(t *testing.T) {
	base := Config{Data: "x.csv", Target: "y", Time: "t"}
	tests := []struct {
		name string
		mod  func(*Config)
		want string
	}{
		{"no data", func(c *Config) { c.Data = "" }, "no leads file"},
		{"bad period", func(c *Config) { c.Period = "day" }, "period"},
		{"few resamples", func(c *Config) { c.Resamples = 50 }, "resamples"},
		{"events alone", func(c *Config) { c.Events = "e.csv" }, "outcomes"},
		{"rules only", func(c *Config) { c.Models = []string{"rules"} }, "logistic or gbm"},
		{"bad monotone", func(c *Config) { c.GBMMonotone = []string{"x=+2"} }, "gbm_monotone"},
		{"bad subsample", func(c *Config) { c.GBMSubsample = 1.2 }, "gbm_subsample 1.2"},
		{"bad colsample", func(c *Config) { c.GBMColSample = -0.5 }, "gbm_colsample -0.5"},
	}
	for _, tc := range tests {
		c := base
		tc.mod(&c)
		err := c.withDefaults().validate()
		require.Error(t, err, tc.name)
		assert.Contains(t, err.Error(), tc.want, tc.name)
	}
	require.NoError(t, base.withDefaults().validate())
	// Every period's fit gets the monotone constraints.
	mono := base
	mono.GBMMonotone = []string{"visits=+1", "days_*=-1"}
	mono.Weight = "deal_value"
	opt, err := mono.withDefaults().trainingOptions()
	require.NoError(t, err)
	assert.Equal(t, []training.MonotoneRule{{Pattern: "visits", Sign: 1}, {Pattern: "days_*", Sign: -1}}, opt.GBMMonotone)
	assert.Equal(t, "deal_value", opt.Weight)
	// The sampling shares reach every period's gbm; unset, the defaults.
	sampled := base
	sampled.GBMSubsample, sampled.GBMColSample = 1, 0.7
	opt, err = sampled.withDefaults().trainingOptions()
	require.NoError(t, err)
	assert.Equal(t, 1.0, opt.GBM.Subsample)
	assert.Equal(t, 0.7, opt.GBM.ColSample)
	assert.Equal(t, gbm.DefaultParams().Trees, opt.GBM.Trees)

	_, err = Config{Data: "x.csv", Target: "y"}.withDefaults().featureConfig()
	require.Error(t, err)
	assert.Contains(t, err.Error(), "--time")
}

func TestLoadConfig(t *testing.T) {
	p := filepath.Join(t.TempDir(), "bt.yaml")
	require.NoError(t, os.WriteFile(p, []byte("data: leads.csv\noutcomes: o.csv\nperiod: week\nmin_train: 50\nhorizon_days: 30\n"), 0o644))
	c, err := LoadConfig(p)
	require.NoError(t, err)
	assert.Equal(t, Week, c.Period)
	assert.Equal(t, 50, c.MinTrain)
	require.NoError(t, os.WriteFile(p, []byte("data: leads.csv\ngbm_subsample: 1\ngbm_colsample: 0.6\n"), 0o644))
	c, err = LoadConfig(p)
	require.NoError(t, err)
	assert.Equal(t, 1.0, c.GBMSubsample)
	assert.Equal(t, 0.6, c.GBMColSample)
	require.NoError(t, os.WriteFile(p, []byte("data: leads.csv\nmin_trian: 5\n"), 0o644))
	_, err = LoadConfig(p)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "min_trian")
}

func TestRunToDir(t *testing.T) {
	dir, _ := genData(t, 600, 4, 5)
	cfg := testConfig(dir)
	cfg.MinTrain = 50
	cfg.Models = []string{"logistic"}
	parent := t.TempDir()
	a, err := RunToDir(context.Background(), cfg, parent)
	require.NoError(t, err)
	b, err := RunToDir(context.Background(), cfg, parent)
	require.NoError(t, err)
	assert.NotEqual(t, a, b, "each run gets its own dated directory")
	assert.Equal(t, filepath.Join(parent, "reports"), filepath.Dir(a))
	assert.Regexp(t, `^\d{4}-\d\d-\d\dT\d{4}Z`, filepath.Base(a))
	for _, f := range []string{htmlreport.HTMLFile, htmlreport.JSONFile, htmlreport.MDFile} {
		_, err := os.Stat(filepath.Join(a, f))
		assert.NoError(t, err)
	}
	list, err := ListReports(parent)
	require.NoError(t, err)
	require.Len(t, list, 2)
	assert.Equal(t, b, list[0].Dir, "newest first")
	assert.Equal(t, "backtest", list[0].Kind)
	assert.NotEmpty(t, list[0].Summary)
	none, err := ListReports(t.TempDir())
	require.NoError(t, err)
	assert.Empty(t, none)
}

func TestOlist(t *testing.T) {
	leads := realdata.Path(t, "olist/olist_marketing_qualified_leads_dataset.csv")
	dir := filepath.Dir(leads)
	if testing.Short() {
		t.Skip("olist backtest skipped with -short")
	}
	cfg := Config{
		Data: leads, Outcomes: filepath.Join(dir, "olist_closed_deals_dataset.csv"),
		ID: "mql_id", Created: "first_contact_date", OutcomeID: "mql_id", ConvertedAt: "won_date",
		Rules: filepath.Join("testdata", "olist_rules.yaml"), HorizonDays: 60,
		Period: Month, MinTrain: 300, Models: []string{"logistic"}, Seed: 1, Threads: 2,
	}
	res, err := Run(context.Background(), cfg)
	require.NoError(t, err)
	require.NotEmpty(t, res.Periods)
	assert.Equal(t, "2017-06", res.Periods[0].Label)
	var evaluated int
	for _, p := range res.Periods {
		if p.Status == StatusEvaluated {
			evaluated++
			for _, m := range p.Eval.Models {
				if v := float64(m.ROCAUC.Value); !math.IsNaN(v) {
					assert.InDelta(t, 0.6, v, 0.4)
				}
			}
		}
	}
	// Deals were only won from December 2017 on, so only the last months
	// have enough conversions in their history to be backtested.
	assert.GreaterOrEqual(t, evaluated, 2)
	require.NotNil(t, res.Overall)
	assert.Len(t, res.Overall.Paired, 2)
}

// TestFlatBacktest runs on one row per lead with a 0/1 target, ordered by a
// time column: the last months' outcomes are not final yet.
func TestFlatBacktest(t *testing.T) {
	dir := t.TempDir()
	rng := rand.New(rand.NewPCG(3, 3))
	var b strings.Builder
	b.WriteString("lead_id,created_at,seniority,converted\n")
	start := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := 0; i < 1500; i++ {
		sen := []string{"staff", "manager", "vp"}[rng.IntN(3)]
		p := map[string]float64{"staff": 0.05, "manager": 0.15, "vp": 0.4}[sen]
		y := 0
		if rng.Float64() < p {
			y = 1
		}
		created := start.Add(time.Duration(i) * 5 * time.Hour)
		b.WriteString(strings.Join([]string{"F" + strconv.Itoa(i), created.Format(time.RFC3339), sen, strconv.Itoa(y)}, ",") + "\n")
	}
	data := filepath.Join(dir, "flat.csv")
	require.NoError(t, os.WriteFile(data, []byte(b.String()), 0o644))
	cfg := Config{Data: data, Target: "converted", Time: "created_at", Period: Month, MinTrain: 200, HorizonDays: 30,
		Models: []string{"logistic"}, Seed: 1, Threads: 2}
	res, err := Run(context.Background(), cfg)
	require.NoError(t, err)
	assert.Equal(t, "flat", res.Data.Mode)
	statuses := map[string]int{}
	for _, p := range res.Periods {
		statuses[p.Status]++
	}
	assert.Positive(t, statuses[StatusEvaluated], "%v", statuses)
	assert.Equal(t, StatusIncomplete, res.Periods[len(res.Periods)-1].Status, "the last month has not had 30 days")
	require.NotNil(t, res.Overall)
	m, _ := find(res.Overall, Champion)
	assert.Greater(t, float64(m.ROCAUC.Value), 0.65)
}
