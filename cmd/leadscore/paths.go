package main

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/leadscore/leadscore/models"
)

// checkNewBundleDir checks, before training starts, that the bundle
// directory named by flag can be written: it must not exist yet, and its
// parent must not be a Go package folder of the source tree (a clone's
// models/ holds the models package, not model bundles).
func checkNewBundleDir(flag, dir string) error {
	if _, err := os.Stat(dir); err == nil {
		return fmt.Errorf("%s %s: already exists; bundles are never overwritten: pick a new version directory (say %s-2) or remove the old one", flag, dir, filepath.Clean(dir))
	} else if !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("%s %s: %w", flag, dir, err)
	}
	return checkNotSourceDir(flag, dir)
}

// checkNotSourceDir refuses an output path whose parent directory holds Go
// source files.
func checkNotSourceDir(flag, path string) error {
	parent := filepath.Dir(filepath.Clean(path))
	if goFiles, _ := filepath.Glob(filepath.Join(parent, "*.go")); len(goFiles) > 0 {
		return fmt.Errorf("%s %s: %s is a Go package folder of the source tree (it holds %s); write outside it, e.g. %s ./leadscore-models/%s",
			flag, path, parent, filepath.Base(goFiles[0]), flag, filepath.Base(path))
	}
	return nil
}

// checkOutFile checks, before any work starts, that the file named by flag
// can be created: its directory exists and it is not a directory itself.
func checkOutFile(flag, path string) error {
	if st, err := os.Stat(path); err == nil && st.IsDir() {
		return fmt.Errorf("%s %s: is a directory, expected a file name such as %s", flag, path, filepath.Join(path, "scores.csv"))
	}
	dir := filepath.Dir(path)
	st, err := os.Stat(dir)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return fmt.Errorf("%s %s: the directory %s does not exist; create it first (mkdir -p %s)", flag, path, dir, dir)
	case err != nil:
		return fmt.Errorf("%s %s: %w", flag, path, err)
	case !st.IsDir():
		return fmt.Errorf("%s %s: %s is not a directory", flag, path, dir)
	}
	return nil
}

// checkInFile checks that the input file named by flag exists.
func checkInFile(flag, path string) error {
	st, err := os.Stat(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return fmt.Errorf("%s %s: no such file", flag, path)
	case err != nil:
		return fmt.Errorf("%s %s: %w", flag, path, err)
	case st.IsDir():
		return fmt.Errorf("%s %s: is a directory, expected a file", flag, path)
	}
	return nil
}

// checkModelsDir checks what serve --models names: a directory of bundles.
// A bundle directory itself (it has a manifest.json) is refused with the
// directory to pass instead. An empty or absent directory is served as is:
// the server waits for a bundle to appear there.
func checkModelsDir(dir string) error {
	if _, err := os.Stat(filepath.Join(dir, models.ManifestFile)); err == nil {
		parent := filepath.Dir(filepath.Clean(dir))
		return fmt.Errorf("--models %s: this is one model bundle; serve takes the directory of bundles above it: --models %s (it serves the bundle named in %s, else the newest)",
			dir, parent, filepath.Join(parent, "champion"))
	}
	return nil
}
