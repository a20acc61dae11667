// Package realdata locates the real CRM exports that some tests read from
// ../shared/datasets beside the project, and decides what such a test does
// when they are absent: it is skipped with a message saying where the data
// belong or, when LEADSCORE_REQUIRE_DATA is set (CI sets it), it fails, so
// that a CI run cannot pass by silently skipping every real-data test.
package realdata

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"testing"
)

// RequireEnv is the environment variable that turns a skip for absent real
// data into a failure when it is set to anything but "".
const RequireEnv = "LEADSCORE_REQUIRE_DATA"

// Dir returns the shared data sets folder: shared/datasets in the parent of
// the module root, the nearest directory at or above the working directory
// that holds go.mod. Tests run in their package's directory, so every
// package finds the same folder. The folder need not exist.
func Dir() (string, error) {
	wd, err := os.Getwd()
	if err != nil {
		return "", fmt.Errorf("realdata: %w", err)
	}
	return dirFrom(wd)
}

// dirFrom is Dir starting the search for go.mod at start.
func dirFrom(start string) (string, error) {
	for dir := start; ; {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return filepath.Join(filepath.Dir(dir), "shared", "datasets"), nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", fmt.Errorf("realdata: no go.mod at or above %s: run the tests inside the leadscore module", start)
		}
		dir = parent
	}
}

// Path returns the path of rel, a slash-separated path inside Dir such as
// "xeducation/Leads.csv" ("." is the folder itself). When it does not exist
// it calls Absent, which skips or fails the test.
func Path(t testing.TB, rel string) string {
	t.Helper()
	dir, err := Dir()
	if err != nil {
		Absent(t, "the shared data sets cannot be located: %v", err)
		return ""
	}
	p := filepath.Join(dir, filepath.FromSlash(rel))
	if _, err := os.Stat(p); err != nil {
		if errors.Is(err, os.ErrNotExist) {
			Absent(t, "real data %s is absent", p)
		} else {
			Absent(t, "real data %s cannot be read: %v", p, err)
		}
	}
	return p
}

// Absent ends a test whose real data are missing; the message, formatted
// from format and args, says what is missing. Without RequireEnv the test
// is skipped; with it the test fails.
func Absent(t testing.TB, format string, args ...any) {
	t.Helper()
	msg := fmt.Sprintf(format, args...)
	if os.Getenv(RequireEnv) != "" {
		t.Fatalf("%s, and %s is set: put the shared data sets (xeducation/, olist/) in ../shared/datasets beside the project", msg, RequireEnv)
		return
	}
	t.Skipf("%s: the real-data tests need the shared data sets in ../shared/datasets beside the project (set %s=1 to fail instead of skipping)", msg, RequireEnv)
}
