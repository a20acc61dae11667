// Package atomicfile writes files and directories so that a reader, or a
// crash, never sees them half written: everything goes to a temporary
// sibling that is synced and then renamed into place, and the parent
// directory is synced so the rename itself survives a crash. It is the one
// place in leadscore that publishes a file or a directory this way.
package atomicfile

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
)

// DefaultPerm is the mode of a published file when none is asked for
// (perm 0): readable by everyone, writable by the owner.
const DefaultPerm os.FileMode = 0o644

// dirPerm is the mode of a published directory.
const dirPerm os.FileMode = 0o755

// File is a file being written under a temporary name in its destination's
// directory. Commit publishes it at the destination; Abort, or a failing
// Commit, removes it. A File is not safe for concurrent use.
type File struct {
	f    *os.File
	path string
	perm os.FileMode
	done bool
}

// Create starts writing path: the data goes to a new temporary file
// ".BASE.tmp-*" beside it, and path is untouched until Commit. perm is the
// mode of the published file; 0 means DefaultPerm.
func Create(path string, perm os.FileMode) (*File, error) {
	if perm == 0 {
		perm = DefaultPerm
	}
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return nil, fmt.Errorf("write %s: %w", path, err)
	}
	return &File{f: f, path: path, perm: perm}, nil
}

// Path returns the destination path.
func (f *File) Path() string { return f.path }

// Write writes to the temporary file.
func (f *File) Write(p []byte) (int, error) { return f.f.Write(p) }

// Seek moves the temporary file's offset (io.Seeker).
func (f *File) Seek(offset int64, whence int) (int64, error) { return f.f.Seek(offset, whence) }

// Commit publishes the file: it fsyncs the temporary file, gives it the
// permissions asked for, closes it, renames it over the destination and
// fsyncs the directory. On any error the temporary file is removed and the
// destination keeps its previous content (unless only the final directory
// sync failed, which the error says). Commit after Commit or Abort fails.
func (f *File) Commit() error {
	if f.done {
		return fmt.Errorf("write %s: the file is already committed or aborted", f.path)
	}
	f.done = true
	name := f.f.Name()
	fail := func(step string, err error) error {
		f.f.Close()
		os.Remove(name)
		return fmt.Errorf("write %s: %s: %w", f.path, step, err)
	}
	if err := f.f.Sync(); err != nil {
		return fail("sync", err)
	}
	if err := f.f.Chmod(f.perm); err != nil {
		return fail("set permissions", err)
	}
	if err := f.f.Close(); err != nil {
		os.Remove(name)
		return fmt.Errorf("write %s: close: %w", f.path, err)
	}
	if err := os.Rename(name, f.path); err != nil {
		os.Remove(name)
		return fmt.Errorf("write %s: %w", f.path, err)
	}
	if err := syncDir(filepath.Dir(f.path)); err != nil {
		return fmt.Errorf("write %s: the file is in place but its directory could not be synced: %w", f.path, err)
	}
	return nil
}

// Abort discards the temporary file and leaves the destination untouched.
// It is safe to call more than once, and after Commit, where it does
// nothing, so `defer f.Abort()` right after Create is the usual pattern.
func (f *File) Abort() {
	if f.done {
		return
	}
	f.done = true
	f.f.Close()
	os.Remove(f.f.Name())
}

// WriteFile writes data to path atomically: through a temporary file in the
// same directory that is fsynced, given permissions perm (0 means
// DefaultPerm), renamed over path, and followed by an fsync of the
// directory. On error no temporary file is left and path keeps its previous
// content.
func WriteFile(path string, data []byte, perm os.FileMode) error {
	f, err := Create(path, perm)
	if err != nil {
		return err
	}
	defer f.Abort()
	if _, err := f.Write(data); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return f.Commit()
}

// ReplaceFile publishes the file that write creates, for writers that want
// a path rather than an io.Writer. write receives a temporary path in the
// destination's directory that keeps the destination's extension
// (".STEM.tmp-*.EXT"), and may create, truncate or replace the file there.
// The result is then fsynced, given permissions perm (0 means DefaultPerm)
// and renamed over path, and the directory is fsynced. If write or any
// later step fails, the temporary file is removed and path is untouched.
func ReplaceFile(path string, perm os.FileMode, write func(tmp string) error) error {
	if perm == 0 {
		perm = DefaultPerm
	}
	base := filepath.Base(path)
	ext := filepath.Ext(base)
	f, err := os.CreateTemp(filepath.Dir(path), "."+strings.TrimSuffix(base, ext)+".tmp-*"+ext)
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	tmp := f.Name()
	if err := f.Close(); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := write(tmp); err != nil {
		os.Remove(tmp)
		return err
	}
	g, err := os.OpenFile(tmp, os.O_RDWR, 0)
	if err != nil {
		os.Remove(tmp)
		return fmt.Errorf("write %s: reopen the written file: %w", path, err)
	}
	return (&File{f: g, path: path, perm: perm}).Commit()
}

// WriteSynced creates path, which must not exist, with data, mode
// DefaultPerm, and fsyncs it. It is meant for the files of a directory that
// ReplaceDir is building: ReplaceDir publishes them all at once.
func WriteSynced(path string, data []byte) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, DefaultPerm)
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return fmt.Errorf("write %s: sync: %w", path, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}

