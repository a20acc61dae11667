package atomicfile

import (
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestWriteFile(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "a.txt")
	require.NoError(t, WriteFile(p, []byte("one"), 0o600))
	require.NoError(t, WriteFile(p, []byte("two"), 0o644))
	b, err := os.ReadFile(p)
	require.NoError(t, err)
	assert.Equal(t, "two", string(b))
	st, err := os.Stat(p)
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o644), st.Mode().Perm())
	entries, _ := os.ReadDir(dir)
	assert.Len(t, entries, 1, "no temporary file is left behind")

	err = WriteFile(filepath.Join(dir, "missing", "b.txt"), nil, 0o644)
	assert.ErrorContains(t, err, "missing/b.txt", "the error names the path")
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

	// A failing build leaves the directory as it was, and no temporaries.
	boom := errors.New("boom")
	err := ReplaceDir(dir, false, func(tmp string) error {
		require.NoError(t, write("half")(tmp))
		return boom
	})
	assert.ErrorIs(t, err, boom)
	assert.Equal(t, "v2", read())
	entries, _ := os.ReadDir(parent)
	assert.Len(t, entries, 1, "only the directory itself is left")

	// keep refuses to replace.
	err = ReplaceDir(dir, true, write("v3"))
	assert.ErrorContains(t, err, "already exists")
	assert.Equal(t, "v2", read())
	fresh := filepath.Join(parent, "new")
	require.NoError(t, ReplaceDir(fresh, true, write("x")))
	assert.DirExists(t, fresh)
}
