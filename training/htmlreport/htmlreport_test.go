package htmlreport

import (
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func sampleDoc() *Doc {
	nan := math.NaN()
	return &Doc{
		Title:    "Backtest <test>",
		Subtitle: "generated data",
		Summary:  []string{"The predictive model captured 41% of conversions in its top 10% of leads; the rule sheet captured 22%."},
		Sections: []Section{{
			Title: "Results",
			Blocks: []Block{
				{Text: "Some text & more."},
				{List: []string{"one", "two"}},
				{Table: &Table{Caption: "metrics", Header: []string{"model", "AUC"}, Rows: [][]string{{"rules", "0.612"}, {"gbm", "0.701"}}, Note: "note"}},
				{Chart: &Chart{
					Title: "ROC", XLabel: "false positive rate", YLabel: "true positive rate", Diagonal: true,
					XRange: [2]float64{0, 1}, YRange: [2]float64{0, 1},
					Series: []Series{
						{Name: "rules", X: []float64{0, 0.5, 1}, Y: []float64{0, 0.6, 1}},
						{Name: "gbm", X: []float64{0, 0.3, 0.6, 1}, Y: []float64{0, 0.7, nan, 1}, Dashed: true},
					},
				}},
				{Chart: &Chart{
					Title: "AUC by month", XTicks: []string{"2017-06", "2017-07", "2017-08"},
					Series: []Series{{Name: "gbm", X: []float64{0, 1, 2}, Y: []float64{0.6, nan, 0.7}, Lo: []float64{0.5, nan, 0.6}, Hi: []float64{0.7, nan, 0.8}, Points: true}},
				}},
				{Heat: &Heat{Caption: "tiers", RowTitle: "rules", ColTitle: "model", Rows: []string{"hot", "cold"}, Cols: []string{"hot", "cold"},
					Counts: [][]int{{5, 1}, {2, 30}}, Rates: [][]float64{{0.4, nan}, {0.5, 0.01}}}},
			},
		}},
	}
}

// externalRef finds anything a page could fetch from elsewhere.
var externalRef = regexp.MustCompile(`(?i)https?://|<script|@import|<link|src=|url\((?:\s*['"]?)(?:[^d'"]|d[^a])`)

func TestHTMLIsSelfContained(t *testing.T) {
	page, err := HTML(sampleDoc())
	require.NoError(t, err)
	s := string(page)
	assert.Empty(t, externalRef.FindAllString(s, -1), "external references in the page")
	assert.NotContains(t, s, "Liberation", "font families must be generic, not a font to install")
	assert.Equal(t, 2, strings.Count(s, "<svg"), "one inline svg per chart")
	assert.Contains(t, s, "Backtest &lt;test&gt;")
	assert.Contains(t, s, `<td class="num">0.612</td>`)
	assert.Contains(t, s, "2 (50.0%)", "heat cells show count and rate")
	assert.Contains(t, s, "41% of conversions")
}

func TestMarkdown(t *testing.T) {
	md := string(Markdown(sampleDoc()))
	assert.Contains(t, md, "| rules | 0.612 |")
	assert.Contains(t, md, "| hot | 5 (40.0%) | 1 |")
	assert.Contains(t, md, "_Chart: ROC (see report.html)._")
}

func TestWriteDirReplacesAtomically(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "reports", "r1")
	type data struct {
		SchemaVersion int   `json:"schema_version"`
		X             Float `json:"x"`
	}
	require.NoError(t, WriteDir(dir, sampleDoc(), data{1, Float(math.NaN())}))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "stale.txt"), []byte("x"), 0o644))
	require.NoError(t, WriteDir(dir, sampleDoc(), data{2, 0.5}))
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	assert.ElementsMatch(t, []string{HTMLFile, JSONFile, MDFile}, names, "the old report is replaced whole")
	siblings, err := os.ReadDir(filepath.Dir(dir))
	require.NoError(t, err)
	assert.Len(t, siblings, 1, "no temporary directories left behind")
	var got data
	js, err := os.ReadFile(filepath.Join(dir, JSONFile))
	require.NoError(t, err)
	require.NoError(t, json.Unmarshal(js, &got))
	assert.Equal(t, 2, got.SchemaVersion)
	assert.Equal(t, Float(0.5), got.X)
}

func TestFloatJSON(t *testing.T) {
	tests := []struct {
		in   Float
		want string
	}{{1.5, "1.5"}, {Float(math.NaN()), "null"}, {Float(math.Inf(1)), "null"}, {0, "0"}}
	for _, tc := range tests {
		b, err := json.Marshal(tc.in)
		require.NoError(t, err)
		assert.Equal(t, tc.want, string(b))
	}
	var f Float
	require.NoError(t, json.Unmarshal([]byte("null"), &f))
	assert.True(t, math.IsNaN(float64(f)))
}

func TestIsNumeric(t *testing.T) {
	for s, want := range map[string]bool{"0.5": true, "41.0%": true, "-3": true, "1e-3": true, "–": false, "rules": false, "": false, "%": false} {
		assert.Equal(t, want, IsNumeric(s), s)
	}
}

func TestNumbersForPeople(t *testing.T) {
	for _, tc := range []struct {
		name, got, want string
	}{
		{"signed integer", Signed(12, 1), "+12"},
		{"signed decayed points", Signed(-19.69725511419432, 1), "-19.7"},
		{"signed small", Signed(4.971230036322526, 2), "+4.97"},
		{"signed zero", Signed(-0.0001, 1), "0"},
		{"signed NaN", Signed(math.NaN(), 1), "–"},
		{"readable fraction", Readable("0.660162"), "0.66"},
		{"readable small", Readable("0.0123456"), "0.012"},
		{"readable integer", Readable("1"), "1"},
		{"readable large", Readable("1146556.7"), "1146557"},
		{"readable text", Readable("software"), "software"},
		{"readable empty", Readable(""), ""},
	} {
		t.Run(tc.name, func(t *testing.T) { assert.Equal(t, tc.want, tc.got) })
	}
}

func TestIntervalsStayOnOneLine(t *testing.T) {
	var w strings.Builder
	tableHTML(&w, &Table{Header: []string{"CI"}, Rows: [][]string{{"0.682 to 0.742"}, {"21.3% to 27.0%"}, {"one to two"}}})
	s := w.String()
	assert.Contains(t, s, `<div class="scroll"><table>`, "wide tables scroll instead of wrapping")
	assert.Contains(t, s, `<td class="iv">0.682 to 0.742</td>`)
	assert.Contains(t, s, `<td class="iv">21.3% to 27.0%</td>`)
	assert.Contains(t, s, `<td>one to two</td>`)
}
