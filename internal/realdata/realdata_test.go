package realdata

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// recorder is a testing.TB that records Skipf and Fatalf instead of ending
// the test.
type recorder struct {
	testing.TB
	skipped, failed string
}

func (r *recorder) Helper() {}

func (r *recorder) Skipf(format string, args ...any) { r.skipped = fmt.Sprintf(format, args...) }

func (r *recorder) Fatalf(format string, args ...any) { r.failed = fmt.Sprintf(format, args...) }

func TestDir(t *testing.T) {
	root := t.TempDir()
	mod := filepath.Join(root, "project")
	deep := filepath.Join(mod, "a", "b")
	require.NoError(t, os.MkdirAll(deep, 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(mod, "go.mod"), []byte("module x\n"), 0o644))
	tests := []struct {
		name, start, want, errPart string
	}{
		{name: "at the module root", start: mod, want: filepath.Join(root, "shared", "datasets")},
		{name: "in a package", start: deep, want: filepath.Join(root, "shared", "datasets")},
		{name: "outside a module", start: root, errPart: "no go.mod"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := dirFrom(tc.start)
			if tc.errPart != "" {
				assert.ErrorContains(t, err, tc.errPart)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tc.want, got)
		})
	}

	// This package is internal/realdata: the folder is shared/datasets
	// beside the module root two levels up.
	wd, err := os.Getwd()
	require.NoError(t, err)
	moduleRoot := filepath.Dir(filepath.Dir(wd))
	require.FileExists(t, filepath.Join(moduleRoot, "go.mod"))
	dir, err := Dir()
	require.NoError(t, err)
	assert.Equal(t, filepath.Join(filepath.Dir(moduleRoot), "shared", "datasets"), dir)
}

func TestPathAndAbsent(t *testing.T) {
	tests := []struct {
		name        string
		require     string
		wantSkipped bool
		wantFailed  bool
	}{
		{"skips by default", "", true, false},
		{"fails when required", "1", false, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Setenv(RequireEnv, tc.require)
			r := &recorder{TB: t}
			p := Path(r, "no-such-set/missing.csv")
			assert.Equal(t, "missing.csv", filepath.Base(p))
			if tc.wantSkipped {
				assert.Contains(t, r.skipped, "missing.csv is absent")
				assert.Contains(t, r.skipped, "set "+RequireEnv+"=1 to fail")
			} else {
				assert.Empty(t, r.skipped)
			}
			if tc.wantFailed {
				assert.Contains(t, r.failed, "missing.csv is absent")
				assert.Contains(t, r.failed, RequireEnv+" is set")
			} else {
				assert.Empty(t, r.failed)
			}
		})
	}
}
