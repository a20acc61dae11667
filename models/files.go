package models

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/leadscore/leadscore/internal/atomicfile"
)

// FormatVersion is the bundle layout version this build reads and writes.
// Loading a bundle with another format version is refused.
const FormatVersion = 1

// ManifestFile is the name of the manifest inside a bundle directory.
const ManifestFile = "manifest.json"

// Manifest describes a bundle: what it holds, how it was made and the SHA-256
// of every other file, so a damaged or edited bundle is refused at load.
type Manifest struct {
	FormatVersion   int               `json:"format_version"`
	Version         string            `json:"version"`
	Name            string            `json:"name"`
	CreatedAt       time.Time         `json:"created_at"`
	Library         string            `json:"library"`
	DataFingerprint string            `json:"data_fingerprint"`
	Rows            map[string]int    `json:"rows"`
	Command         []string          `json:"command,omitempty"`
	Config          json.RawMessage   `json:"config,omitempty"`
	Models          []string          `json:"models"`
	Champion        string            `json:"champion"`
	Files           map[string]string `json:"files"`
}

// writeDir writes files and the manifest (with their checksums) into dir
// atomically: everything goes to a temporary sibling directory that is renamed
// into place at the end, so a crash never leaves half a bundle. dir must not
// exist yet.
func writeDir(dir string, files map[string][]byte, m Manifest) error {
	m.Files = make(map[string]string, len(files))
	for name, data := range files {
		if name == ManifestFile || strings.ContainsAny(name, `/\`) {
			return fmt.Errorf("write bundle: bad file name %q", name)
		}
		sum := sha256.Sum256(data)
		m.Files[name] = hex.EncodeToString(sum[:])
	}
	m.FormatVersion = FormatVersion
	mb, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return fmt.Errorf("write bundle: %w", err)
	}
	if _, err := os.Stat(dir); err == nil {
		return fmt.Errorf("write bundle: %s already exists; choose a new --out or remove it", dir)
	}
	err = atomicfile.ReplaceDir(dir, true, func(tmp string) error {
		for name, data := range files {
			if err := atomicfile.WriteSynced(filepath.Join(tmp, name), data); err != nil {
				return err
			}
		}
		return atomicfile.WriteSynced(filepath.Join(tmp, ManifestFile), append(mb, '\n'))
	})
	if err != nil {
		return fmt.Errorf("write bundle: %w", err)
	}
	return nil
}

// ErrDamaged is wrapped by every error that refuses a bundle because its files
// do not match the manifest.
var ErrDamaged = errors.New("damaged bundle")

// readDir reads and verifies a bundle directory: the manifest's format version
// must be FormatVersion, every listed file must exist with its checksum, and
// no file may be missing from the manifest's list.
func readDir(dir string) (Manifest, map[string][]byte, error) {
	var m Manifest
	mb, err := os.ReadFile(filepath.Join(dir, ManifestFile))
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return m, nil, fmt.Errorf("load bundle %s: no %s: not a leadscore model bundle (write one with 'leadscore train --out DIR')", dir, ManifestFile)
		}
		return m, nil, fmt.Errorf("load bundle %s: %w", dir, err)
	}
	if err := json.Unmarshal(mb, &m); err != nil {
		return m, nil, fmt.Errorf("load bundle %s: %s: %v: %w", dir, ManifestFile, err, ErrDamaged)
	}
	if m.FormatVersion != FormatVersion {
		return m, nil, fmt.Errorf("load bundle %s: format version %d, this leadscore reads version %d: retrain with this version", dir, m.FormatVersion, FormatVersion)
	}
	names := make([]string, 0, len(m.Files))
	for n := range m.Files {
		names = append(names, n)
	}
	sort.Strings(names)
	files := make(map[string][]byte, len(names))
	for _, n := range names {
		if strings.ContainsAny(n, `/\`) || n == ".." {
			return m, nil, fmt.Errorf("load bundle %s: manifest lists bad file name %q: %w", dir, n, ErrDamaged)
		}
		data, err := os.ReadFile(filepath.Join(dir, n))
		if err != nil {
			return m, nil, fmt.Errorf("load bundle %s: %s listed in the manifest cannot be read: %v: %w", dir, n, err, ErrDamaged)
		}
		sum := sha256.Sum256(data)
		if got := hex.EncodeToString(sum[:]); got != m.Files[n] {
			return m, nil, fmt.Errorf("load bundle %s: %s checksum %s does not match the manifest's %s: %w", dir, n, got[:12], short(m.Files[n]), ErrDamaged)
		}
		files[n] = data
	}
	return m, files, nil
}

func short(s string) string {
	if len(s) > 12 {
		return s[:12]
	}
	return s
}
