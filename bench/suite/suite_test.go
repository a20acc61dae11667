package suite

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestValidate(t *testing.T) {
	tests := []struct {
		name    string
		opt     Options
		errPart string // "" means valid
	}{
		{"defaults", Options{}, ""},
		{"some suites", Options{Suites: []string{"gbm", "read"}, Size: "tiny", Threads: 2, ServeSeconds: 0.5}, ""},
		{"unknown suite", Options{Suites: []string{"xgboost"}}, `unknown suite "xgboost"`},
		{"suite twice", Options{Suites: []string{"gbm", "gbm"}}, `suite "gbm" named twice`},
		{"bad size", Options{Size: "huge"}, `--size "huge"`},
		{"negative threads", Options{Threads: -1}, "--threads"},
		{"negative serve seconds", Options{ServeSeconds: -1}, "--serve-seconds"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.opt.Validate()
			if tc.errPart == "" {
				assert.NoError(t, err)
				return
			}
			assert.ErrorContains(t, err, tc.errPart)
		})
	}
}

// Run measures the named suites only, prints one table row per figure,
// writes the same figures to the JSON report and logs each as it arrives.
func TestRunOneSuite(t *testing.T) {
	dir := t.TempDir()
	var out, log bytes.Buffer
	jsonPath := filepath.Join(dir, "bench.json")
	rep, err := Run(context.Background(), Options{Suites: []string{"rules"}, Size: "tiny", JSONPath: jsonPath,
		Command: "leadscore bench rules", Version: "test", Out: &out, Log: &log})
	require.NoError(t, err)
	require.NotEmpty(t, rep.Results)
	for _, res := range rep.Results {
		assert.Equal(t, "rules", res.Suite)
		assert.Positive(t, res.Value)
		assert.Regexp(t, `(?m)^rules\s+`+regexp.QuoteMeta(res.Name)+`\s`, out.String())
		assert.Contains(t, log.String(), "bench: rules "+res.Name+":")
	}
	b, err := os.ReadFile(jsonPath)
	require.NoError(t, err)
	var back Report
	require.NoError(t, json.Unmarshal(b, &back))
	assert.Equal(t, rep.Results, back.Results)
	assert.Equal(t, "test", back.Version)
	assert.Equal(t, []string{"rules"}, back.Suites)

	_, err = Run(context.Background(), Options{Suites: []string{"rules"}, Size: "tiny", JSONPath: filepath.Join(dir, "no", "b.json")})
	assert.ErrorContains(t, err, "does not exist")
}

// A cancelled run returns at once with the context's error.
func TestRunCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := Run(ctx, Options{Suites: []string{"rules"}, Size: "tiny"})
	assert.ErrorIs(t, err, context.Canceled)
}
