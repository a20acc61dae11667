package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/leadscore/leadscore/datasets"
	"github.com/leadscore/leadscore/datasets/sqldb"
	"github.com/leadscore/leadscore/models"
	"github.com/leadscore/leadscore/serve"
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

// checkInFile checks that the input file named by flag exists. A database
// table or query (datasets.IsDatabase) is checked when it is read, by an
// error that names its URL.
func checkInFile(flag, path string) error {
	if datasets.IsDatabase(path) {
		return nil
	}
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

// modelsDir interprets what serve --models names: a directory of bundles
// is served as it is (an empty or absent one too: the server waits for a
// bundle to appear there). A bundle directory itself (it has a
// manifest.json) is served alone: the server reads its parent and pins the
// bundle's version, ignoring the parent's champion file, so exactly the
// bundle named is served.
func modelsDir(cfg *serve.Config) error {
	data, err := os.ReadFile(filepath.Join(cfg.ModelsDir, models.ManifestFile))
	if err != nil {
		return nil
	}
	var m models.Manifest
	if err := json.Unmarshal(data, &m); err != nil || m.Version == "" {
		return fmt.Errorf("--models %s: its %s cannot be read as a bundle manifest (%v); point --models at a bundle written by 'leadscore train --out', or at the directory of bundles", cfg.ModelsDir, models.ManifestFile, err)
	}
	cfg.Pin = m.Version
	cfg.ModelsDir = filepath.Dir(filepath.Clean(cfg.ModelsDir))
	return nil
}

// commandLine is the command as run (args without the program name), for a
// bundle's manifest, with the password of any database URL hidden
// (--data postgres://user:pw@... or --store=postgres://...).
func commandLine(args []string) []string {
	out := append(make([]string, 0, len(args)+1), "leadscore")
	for _, a := range args {
		if k, v, ok := strings.Cut(a, "="); ok && strings.HasPrefix(k, "-") && sqldb.IsURL(v) {
			a = k + "=" + sqldb.Redact(v)
		} else if sqldb.IsURL(a) {
			a = sqldb.Redact(a)
		}
		out = append(out, a)
	}
	return out
}
