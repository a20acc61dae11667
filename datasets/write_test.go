package datasets

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/array"
	"github.com/apache/arrow/go/v15/arrow/ipc"
	"github.com/apache/arrow/go/v15/arrow/memory"
	"github.com/apache/arrow/go/v15/parquet/file"
	"github.com/apache/arrow/go/v15/parquet/pqarrow"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var writeTestSchema = []Field{
	{Name: "lead_id", Kind: KindText},
	{Name: "score", Kind: KindNumber},
	{Name: "active", Kind: KindBool},
	{Name: "source", Kind: KindCategory},
	{Name: "created_at", Kind: KindTime},
}

// writeTestRows are the rows of the test table as text, "" for missing, in
// the canonical form every writer must reproduce.
var writeTestRows = [][]string{
	{"L1", "0.1", "true", "web", "2025-01-02T03:04:05Z"},
	{"L2, Inc.", "", "false", `say "hi"`, "2025-06-30T23:59:59.5Z"},
	{"L3\nnext line", "-1e+21", "", "", ""},
	{"Zoë ü 日本", "123456789.125", "true", " padded ", "1969-12-31T23:59:59.999Z"},
	{"", "3", "false", "web", "2025-01-02T03:04:05Z"},
}

func writeTestTable(t *testing.T) *Table {
	t.Helper()
	tab := &Table{Source: "test"}
	for _, f := range writeTestSchema {
		tab.Columns = append(tab.Columns, NewColumn(f.Name, f.Kind, len(writeTestRows)))
	}
	for _, row := range writeTestRows {
		for i, c := range tab.Columns {
			s := row[i]
			if s == "" {
				c.AppendMissing()
				continue
			}
			switch c.Kind {
			case KindNumber:
				v, err := parseFloatForTest(s)
				require.NoError(t, err)
				c.Num = append(c.Num, v)
			case KindBool:
				c.Num = append(c.Num, map[string]float64{"true": 1, "false": 0}[s])
			case KindTime:
				ts, err := time.Parse(time.RFC3339Nano, s)
				require.NoError(t, err)
				c.Time = append(c.Time, ts.UnixNano())
			default:
				c.Codes = append(c.Codes, c.Dict.Code(s))
			}
		}
	}
	return tab
}

func parseFloatForTest(s string) (float64, error) {
	var v float64
	err := json.Unmarshal([]byte(s), &v)
	return v, err
}

// readBack returns the rows of a written file as canonical text, by reading
// it with a reader independent of this package.
func readBack(t *testing.T, path, format string) (header []string, rows [][]string) {
	t.Helper()
	switch format {
	case FormatCSV:
		f, err := os.Open(path)
		require.NoError(t, err)
		defer f.Close()
		cr := csv.NewReader(f)
		if strings.EqualFold(filepath.Ext(path), ".tsv") {
			cr.Comma = '\t'
		}
		recs, err := cr.ReadAll()
		require.NoError(t, err)
		return recs[0], recs[1:]
	case FormatJSONL:
		b, err := os.ReadFile(path)
		require.NoError(t, err)
		for _, f := range writeTestSchema {
			header = append(header, f.Name)
		}
		for _, line := range strings.Split(strings.TrimSuffix(string(b), "\n"), "\n") {
			var obj map[string]any
			dec := json.NewDecoder(strings.NewReader(line))
			dec.UseNumber()
			require.NoError(t, dec.Decode(&obj), line)
			row := make([]string, len(header))
			for i, name := range header {
				switch v := obj[name].(type) {
				case nil:
				case json.Number:
					row[i] = v.String()
				case bool:
					row[i] = map[bool]string{true: "true", false: "false"}[v]
				case string:
					row[i] = v
				}
			}
			rows = append(rows, row)
		}
		return header, rows
	case FormatParquet, FormatArrow:
		var tbl arrow.Table
		mem := memory.NewGoAllocator()
		if format == FormatParquet {
			pf, err := file.OpenParquetFile(path, false)
			require.NoError(t, err)
			defer pf.Close()
			fr, err := pqarrow.NewFileReader(pf, pqarrow.ArrowReadProperties{BatchSize: 1024}, mem)
			require.NoError(t, err)
			tbl, err = fr.ReadTable(context.Background())
			require.NoError(t, err)
		} else {
			f, err := os.Open(path)
			require.NoError(t, err)
			defer f.Close()
			fr, err := ipc.NewFileReader(f, ipc.WithAllocator(mem))
			require.NoError(t, err)
			defer fr.Close()
			var recs []arrow.Record
			for i := 0; i < fr.NumRecords(); i++ {
				rec, err := fr.Record(i)
				require.NoError(t, err)
				rec.Retain()
				recs = append(recs, rec)
			}
			tbl = array.NewTableFromRecords(fr.Schema(), recs)
		}
		defer tbl.Release()
		for i := 0; i < int(tbl.NumCols()); i++ {
			header = append(header, tbl.Schema().Field(i).Name)
		}
		rows = make([][]string, tbl.NumRows())
		for r := range rows {
			rows[r] = make([]string, tbl.NumCols())
		}
		for ci := 0; ci < int(tbl.NumCols()); ci++ {
			r := 0
			for _, chunk := range tbl.Column(ci).Data().Chunks() {
				for i := 0; i < chunk.Len(); i, r = i+1, r+1 {
					if chunk.IsNull(i) {
						continue
					}
					switch a := chunk.(type) {
					case *array.Float64:
						rows[r][ci] = string(appendNumber(nil, a.Value(i)))
					case *array.Boolean:
						rows[r][ci] = map[bool]string{true: "true", false: "false"}[a.Value(i)]
					case *array.String:
						rows[r][ci] = a.Value(i)
					case *array.Timestamp:
						unit := a.DataType().(*arrow.TimestampType).Unit
						rows[r][ci] = a.Value(i).ToTime(unit).UTC().Format(time.RFC3339Nano)
					default:
						t.Fatalf("unexpected arrow type %s", chunk.DataType())
					}
				}
			}
		}
		return header, rows
	}
	t.Fatalf("unknown format %s", format)
	return nil, nil
}

