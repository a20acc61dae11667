package dashboard

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// chromiumPath is the browser the dashboard tests drive (Debian's package).
const chromiumPath = "/usr/bin/chromium"

// browserContext starts headless Chromium for the test, or skips when it is
// not installed, unless LEADSCORE_REQUIRE_BROWSER is set (CI), which turns
// the skip into a failure.
func browserContext(t *testing.T) context.Context {
	t.Helper()
	if _, err := exec.LookPath(chromiumPath); err != nil {
		if os.Getenv("LEADSCORE_REQUIRE_BROWSER") != "" {
			t.Fatalf("LEADSCORE_REQUIRE_BROWSER is set but %s is missing: apt-get install -y chromium", chromiumPath)
		}
		t.Skipf("%s is not installed (apt-get install -y chromium); set LEADSCORE_REQUIRE_BROWSER=1 to fail instead", chromiumPath)
	}
	profile := t.TempDir()
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(chromiumPath),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.UserDataDir(profile),
		chromedp.WindowSize(1280, 900),
	}
	ctx, cancelTime := context.WithTimeout(context.Background(), 90*time.Second)
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(ctx, opts...)
	bctx, cancelBrowser := chromedp.NewContext(allocCtx)
	t.Cleanup(func() {
		cancelBrowser()
		cancelAlloc()
		cancelTime()
		// Chromium's helpers may write to the profile briefly after exit;
		// empty it before t.TempDir's own cleanup does.
		for range 50 {
			if os.RemoveAll(profile) == nil {
				return
			}
			time.Sleep(100 * time.Millisecond)
		}
	})
	return bctx
}

// screenshot saves a full-page PNG of the current page under dir.
func screenshot(t *testing.T, ctx context.Context, dir, name string) {
	t.Helper()
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	require.NoError(t, err, "screenshot %s", name)
	require.NotEmpty(t, png)
	require.NoError(t, os.WriteFile(filepath.Join(dir, name+".png"), png, 0o644))
}

// datetimeLocal formats t as a datetime-local input normalises it (no
// seconds when they are zero).
func datetimeLocal(t time.Time) string {
	if t.Second() == 0 {
		return t.Format("2006-01-02T15:04")
	}
	return t.Format("2006-01-02T15:04:05")
}

func browserText(t *testing.T, ctx context.Context, id string) string {
	t.Helper()
	s, err := chromedp.Run(ctx, chromedp.Text(chromedp.ID(id)))
	require.NoError(t, err, "#%s", id)
	return strings.TrimSpace(s)
}

