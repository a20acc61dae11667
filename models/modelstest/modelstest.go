// Package modelstest gives the tests of the packages that score leads
// (models, serve, the dashboard, the command line) one real bundle to score
// with, without importing the trainer, which models and serve may not: a
// bundle written by `leadscore train` on a generated B2B history, and that
// history, regenerated from its seed. It is for tests only, like
// net/http/httptest.
//
// The bundle lives in testdata/b2b (see testdata/README.md for how it was
// trained); `go test ./cmd/leadscore -run TestGenerateTrainScore` checks
// that `leadscore train` still writes it byte for byte, and
// -update-fixture rewrites it after a deliberate change.
package modelstest

import (
	"embed"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/leadscore/leadscore/datasets/synth"
)

//go:embed testdata/b2b testdata/b2b-legacy
var fixtureFS embed.FS

// The history the fixture bundle was trained on: History writes it.
var History = synth.Config{Profile: "b2b", Leads: 1200, Seed: 5, Format: "csv"}

// BundleDir is the fixture bundle's directory, relative to this package's
// source directory (for the test that rewrites it).
const BundleDir = "testdata/b2b"

// LegacyBundleDir holds the fixture bundle as `leadscore train` wrote it
// on 2026-12-02, before category spellings were folded and token and
// rule-sheet inputs were added, from the same history: it compares
// categories exactly and clips numbers to their training range. It checks
// that older bundles keep loading and scoring, and the SQL compiler's
// tests compile it beside the current bundle (its categories compare as
// spelled).
const LegacyBundleDir = "testdata/b2b-legacy"

// WriteBundle copies the fixture bundle to dir, which must not exist.
func WriteBundle(dir string) error { return writeBundle(BundleDir, dir) }

// WriteLegacyBundle copies the legacy fixture bundle (LegacyBundleDir) to
// dir, which must not exist.
func WriteLegacyBundle(dir string) error { return writeBundle(LegacyBundleDir, dir) }

func writeBundle(from, dir string) error {
	sub, err := fs.Sub(fixtureFS, from)
	if err != nil {
		return err
	}
	return os.CopyFS(dir, sub)
}

// WriteHistory generates the history the fixture bundle was trained on
// (leads.csv, events.csv, outcomes.csv and the generator's truth) into dir.
func WriteHistory(dir string) error {
	_, err := synth.Generate(History, dir, nil)
	return err
}

// Fixture is the fixture bundle and its history, written to temporary
// directories for a test binary: Data holds leads.csv, events.csv and
// outcomes.csv, Bundle is the bundle's directory. Remove deletes both.
type Fixture struct {
	Data, Bundle string
}

// NewFixture writes the history and the bundle (as a directory named
// version, inside a temporary models directory) to new temporary
// directories.
func NewFixture(version string) (*Fixture, error) { return newFixture(version, BundleDir) }

// NewLegacyFixture is NewFixture with the legacy bundle (LegacyBundleDir).
func NewLegacyFixture(version string) (*Fixture, error) {
	return newFixture(version, LegacyBundleDir)
}

func newFixture(version, from string) (*Fixture, error) {
	f := &Fixture{}
	var err error
	if f.Data, err = os.MkdirTemp("", "leadscore-fixture-data-*"); err != nil {
		return nil, err
	}
	if err := WriteHistory(f.Data); err != nil {
		f.Remove()
		return nil, err
	}
	root, err := os.MkdirTemp("", "leadscore-fixture-models-*")
	if err != nil {
		f.Remove()
		return nil, err
	}
	f.Bundle = filepath.Join(root, version)
	if err := writeBundle(from, f.Bundle); err != nil {
		f.Remove()
		return nil, err
	}
	return f, nil
}

// Remove deletes the fixture's directories.
func (f *Fixture) Remove() {
	if f.Data != "" {
		os.RemoveAll(f.Data)
	}
	if f.Bundle != "" {
		os.RemoveAll(filepath.Dir(f.Bundle))
	}
}
