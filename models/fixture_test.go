package models

import (
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/leadscore/leadscore/datasets"
	"github.com/leadscore/leadscore/datasets/synth"
	"github.com/leadscore/leadscore/features"
)

// fixture loads the fixture bundle testdata/b2b and regenerates the history
// it was trained on (see testdata/README.md): its leads and events.
func fixture(t testing.TB) (*Bundle, features.Inputs) {
	t.Helper()
	b, err := Load(filepath.Join("testdata", "b2b"))
	require.NoError(t, err)
	dir := t.TempDir()
	_, err = synth.Generate(synth.Config{Profile: "b2b", Leads: 1200, Seed: 5, Format: "csv"}, dir, nil)
	require.NoError(t, err)
	var in features.Inputs
	in.Leads, _, err = datasets.ReadFile(filepath.Join(dir, "leads.csv"), datasets.ReadOptions{})
	require.NoError(t, err)
	in.Events, _, err = datasets.ReadFile(filepath.Join(dir, "events.csv"), datasets.ReadOptions{})
	require.NoError(t, err)
	return b, in
}
