//go:build !unix

package store

import "errors"

// mapWALIndex is not available here: changes are read with PRAGMA
// data_version.
func mapWALIndex(string) (*walIndex, error) {
	return nil, errors.New("the WAL index is mapped on Unix only")
}