// writeFormats lists every extension the readers know (formatExts), so
// that each one is written and read back.
var writeFormats = []struct{ format, ext string }{
	{FormatCSV, ".csv"},
	{FormatCSV, ".tsv"},
	{FormatCSV, ".txt"},
	{FormatParquet, ".parquet"},
	{FormatParquet, ".pq"},
	{FormatArrow, ".arrow"},
	{FormatArrow, ".ipc"},
	{FormatArrow, ".feather"},
	{FormatJSONL, ".jsonl"},
	{FormatJSONL, ".ndjson"},
}

func TestWriteFormatsCoverEveryExtension(t *testing.T) {
	var exts []string
	for _, tc := range writeFormats {
		exts = append(exts, tc.ext)
		assert.Equal(t, tc.format, formatExts[tc.ext], tc.ext)
	}
	var known []string
	for ext := range formatExts {
		known = append(known, ext)
	}
	assert.ElementsMatch(t, known, exts, "the round-trip tests cover every extension Open reads")
}

func TestWriteRoundTrip(t *testing.T) {
	for _, tc := range writeFormats {
		for _, byRow := range []bool{false, true} {
			name := tc.ext + map[bool]string{false: "/batches", true: "/rows"}[byRow]
			t.Run(name, func(t *testing.T) {
				dir := t.TempDir()
				path := filepath.Join(dir, "out"+tc.ext)
				w, err := CreateWriter(path, "", writeTestSchema)
				require.NoError(t, err)
				defer w.Abort()
				if byRow {
					for _, row := range writeTestRows {
						require.NoError(t, w.WriteRow(row))
					}
				} else {
					tab := writeTestTable(t)
					require.NoError(t, w.Write(tab))
					require.NoError(t, w.Write(tab)) // a second batch appends
				}
				require.NoError(t, w.Close())
				entries, err := os.ReadDir(dir)
				require.NoError(t, err)
				require.Len(t, entries, 1, "only the published file remains")

				header, rows := readBack(t, path, tc.format)
				assert.Equal(t, fieldNames(writeTestSchema), header)
				want := writeTestRows
				if !byRow {
					want = append(append([][]string{}, writeTestRows...), writeTestRows...)
				}
				assert.Equal(t, want, rows)
			})
		}
	}
}

func TestWriteReadFileRoundTrip(t *testing.T) {
	types := map[string]Kind{}
	for _, f := range writeTestSchema {
		types[f.Name] = f.Kind
	}
	for _, tc := range writeFormats {
		t.Run(tc.ext, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "out"+tc.ext)
			w, err := CreateWriter(path, "", writeTestSchema)
			require.NoError(t, err)
			require.NoError(t, w.Write(writeTestTable(t)))
			require.NoError(t, w.Close())

			got, _, err := ReadFile(path, ReadOptions{Types: types})
			require.NoError(t, err)
			require.Equal(t, len(writeTestRows), got.Rows())
			for r, row := range writeTestRows {
				for i, f := range writeTestSchema {
					c, err := got.MustCol(f.Name)
					require.NoError(t, err)
					if f.Name == "lead_id" && row[i] == "" {
						continue // an empty text field and a missing one are the same in CSV
					}
					if f.Kind == KindNumber && row[i] != "" {
						want, err := parseFloatForTest(row[i])
						require.NoError(t, err)
						assert.Equal(t, want, c.Num[r], "row %d column %s", r+1, f.Name)
						continue
					}
					assert.Equal(t, row[i], c.String(r), "row %d column %s", r+1, f.Name)
				}
			}
		})
	}
}

