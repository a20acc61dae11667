package models

import (
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/leadscore/leadscore/datasets"
	"github.com/leadscore/leadscore/features"
	"github.com/leadscore/leadscore/models/modelstest"
)

// fixture loads the fixture bundle of package modelstest and regenerates
// the history it was trained on: its leads and events.
func fixture(t testing.TB) (*Bundle, features.Inputs) {
	t.Helper()
	b, err := Load(filepath.Join("modelstest", modelstest.BundleDir))
	require.NoError(t, err)
	dir := t.TempDir()
	require.NoError(t, modelstest.WriteHistory(dir))
	var in features.Inputs
	in.Leads, _, err = datasets.ReadFile(filepath.Join(dir, "leads.csv"), datasets.ReadOptions{})
	require.NoError(t, err)
	in.Events, _, err = datasets.ReadFile(filepath.Join(dir, "events.csv"), datasets.ReadOptions{})
	require.NoError(t, err)
	return b, in
}