// ReplaceDir builds a new version of dir in a temporary sibling directory
// ".BASE.tmp-*" with build, fsyncs it, and puts it in place of dir, which
// is always either the old or the complete new version:
//
//   - when dir does not exist, the temporary directory is renamed to it;
//   - when it exists, on Linux the two are swapped in one step with
//     renameat2(RENAME_EXCHANGE), so the path never goes missing, and the
//     old version, now at the temporary name, is removed;
//   - where RENAME_EXCHANGE is not available (another OS, or a file system
//     that does not support it), the old dir is renamed aside to
//     ".BASE.old-*" and the new one renamed in. Between those two renames
//     the path does not exist: a reader can see ENOENT for that instant,
//     and a crash there leaves the previous version under the .old- name.
//
// The parent directory is fsynced after the swap. If build fails, dir is
// untouched and the temporary directory removed. With keep set, an
// existing dir is an error instead (nothing is replaced).
func ReplaceDir(dir string, keep bool, build func(tmp string) error) (err error) {
	dir = filepath.Clean(dir)
	parent, base := filepath.Dir(dir), filepath.Base(dir)
	if keep {
		if _, err := os.Lstat(dir); err == nil {
			return fmt.Errorf("%s already exists", dir)
		}
	}
	if err := os.MkdirAll(parent, dirPerm); err != nil {
		return fmt.Errorf("replace %s: %w", dir, err)
	}
	tmp, err := os.MkdirTemp(parent, "."+base+".tmp-")
	if err != nil {
		return fmt.Errorf("replace %s: %w", dir, err)
	}
	defer func() {
		if err != nil {
			os.RemoveAll(tmp)
		}
	}()
	if err := build(tmp); err != nil {
		return err
	}
	if err := os.Chmod(tmp, dirPerm); err != nil {
		return fmt.Errorf("replace %s: %w", dir, err)
	}
	if err := syncDir(tmp); err != nil {
		return fmt.Errorf("replace %s: sync the new version: %w", dir, err)
	}
	if _, err := os.Lstat(dir); err != nil {
		if !errors.Is(err, os.ErrNotExist) {
			return fmt.Errorf("replace %s: %w", dir, err)
		}
		if err := os.Rename(tmp, dir); err != nil {
			return fmt.Errorf("replace %s: %w", dir, err)
		}
		return syncParent(dir, parent)
	}
	if keep {
		return fmt.Errorf("%s already exists", dir)
	}
	old := tmp // after an exchange the old version sits at the temporary name
	if err := exchange(tmp, dir); err != nil {
		if !errors.Is(err, errExchangeUnsupported) {
			return fmt.Errorf("replace %s: %w", dir, err)
		}
		if old, err = swapByRenames(tmp, dir); err != nil {
			return fmt.Errorf("replace %s: %w", dir, err)
		}
	}
	if err := syncParent(dir, parent); err != nil {
		return err
	}
	if err := os.RemoveAll(old); err != nil {
		return fmt.Errorf("replace %s: the new version is in place but the previous one at %s could not be removed: %w", dir, old, err)
	}
	return nil
}

// swapByRenames puts the directory at tmp in place of dir with two renames:
// dir aside to ".BASE.old-*", then tmp to dir. It returns where the old
// version went. Between the renames dir does not exist. If the second
// rename fails, the old version is moved back.
func swapByRenames(tmp, dir string) (string, error) {
	parent, base := filepath.Dir(dir), filepath.Base(dir)
	old := filepath.Join(parent, "."+base+".old-"+strings.TrimPrefix(filepath.Base(tmp), "."+base+".tmp-"))
	if err := os.Rename(dir, old); err != nil {
		return "", fmt.Errorf("move the previous version aside: %w", err)
	}
	if err := os.Rename(tmp, dir); err != nil {
		if rerr := os.Rename(old, dir); rerr != nil {
			return "", fmt.Errorf("%w; and moving the previous version back from %s failed: %v", err, old, rerr)
		}
		return "", err
	}
	return old, nil
}

// syncParent fsyncs parent after dir was renamed into it.
func syncParent(dir, parent string) error {
	if err := syncDir(parent); err != nil {
		return fmt.Errorf("replace %s: the new version is in place but %s could not be synced: %w", dir, parent, err)
	}
	return nil
}

// errExchangeUnsupported means the platform or file system cannot swap two
// paths atomically.
var errExchangeUnsupported = errors.New("atomic exchange of two paths is not supported here")

// syncDir fsyncs a directory so that renames and new entries in it survive
// a crash. File systems and platforms that cannot sync a directory (the
// call fails with EINVAL, ENOTSUP or EBADF there; Windows has no such call)
// count as success.
func syncDir(dir string) error {
	if runtime.GOOS == "windows" {
		return nil
	}
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	err = d.Sync()
	cerr := d.Close()
	if err != nil {
		if errors.Is(err, syscall.EINVAL) || errors.Is(err, syscall.ENOTSUP) || errors.Is(err, syscall.EBADF) {
			return nil
		}
		return err
	}
	return cerr
}

var _ io.WriteSeeker = (*File)(nil)
