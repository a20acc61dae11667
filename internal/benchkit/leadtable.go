package benchkit

import (
	"io"

	"github.com/leadscore/leadscore/datasets"
)

// DrainTable reads path batch by batch, as every command reads, and
// returns the number of rows.
func DrainTable(path string, missing []string) (int, error) {
	r, err := datasets.Open(path, datasets.ReadOptions{MissingValues: missing})
	if err != nil {
		return 0, err
	}
	defer r.Close()
	n := 0
	for {
		t, err := r.Next()
		if err == io.EOF {
			return n, nil
		}
		if err != nil {
			return n, err
		}
		n += t.Rows()
	}
}
