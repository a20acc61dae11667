package features

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/leadscore/leadscore/datasets"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestTokens(t *testing.T) {
	tests := []struct {
		text string
		want []string
	}{
		{"VP Marketing", []string{"vp", "marketing", "vp marketing"}},
		{"vp, MARKETING!", []string{"vp", "marketing", "vp marketing"}},
		{"Head of Sales & Marketing", []string{"head", "of", "head of", "sales", "of sales", "marketing", "sales marketing"}},
		{"Student", []string{"student"}},
		{"  ", nil},
		{"Ärztin", []string{"ärztin"}},
	}
	for _, tc := range tests {
		t.Run(tc.text, func(t *testing.T) {
			assert.Equal(t, tc.want, Tokens(tc.text))
		})
	}
	for _, tc := range []struct {
		norm, tok string
		want      bool
	}{
		{"vp marketing", "marketing", true}, {"vp marketing", "vp marketing", true}, {"vp marketing", "market", false},
		{"product marketing manager", "marketing", true}, {"remarketing", "marketing", false}, {"", "vp", false},
	} {
		assert.Equal(t, tc.want, hasToken(tc.norm, tc.tok), "%q in %q", tc.tok, tc.norm)
	}
}

// titledLeads builds n flat leads whose free-text job title says whether
// they convert: marketing titles convert more, students never; titles come
// in many spellings and seniorities.
func titledLeads(seed uint64, n int) *datasets.Table {
	rng := rand.New(rand.NewPCG(seed, 3))
	funcs := []string{"Marketing", "Sales", "Engineering", "Finance", "Operations", "Design"}
	levels := []string{"VP %s", "Head of %s", "%s Manager", "Senior %s Analyst", "Director of %s", "%s Lead"}
	ids, titles, src := make([]string, n), make([]string, n), make([]string, n)
	y := make([]float64, n)
	for i := range n {
		ids[i] = fmt.Sprintf("L%d", i)
		src[i] = []string{"web", "ads"}[rng.IntN(2)]
		fn := funcs[rng.IntN(len(funcs))]
		title := fmt.Sprintf(levels[rng.IntN(len(levels))], fn)
		p := 0.2
		if fn == "Marketing" {
			p = 0.6
		}
		if rng.Float64() < 0.1 {
			title, p = "Student", 0
		}
		if rng.Float64() < 0.2 {
			title = strings.ToLower(title)
		}
		titles[i] = title
		if rng.Float64() < p {
			y[i] = 1
		}
	}
	return table("titled.csv", catCol("id", ids...), catCol("job_title", titles...), catCol("source", src...), numCol("converted", y...))
}

func TestFitTokenFeatures(t *testing.T) {
	cfg := Config{ID: "id", Target: "converted"}
	d, err := Build(cfg, Inputs{Leads: titledLeads(1, 3000)})
	require.NoError(t, err)
	spec, err := Fit(cfg, d, allRows(d.Rows))
	require.NoError(t, err)
	var toks []string
	for _, f := range spec.Features {
		if f.Origin == originToken {
			assert.Equal(t, "job_title", f.Field, "a field of few one-word values gives no tokens")
			toks = append(toks, f.Key)
			assert.Equal(t, "job_title", f.Source, "a token's contributions count under its field")
			assert.Equal(t, GroupFit, GroupOf(&f))
		}
	}
	assert.Contains(t, toks, "marketing")
	assert.Contains(t, toks, "student")
	assert.Contains(t, toks, "head of")
	assert.LessOrEqual(t, len(toks), maxTokens)
	for _, c := range spec.TreeColumns() {
		if strings.HasPrefix(c.Name, "job_title:token:") {
			assert.Equal(t, "job_title", c.Source)
		}
	}

	// A lead scores with the same numbers as its dataset row, whatever the
	// case of its title.
	lin, _ := spec.Linear(d)
	tree, _ := spec.Tree(d)
	lrow, trow := make([]float64, lin.Cols), make([]float64, tree.Cols)
	for i := range 200 {
		spec.TransformLead(d.Lead(i), lrow, trow)
		require.True(t, sameFloats(lin.Row(i), lrow), "linear row %d", i)
		require.True(t, sameFloats(tree.Row(i), trow), "tree row %d", i)
	}
	col := map[string]int{}
	for j, c := range spec.TreeColumns() {
		col[c.Name] = j
	}
	for _, title := range []string{"VP Marketing", "vp, MARKETING"} {
		spec.TransformLead(&Lead{Fields: map[string]Value{"job_title": {Kind: datasets.KindText, Str: title}}}, nil, trow)
		assert.Equal(t, 1.0, trow[col["job_title:token:marketing"]], title)
		assert.Equal(t, 0.0, trow[col["job_title:token:student"]], title)
	}
	spec.TransformLead(&Lead{Fields: map[string]Value{}}, nil, trow)
	assert.Equal(t, 0.0, trow[col["job_title:token:marketing"]], "a missing title holds no token")
}

func TestMinCountCapsTokens(t *testing.T) {
	cfg := Config{ID: "id", Target: "converted", MinCategoryCount: 2000}
	d, err := Build(cfg, Inputs{Leads: titledLeads(2, 3000)})
	require.NoError(t, err)
	spec, err := Fit(cfg, d, allRows(d.Rows))
	require.NoError(t, err)
	for _, f := range spec.Features {
		assert.NotEqual(t, originToken, f.Origin, "no token is in 2000 rows: %s", f.Name)
	}
}
