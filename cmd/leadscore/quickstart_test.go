package main

import (
	"context"
	"math"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/leadscore/leadscore/datasets/store"
	lsmetrics "github.com/leadscore/leadscore/metrics"
	"github.com/leadscore/leadscore/serve"
	"github.com/leadscore/leadscore/serve/monitor/monitortest"
)

// Refused flags exit 2 before any work. (TestFirstHour runs the
// quickstart itself and checks its output with checkQuickstartOutput and
// its lead store with checkQuickstartStore: one run for both.)
func TestQuickstartFlags(t *testing.T) {
	dir := t.TempDir()
	code, _, stderr := runCLI(t, "quickstart", "--dir", dir, "--leads", "0")
	assert.Equal(t, 2, code)
	assert.Contains(t, stderr, "--leads must be positive")
	code, _, stderr = runCLI(t, "quickstart", "--dir", dir, "--replay-days", "-1")
	assert.Equal(t, 2, code)
	assert.Contains(t, stderr, "--replay-days must be 0")
}

// checkQuickstartOutput: the command prints each step's progress on
// stderr and the results on stdout in step order: the profile, the
// bundle, the backtest, the comparison, where everything is, then the
// lead store. (training/quickstart tests the setup itself.)
func checkQuickstartOutput(t *testing.T, dir, stdout, stderr string) {
	for _, s := range []string{"[1/5]", "[2/5]", "[3/5]", "[4/5]", "[5/5]", "[store]"} {
		assert.Contains(t, stderr, s+" done in")
	}
	assert.Contains(t, stderr, "[3/5]   fit logistic")
	profile := strings.Index(stdout, "lead_id")
	train := strings.Index(stdout, "model bundle quickstart written to "+filepath.Join(dir, "models", "quickstart"))
	bt := strings.Index(stdout, "backtest report written")
	cmp := strings.Index(stdout, "comparison of")
	done := strings.Index(stdout, "Sample in "+filepath.Join(dir, "data"))
	st := strings.Index(stdout, "Lead store "+filepath.Join(dir, serve.DefaultStoreFile))
	require.True(t, profile >= 0 && train > profile && bt > train && cmp > bt && done > cmp && st > done, "stdout:\n%s", stdout)
	// The held-out table and the backtest, side by side at the ages both
	// have, when the backtest evaluated any month.
	if m := regexp.MustCompile(`(\d+) evaluated`).FindStringSubmatch(stdout); m != nil && m[1] != "0" {
		assert.Regexp(t, `age by age \(ROC AUC\)\.\n  day 1: held-out \w+ 0\.\d{4}, rule sheet 0\.\d{4} .*backtest champion minus rule sheet .*: they (agree|disagree)\n`, stdout)
	}
	assert.NotContains(t, stdout, "Serving the API", "--no-serve")
	assert.Contains(t, stdout, "serve --models "+filepath.Join(dir, "models")+" --webhook-test-receiver")
}

