package datasets_test

// The reader benchmarks live in the external test package: their files are
// internal/benchkit's lead tables (as datasets/internal/readbench and
// `leadscore bench` read them), and benchkit imports datasets, which an
// in-package test cannot.

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/leadscore/leadscore/internal/benchkit"
)

// BenchmarkReadCSV streams a generated 1,000,000-row, 10-column CSV file
// (about 76 MB, benchkit.WriteLeadsCSV's) and reports rows per second.
func BenchmarkReadCSV(b *testing.B) {
	const rows = 1_000_000
	path := filepath.Join(b.TempDir(), "leads.csv")
	require.NoError(b, benchkit.WriteLeadsCSVFile(path, rows))
	st, err := os.Stat(path)
	require.NoError(b, err)
	b.SetBytes(st.Size())
	benchDrain(b, path, rows)
}

// BenchmarkReadParquet streams a generated 1,000,000-row, 10-column Parquet
// file (row groups of 131072 rows, benchkit.WriteLeadsParquet's) and
// reports rows per second.
func BenchmarkReadParquet(b *testing.B) {
	const rows = 1_000_000
	path := filepath.Join(b.TempDir(), "leads.parquet")
	require.NoError(b, benchkit.WriteLeadsParquet(path, rows))
	benchDrain(b, path, rows)
}

// benchDrain reads path batch by batch in every iteration, checks that it
// has rows rows and reports rows per second.
func benchDrain(b *testing.B, path string, rows int) {
	b.ReportAllocs()
	iters := 0
	for b.Loop() {
		n, err := benchkit.DrainTable(path, benchkit.LeadTableMissing)
		require.NoError(b, err)
		require.Equal(b, rows, n)
		iters++
	}
	b.ReportMetric(float64(rows*iters)/b.Elapsed().Seconds(), "rows/s")
}
