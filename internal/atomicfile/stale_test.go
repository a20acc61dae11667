package atomicfile

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestRemoveStale(t *testing.T) {
	dir := t.TempDir()
	old := time.Now().Add(-2 * time.Hour)
	mk := func(rel string, isDir bool, mtime time.Time) string {
		p := filepath.Join(dir, rel)
		require.NoError(t, os.MkdirAll(filepath.Dir(p), 0o755))
		if isDir {
			require.NoError(t, os.Mkdir(p, 0o755))
			require.NoError(t, os.WriteFile(filepath.Join(p, "gbm.json"), []byte("{}"), 0o644))
		} else {
			require.NoError(t, os.WriteFile(p, []byte("x"), 0o644))
		}
		require.NoError(t, os.Chtimes(p, mtime, mtime))
		return p
	}
	// A real crashed write: a temporary file atomicfile itself named.
	f, err := Create(filepath.Join(dir, "champion"), 0)
	require.NoError(t, err)
	crashed := f.f.Name()
	require.NoError(t, f.f.Close())
	require.NoError(t, os.Chtimes(crashed, old, old))

	tests := []struct {
		path   string
		remove bool
	}{
		{crashed, true},
		{mk(".v2.tmp-123", true, old), true},
		{mk("v1/.gbm.json.tmp-9", false, old), true},
		{mk(".report.tmp-4.csv", false, old), true},
		{mk("v3", true, old), false},
		{mk(".v3.old-55", true, old), true},        // v3 exists: the swap finished
		{mk(".v4.old-56", true, old), false},       // v4 missing: the only copy
		{mk(".v5.tmp-7", true, time.Now()), false}, // a write in progress
		{mk("notes.tmp-1", false, old), false},     // not a name atomicfile makes
		{mk(".hidden/.x.tmp-1", false, old), false},
	}
	removed, err := RemoveStale(DefaultStaleAge, dir)
	require.NoError(t, err)
	for _, tc := range tests {
		_, statErr := os.Lstat(tc.path)
		if tc.remove {
			assert.Contains(t, removed, tc.path)
			assert.True(t, os.IsNotExist(statErr), "%s removed", tc.path)
		} else {
			assert.NotContains(t, removed, tc.path)
			assert.NoError(t, statErr, "%s kept", tc.path)
		}
	}
	_, err = RemoveStale(time.Hour, filepath.Join(dir, "nope"))
	assert.ErrorContains(t, err, "nope")
}
