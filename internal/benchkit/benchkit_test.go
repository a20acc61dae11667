package benchkit

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"hash"
	"math"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/leadscore/leadscore/datasets"
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

// tablesDigest is the SHA-256 of the tables' content: per table its source
// and line numbers, per column its name, kind, storage (float bits, codes,
// Unix nanoseconds) and dictionary in code order.
func tablesDigest(tables ...*datasets.Table) string {
	h := sha256.New()
	for _, t := range tables {
		hashString(h, t.Source)
		hashInts(h, int64(len(t.Line)))
		hashInts(h, t.Line...)
		hashInts(h, int64(len(t.Columns)))
		for _, c := range t.Columns {
			hashString(h, c.Name)
			hashInts(h, int64(c.Kind), int64(c.Len()))
			for _, v := range c.Num {
				hashInts(h, int64(math.Float64bits(v)))
			}
			for _, v := range c.Codes {
				hashInts(h, int64(v))
			}
			hashInts(h, c.Time...)
			if c.Dict != nil {
				hashInts(h, int64(c.Dict.Len()))
				for _, v := range c.Dict.Values() {
					hashString(h, v)
				}
			}
		}
	}
	return hex.EncodeToString(h.Sum(nil))
}

func hashInts(h hash.Hash, vs ...int64) {
	for _, v := range vs {
		binary.Write(h, binary.LittleEndian, v)
	}
}

func hashString(h hash.Hash, s string) {
	hashInts(h, int64(len(s)))
	h.Write([]byte(s))
}

// The lead histories must stay those the features package's tests and
// benchmarks generated before they moved to internal/leadgen (features'
// genSynth and BenchmarkAggregateStream): these digests were computed from
// the code before the move, and features' genSynth gave the same.
func TestHistoriesUnchanged(t *testing.T) {
	in := LeadHistory(12, 2000, 10)
	assert.Equal(t, "d8fed28e51df2d72f255e09b5764323c44a01d3588bf9cd1569ac1286c4e8f4f", tablesDigest(in.Leads, in.Events, in.Outcomes), "LeadHistory(12, 2000, 10)")
	in = LeadHistory(1, 300, 8)
	assert.Equal(t, "1f0fba17707a9f0fd5cedeb4d8496d406b979483bc1f51a00cbab689d7a55c7b", tablesDigest(in.Leads, in.Events, in.Outcomes), "LeadHistory(1, 300, 8)")

	// The 8 generated batches, each yielded once.
	s := NewEventStream(1000, 8<<16)
	tables := []*datasets.Table{s.Inputs.Leads, s.Inputs.Outcomes}
	next := s.Next()
	for {
		b, err := next()
		if err != nil {
			break
		}
		tables = append(tables, b)
	}
	require.Len(t, tables, 10)
	assert.Equal(t, "c20edc60509adfdb2b27c91dab43e4264a844f6904f1f0926bef10b50e150e0e", tablesDigest(tables...), "NewEventStream(1000, 8<<16)")
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

func TestEventStreamCounts(t *testing.T) {
	s := NewEventStream(100, 70000)
	next := s.Next()
	n := 0
	for {
		b, err := next()
		if err != nil {
			break
		}
		n += b.Rows()
	}
	assert.Equal(t, 70000, n)
	in := LeadHistory(1, 50, 5)
	assert.Equal(t, 50, in.Leads.Rows())
	assert.Positive(t, in.Events.Rows())
	assert.Equal(t, 54, len(RulesLead().Events))
}

func TestDescribe(t *testing.T) {
	m := Describe()
	assert.Positive(t, m.Cores)
	assert.NotEmpty(t, m.GoVersion)
	assert.Positive(t, CPUTime())
}
