package training

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestStreamEventsUngroupedReadsWhole: an events file not grouped by lead
// cannot stream; training reads it whole, says so, and builds the same
// examples as without StreamEvents.
func TestStreamEventsUngroupedReadsWhole(t *testing.T) {
	ctx := context.Background()
	opt := smallHistory(t)
	b, err := os.ReadFile(opt.Events)
	require.NoError(t, err)
	lines := strings.Split(strings.TrimSuffix(string(b), "\n"), "\n")
	body := lines[1:]
	// Interleave the two halves: every lead's events are split up.
	mixed := []string{lines[0]}
	for i := 0; i < len(body)/2; i++ {
		mixed = append(mixed, body[i], body[len(body)/2+i])
	}
	if len(body)%2 == 1 {
		mixed = append(mixed, body[len(body)-1])
	}
	opt.Events = filepath.Join(t.TempDir(), "events.csv")
	require.NoError(t, os.WriteFile(opt.Events, []byte(strings.Join(mixed, "\n")+"\n"), 0o644))

	whole, err := Prepare(ctx, opt)
	require.NoError(t, err)
	opt.StreamEvents = true
	streamed, err := Prepare(ctx, opt)
	require.NoError(t, err)
	assert.Nil(t, streamed.ruleResults)
	assert.NotNil(t, streamed.Inputs.Events)
	assert.True(t, slices.ContainsFunc(streamed.Warnings, func(w string) bool { return strings.Contains(w, "not grouped by lead") }), "%q", streamed.Warnings)
	assert.Equal(t, whole.Dataset.Report, streamed.Dataset.Report)
	assert.Equal(t, whole.Dataset.Labels, streamed.Dataset.Labels)
	assert.Equal(t, whole.Counts, streamed.Counts)
	assert.Equal(t, whole.Fingerprint, streamed.Fingerprint)
}

// TestMaxExamplesWeightsFits: a capped build weights every example 1/rate
// (times the weight column's value), and the report records the sample.
func TestMaxExamplesWeightsFits(t *testing.T) {
	ctx := context.Background()
	opt := smallHistory(t)
	opt.StreamEvents = true
	full, err := Prepare(ctx, opt)
	require.NoError(t, err)
	all := full.Dataset.Rows + full.Dataset.Report.Censored
	opt.Config.MaxExamples = all / 2
	prep, err := Prepare(ctx, opt)
	require.NoError(t, err)
	sp := prep.Dataset.Report.Sampling
	require.NotNil(t, sp)
	assert.Less(t, prep.Dataset.Rows, full.Dataset.Rows)

	w, info, err := exampleWeights(prep.Dataset, "")
	require.NoError(t, err)
	assert.Nil(t, info)
	require.Len(t, w, prep.Dataset.Rows)
	for _, x := range w {
		require.Equal(t, 1/sp.Rate, x)
	}
	w2, _, err := exampleWeights(prep.Dataset, "employees")
	require.NoError(t, err)
	c := prep.Dataset.Leads.Col("employees")
	for i, r := range prep.Dataset.LeadRows {
		require.InDelta(t, c.Num[r]/sp.Rate, w2[i], 1e-9)
	}
	w3, _, err := exampleWeights(full.Dataset, "")
	require.NoError(t, err)
	assert.Nil(t, w3, "no sample, no weights")

	split, err := DefaultSplit(opt, prep.Dataset)
	require.NoError(t, err)
	opt.Models = []string{"logistic"}
	res, err := Fit(ctx, opt, prep, split)
	require.NoError(t, err)
	assert.Equal(t, sp, res.Report.Build.Sampling)
	assert.Contains(t, res.Report.Markdown(), "Capped at")
	// Calibrated: the mean probability of the training rows is their
	// conversion rate.
	var p, y float64
	for _, r := range split.Train {
		p += res.Probabilities["logistic"][r]
		y += prep.Dataset.Labels[r]
	}
	assert.InEpsilon(t, y, p, 0.05)
}