// TestDashboardBrowser drives the dashboard in headless Chromium: log in,
// read the overview, fill in and submit the score form, upload leads and
// their events, open a lead's waterfall and its fit and engagement, read
// the fit-engagement matrix, read the cross-tab and open a
// report inside the dashboard, saving a screenshot of each page.
func TestDashboardBrowser(t *testing.T) {
	f := realFixture(t)
	ctx := browserContext(t)
	e := newEnv(t, f, envOptions{keys: true})
	// LEADSCORE_SCREENSHOTS keeps the screenshots in a directory of one's
	// choosing (a CI artifact, a look by eye).
	shots := os.Getenv("LEADSCORE_SCREENSHOTS")
	if shots == "" {
		shots = t.TempDir()
	} else {
		require.NoError(t, os.MkdirAll(shots, 0o755))
	}
	base := e.srv.URL
	do := func(what string, steps ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		require.NoError(t, chromedp.Do(ctx, steps...), what)
	}

	// Login: the dashboard asks for a key once.
	do("open the login page", chromedp.Navigate(base+"/"), chromedp.WaitVisible(chromedp.ID("key")))
	screenshot(t, ctx, shots, "login")
	do("log in",
		chromedp.SetValue(chromedp.ID("key"), scoreKey),
		chromedp.Click(chromedp.ID("login")),
		chromedp.WaitVisible(chromedp.ID("model-version")))

	// Overview.
	assert.Equal(t, "real-v1", browserText(t, ctx, "model-version"))
	metrics := browserText(t, ctx, "metrics")
	for _, m := range []string{"rules", "logistic", "gbm", "ROC AUC"} {
		assert.Contains(t, metrics, m)
	}
	assert.Contains(t, browserText(t, ctx, "train-tiers"), "hot:")
	assert.Contains(t, browserText(t, ctx, "latest-report"), "gbm captured 41% of conversions")
	screenshot(t, ctx, shots, "overview")
	do("phone width", chromedp.EmulateViewport(390, 844))
	screenshot(t, ctx, shots, "overview-phone")
	do("desktop width", chromedp.EmulateViewport(1280, 900))

	// Score form: the first generated lead with a recent pricing page view.
	header, rows := leadRows(t, f, 40)
	ids := map[string]string{}
	for _, fld := range newScoreView(e.b, 0).Fields {
		ids[fld.Name] = fld.ID
	}
	steps := []chromedp.Action[chromedp.Void]{
		chromedp.Navigate(base + "/ui/score"), chromedp.WaitVisible(chromedp.ID("score-form")),
		chromedp.SetValue(chromedp.ID("lead_id"), rows[0][0]),
		chromedp.SetValue(chromedp.ID("as_of"), datetimeLocal(realAsOf)),
		chromedp.SetValue(chromedp.ID("e0type"), "page_view"),
		chromedp.SetValue(chromedp.ID("e0days"), "2"),
		chromedp.SetValue(chromedp.ID("e0attrs"), "page=pricing"),
	}
	for i, name := range header {
		id, ok := ids[name]
		if !ok {
			continue
		}
		val := rows[0][i]
		if name == "created_at" {
			created, err := time.Parse(time.RFC3339, val)
			require.NoError(t, err)
			val = datetimeLocal(created)
		}
		steps = append(steps, chromedp.SetValue(chromedp.ID(id), val))
	}
	do("fill in the score form", steps...)
	screenshot(t, ctx, shots, "score-form")
	do("submit the score form", chromedp.Click(chromedp.ID("score-submit")), chromedp.WaitVisible(chromedp.ID("score")))

	want, err := e.b.NewScorer().Score(expectedLead(t, e.b, header, rows, []formEvent{{typ: "page_view", days: 2, attrs: map[string]string{"page": "pricing"}}}, realAsOf), scoreOptions)
	require.NoError(t, err)
	prob, err := chromedp.Run(ctx, chromedp.AttributeValue(chromedp.ID("probability"), "data-value"))
	require.NoError(t, err)
	assert.Equal(t, strconv.FormatFloat(want.Probability, 'g', -1, 64), prob.Value, "the page shows Scorer.Score's probability")
	assert.Equal(t, strconv.Itoa(want.Score), browserText(t, ctx, "score"))
	assert.Equal(t, want.Tier, browserText(t, ctx, "tier"))
	require.NotNil(t, want.Rules)
	assert.Equal(t, want.Rules.Tier, browserText(t, ctx, "rule-tier"))
	reasons, err := chromedp.Run(ctx, chromedp.Nodes(chromedp.CSSAll(".reasons li")))
	require.NoError(t, err)
	assert.NotEmpty(t, reasons, "at least one reason")
	bars, err := chromedp.Run(ctx, chromedp.Nodes(chromedp.CSSAll("#waterfall rect")))
	require.NoError(t, err)
	assert.NotEmpty(t, bars, "the waterfall has bars")
	screenshot(t, ctx, shots, "score-result")

	// Upload leads (one without its industry) and their events.
	rows = rows[:20]
	rows[4][col(t, header, "industry")] = ""
	leads := filepath.Join(t.TempDir(), "leads.csv")
	writeCSV(t, leads, ',', header, rows)
	events := filepath.Join(f.data, "events.csv")
	do("upload leads and events",
		chromedp.Navigate(base+"/ui/score"), chromedp.WaitVisible(chromedp.ID("upload")),
		chromedp.SetUploadFiles(chromedp.ID("file"), []string{leads}),
		chromedp.SetUploadFiles(chromedp.ID("events"), []string{events}),
		chromedp.SetValue(chromedp.ID("upload_as_of"), datetimeLocal(realAsOf)),
		chromedp.Click(chromedp.ID("upload-submit")),
		chromedp.WaitVisible(chromedp.ID("batch")))
	scored := wantScored(t, e.b, leads, events, realAsOf)
	trs, err := chromedp.Run(ctx, chromedp.Nodes(chromedp.CSSAll("#batch tbody tr")))
	require.NoError(t, err)
	assert.Len(t, trs, len(rows), "every row is listed")
	assert.Contains(t, browserText(t, ctx, "batch-errors"), rows[4][0]+`): lead `+rows[4][0]+`: missing required fields "industry"`)
	assert.Contains(t, browserText(t, ctx, "batch-summary"), "with the events of events.csv")
	href, err := chromedp.Run(ctx, chromedp.AttributeValue(chromedp.ID("download"), "href"))
	require.NoError(t, err)
	assert.Equal(t, "/ui/batch.csv", href.Value)
	screenshot(t, ctx, shots, "batch")

	// Lead detail from the batch.
	do("open the first lead",
		chromedp.Click(chromedp.CSS("#batch tbody tr a")),
		chromedp.WaitVisible(chromedp.ID("waterfall")))
	assert.Equal(t, rows[0][0], browserText(t, ctx, "lead-id"))
	prob, err = chromedp.Run(ctx, chromedp.AttributeValue(chromedp.ID("probability"), "data-value"))
	require.NoError(t, err)
	assert.Equal(t, strconv.FormatFloat(scored[0].Result.Probability, 'g', -1, 64), prob.Value)
	// Fit and engagement, as the scoring path splits the score.
	first := scored[0].Result
	require.NotNil(t, first.Fit, "the fixture bundle records the fit-engagement split")
	for id, want := range map[string]float64{"fit": first.Fit.Value, "engagement": first.Engagement.Value} {
		v, err := chromedp.Run(ctx, chromedp.AttributeValue(chromedp.ID(id), "data-value"))
		require.NoError(t, err)
		assert.Equal(t, strconv.FormatFloat(want, 'g', -1, 64), v.Value, id)
	}
	assert.Equal(t, first.FitEngagementGrade, browserText(t, ctx, "fit-engagement-grade"))
	screenshot(t, ctx, shots, "lead")

	// The overview's fit-engagement matrix: the held-out leads the bundle
	// recorded per cell, and the last batch's leads.
	do("open the overview", chromedp.Navigate(base+"/"), chromedp.WaitVisible(chromedp.ID("matrix")))
	pop := e.b.Scoring.Parts[e.b.Scoring.Champion]
	require.NotNil(t, pop)
	batchLeads := 0
	for i, letter := range []string{"A", "B", "C", "D"} {
		for j := range 3 {
			id := "cell-" + letter + strconv.Itoa(j+1)
			for attr, want := range map[string]int{"data-leads": pop.Matrix.Leads[i][j], "data-converted": pop.Matrix.Converted[i][j]} {
				v, err := chromedp.Run(ctx, chromedp.AttributeValue(chromedp.ID(id), attr))
				require.NoError(t, err)
				assert.Equal(t, strconv.Itoa(want), v.Value, "%s %s", id, attr)
			}
			v, err := chromedp.Run(ctx, chromedp.AttributeValue(chromedp.ID(id), "data-batch"))
			require.NoError(t, err)
			n, err := strconv.Atoi(v.Value)
			require.NoError(t, err)
			batchLeads += n
		}
	}
	assert.Equal(t, len(rows)-1, batchLeads, "every scored lead of the batch is in one cell")
	screenshot(t, ctx, shots, "overview-matrix")

	// Compare.
	do("open compare", chromedp.Navigate(base+"/ui/compare"), chromedp.WaitVisible(chromedp.ID("crosstab")))
	assert.Equal(t, strconv.Itoa(len(rows)-1), browserText(t, ctx, "cell-total"))
	sum := 0
	for _, rt := range ruleTiers {
		for _, mt := range modelTiers {
			n, err := strconv.Atoi(browserText(t, ctx, "cell-"+rt+"-"+mt))
			require.NoError(t, err)
			sum += n
		}
	}
	assert.Equal(t, len(rows)-1, sum, "the cells add up to the scored leads")
	screenshot(t, ctx, shots, "compare")

	// Reports: a report opens inside the dashboard, navigation kept.
	do("open reports", chromedp.Navigate(base+"/ui/reports"), chromedp.WaitVisible(chromedp.ID("reports")))
	screenshot(t, ctx, shots, "reports")
	do("open the newest report",
		chromedp.Click(chromedp.CSS("#reports a")),
		chromedp.WaitVisible(chromedp.ID("report")))
	current, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(`nav a[aria-current="page"]`)))
	require.NoError(t, err)
	assert.Equal(t, "Reports", strings.TrimSpace(current), "the dashboard's navigation is kept")
	screenshot(t, ctx, shots, "report")
	src, err := chromedp.Run(ctx, chromedp.AttributeValue(chromedp.ID("report"), "src"))
	require.NoError(t, err)
	do("open the report on its own", chromedp.Navigate(base+src.Value), chromedp.WaitVisible(chromedp.CSS("h1")))
	title, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS("h1")))
	require.NoError(t, err)
	assert.Equal(t, "Backtest report", strings.TrimSpace(title))

	for _, name := range []string{"login", "overview", "overview-phone", "score-form", "score-result", "batch", "lead", "overview-matrix", "compare", "reports", "report"} {
		assert.FileExists(t, filepath.Join(shots, name+".png"))
	}
	t.Logf("screenshots in %s", shots)
}
