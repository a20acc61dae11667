package benchkit

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"math"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func sha(b []byte) string {
	h := sha256.Sum256(b)
	return hex.EncodeToString(h[:])
}

// The generators must keep writing exactly the files the scripts under
// bench/ wrote when the published figures were measured: these digests are
// those of `go run ./bench/gbm gen -rows 1000`, `bench/logistic gen -rows
// 2000 -cols 7` and `readbench -rows 3000` before the generators moved here.
func TestGeneratorsUnchanged(t *testing.T) {
	var gbmFile bytes.Buffer
	require.NoError(t, WriteGBM(&gbmFile, 1000, 1))
	assert.Equal(t, "e73e85d858d285f061ff4d7f6e081605c9d2eacdb4320832cf99590930a83a3f", sha(gbmFile.Bytes()), "gbm data")

	var logFile bytes.Buffer
	X, y := LogisticMatrix(2000, 7, 1)
	require.NoError(t, WriteLogistic(&logFile, X, y))
	assert.Equal(t, "a2de10c4c0ecfefd91de91390212d665cab8461c7dcffc685a0d24322ac7b0db", sha(logFile.Bytes()), "logistic data")

	var csvFile bytes.Buffer
	require.NoError(t, WriteLeadsCSV(&csvFile, 3000))
	assert.Equal(t, "6ef368cd46d546e2716c592019f558f4afcbe64893ed3ffb1e7d833ad98877ea", sha(csvFile.Bytes()), "reader CSV")
}

func sameFloats(t *testing.T, want, got []float64) {
	t.Helper()
	require.Len(t, got, len(want))
	for i := range want {
		if math.Float64bits(want[i]) != math.Float64bits(got[i]) {
			t.Fatalf("value %d: want %v, got %v", i, want[i], got[i])
		}
	}
}

func TestFilesRoundTrip(t *testing.T) {
	dir := t.TempDir()
	gbmPath := filepath.Join(dir, "gbm.bin")
	f, err := os.Create(gbmPath)
	require.NoError(t, err)
	require.NoError(t, WriteGBM(f, 500, 3))
	require.NoError(t, f.Close())
	X, y, err := ReadGBM(gbmPath)
	require.NoError(t, err)
	X2, y2 := GBMMatrix(500, 3)
	sameFloats(t, X2.Data, X.Data)
	sameFloats(t, y2, y)
	assert.Equal(t, X2.Columns, X.Columns)
	assert.True(t, X.Columns[35].Categorical)

	logPath := filepath.Join(dir, "log.bin")
	L, ly := LogisticMatrix(300, 5, 2)
	f, err = os.Create(logPath)
	require.NoError(t, err)
	require.NoError(t, WriteLogistic(f, L, ly))
	require.NoError(t, f.Close())
	L2, ly2, err := ReadLogistic(logPath)
	require.NoError(t, err)
	sameFloats(t, L.Data, L2.Data)
	sameFloats(t, ly, ly2)
}

func TestLeadTablesRead(t *testing.T) {
	dir := t.TempDir()
	csvPath, pqPath := filepath.Join(dir, "l.csv"), filepath.Join(dir, "l.parquet")
	require.NoError(t, WriteLeadsCSVFile(csvPath, 1234))
	require.NoError(t, WriteLeadsParquet(pqPath, 70000))
	n, err := DrainTable(csvPath, LeadTableMissing)
	require.NoError(t, err)
	assert.Equal(t, 1234, n)
	n, err = DrainTable(pqPath, LeadTableMissing)
	require.NoError(t, err)
	assert.Equal(t, 70000, n)
}

func TestRulesLead(t *testing.T) {
	assert.Equal(t, 54, len(RulesLead().Events))
}

func TestDescribe(t *testing.T) {
	m := Describe()
	assert.Positive(t, m.Cores)
	assert.NotEmpty(t, m.GoVersion)
	assert.Positive(t, CPUTime())
}