func TestWriteCSVText(t *testing.T) {
	path := filepath.Join(t.TempDir(), "t.csv")
	w, err := CreateWriter(path, "", []Field{{Name: "a b", Kind: KindText}, {Name: "n", Kind: KindNumber}, {Name: "at", Kind: KindTime}})
	require.NoError(t, err)
	require.NoError(t, w.WriteRow([]string{`x,"y"`, "0.30000000000000004", "2025-03-01T10:00:00+02:00"}))
	require.NoError(t, w.WriteRow([]string{"plain", "1e300", ""}))
	require.NoError(t, w.Close())
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	assert.Equal(t, "a b,n,at\n\"x,\"\"y\"\"\",0.30000000000000004,2025-03-01T08:00:00Z\nplain,1e+300,\n", string(b))
}

func TestWriterRejects(t *testing.T) {
	cases := []struct {
		name    string
		write   func(w *Writer) error
		message string
	}{
		{"missing column", func(w *Writer) error {
			return w.Write(&Table{Columns: []*Column{NewColumn("lead_id", KindText, 0), NewColumn("x", KindNumber, 0), NewColumn("active", KindBool, 0), NewColumn("source", KindCategory, 0), NewColumn("created_at", KindTime, 0)}})
		}, `lacks column "score"`},
		{"wrong kind", func(w *Writer) error {
			return w.Write(&Table{Columns: []*Column{NewColumn("lead_id", KindText, 0), NewColumn("score", KindTime, 0), NewColumn("active", KindBool, 0), NewColumn("source", KindCategory, 0), NewColumn("created_at", KindTime, 0)}})
		}, `column "score" is timestamp in the batch but number in the schema`},
		{"bad number", func(w *Writer) error { return w.WriteRow([]string{"L1", "abc", "", "", ""}) }, `column "score": "abc" is not a number`},
		{"bad time", func(w *Writer) error { return w.WriteRow([]string{"L1", "1", "", "", "2025-01-01"}) }, `not an RFC 3339 timestamp`},
		{"bad bool", func(w *Writer) error { return w.WriteRow([]string{"L1", "1", "maybe", "", ""}) }, `not a boolean`},
		{"short row", func(w *Writer) error { return w.WriteRow([]string{"L1"}) }, `got 1 values for 5 columns`},
	}
	for _, f := range writeFormats {
		for _, tc := range cases {
			t.Run(f.format+"/"+tc.name, func(t *testing.T) {
				dir := t.TempDir()
				path := filepath.Join(dir, "out"+f.ext)
				w, err := CreateWriter(path, "", writeTestSchema)
				require.NoError(t, err)
				require.NoError(t, w.Write(writeTestTable(t)), "a good batch first, so the temp file has data")
				err = tc.write(w)
				require.Error(t, err)
				assert.Contains(t, err.Error(), tc.message)
				assert.Contains(t, err.Error(), path, "errors name the file")
				// The writer stays failed and Close publishes nothing.
				assert.Error(t, w.WriteRow(writeTestRows[0]))
				assert.Error(t, w.Close())
				assert.NoFileExists(t, path)
				entries, err := os.ReadDir(dir)
				require.NoError(t, err)
				assert.Empty(t, entries, "temp file removed")
			})
		}
	}
}

func TestWriterAbort(t *testing.T) {
	for _, f := range writeFormats {
		t.Run(f.format, func(t *testing.T) {
			dir := t.TempDir()
			path := filepath.Join(dir, "out"+f.ext)
			require.NoError(t, os.WriteFile(path, []byte("old"), 0o644))
			w, err := CreateWriter(path, "", writeTestSchema)
			require.NoError(t, err)
			require.NoError(t, w.Write(writeTestTable(t)))
			w.Abort()
			w.Abort() // twice is harmless
			assert.Error(t, w.Close(), "Close after Abort fails")
			b, err := os.ReadFile(path)
			require.NoError(t, err)
			assert.Equal(t, "old", string(b), "the destination is untouched")
			entries, err := os.ReadDir(dir)
			require.NoError(t, err)
			assert.Len(t, entries, 1, "temp file removed")
		})
	}
}

