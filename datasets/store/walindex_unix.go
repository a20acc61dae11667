//go:build unix

package store

import (
	"fmt"
	"os"
	"syscall"
)

// walIndexBytes is how much of the -shm file is mapped: its first page
// holds the header. SQLite sizes the file in 32 KiB regions, so a file
// shorter than that is not (yet) a WAL index.
const (
	walIndexBytes  = 4096
	walRegionBytes = 32 << 10
)

// mapWALIndex maps the start of the -shm file at path, read-only.
func mapWALIndex(path string) (*walIndex, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if st.Size() < walRegionBytes {
		return nil, fmt.Errorf("%s: %d bytes, not a WAL index", path, st.Size())
	}
	mem, err := syscall.Mmap(int(f.Fd()), 0, walIndexBytes, syscall.PROT_READ, syscall.MAP_SHARED)
	if err != nil {
		return nil, fmt.Errorf("map %s: %w", path, err)
	}
	return &walIndex{mem: mem, words: wordsOf(mem), unmap: syscall.Munmap}, nil
}
