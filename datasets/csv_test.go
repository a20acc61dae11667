package datasets

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestCSVDialects(t *testing.T) {
	tests := []struct {
		name      string
		file      string
		content   string
		opt       ReadOptions
		wantDelim string
		want      map[string][]string
		wantLines []int64
	}{
		{
			name: "comma", file: "a.csv",
			content:   "name,score\nann,1\nbob,2\n",
			wantDelim: ",",
			want:      map[string][]string{"name": {"ann", "bob"}, "score": {"1", "2"}},
			wantLines: []int64{2, 3},
		},
		{
			name: "semicolon with decimal commas", file: "a.csv",
			content:   "name;amount\nann;1,5\nbob;2,25\n",
			wantDelim: ";",
			want:      map[string][]string{"name": {"ann", "bob"}, "amount": {"1,5", "2,25"}},
			wantLines: []int64{2, 3},
		},
		{
			name: "tab", file: "a.txt",
			content:   "name\tscore\nann\t1\nbob\t2\n",
			wantDelim: "\t",
			want:      map[string][]string{"name": {"ann", "bob"}, "score": {"1", "2"}},
			wantLines: []int64{2, 3},
		},
		{
			name: "pipe", file: "a.csv",
			content:   "name|score\nann|1\nbob|2\n",
			wantDelim: "|",
			want:      map[string][]string{"name": {"ann", "bob"}, "score": {"1", "2"}},
			wantLines: []int64{2, 3},
		},
		{
			name: "quoted delimiter", file: "a.csv",
			content:   "name,note\n\"Smith, J\",\"a,b\"\nbob,\"say \"\"hi\"\"\"\n",
			wantDelim: ",",
			want:      map[string][]string{"name": {"Smith, J", "bob"}, "note": {"a,b", `say "hi"`}},
			wantLines: []int64{2, 3},
		},
		{
			name: "quoted newline", file: "a.csv",
			content:   "id;note\n1;\"line one\nline two; still\"\n2;x\n",
			wantDelim: ";",
			want:      map[string][]string{"id": {"1", "2"}, "note": {"line one\nline two; still", "x"}},
			wantLines: []int64{2, 4},
		},
		{
			name: "byte order mark", file: "a.csv",
			content:   "\xEF\xBB\xBFProspect ID,score\nx1,1\nx2,2\n",
			wantDelim: ",",
			want:      map[string][]string{"Prospect ID": {"x1", "x2"}, "score": {"1", "2"}},
			wantLines: []int64{2, 3},
		},
		{
			name: "CRLF", file: "a.csv",
			content:   "name,score\r\nann,1\r\nbob,2\r\n",
			wantDelim: ",",
			want:      map[string][]string{"name": {"ann", "bob"}, "score": {"1", "2"}},
			wantLines: []int64{2, 3},
		},
		{
			name: "no trailing newline", file: "a.csv",
			content:   "name,score\nann,1\nbob,2",
			wantDelim: ",",
			want:      map[string][]string{"name": {"ann", "bob"}, "score": {"1", "2"}},
			wantLines: []int64{2, 3},
		},
		{
			name: "explicit delimiter beats sniffing", file: "a.csv",
			content:   "a;b,c\n1;2,3\n",
			opt:       ReadOptions{Delimiter: ','},
			wantDelim: ",",
			want:      map[string][]string{"a;b": {"1;2"}, "c": {"3"}},
			wantLines: []int64{2},
		},
		{
			name: "single column tsv", file: "a.tsv",
			content:   "name\nann\nbob\n",
			wantDelim: "\t",
			want:      map[string][]string{"name": {"ann", "bob"}},
			wantLines: []int64{2, 3},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := writeTemp(t, tt.file, tt.content)
			tb, rep, err := ReadFile(path, tt.opt)
			require.NoError(t, err)
			assert.Equal(t, tt.wantDelim, rep.Delimiter)
			assert.Equal(t, FormatCSV, rep.Format)
			assert.Equal(t, tt.want, columnStrings(tb))
			assert.Equal(t, tt.wantLines, tb.Line)
			assert.Equal(t, len(tt.wantLines), rep.Rows)
		})
	}
}

func TestSniffDelimiter(t *testing.T) {
	tests := []struct {
		name string
		head string
		want rune
	}{
		{"comma", "a,b,c\n1,2,3\n", ','},
		{"quoted semicolons do not count", "\"a;b\";c,d\n\"1;2\";3,4\n", ','},
		{"semicolon beats decimal commas", "a;b\n1,5;2\n3,25;4\n", ';'},
		{"tab", "a\tb\n1\t2\n", '\t'},
		{"pipe", "a|b|c\n1|2|3\n", '|'},
		{"consistency beats count", "a,b;c;d\n1,2;3,4;5,6\n7,8;9,1;2,3\n", ';'},
		{"nothing found", "name\nann\n", ','},
		{"empty", "", ','},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, string(tt.want), string(sniffDelimiter([]byte(tt.head), true, false)))
		})
	}
}

// FuzzReadCSV checks that no input makes the reader panic and that every
// row it returns has one value per column.
func FuzzReadCSV(f *testing.F) {
	for _, seed := range []string{
		"a,b\n1,2\n", "\xEF\xBB\xBFa;b\r\n\"x;y\";2\r\n", "a\n\"unclosed\n", "a,b\n1\n", "",
		"id,when\n1,2018-01-02\n2,31-12-2017 10:00\n", "a|b\nyes|1e5\nno|-0.5\n",
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, content string) {
		path := filepath.Join(t.TempDir(), "f.csv")
		require.NoError(t, os.WriteFile(path, []byte(content), 0o644))
		tb, _, err := ReadFile(path, ReadOptions{BatchSize: 2, SampleRows: 3})
		if tb == nil {
			require.Error(t, err)
			return
		}
		for _, c := range tb.Columns {
			require.Equal(t, len(tb.Line), c.Len())
		}
	})
}
