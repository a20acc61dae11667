package quickstart

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/leadscore/leadscore/models"
)

// syncBuffer is a bytes.Buffer safe for concurrent writes.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// The quickstart logs progress for every step, writes the sample, bundle
// and both reports, returns what it found, and a second run replaces them
// without leaving temporary directories behind.
func TestRunTwice(t *testing.T) {
	if testing.Short() {
		t.Skip("trains three models and runs a backtest")
	}
	dir := t.TempDir()
	for run := range 2 {
		var log syncBuffer
		generated := 0
		res, err := Run(context.Background(), Options{Dir: dir, Leads: 1500, Seed: 1, Log: &log,
			GenerateProgress: func(done, _ int) { generated = done }})
		require.NoError(t, err, "run %d", run+1)
		logText := log.String()
		for _, s := range []string{"[1/5]", "[2/5]", "[3/5]", "[4/5]", "[5/5]"} {
			assert.Contains(t, logText, s+" done in", "run %d", run+1)
		}
		// Steps 3 and 4 run side by side: their lines carry their step.
		assert.Contains(t, logText, "[3/5]   fit logistic")
		// One format on the log: progress lines, no INFO records between them.
		assert.NotContains(t, logText, "level=INFO", "run %d", run+1)
		assert.Equal(t, 1500, generated)

		assert.Equal(t, filepath.Join(dir, "data"), res.Data)
		assert.Equal(t, filepath.Join(dir, "models", Name), res.Bundle)
		assert.Equal(t, 1500, res.Generated.Leads)
		for _, f := range res.Generated.Files {
			assert.FileExists(t, f, "generated files are named where they ended up")
		}
		require.NotNil(t, res.Profile)
		assert.Equal(t, 1500, res.Profile.Rows)
		require.NotNil(t, res.Train)
		assert.Equal(t, Name, res.Train.Report.Version)
		require.NotNil(t, res.Backtest)
		assert.NotEmpty(t, res.Backtest.Periods)
		require.NotNil(t, res.Compare)
		assert.Positive(t, res.Compare.Leads)
		assert.Positive(t, res.Elapsed)

		b, err := models.Load(res.Bundle)
		require.NoError(t, err, "the saved bundle loads")
		assert.Equal(t, res.Train.Report.Champion, b.Scoring.Champion)
		champion, err := os.ReadFile(filepath.Join(res.Models, "champion"))
		require.NoError(t, err)
		assert.Equal(t, Name+"\n", string(champion))
		for _, f := range []string{
			"data/leads.csv", "data/events.csv", "data/outcomes.csv", "rules.yaml",
			"models/quickstart/manifest.json", "models/quickstart/report.md",
			"models/reports/quickstart-backtest/report.html", "models/reports/quickstart-compare/report.html",
		} {
			assert.FileExists(t, filepath.Join(dir, f), "run %d", run+1)
		}
		for _, d := range []string{dir, filepath.Join(dir, "models"), filepath.Join(dir, "models", "reports")} {
			entries, err := os.ReadDir(d)
			require.NoError(t, err)
			for _, e := range entries {
				assert.False(t, strings.HasPrefix(e.Name(), "."), "run %d left %s in %s", run+1, e.Name(), d)
			}
		}
	}
}

func TestRunRejectsNoLeads(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "qs")
	_, err := Run(context.Background(), Options{Dir: dir, Leads: 0})
	assert.ErrorContains(t, err, "--leads must be positive")
	assert.NoDirExists(t, dir, "nothing is written")
}

// Lines written side by side by two steps come out whole, each with its
// step's prefix.
func TestStepLinesDoNotInterleave(t *testing.T) {
	var out syncBuffer
	p := newProgress(&out)
	a, b := p.step("[3/5]"), p.step("[4/5]")
	var wg sync.WaitGroup
	for _, s := range []*progress{a, b} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 200 {
				// Two writes per line: a line is only written once whole.
				s.printf("part one, ")
				s.printf("part two\n")
			}
		}()
	}
	wg.Wait()
	p.printf("[5/5] done\n")
	lines := strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n")
	require.Len(t, lines, 401)
	for _, l := range lines[:400] {
		assert.Regexp(t, `^\[[34]/5\] part one, part two$`, l)
	}
	assert.Equal(t, "[5/5] done", lines[400])

	silent := newProgress(nil)
	silent.step("[3/5]").printf("nothing\n")
}
