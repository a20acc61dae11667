package atomicfile

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// names lists a directory's entries.
func names(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	var out []string
	for _, e := range entries {
		out = append(out, e.Name())
	}
	return out
}

func TestWriteFile(t *testing.T) {
	tests := []struct {
		name     string
		perm     os.FileMode
		wantPerm os.FileMode
	}{
		{"default permissions", 0, 0o644},
		{"ordinary", 0o644, 0o644},
		{"private", 0o600, 0o600},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			p := filepath.Join(dir, "a.txt")
			require.NoError(t, WriteFile(p, []byte("one"), tc.perm))
			require.NoError(t, WriteFile(p, []byte("two"), tc.perm))
			b, err := os.ReadFile(p)
			require.NoError(t, err)
			assert.Equal(t, "two", string(b))
			st, err := os.Stat(p)
			require.NoError(t, err)
			assert.Equal(t, tc.wantPerm, st.Mode().Perm())
			assert.Equal(t, []string{"a.txt"}, names(t, dir), "no temporary file is left behind")
		})
	}
}

func TestWriteFileErrors(t *testing.T) {
	tests := []struct {
		name  string
		setup func(t *testing.T, dir string) string // returns the path to write
		want  string
	}{
		{"missing directory", func(t *testing.T, dir string) string {
			return filepath.Join(dir, "missing", "b.txt")
		}, "missing/b.txt"},
		{"destination is a non-empty directory", func(t *testing.T, dir string) string {
			p := filepath.Join(dir, "taken")
			require.NoError(t, os.MkdirAll(filepath.Join(p, "inside"), 0o755))
			return p
		}, "taken"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			p := tc.setup(t, dir)
			before := names(t, dir)
			err := WriteFile(p, []byte("data"), 0)
			assert.ErrorContains(t, err, tc.want, "the error names the path")
			assert.Equal(t, before, names(t, dir), "no temporary file is left behind")
		})
	}
}

func TestFileCommitAndAbort(t *testing.T) {
	tests := []struct {
		name   string
		commit bool
	}{
		{"commit publishes", true},
		{"abort discards", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			p := filepath.Join(dir, "table.csv")
			require.NoError(t, os.WriteFile(p, []byte("old"), 0o644))
			f, err := Create(p, 0)
			require.NoError(t, err)
			defer f.Abort()
			assert.Equal(t, p, f.Path())
			_, err = f.Write([]byte("xxnew"))
			require.NoError(t, err)
			_, err = f.Seek(0, 0)
			require.NoError(t, err)
			_, err = f.Write([]byte("  "))
			require.NoError(t, err)
			b, err := os.ReadFile(p)
			require.NoError(t, err)
			assert.Equal(t, "old", string(b), "the destination is untouched before Commit")
			want := "old"
			if tc.commit {
				require.NoError(t, f.Commit())
				want = "  new"
			} else {
				f.Abort()
			}
			f.Abort() // harmless after Commit or Abort
			b, err = os.ReadFile(p)
			require.NoError(t, err)
			assert.Equal(t, want, string(b))
			assert.Equal(t, []string{"table.csv"}, names(t, dir))
			assert.Error(t, f.Commit(), "a File commits once")
		})
	}
}

func TestReplaceFile(t *testing.T) {
	boom := errors.New("boom")
	tests := []struct {
		name    string
		write   func(tmp string) error
		wantErr error
		want    string
	}{
		{"writer creates the file", func(tmp string) error {
			return os.WriteFile(tmp, []byte("new"), 0o600)
		}, nil, "new"},
		{"writer replaces the file", func(tmp string) error {
			if err := os.Remove(tmp); err != nil {
				return err
			}
			return os.WriteFile(tmp, []byte("fresh"), 0o600)
		}, nil, "fresh"},
		{"writer fails", func(tmp string) error {
			if err := os.WriteFile(tmp, []byte("half"), 0o600); err != nil {
				return err
			}
			return boom
		}, boom, "old"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			p := filepath.Join(dir, "leads.parquet")
			require.NoError(t, os.WriteFile(p, []byte("old"), 0o644))
			var seen string
			err := ReplaceFile(p, 0, func(tmp string) error {
				seen = tmp
				return tc.write(tmp)
			})
			assert.Equal(t, dir, filepath.Dir(seen), "the temporary file is beside the destination")
			assert.Equal(t, ".parquet", filepath.Ext(seen), "the temporary file keeps the extension")
			if tc.wantErr != nil {
				assert.ErrorIs(t, err, tc.wantErr)
			} else {
				require.NoError(t, err)
				st, err := os.Stat(p)
				require.NoError(t, err)
				assert.Equal(t, DefaultPerm, st.Mode().Perm())
			}
			b, err := os.ReadFile(p)
			require.NoError(t, err)
			assert.Equal(t, tc.want, string(b))
			assert.Equal(t, []string{"leads.parquet"}, names(t, dir), "no temporary file is left behind")
		})
	}
}

