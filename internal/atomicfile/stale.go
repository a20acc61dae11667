package atomicfile

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// DefaultStaleAge is how old a temporary file must be before RemoveStale
// takes it for the leftover of a crashed write rather than one in
// progress.
const DefaultStaleAge = time.Hour

// RemoveStale removes the temporary files and directories that writes
// interrupted by a crash leave behind in each of dirs and in their
// subdirectories (one level down, where bundles keep their files): names
// ".BASE.tmp-*" (Create, WriteFile, ReplaceFile, ReplaceDir) and
// ".BASE.old-*" (the old directory ReplaceDir set aside), last modified
// more than olderThan ago. An ".old-" directory is kept while BASE itself
// is missing: a crash between ReplaceDir's two renames leaves the only
// copy there. It returns the paths removed; an error names the path that
// could not be read or removed, after trying the others.
func RemoveStale(olderThan time.Duration, dirs ...string) ([]string, error) {
	cutoff := time.Now().Add(-olderThan)
	var removed []string
	var errs []error
	for _, dir := range dirs {
		des, err := os.ReadDir(dir)
		if err != nil {
			errs = append(errs, fmt.Errorf("remove stale temporary files: %w", err))
			continue
		}
		for _, de := range des {
			path := filepath.Join(dir, de.Name())
			if base, ok := staleName(de.Name()); ok {
				fi, err := de.Info()
				if err != nil || fi.ModTime().After(cutoff) {
					continue // gone already, or a write in progress
				}
				if strings.Contains(de.Name(), ".old-") {
					if _, err := os.Lstat(filepath.Join(dir, base)); err != nil {
						continue
					}
				}
				if err := os.RemoveAll(path); err != nil {
					errs = append(errs, fmt.Errorf("remove stale temporary file: %w", err))
					continue
				}
				removed = append(removed, path)
				continue
			}
			if de.IsDir() && !strings.HasPrefix(de.Name(), ".") {
				sub, err := RemoveStale(olderThan, path)
				removed = append(removed, sub...)
				if err != nil {
					errs = append(errs, err)
				}
			}
		}
	}
	return removed, errors.Join(errs...)
}

// staleName reports whether name is a temporary name this package makes
// (".BASE.tmp-*" or ".BASE.old-*", ReplaceFile's ".STEM.tmp-*.EXT" too),
// and returns BASE.
func staleName(name string) (string, bool) {
	if !strings.HasPrefix(name, ".") {
		return "", false
	}
	for _, mark := range []string{".tmp-", ".old-"} {
		if i := strings.LastIndex(name, mark); i > 1 {
			return name[1:i], true
		}
	}
	return "", false
}
