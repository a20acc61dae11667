package htmlreport

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
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

	dir = filepath.Clean(dir)
	parent, base := filepath.Dir(dir), filepath.Base(dir)
	if err := os.MkdirAll(parent, 0o755); err != nil {
		return fmt.Errorf("write report %s: %w", dir, err)
	}
	tmp, err := os.MkdirTemp(parent, "."+base+".tmp-")
	if err != nil {
		return fmt.Errorf("write report %s: %w", dir, err)
	}
	ok := false
	defer func() {
		if !ok {
			os.RemoveAll(tmp)
		}
	}()
	for _, f := range []struct {
		name string
		data []byte
	}{{HTMLFile, page}, {JSONFile, append(js, '\n')}, {MDFile, md}} {
		if err := writeSynced(filepath.Join(tmp, f.name), f.data); err != nil {
			return fmt.Errorf("write report %s: %w", dir, err)
		}
	}
	if err := os.Chmod(tmp, 0o755); err != nil {
		return fmt.Errorf("write report %s: %w", dir, err)
	}
	var old string
	if _, err := os.Stat(dir); err == nil {
		old = filepath.Join(parent, "."+base+".old-"+filepath.Base(tmp)[len(base)+6:])
		if err := os.Rename(dir, old); err != nil {
			return fmt.Errorf("write report %s: move the previous report aside: %w", dir, err)
		}
	}
	if err := os.Rename(tmp, dir); err != nil {
		if old != "" {
			_ = os.Rename(old, dir)
		}
		return fmt.Errorf("write report %s: %w", dir, err)
	}
	ok = true
	if old != "" {
		if err := os.RemoveAll(old); err != nil {
			return fmt.Errorf("write report %s: remove the previous report: %w", dir, err)
		}
	}
	syncDir(parent)
	return nil
}

// WriteFileAtomic writes data to path through a temporary file in the same
// directory that is synced and renamed over path.
func WriteFileAtomic(path string, data []byte) error {
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp-")
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	tmp := f.Name()
	if _, err := f.Write(data); err != nil {
		f.Close()
		os.Remove(tmp)
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := f.Sync(); err != nil {
		f.Close()
		os.Remove(tmp)
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := f.Close(); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := os.Chmod(tmp, 0o644); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := os.Rename(tmp, path); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("write %s: %w", path, err)
	}
	syncDir(filepath.Dir(path))
	return nil
}

func writeSynced(path string, data []byte) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return err
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// syncDir flushes a directory entry change; failures are ignored because
// some file systems do not support syncing directories.
func syncDir(dir string) {
	if d, err := os.Open(dir); err == nil {
		_ = d.Sync()
		d.Close()
	}
}
