package datasets

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestJSONL(t *testing.T) {
	content := `{"id": "a1", "visits": 3, "email_ok": true, "source": "Google", "created": "2018-01-02T10:00:00Z"}
{"id": "a2", "visits": 4.5, "email_ok": false, "source": null, "created": "2018-01-03T10:00:00Z", "city": "Mumbai"}

{"source": "Direct", "id": "a3", "email_ok": true, "created": "2018-01-04T10:00:00+02:00", "city": "Select"}
`
	path := writeTemp(t, "leads.jsonl", content)
	tb, rep, err := ReadFile(path, ReadOptions{MissingValues: []string{"Select"}})
	require.NoError(t, err)
	assert.Equal(t, FormatJSONL, rep.Format)
	assert.Equal(t, []Field{
		{"id", KindCategory},
		{"visits", KindNumber},
		{"email_ok", KindBool},
		{"source", KindCategory},
		{"created", KindTime},
		{"city", KindCategory},
	}, tb.Schema(), "keys in first-seen order")
	assert.Equal(t, map[string][]string{
		"id":       {"a1", "a2", "a3"},
		"visits":   {"3", "4.5", ""},
		"email_ok": {"true", "false", "true"},
		"source":   {"Google", "", "Direct"},
		"created":  {"2018-01-02T10:00:00Z", "2018-01-03T10:00:00Z", "2018-01-04T08:00:00Z"},
		"city":     {"", "Mumbai", ""},
	}, columnStrings(tb))
	assert.Equal(t, []int64{1, 2, 4}, tb.Line, "blank lines are skipped but counted")
	assert.Equal(t, map[string]int{"id": 0, "visits": 1, "email_ok": 0, "source": 1, "created": 0, "city": 2}, rep.Missing)
}

func TestJSONLErrors(t *testing.T) {
	tests := []struct {
		name    string
		content string
		opt     ReadOptions
		parts   []string
	}{
		{
			name:    "nested object",
			content: "{\"id\": 1}\n{\"id\": 2, \"address\": {\"city\": \"Mumbai\"}}\n",
			parts:   []string{"leads.jsonl line 2:", `key "address" holds a nested object or array`},
		},
		{
			name:    "nested array",
			content: "{\"id\": 1, \"tags\": [\"a\"]}\n",
			parts:   []string{"leads.jsonl line 1:", `key "tags"`},
		},
		{
			name:    "key after the sample",
			content: "{\"id\": 1}\n{\"id\": 2}\n{\"id\": 3, \"late\": true}\n",
			opt:     ReadOptions{SampleRows: 2},
			parts:   []string{"leads.jsonl line 3:", `key "late" does not occur in the first 2 rows`},
		},
		{
			name:    "not an object",
			content: "{\"id\": 1}\n[1, 2]\n",
			parts:   []string{"leads.jsonl line 2:", "not a JSON object"},
		},
		{
			name:    "invalid JSON",
			content: "{\"id\": 1}\n{\"id\": 2,\n",
			parts:   []string{"leads.jsonl line 2:", "invalid JSON"},
		},
		{
			name:    "two values on a line",
			content: "{\"id\": 1} {\"id\": 2}\n",
			parts:   []string{"leads.jsonl line 1:", "more than one JSON value"},
		},
		{
			name:    "duplicate key",
			content: "{\"id\": 1, \"id\": 2}\n",
			parts:   []string{"leads.jsonl line 1:", `key "id" occurs twice`},
		},
		{
			name:    "empty",
			content: "\n\n",
			parts:   []string{"leads.jsonl:", "file is empty"},
		},
		{
			name:    "bad value after the sample",
			content: "{\"visits\": 1}\n{\"visits\": 2}\n{\"visits\": \"many\"}\n",
			opt:     ReadOptions{SampleRows: 2},
			parts:   []string{`leads.jsonl line 3: column "visits": "many" is not a number`},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := writeTemp(t, "leads.jsonl", tt.content)
			_, _, err := ReadFile(path, tt.opt)
			require.Error(t, err)
			for _, p := range tt.parts {
				assert.Contains(t, err.Error(), p)
			}
		})
	}
}
