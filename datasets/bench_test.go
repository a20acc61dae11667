package datasets_test

// The reader benchmarks live in the external test package: their files are
// datasets/synth's lead tables (as bench/readbench and `leadscore bench
// read` read them), and synth imports datasets, which an in-package test
// cannot.

import (
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/leadscore/leadscore/datasets"
	"github.com/leadscore/leadscore/datasets/synth"
)

// BenchmarkReadCSV streams a generated 1,000,000-row, 10-column CSV file
// (about 76 MB, synth.WriteLeadTableCSV's) and reports rows per second.
func BenchmarkReadCSV(b *testing.B) {
	const rows = 1_000_000
	path := filepath.Join(b.TempDir(), "leads.csv")
	require.NoError(b, synth.WriteLeadTableCSVFile(path, rows))
	st, err := os.Stat(path)
	require.NoError(b, err)
	b.SetBytes(st.Size())
	benchDrain(b, path, rows)
}

// BenchmarkReadParquet streams a generated 1,000,000-row, 10-column Parquet
// file (row groups of 131072 rows, synth.WriteLeadTableParquet's) and
// reports rows per second.
func BenchmarkReadParquet(b *testing.B) {
	const rows = 1_000_000
	path := filepath.Join(b.TempDir(), "leads.parquet")
	require.NoError(b, synth.WriteLeadTableParquet(path, rows))
	benchDrain(b, path, rows)
}

// benchDrain reads path batch by batch, as every command reads, in every
// iteration, checks that it has rows rows and reports rows per second.
func benchDrain(b *testing.B, path string, rows int) {
	b.ReportAllocs()
	iters := 0
	for b.Loop() {
		r, err := datasets.Open(path, datasets.ReadOptions{MissingValues: synth.LeadTableMissing()})
		require.NoError(b, err)
		n := 0
		for {
			t, err := r.Next()
			if err == io.EOF {
				break
			}
			require.NoError(b, err)
			n += t.Rows()
		}
		require.NoError(b, r.Close())
		require.Equal(b, rows, n)
		iters++
	}
	b.ReportMetric(float64(rows*iters)/b.Elapsed().Seconds(), "rows/s")
}
