package datasets

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/leadscore/leadscore/internal/realdata"
)

// writeTemp writes content to a file called name in a fresh directory and
// returns its path.
func writeTemp(t testing.TB, name, content string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	require.NoError(t, os.WriteFile(p, []byte(content), 0o644))
	return p
}

// columnStrings renders every column of tb as strings ("" for missing).
func columnStrings(tb *Table) map[string][]string {
	out := make(map[string][]string, len(tb.Columns))
	for _, c := range tb.Columns {
		vals := make([]string, c.Len())
		for i := range vals {
			vals[i] = c.String(i)
		}
		out[c.Name] = vals
	}
	return out
}

func kinds(fs []Field) map[string]Kind {
	m := make(map[string]Kind, len(fs))
	for _, f := range fs {
		m[f.Name] = f.Kind
	}
	return m
}

func TestDetectFormat(t *testing.T) {
	tests := []struct {
		path, format, want, errPart string
	}{
		{path: "a.csv", want: FormatCSV},
		{path: "a.TSV", want: FormatCSV},
		{path: "a.txt", want: FormatCSV},
		{path: "a.parquet", want: FormatParquet},
		{path: "a.pq", want: FormatParquet},
		{path: "a.arrow", want: FormatArrow},
		{path: "a.ipc", want: FormatArrow},
		{path: "a.feather", want: FormatArrow},
		{path: "a.jsonl", want: FormatJSONL},
		{path: "a.ndjson", want: FormatJSONL},
		{path: "a.data", format: "csv", want: FormatCSV},
		{path: "a.csv", format: "parquet", want: FormatParquet},
		{path: "leads.xlsx", errPart: `read leads.xlsx: cannot tell the format from the extension ".xlsx"`},
		{path: "leads", errPart: "csv, parquet, arrow or jsonl"},
		{path: "a.csv", format: "excel", errPart: `unknown format "excel"`},
	}
	for _, tt := range tests {
		t.Run(tt.path+"/"+tt.format, func(t *testing.T) {
			got, err := detectFormat(tt.path, tt.format)
			if tt.errPart != "" {
				require.Error(t, err)
				assert.Contains(t, err.Error(), tt.errPart)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
		})
	}
}

func TestReadErrors(t *testing.T) {
	tests := []struct {
		name    string
		file    string
		content string
		opt     ReadOptions
		parts   []string
	}{
		{
			name: "ragged row in sample", file: "bad.csv",
			content: "a,b\n1,x\n3\n",
			parts:   []string{"read ", "bad.csv line 3:", "has 1 fields but the header has 2"},
		},
		{
			name: "ragged row after sample", file: "bad.csv",
			content: "a,b\n1,x\n2,y\n3,z,extra\n",
			opt:     ReadOptions{SampleRows: 1},
			parts:   []string{"bad.csv line 4:", "has 3 fields but the header has 2"},
		},
		{
			name: "empty file", file: "empty.csv", content: "",
			parts: []string{"empty.csv:", "file is empty", "header row"},
		},
		{
			name: "no header", file: "nohead.csv", content: "660737,0,5\n660738,1,4\n",
			parts: []string{"nohead.csv line 1:", "looks like data", "column 1 is a number", "add a header row"},
		},
		{
			name: "duplicate names", file: "dup.csv", content: "id,score,id\n1,2,3\n",
			parts: []string{"dup.csv line 1:", `duplicate column name "id" at positions 1 and 3`},
		},
		{
			name: "empty name", file: "blank.csv", content: "id,,x\n1,2,3\n",
			parts: []string{"blank.csv line 1:", "column 2 has an empty name"},
		},
		{
			name: "missing required", file: "req.csv", content: "id,score\n1,2\n",
			opt:   ReadOptions{Required: []string{"Converted", "id"}},
			parts: []string{"req.csv:", `missing required column(s) ["Converted"]`, `columns ["id" "score"]`},
		},
		{
			name: "types for unknown column", file: "types.csv", content: "id,score\n1,2\n",
			opt:   ReadOptions{Types: map[string]Kind{"Score": KindNumber}},
			parts: []string{"types.csv:", `["Score"]`, `columns ["id" "score"]`},
		},
		{
			name: "bad quote", file: "quote.csv", content: "a,b\n1,x\n2,\"un\"closed\n",
			parts: []string{"quote.csv line 3:", "double quotes"},
		},
		{
			name: "invalid number after sample", file: "leads.csv",
			content: "id,TotalVisits\na,1\nb,2\nc,abc\n",
			opt:     ReadOptions{SampleRows: 2},
			parts:   []string{`read `, `leads.csv line 4: column "TotalVisits": "abc" is not a number`, "--types COL=category", "--missing-values"},
		},
		{
			name: "invalid declared boolean", file: "b.csv",
			content: "id,flag\na,yes\nb,maybe\n",
			opt:     ReadOptions{Types: map[string]Kind{"flag": KindBool}},
			parts:   []string{`b.csv line 3: column "flag": "maybe" is not a boolean`},
		},
		{
			name: "invalid timestamp", file: "t.csv",
			content: "id,first_contact_date\na,01-02-2018\nb,2018-13-45\n",
			opt:     ReadOptions{SampleRows: 1},
			parts:   []string{`t.csv line 3: column "first_contact_date": "2018-13-45" is not a timestamp (expected DD-MM-YYYY)`},
		},
		{
			name: "bad delimiter", file: "d.csv", content: "a,b\n", opt: ReadOptions{Delimiter: '"'},
			parts: []string{"d.csv:", "cannot be a delimiter"},
		},
		{
			name: "missing file", file: "nothere.csv", content: "",
			parts: []string{"nothere.csv"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := writeTemp(t, tt.file, tt.content)
			if tt.name == "missing file" {
				path = filepath.Join(filepath.Dir(path), "other", tt.file)
			}
			_, _, err := ReadFile(path, tt.opt)
			require.Error(t, err)
			for _, p := range tt.parts {
				assert.Contains(t, err.Error(), p)
			}
		})
	}
}

func TestHeaderOnlyIsEmptyTable(t *testing.T) {
	for _, content := range []string{"id,score\n", "id,score"} {
		path := writeTemp(t, "h.csv", content)
		tb, rep, err := ReadFile(path, ReadOptions{})
		require.NoError(t, err)
		assert.Equal(t, 0, tb.Rows())
		assert.Equal(t, []string{"id", "score"}, tb.Names())
		assert.Equal(t, 0, rep.Rows)
	}
}

func TestValueErrorsCollectEveryValue(t *testing.T) {
	var b strings.Builder
	b.WriteString("id,visits,seen\n")
	for i := 0; i < 30; i++ {
		v := fmt.Sprint(i)
		if i >= 10 && i%3 == 0 {
			v = "n/a-" + v // not a number, not a marker
		}
		fmt.Fprintf(&b, "r%d,%s,2018-01-%02d\n", i, v, 1+i%28)
	}
	b.WriteString("r30,1,not-a-date\n")
	path := writeTemp(t, "visits.csv", b.String())
	tb, rep, err := ReadFile(path, ReadOptions{SampleRows: 10})
	var ve *ValueErrors
	require.ErrorAs(t, err, &ve)
	require.NotNil(t, tb, "the table comes back with the error so every problem can be shown")
	// Offending rows 12, 15, 18, 21, 24, 27 (lines +2) and the date on line 32.
	assert.Equal(t, 7, ve.Count)
	assert.Equal(t, map[string]int{"visits": 6, "seen": 1}, ve.Columns)
	require.Len(t, ve.First, maxProblems)
	lines := make([]int64, len(ve.First))
	for i, p := range ve.First {
		lines[i] = p.Line
		assert.Equal(t, "visits", p.Column)
		assert.Equal(t, "is not a number", p.Message)
	}
	assert.Equal(t, []int64{14, 17, 20, 23, 26}, lines)
	assert.Contains(t, ve.Error(), "7 values do not match")
	assert.Contains(t, ve.Error(), `line 14: column "visits": "n/a-12" is not a number`)
	assert.Equal(t, 31, tb.Rows(), "no row is dropped")
	visits := tb.Col("visits")
	assert.True(t, visits.IsMissing(12))
	assert.Equal(t, 13.0, visits.Num[13])
	assert.Equal(t, map[string]int{"visits": 6, "seen": 1}, rep.Invalid)
	assert.Equal(t, 31, rep.Rows)
	assert.Len(t, rep.Problems, maxProblems)
}

func TestMissingMarkers(t *testing.T) {
	content := "id,city,score\n" +
		"1,Mumbai,1\n" +
		"2,,NA\n" +
		"3,Select,N/A\n" +
		"4,NULL,null\n" +
		"5,nan, \n" +
		"6,Thane,2.5\n"
	path := writeTemp(t, "m.csv", content)

	tb, rep, err := ReadFile(path, ReadOptions{MissingValues: []string{"Select"}})
	require.NoError(t, err)
	assert.Equal(t, KindCategory, tb.Col("city").Kind)
	assert.Equal(t, KindNumber, tb.Col("score").Kind)
	assert.Equal(t, []string{"Mumbai", "Thane"}, tb.Col("city").Dict.Values(), "markers never become categories")
	assert.Equal(t, map[string]int{"id": 0, "city": 4, "score": 4}, rep.Missing)

	tb, rep, err = ReadFile(path, ReadOptions{})
	require.NoError(t, err)
	assert.Equal(t, []string{"Mumbai", "Select", "Thane"}, tb.Col("city").Dict.Values(), "Select is a value unless declared missing")
	assert.Equal(t, 3, rep.Missing["city"])
}

func TestBatchesKeepCategoryCodes(t *testing.T) {
	var b strings.Builder
	b.WriteString("id,source,visits\n")
	sources := []string{"Google", "Direct", "Olark Chat", "Reference"}
	const n = 23
	for i := 0; i < n; i++ {
		// New categories keep appearing in later batches.
		s := sources[i%len(sources)]
		if i >= 15 {
			s = fmt.Sprintf("late-%d", i%2)
		}
		fmt.Fprintf(&b, "id-%03d,%s,%d\n", i, s, i)
	}
	path := writeTemp(t, "b.csv", b.String())
	r, err := Open(path, ReadOptions{BatchSize: 5, SampleRows: 8})
	require.NoError(t, err)
	defer r.Close()
	assert.Equal(t, []Field{{"id", KindCategory}, {"source", KindCategory}, {"visits", KindNumber}}, r.Schema(),
		"8 sampled ids are too few to call the column text")

	var dict *Dict
	rows, batches := 0, 0
	for {
		tb, err := r.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		require.NoError(t, err)
		batches++
		src := tb.Col("source")
		if dict == nil {
			dict = src.Dict
		}
		assert.Same(t, dict, src.Dict, "one dictionary for every batch")
		for i := 0; i < tb.Rows(); i++ {
			row := rows + i
			want := sources[row%len(sources)]
			if row >= 15 {
				want = fmt.Sprintf("late-%d", row%2)
			}
			assert.Equal(t, want, src.String(i))
			code, ok := dict.Lookup(want)
			require.True(t, ok)
			assert.Equal(t, code, src.Codes[i])
			assert.Equal(t, int64(row+2), tb.Line[i])
			assert.Equal(t, float64(row), tb.Col("visits").Num[i])
		}
		rows += tb.Rows()
		assert.Equal(t, rows, r.Report().Rows)
	}
	assert.Equal(t, n, rows)
	assert.Equal(t, 5, batches)
	_, err = r.Next()
	assert.ErrorIs(t, err, io.EOF, "EOF is sticky")
}

func TestReadFileMergesTextColumns(t *testing.T) {
	var b strings.Builder
	b.WriteString("Prospect ID,score\n")
	for i := 0; i < 50; i++ {
		fmt.Fprintf(&b, "lead-%04d,%d\n", i, i%7)
	}
	path := writeTemp(t, "ids.csv", b.String())
	tb, _, err := ReadFile(path, ReadOptions{BatchSize: 7})
	require.NoError(t, err)
	id := tb.Col("Prospect ID")
	require.Equal(t, KindText, id.Kind)
	require.Equal(t, 50, id.Len())
	assert.Equal(t, 50, id.Dict.Len())
	for i := 0; i < 50; i++ {
		assert.Equal(t, fmt.Sprintf("lead-%04d", i), id.String(i))
	}
}

func TestTypeOverrides(t *testing.T) {
	content := "zip,flag,when,amount\n01234,1,2018-01-02,5\n20000,0,2018-01-03,6\n"
	path := writeTemp(t, "o.csv", content)
	tb, _, err := ReadFile(path, ReadOptions{Types: map[string]Kind{
		"flag": KindNumber, "when": KindCategory, "amount": KindText,
	}})
	require.NoError(t, err)
	assert.Equal(t, map[string]Kind{"zip": KindCategory, "flag": KindNumber, "when": KindCategory, "amount": KindText}, kinds(tb.Schema()))
	assert.Equal(t, []string{"01234", "20000"}, columnStrings(tb)["zip"], "leading zeros keep a code a category")
	assert.Equal(t, []string{"2018-01-02", "2018-01-03"}, columnStrings(tb)["when"])
}

func TestRealDatasets(t *testing.T) {
	root := realdata.Path(t, ".")
	tests := []struct {
		file       string
		rows, cols int
		kinds      map[string]Kind
	}{
		{
			file: "xeducation/Leads.csv", rows: 9237, cols: 37,
			kinds: map[string]Kind{
				"Prospect ID": KindText, "Converted": KindBool, "TotalVisits": KindNumber,
				"Lead Source": KindCategory, "Do Not Email": KindBool,
				"Asymmetrique Activity Index": KindCategory, "Asymmetrique Activity Score": KindNumber,
			},
		},
		{
			file: "olist/olist_marketing_qualified_leads_dataset.csv", rows: 8000, cols: 4,
			kinds: map[string]Kind{"mql_id": KindText, "first_contact_date": KindTime, "origin": KindCategory},
		},
		{
			file: "olist/olist_closed_deals_dataset.csv", rows: 842, cols: 14,
			kinds: map[string]Kind{"mql_id": KindText, "won_date": KindTime, "declared_monthly_revenue": KindNumber},
		},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			tb, rep, err := ReadFile(filepath.Join(root, tt.file), ReadOptions{MissingValues: []string{"Select"}})
			require.NoError(t, err)
			assert.Equal(t, tt.rows, tb.Rows())
			assert.Len(t, tb.Columns, tt.cols)
			assert.Equal(t, tt.rows, rep.Rows)
			got := kinds(tb.Schema())
			for name, k := range tt.kinds {
				assert.Equal(t, k, got[name], name)
			}
		})
	}
	t.Run("values", func(t *testing.T) {
		tb, _, err := ReadFile(filepath.Join(root, "olist/olist_closed_deals_dataset.csv"), ReadOptions{})
		require.NoError(t, err)
		won := tb.Col("won_date")
		assert.Equal(t, time.Date(2018, 2, 26, 19, 58, 0, 0, time.UTC).UnixNano(), won.Time[0], "26-02-2018 19:58 is day-month-year, UTC")
		tb, _, err = ReadFile(filepath.Join(root, "xeducation/Leads.csv"), ReadOptions{MissingValues: []string{"Select"}})
		require.NoError(t, err)
		spec := tb.Col("Specialization")
		_, ok := spec.Dict.Lookup("Select")
		assert.False(t, ok, "Select is missing, not a category")
	})
}

