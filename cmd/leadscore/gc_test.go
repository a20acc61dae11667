package main

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestGC(t *testing.T) {
	models, other := t.TempDir(), t.TempDir()
	old := time.Now().Add(-2 * time.Hour)
	staleDir := filepath.Join(models, ".v2.tmp-1")
	staleFile := filepath.Join(other, ".report.html.tmp-2")
	fresh := filepath.Join(models, ".champion.tmp-3")
	require.NoError(t, os.Mkdir(staleDir, 0o755))
	require.NoError(t, os.WriteFile(staleFile, []byte("x"), 0o644))
	require.NoError(t, os.WriteFile(fresh, []byte("x"), 0o644))
	require.NoError(t, os.Chtimes(staleDir, old, old))
	require.NoError(t, os.Chtimes(staleFile, old, old))

	code, out, stderr := runCLI(t, "gc", "--models", models, other)
	require.Equal(t, 0, code, stderr)
	assert.Contains(t, out, "removed "+staleDir)
	assert.Contains(t, out, "removed "+staleFile)
	assert.NoDirExists(t, staleDir)
	assert.NoFileExists(t, staleFile)
	assert.FileExists(t, fresh)

	code, out, stderr = runCLI(t, "gc", "--models", models, "--older-than", "0s")
	require.Equal(t, 0, code, stderr)
	assert.Contains(t, out, "removed "+fresh)

	code, _, stderr = runCLI(t, "gc", "--models", filepath.Join(models, "nope"))
	assert.Equal(t, 1, code)
	assert.Contains(t, stderr, "nope")
}
