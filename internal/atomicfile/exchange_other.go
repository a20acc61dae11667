//go:build !linux

package atomicfile

// exchange reports that this platform has no atomic swap of two paths;
// ReplaceDir then falls back to two renames.
func exchange(a, b string) error { return errExchangeUnsupported }