func TestReplaceDir(t *testing.T) {
	parent := t.TempDir()
	dir := filepath.Join(parent, "report")
	write := func(content string) func(string) error {
		return func(tmp string) error { return WriteSynced(filepath.Join(tmp, "f"), []byte(content)) }
	}
	read := func() string {
		b, err := os.ReadFile(filepath.Join(dir, "f"))
		require.NoError(t, err)
		return string(b)
	}
	require.NoError(t, ReplaceDir(dir, false, write("v1")))
	assert.Equal(t, "v1", read())
	require.NoError(t, ReplaceDir(dir, false, write("v2")))
	assert.Equal(t, "v2", read())
	st, err := os.Stat(dir)
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o755), st.Mode().Perm())

	// A failing build leaves the directory as it was, and no temporaries.
	boom := errors.New("boom")
	err = ReplaceDir(dir, false, func(tmp string) error {
		require.NoError(t, write("half")(tmp))
		return boom
	})
	assert.ErrorIs(t, err, boom)
	assert.Equal(t, "v2", read())
	assert.Equal(t, []string{"report"}, names(t, parent), "only the directory itself is left")

	// keep refuses to replace.
	err = ReplaceDir(dir, true, write("v3"))
	assert.ErrorContains(t, err, "already exists")
	assert.Equal(t, "v2", read())
	fresh := filepath.Join(parent, "new")
	require.NoError(t, ReplaceDir(fresh, true, write("x")))
	assert.DirExists(t, fresh)
	assert.ElementsMatch(t, []string{"report", "new"}, names(t, parent))
}

// TestReplaceDirNeverMissing swaps a directory many times while another
// goroutine stats it in a tight loop: with RENAME_EXCHANGE the path must
// never be missing.
func TestReplaceDirNeverMissing(t *testing.T) {
	parent := t.TempDir()
	a, b := filepath.Join(parent, "a"), filepath.Join(parent, "b")
	require.NoError(t, os.Mkdir(a, 0o755))
	require.NoError(t, os.Mkdir(b, 0o755))
	if err := exchange(a, b); errors.Is(err, errExchangeUnsupported) {
		t.Skipf("this platform or file system has no RENAME_EXCHANGE, so ReplaceDir falls back to two renames: %v", err)
	} else {
		require.NoError(t, err)
	}
	require.NoError(t, os.Remove(a))
	require.NoError(t, os.Remove(b))

	dir := filepath.Join(parent, "models")
	require.NoError(t, ReplaceDir(dir, false, func(tmp string) error {
		return WriteSynced(filepath.Join(tmp, "version"), []byte("0"))
	}))
	var stop atomic.Bool
	var stats, missing atomic.Int64
	var other error
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for !stop.Load() {
			_, err := os.Stat(dir)
			stats.Add(1)
			if errors.Is(err, fs.ErrNotExist) {
				missing.Add(1)
			} else if err != nil && other == nil {
				other = err
			}
		}
	}()
	const swaps = 300
	for i := range swaps {
		err := ReplaceDir(dir, false, func(tmp string) error {
			return WriteSynced(filepath.Join(tmp, "version"), []byte{byte('0' + i%10)})
		})
		if err != nil {
			stop.Store(true)
			wg.Wait()
			require.NoError(t, err, "swap %d", i)
		}
	}
	stop.Store(true)
	wg.Wait()
	require.NoError(t, other)
	assert.Positive(t, stats.Load(), "the reader ran")
	assert.Zero(t, missing.Load(), "the path was missing in %d of %d stats", missing.Load(), stats.Load())
	assert.Equal(t, []string{"models"}, names(t, parent), "every previous version is removed")
}

func TestSwapByRenames(t *testing.T) {
	parent := t.TempDir()
	dir := filepath.Join(parent, "report")
	tmp := filepath.Join(parent, ".report.tmp-123")
	require.NoError(t, os.Mkdir(dir, 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "f"), []byte("old"), 0o644))
	require.NoError(t, os.Mkdir(tmp, 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(tmp, "f"), []byte("new"), 0o644))

	old, err := swapByRenames(tmp, dir)
	require.NoError(t, err)
	assert.Equal(t, filepath.Join(parent, ".report.old-123"), old)
	got, err := os.ReadFile(filepath.Join(dir, "f"))
	require.NoError(t, err)
	assert.Equal(t, "new", string(got))
	got, err = os.ReadFile(filepath.Join(old, "f"))
	require.NoError(t, err)
	assert.Equal(t, "old", string(got))
}
