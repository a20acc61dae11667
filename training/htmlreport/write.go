package htmlreport

import (
	"encoding/json"
	"fmt"
	"path/filepath"

	"github.com/leadscore/leadscore/internal/atomicfile"
)

// File names of a report directory.
const (
	HTMLFile = "report.html"
	JSONFile = "report.json"
	MDFile   = "report.md"
)

// WriteDir writes report.html, report.json (data encoded as indented JSON)
// and report.md of d into dir atomically: the files are written and synced in
// a new temporary directory beside dir, which is then renamed to dir. An
// existing dir is replaced only once the new report is complete (it is moved
// aside, the new one renamed in, and the old one removed), so a reader never
// sees a half-written report.
func WriteDir(dir string, d *Doc, data any) error {
	js, err := json.MarshalIndent(data, "", "  ")
	if err != nil {
		return fmt.Errorf("write report %s: encode report.json: %w", dir, err)
	}
	page, err := HTML(d)
	if err != nil {
		return fmt.Errorf("write report %s: %w", dir, err)
	}
	md := Markdown(d)

	err = atomicfile.ReplaceDir(dir, false, func(tmp string) error {
		for _, f := range []struct {
			name string
			data []byte
		}{{HTMLFile, page}, {JSONFile, append(js, '\n')}, {MDFile, md}} {
			if err := atomicfile.WriteSynced(filepath.Join(tmp, f.name), f.data); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("write report %s: %w", dir, err)
	}
	return nil
}

// WriteFileAtomic writes data to path through a temporary file in the same
// directory that is synced and renamed over path.
func WriteFileAtomic(path string, data []byte) error {
	return atomicfile.WriteFile(path, data, 0o644)
}
