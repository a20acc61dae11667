package datasets

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestParseDelimiter(t *testing.T) {
	tests := []struct {
		in      string
		want    rune
		errPart string
	}{
		{in: "", want: 0},
		{in: ",", want: ','},
		{in: ";", want: ';'},
		{in: "|", want: '|'},
		{in: "tab", want: '\t'},
		{in: `\t`, want: '\t'},
		{in: "\t", want: '\t'},
		{in: "x", errPart: `delimiter "x": expected ",", ";", "tab" or "|"`},
		{in: ",,", errPart: `delimiter ",,"`},
		{in: "TAB", errPart: `delimiter "TAB"`},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			got, err := ParseDelimiter(tc.in)
			if tc.errPart != "" {
				assert.ErrorContains(t, err, tc.errPart)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tc.want, got)
		})
	}
}

func TestParseFormat(t *testing.T) {
	tests := []struct {
		in, want, errPart string
	}{
		{in: "csv", want: FormatCSV},
		{in: "CSV", want: FormatCSV},
		{in: "tsv", want: FormatCSV},
		{in: "txt", want: FormatCSV},
		{in: "parquet", want: FormatParquet},
		{in: "pq", want: FormatParquet},
		{in: "arrow", want: FormatArrow},
		{in: "ipc", want: FormatArrow},
		{in: "feather", want: FormatArrow},
		{in: "jsonl", want: FormatJSONL},
		{in: " ndjson ", want: FormatJSONL},
		{in: "", errPart: `unknown format ""`},
		{in: ".csv", errPart: `unknown format ".csv"`},
		{in: "excel", errPart: `unknown format "excel": expected csv, parquet, arrow or jsonl`},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			got, err := ParseFormat(tc.in)
			if tc.errPart != "" {
				assert.ErrorContains(t, err, tc.errPart)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tc.want, got)
		})
	}
}

func TestFormatFromPath(t *testing.T) {
	tests := []struct {
		path, want, errPart string
	}{
		{path: "a.csv", want: FormatCSV},
		{path: "a.CSV", want: FormatCSV},
		{path: "a.tsv", want: FormatCSV},
		{path: "a.txt", want: FormatCSV},
		{path: "dir.v2/b.parquet", want: FormatParquet},
		{path: "b.pq", want: FormatParquet},
		{path: "c.arrow", want: FormatArrow},
		{path: "c.ipc", want: FormatArrow},
		{path: "c.feather", want: FormatArrow},
		{path: "d.jsonl", want: FormatJSONL},
		{path: "d.NDJSON", want: FormatJSONL},
		{path: "e.xlsx", errPart: `e.xlsx: cannot tell the format from the extension ".xlsx"`},
		{path: "leads", errPart: "csv, parquet, arrow or jsonl"},
	}
	for _, tc := range tests {
		t.Run(tc.path, func(t *testing.T) {
			got, err := FormatFromPath(tc.path)
			if tc.errPart != "" {
				assert.ErrorContains(t, err, tc.errPart)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tc.want, got)
		})
	}
}

// TestWriteTSV checks the delimiter CreateWriter picks and that a value
// holding the delimiter is quoted, so it reads back whole.
func TestWriteTSV(t *testing.T) {
	tests := []struct {
		name, file, format, want string
	}{
		{"by extension", "a.tsv", "", "id\tnote\nL1\t\"a\tb\"\nL2,x\tplain\n"},
		{"by format name", "a.txt", "tsv", "id\tnote\nL1\t\"a\tb\"\nL2,x\tplain\n"},
		{"csv named for a .tsv file", "a.tsv", "csv", "id,note\nL1,a\tb\n\"L2,x\",plain\n"},
		{"csv by extension", "a.csv", "", "id,note\nL1,a\tb\n\"L2,x\",plain\n"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), tc.file)
			w, err := CreateWriter(path, tc.format, []Field{{Name: "id", Kind: KindText}, {Name: "note", Kind: KindText}})
			require.NoError(t, err)
			defer w.Abort()
			require.NoError(t, w.WriteRow([]string{"L1", "a\tb"}))
			require.NoError(t, w.WriteRow([]string{"L2,x", "plain"}))
			require.NoError(t, w.Close())
			b, err := os.ReadFile(path)
			require.NoError(t, err)
			assert.Equal(t, tc.want, string(b))

			got, _, err := ReadFile(path, ReadOptions{Format: tc.format})
			require.NoError(t, err)
			require.Equal(t, 2, got.Rows())
			note, err := got.MustCol("note")
			require.NoError(t, err)
			assert.Equal(t, "a\tb", note.String(0))
			id, err := got.MustCol("id")
			require.NoError(t, err)
			assert.Equal(t, "L2,x", id.String(1))
		})
	}
}
