package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/leadscore/leadscore/features"
)

func TestUninformative(t *testing.T) {
	for _, tc := range []struct {
		reason string
		want   bool
	}{
		{"constant: one value (or none) in every training row", true},
		{"id-like: a distinct value for every lead", true},
		{"id-like: a distinct value for every lead; constant: one value (or none) in every training row", true},
		{"single-column ROC AUC 0.99 >= 0.95", false},
		{"constant: one value (or none) in every training row; timestamp at or after the conversion", false},
	} {
		assert.Equal(t, tc.want, uninformative(tc.reason), tc.reason)
	}
}

// The gbm's sampling comes from the defaults, then leadscore.yaml
// (gbm_subsample, gbm_colsample), then the flags.
func TestGBMSamplingPrecedence(t *testing.T) {
	flags := &trainFlags{gbmSubsample: 0.9, gbmColSam: 0.7}
	yaml := features.Config{GBMSubsample: 0.6, GBMColSample: 0.4}
	for _, tc := range []struct {
		name             string
		cfg              features.Config
		changed          []string
		wantSub, wantCol float64
	}{
		{"defaults", features.Config{}, nil, 0.8, 0}, // 0: sized by the columns at fit time
		{"config file", yaml, nil, 0.6, 0.4},
		{"flag over the file", yaml, []string{"gbm-subsample"}, 0.9, 0.4},
		{"both flags", yaml, []string{"gbm-subsample", "gbm-colsample"}, 0.9, 0.7},
	} {
		changed := func(name string) bool {
			for _, c := range tc.changed {
				if c == name {
					return true
				}
			}
			return false
		}
		p := gbmParams(flags, tc.cfg, changed)
		assert.Equal(t, tc.wantSub, p.Subsample, tc.name)
		assert.Equal(t, tc.wantCol, p.ColSample, tc.name)
	}
}

// train --max-examples samples the leads, says so and records it in
// report.json; the events stream (generate writes them grouped by lead).
func TestTrainMaxExamples(t *testing.T) {
	dir := t.TempDir()
	data := filepath.Join(dir, "data")
	code, _, stderr := runCLI(t, "generate", "--profile", "b2b", "--leads", "300", "--seed", "4", "--out", data, "-q")
	require.Zero(t, code, stderr)
	out := filepath.Join(dir, "m")
	code, stdout, stderr := runCLI(t, "train", "--data", filepath.Join(data, "leads.csv"), "--events", filepath.Join(data, "events.csv"),
		"--outcomes", filepath.Join(data, "outcomes.csv"), "--models", "logistic", "--max-examples", "800", "--out", out)
	require.Zero(t, code, stderr)
	assert.Contains(t, stdout, "trained on a sample (--max-examples 800)")
	assert.NotContains(t, stderr+stdout, "not grouped by lead")
	b, err := os.ReadFile(filepath.Join(out, "report.json"))
	require.NoError(t, err)
	var rep struct {
		Rows features.BuildReport `json:"rows"`
	}
	require.NoError(t, json.Unmarshal(b, &rep))
	sp := rep.Rows.Sampling
	require.NotNil(t, sp)
	assert.Equal(t, 800, sp.MaxExamples)
	assert.InDelta(t, 1/sp.Rate, sp.Weight, 1e-9)
	assert.Greater(t, sp.Examples, 800)
	assert.Less(t, sp.LeadsKept, sp.Leads)
}