func TestDeclaredTimeUsesSampleLayout(t *testing.T) {
	content := "id,signup\na,1514764800\nb,1514768400\nc,soon\n"
	path := writeTemp(t, "u.csv", content)
	tb, _, err := ReadFile(path, ReadOptions{Types: map[string]Kind{"signup": KindTime}, SampleRows: 2})
	var ve *ValueErrors
	require.ErrorAs(t, err, &ve)
	assert.Equal(t, "2018-01-01T01:00:00Z", tb.Col("signup").String(1), "declared timestamps of integers are Unix seconds")
	assert.Contains(t, ve.Error(), `u.csv line 4: column "signup": "soon" is not a timestamp (expected Unix seconds)`)
}

func TestFixtures(t *testing.T) {
	dir := filepath.Join("testdata", "read")
	t.Run("semicolon, BOM, CRLF, quoted newline", func(t *testing.T) {
		tb, rep, err := ReadFile(filepath.Join(dir, "semicolon_bom_crlf.csv"), ReadOptions{MissingValues: []string{"Select"}})
		require.NoError(t, err)
		assert.Equal(t, ";", rep.Delimiter)
		assert.Equal(t, []Field{
			{"Prospect ID", KindCategory}, {"Lead Source", KindCategory}, {"TotalVisits", KindNumber},
			{"Do Not Email", KindBool}, {"first_contact_date", KindTime}, {"Notes", KindCategory},
		}, tb.Schema())
		assert.Equal(t, map[string][]string{
			"Prospect ID":        {"p-01", "p-02", "p-03", "p-04"},
			"Lead Source":        {"Google", "", "Direct Traffic", "Google"},
			"TotalVisits":        {"3", "0", "", "12"},
			"Do Not Email":       {"false", "true", "false", "false"},
			"first_contact_date": {"2018-02-01T00:00:00Z", "2017-10-20T00:00:00Z", "2017-12-31T00:00:00Z", "2018-01-02T00:00:00Z"},
			"Notes":              {"called; left message", "two\nlines", "", `said "later"`},
		}, columnStrings(tb))
		assert.Equal(t, []int64{2, 3, 5, 6}, tb.Line)
		assert.Equal(t, 1, rep.Missing["Lead Source"])
	})
	t.Run("ragged", func(t *testing.T) {
		_, _, err := ReadFile(filepath.Join(dir, "ragged.csv"), ReadOptions{})
		require.Error(t, err)
		assert.Contains(t, err.Error(), "ragged.csv line 3: the row has 2 fields but the header has 3")
	})
	t.Run("jsonl", func(t *testing.T) {
		tb, rep, err := ReadFile(filepath.Join(dir, "leads.jsonl"), ReadOptions{})
		require.NoError(t, err)
		assert.Equal(t, []Field{
			{"id", KindCategory}, {"score", KindNumber}, {"won", KindBool}, {"stage", KindCategory},
			{"at", KindTime}, {"owner", KindCategory},
		}, tb.Schema())
		assert.Equal(t, []string{"0.5", "", "0.001"}, columnStrings(tb)["score"])
		assert.Equal(t, map[string]int{"id": 0, "score": 1, "won": 0, "stage": 0, "at": 1, "owner": 2}, rep.Missing)
	})
}

func TestProblemValuesAreCut(t *testing.T) {
	long := strings.Repeat("é", 100)
	path := writeTemp(t, "long.csv", "n\n1\n2\n"+long+"\n")
	_, rep, err := ReadFile(path, ReadOptions{Types: map[string]Kind{"n": KindNumber}})
	require.Error(t, err)
	require.Len(t, rep.Problems, 1)
	v := rep.Problems[0].Value
	assert.LessOrEqual(t, len(v), maxQuoted+3)
	assert.True(t, strings.HasSuffix(v, "..."))
	assert.True(t, utf8.ValidString(v), "cut on a character boundary")
}