// checkQuickstartStore: the quickstart's lead store holds the sample's
// leads with their score histories (backfilled week by week, then
// rescored as the replayed events arrived), tier changes, the webhook
// deliveries the built-in test receiver verified, and monitoring figures
// that equal package metrics on the store's log, judged here by hand.
func checkQuickstartStore(t *testing.T, dir string, leads int, stdout string) {
	ctx := context.Background()
	st, err := store.Open(ctx, "sqlite:"+filepath.Join(dir, serve.DefaultStoreFile))
	require.NoError(t, err)
	defer st.Close()
	c, err := st.Count(ctx)
	require.NoError(t, err)
	assert.EqualValues(t, leads, c.Leads)
	assert.Positive(t, c.Events)
	assert.Positive(t, c.Outcomes)

	m := regexp.MustCompile(`replayed through the API: (\d+) items`).FindStringSubmatch(stdout)
	require.NotNil(t, m, stdout)
	m = regexp.MustCompile(`(\S+) to (\S+) replayed through the API`).FindStringSubmatch(stdout)
	require.NotNil(t, m, stdout)
	start, err := time.Parse(time.RFC3339, m[1])
	require.NoError(t, err)
	end, err := time.Parse(time.RFC3339, m[2])
	require.NoError(t, err)
	assert.Equal(t, 7*24*time.Hour, end.Sub(start), "--replay-days 7")

	var log []store.Score
	var after int64
	for {
		page, err := st.Scores(ctx, time.Time{}, after, 5000)
		require.NoError(t, err)
		log = append(log, page...)
		if len(page) < 5000 {
			break
		}
		after = page[len(page)-1].ID
	}
	require.EqualValues(t, c.Scores, len(log))
	byLead := map[string][]store.Score{}
	replayed := 0
	for _, sc := range log {
		byLead[sc.LeadID] = append(byLead[sc.LeadID], sc)
		if !sc.AsOf.Before(start) {
			replayed++
		}
	}
	changes := 0
	for _, scs := range byLead {
		for k := 1; k < len(scs); k++ {
			if scs[k].Tier != scs[k-1].Tier {
				changes++
			}
		}
	}
	t.Logf("lead store: %d leads, %d events, %d scores (%d in the replay), %d leads scored, %d tier changes", c.Leads, c.Events, len(log), replayed, len(byLead), changes)
	assert.Greater(t, len(byLead), leads/2, "most leads have a score history")
	assert.Positive(t, replayed, "rescored during the replay")
	assert.Positive(t, changes, "tiers changed")

	delivered, err := st.OutboxList(ctx, "delivered", 0)
	require.NoError(t, err)
	require.NotEmpty(t, delivered)
	for _, d := range delivered {
		require.Equal(t, serve.TestReceiverName, d.Target)
	}
	dead, err := st.OutboxList(ctx, "dead", 0)
	require.NoError(t, err)
	assert.Empty(t, dead)
	m = regexp.MustCompile(`webhooks: (\d+) deliveries, (\d+) received and verified by the built-in test receiver`).FindStringSubmatch(stdout)
	require.NotNil(t, m, stdout)
	assert.Equal(t, strconv.Itoa(len(delivered)), m[1])
	assert.Equal(t, m[1], m[2], "the receiver verified every delivery")

	// Monitoring at the end of the replay (a debounce after its end): the
	// scores whose 90-day horizon had passed, before their lead's
	// conversion, once per lead and day.
	now := end.Add(serve.DefaultDebounce)
	conv, err := st.Conversions(ctx)
	require.NoError(t, err)
	j := monitortest.Judge(log, conv, now, 90*24*time.Hour)
	y, p, rp := j.Y, j.P, j.RulesP
	require.NotEmpty(t, y)
	for _, s := range []struct {
		re   string
		p    []float64
		name string
	}{{`monitoring (?:gbm|logistic) of quickstart: (\d+) judged scores, ROC AUC (\S+), ECE ([^,]+),`, p, "model"}, {`monitoring rules of quickstart: (\d+) judged scores, ROC AUC \S+, ECE ([^,]+),`, rp, "rule sheet"}} {
		m := regexp.MustCompile(s.re).FindStringSubmatch(stdout)
		require.NotNil(t, m, "%s monitoring line in:\n%s", s.name, stdout)
		assert.Equal(t, strconv.Itoa(len(y)), m[1], s.name)
		ece, err := strconv.ParseFloat(m[len(m)-1], 64)
		require.NoError(t, err, s.name)
		assert.InDelta(t, lsmetrics.ECE(y, s.p, 10), ece, 0.0006, "%s ECE", s.name)
		if s.name == "model" {
			auc, err := strconv.ParseFloat(m[2], 64)
			require.NoError(t, err)
			assert.InDelta(t, lsmetrics.ROCAUC(y, p, nil), auc, 0.0006)
		}
		assert.False(t, math.IsNaN(ece))
	}
}