func TestWriterFailsMidway(t *testing.T) {
	// A batch with a code outside its dictionary fails inside the encoder,
	// after earlier batches were written; nothing may appear at the
	// destination.
	for _, f := range writeFormats {
		t.Run(f.format, func(t *testing.T) {
			dir := t.TempDir()
			path := filepath.Join(dir, "out"+f.ext)
			w, err := CreateWriter(path, "", writeTestSchema)
			require.NoError(t, err)
			for i := 0; i < 3; i++ {
				require.NoError(t, w.Write(writeTestTable(t)))
			}
			bad := writeTestTable(t)
			bad.Col("source").Codes[1] = 99
			err = w.Write(bad)
			require.Error(t, err)
			assert.Contains(t, err.Error(), "not in the dictionary")
			assert.ErrorContains(t, w.Close(), "not in the dictionary")
			assert.NoFileExists(t, path)
			entries, err := os.ReadDir(dir)
			require.NoError(t, err)
			assert.Empty(t, entries)
		})
	}
}

func TestCreateWriterErrors(t *testing.T) {
	dir := t.TempDir()
	cases := []struct {
		name, path, format string
		schema             []Field
		message            string
	}{
		{"unknown extension", filepath.Join(dir, "x.xlsx"), "", writeTestSchema, "cannot tell the format"},
		{"unknown format", filepath.Join(dir, "x.csv"), "xml", writeTestSchema, `unknown format "xml"`},
		{"empty schema", filepath.Join(dir, "x.csv"), "", nil, "no columns"},
		{"duplicate column", filepath.Join(dir, "x.csv"), "", []Field{{"a", KindNumber}, {"a", KindText}}, "appears twice"},
		{"unknown kind", filepath.Join(dir, "x.csv"), "", []Field{{"a", KindUnknown}}, "has kind unknown"},
		{"missing directory", filepath.Join(dir, "nope", "x.csv"), "", writeTestSchema, "no such file"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := CreateWriter(tc.path, tc.format, tc.schema)
			require.Error(t, err)
			assert.Contains(t, err.Error(), tc.message)
		})
	}
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	assert.Empty(t, entries)
}

func TestWriteJSONLRejectsInfinity(t *testing.T) {
	path := filepath.Join(t.TempDir(), "x.jsonl")
	w, err := CreateWriter(path, "", []Field{{Name: "v", Kind: KindNumber}})
	require.NoError(t, err)
	c := NewColumn("v", KindNumber, 1)
	c.Num = append(c.Num, math.Inf(1))
	err = w.Write(&Table{Columns: []*Column{c}})
	assert.ErrorContains(t, err, "cannot be written as JSON")
	assert.Error(t, w.Close())
	assert.NoFileExists(t, path)
}

func TestWriteParquetRowGroups(t *testing.T) {
	path := filepath.Join(t.TempDir(), "big.parquet")
	w, err := CreateWriter(path, "", []Field{{Name: "i", Kind: KindNumber}})
	require.NoError(t, err)
	const batch = 100_000
	total := 0
	for b := 0; b < 6; b++ {
		c := NewColumn("i", KindNumber, batch)
		for i := 0; i < batch; i++ {
			c.Num = append(c.Num, float64(total))
			total++
		}
		require.NoError(t, w.Write(&Table{Columns: []*Column{c}}))
	}
	require.NoError(t, w.Close())
	pf, err := file.OpenParquetFile(path, false)
	require.NoError(t, err)
	defer pf.Close()
	assert.Equal(t, int64(total), pf.NumRows())
	assert.Equal(t, 3, pf.NumRowGroups(), "600k rows in row groups of at most %d", ParquetRowGroupRows)
	for i := 0; i < pf.NumRowGroups(); i++ {
		assert.LessOrEqual(t, pf.RowGroup(i).NumRows(), int64(ParquetRowGroupRows))
	}
}

func TestWriteRowFlushesInBatches(t *testing.T) {
	// More rows than one WriteRow batch, then a Write, keep their order.
	path := filepath.Join(t.TempDir(), "rows.csv")
	w, err := CreateWriter(path, "", []Field{{Name: "i", Kind: KindNumber}, {Name: "s", Kind: KindCategory}})
	require.NoError(t, err)
	n := rowBatchSize + 10
	for i := 0; i < n; i++ {
		require.NoError(t, w.WriteRow([]string{strconv.Itoa(i), []string{"a", "b", ""}[i%3]}))
	}
	c := NewColumn("i", KindNumber, 1)
	c.Num = append(c.Num, float64(n))
	s := NewColumn("s", KindCategory, 1)
	s.Codes = append(s.Codes, s.Dict.Code("z"))
	require.NoError(t, w.Write(&Table{Columns: []*Column{c, s}}))
	assert.Equal(t, int64(n+1), w.Rows())
	require.NoError(t, w.Close())
	header, rows := readBack(t, path, FormatCSV)
	assert.Equal(t, []string{"i", "s"}, header)
	require.Len(t, rows, n+1)
	for i, r := range rows[:n] {
		require.Equal(t, []string{strconv.Itoa(i), []string{"a", "b", ""}[i%3]}, r)
	}
	assert.Equal(t, []string{strconv.Itoa(n), "z"}, rows[n])
}
