package atomicfile

import (
	"errors"
	"fmt"
	"os"

	"golang.org/x/sys/unix"
)

// exchange swaps the directory entries a and b in one step with
// renameat2(RENAME_EXCHANGE) (Linux 3.15 and later; ext4, xfs, btrfs, tmpfs
// and overlayfs among others support it). Both must exist. It returns an
// error wrapping errExchangeUnsupported when the kernel or the file system
// does not support the flag.
func exchange(a, b string) error {
	err := unix.Renameat2(unix.AT_FDCWD, a, unix.AT_FDCWD, b, unix.RENAME_EXCHANGE)
	switch {
	case err == nil:
		return nil
	case errors.Is(err, unix.ENOSYS), errors.Is(err, unix.EINVAL), errors.Is(err, unix.ENOTSUP):
		return fmt.Errorf("%w: renameat2 %s %s: %v", errExchangeUnsupported, a, b, err)
	}
	return &os.LinkError{Op: "exchange", Old: a, New: b, Err: err}
}
