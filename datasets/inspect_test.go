package datasets

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestInspect(t *testing.T) {
	content := "id,source,visits,email_ok,created,Converted\n" +
		"a,Google,1,yes,2018-01-01,1\n" +
		"b,Google,3,no,2018-01-03,0\n" +
		"c,Direct,,yes,2018-01-05,0\n" +
		"d,Select,8,yes,,1\n" +
		"e,Google,3,yes,2018-01-02,\n"
	path := writeTemp(t, "leads.csv", content)
	p, err := Inspect(path, ReadOptions{MissingValues: []string{"Select"}}, "Converted")
	require.NoError(t, err)
	assert.Equal(t, 5, p.Rows)
	assert.Equal(t, FormatCSV, p.Format)
	require.Len(t, p.Columns, 6)
	byName := map[string]ColumnProfile{}
	for _, c := range p.Columns {
		byName[c.Name] = c
	}

	src := byName["source"]
	assert.Equal(t, KindCategory, src.Kind)
	assert.Equal(t, 1, src.Missing)
	assert.InDelta(t, 0.2, src.MissingRate, 1e-12)
	assert.Equal(t, 2, src.Distinct)
	assert.Equal(t, []ValueCount{{"Google", 3}, {"Direct", 1}}, src.Top)

	visits := byName["visits"]
	assert.Equal(t, KindNumber, visits.Kind)
	assert.Equal(t, 3, visits.Distinct)
	require.NotNil(t, visits.Min)
	assert.Equal(t, 1.0, *visits.Min)
	assert.InDelta(t, 15.0/4, *visits.Mean, 1e-12)
	assert.Equal(t, 8.0, *visits.Max)

	email := byName["email_ok"]
	assert.Equal(t, KindBool, email.Kind)
	assert.Equal(t, []ValueCount{{"true", 4}, {"false", 1}}, email.Top)

	created := byName["created"]
	assert.Equal(t, KindTime, created.Kind)
	require.NotNil(t, created.MinTime)
	assert.Equal(t, time.Date(2018, 1, 1, 0, 0, 0, 0, time.UTC), *created.MinTime)
	assert.Equal(t, time.Date(2018, 1, 5, 0, 0, 0, 0, time.UTC), *created.MaxTime)
	assert.Equal(t, time.Date(2018, 1, 2, 18, 0, 0, 0, time.UTC), *created.MeanTime)

	require.NotNil(t, p.Target)
	assert.Equal(t, TargetProfile{Column: "Converted", Positives: 2, Negatives: 2, Missing: 1, PositiveRate: 0.5}, *p.Target)

	var buf bytes.Buffer
	require.NoError(t, p.WriteText(&buf))
	out := buf.String()
	assert.Contains(t, out, "Converted: 50.0% positive (2 of 4, 1 missing)")
	assert.Contains(t, out, "Google (3), Direct (1)")
	assert.Contains(t, out, "min 1  mean 3.75  max 8")
	lines := strings.Split(out, "\n")
	var header string
	for _, l := range lines {
		if strings.HasPrefix(l, "COLUMN") {
			header = l
		}
	}
	require.NotEmpty(t, header)
	kindAt := strings.Index(header, "KIND")
	for _, l := range lines {
		if strings.HasPrefix(l, "visits ") {
			assert.Equal(t, "number", l[kindAt:kindAt+6], "columns are aligned")
		}
	}

	js, err := json.Marshal(p)
	require.NoError(t, err)
	assert.Contains(t, string(js), `"kind":"category"`)
	assert.Contains(t, string(js), `"positive_rate":0.5`)
}

func TestInspectTargets(t *testing.T) {
	tests := []struct {
		name    string
		values  []string
		rate    float64
		errPart string
	}{
		{"zero one", []string{"0", "1", "1", "0"}, 0.5, ""},
		{"yes no", []string{"Yes", "no", "no", "no"}, 0.25, ""},
		{"true false", []string{"true", "TRUE", "false", "true"}, 0.75, ""},
		{"converted", []string{"converted", "not converted", "Not Converted", "Converted"}, 0.5, ""},
		{"counts", []string{"0", "1", "2", "3"}, 0, `leads.csv line 4: target column "outcome": "2" is not an outcome`},
		{"words", []string{"won", "lost", "won", "lost"}, 0, `leads.csv line 2: target column "outcome": "won" is not an outcome`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var b strings.Builder
			b.WriteString("id,outcome\n")
			for i, v := range tt.values {
				fmt.Fprintf(&b, "%d,%s\n", i, v)
			}
			path := writeTemp(t, "leads.csv", b.String())
			p, err := Inspect(path, ReadOptions{}, "outcome")
			if tt.errPart != "" {
				require.Error(t, err)
				assert.Contains(t, err.Error(), tt.errPart)
				return
			}
			require.NoError(t, err)
			assert.InDelta(t, tt.rate, p.Target.PositiveRate, 1e-12)
		})
	}
	path := writeTemp(t, "leads.csv", "id,outcome\n1,0\n")
	_, err := Inspect(path, ReadOptions{}, "Converted")
	require.Error(t, err)
	assert.Contains(t, err.Error(), `target column "Converted" does not exist`)
	assert.Contains(t, err.Error(), `["id" "outcome"]`)
}

func TestInspectDistinctCap(t *testing.T) {
	if testing.Short() {
		t.Skip("writes 100,001 rows")
	}
	var b strings.Builder
	b.WriteString("lead_id,n\n")
	for i := 0; i <= maxDistinct; i++ {
		fmt.Fprintf(&b, "L%d,%d\n", i, i)
	}
	path := writeTemp(t, "many.csv", b.String())
	p, err := Inspect(path, ReadOptions{}, "")
	require.NoError(t, err)
	for _, c := range p.Columns {
		assert.True(t, c.DistinctOver, c.Name)
		assert.Equal(t, maxDistinct, c.Distinct, c.Name)
	}
	var buf bytes.Buffer
	require.NoError(t, p.WriteText(&buf))
	assert.Contains(t, buf.String(), ">100000")
}
