package features

import (
	"encoding/json"
	"fmt"
	"testing"
	"unicode"

	"github.com/leadscore/leadscore/datasets"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestFoldCategory(t *testing.T) {
	tests := []struct{ in, want string }{
		{"vp marketing", "vp marketing"},
		{"VP Marketing", "vp marketing"},
		{"  VP \t Marketing ", "vp marketing"},
		{"STRASSE", "strasse"},
		{"Ärztin", "ärztin"},
		{"ÄRZTIN", "ärztin"},
		{"\u212a", "k"}, // Kelvin sign folds with K and k
		{"", ""},
		{"a b", "a b"},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			assert.Equal(t, tc.want, FoldCategory(tc.in))
			assert.Equal(t, FoldCategory(tc.in), FoldCategory(FoldCategory(tc.in)), "folding is idempotent")
		})
	}
	assert.Zero(t, testing.AllocsPerRun(100, func() { _ = FoldCategory("vp marketing") }), "folded text does not allocate")
}

// titleLeads builds a flat table whose job titles are spelled several ways.
func titleLeads() *datasets.Table {
	spellings := []string{"VP Marketing", "vp marketing", " VP  Marketing", "Student", "student ", "Engineer"}
	var ids, titles []string
	var y []float64
	for i := range 120 {
		ids = append(ids, fmt.Sprintf("L%d", i))
		titles = append(titles, spellings[i%len(spellings)])
		y = append(y, float64(i/7%2))
	}
	return table("titles.csv", catCol("id", ids...), catCol("title", titles...), numCol("converted", y...))
}

func TestFitMergesCaseVariants(t *testing.T) {
	cfg := Config{ID: "id", Target: "converted"}
	d, err := Build(cfg, Inputs{Leads: titleLeads()})
	require.NoError(t, err)
	spec, err := Fit(cfg, d, allRows(d.Rows))
	require.NoError(t, err)
	var title *Feature
	for i := range spec.Features {
		if spec.Features[i].Name == "title" {
			title = &spec.Features[i]
		}
	}
	require.NotNil(t, title)
	assert.Equal(t, []string{"VP Marketing", "Student", "Engineer"}, title.Levels, "three levels, not six")
	merged := spec.MergedCategories()
	require.Len(t, merged, 2)
	assert.Equal(t, MergedCategory{Field: "title", Level: "VP Marketing", Variants: []string{"VP Marketing", "vp marketing", " VP  Marketing"}}, merged[0])
	assert.Equal(t, "Student", merged[1].Level)

	js, err := json.Marshal(spec)
	require.NoError(t, err)
	var loaded Spec
	require.NoError(t, json.Unmarshal(js, &loaded))
	tests := []struct {
		value  string
		unseen bool
	}{
		{"VP MARKETING", false},
		{"vp marketing", false},
		{"  Vp Marketing  ", false},
		{"STUDENT", false},
		{"VP Sales", true},
	}
	want := make([]float64, len(loaded.TreeColumns()))
	loaded.TransformLead(&Lead{Fields: map[string]Value{"title": {Kind: datasets.KindCategory, Str: "VP Marketing"}}}, nil, want)
	for _, tc := range tests {
		t.Run(tc.value, func(t *testing.T) {
			got := make([]float64, len(loaded.TreeColumns()))
			w := loaded.TransformLead(&Lead{Fields: map[string]Value{"title": {Kind: datasets.KindCategory, Str: tc.value}}}, nil, got)
			assert.Equal(t, tc.unseen, w.UnseenCategories["title"] == 1)
			if !tc.unseen && FoldCategory(tc.value) == "vp marketing" {
				assert.Equal(t, want, got)
			}
		})
	}

	// A Spec written before folding compares values exactly.
	loaded.FoldCategories = false
	loaded.ix = loaded.buildIndex()
	w := loaded.TransformLead(&Lead{Fields: map[string]Value{"title": {Kind: datasets.KindCategory, Str: "VP MARKETING"}}}, nil, make([]float64, len(loaded.TreeColumns())))
	assert.Equal(t, 1, w.UnseenCategories["title"])
}

// FoldRune is idempotent on every rune, so a folded text folds to itself
// (SQL folds the text and compares it with folded literals), and
// FoldText agrees with FoldCategory on text without white space.
func TestFoldRuneIdempotent(t *testing.T) {
	for r := rune(0); r <= unicode.MaxRune; r++ {
		f := FoldRune(r)
		if FoldRune(f) != f {
			t.Fatalf("FoldRune(%U) = %U, which folds to %U", r, f, FoldRune(f))
		}
	}
	for _, s := range []string{"İstanbul", "STRASSE", "Straße", "STRAẞE", "ﬁnance", "K", "ſales", "ΣΊΣΥΦΟΣ", "already"} {
		assert.Equal(t, FoldCategory(s), FoldText(s), s)
	}
	assert.Equal(t, "istanbul", FoldText("İSTANBUL"))
	assert.Equal(t, FoldText("straße"), FoldText("STRAẞE"))
	assert.Equal(t, "k", FoldText("\u212a"))
	assert.Equal(t, " a\tb ", FoldText(" A\tB "), "white space is left alone")
}
