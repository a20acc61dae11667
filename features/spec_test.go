package features

import (
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/leadscore/leadscore/datasets"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// splitByLead puts the rows of even-numbered leads in train, the rest in test.
func splitByLead(d *Dataset) (train, test []int) {
	for i := range d.Rows {
		if d.LeadRows[i]%2 == 0 {
			train = append(train, i)
		} else {
			test = append(test, i)
		}
	}
	return train, test
}

func synthDataset(t testing.TB, seed uint64, leads, eventsPerLead int) (*Dataset, genHistory) {
	s := genSynth(seed, leads, eventsPerLead)
	d, err := Build(Config{}, Inputs{Leads: s.leads, Events: s.events, Outcomes: s.outcomes})
	require.NoError(t, err)
	return d, s
}

func TestTransformLeadMatchesBatch(t *testing.T) {
	d, s := synthDataset(t, 2, 400, 10)
	train, _ := splitByLead(d)
	spec, err := Fit(Config{}, d, train)
	require.NoError(t, err)
	require.NotEmpty(t, spec.Features)
	score, err := ScoringDataset(Config{}, Inputs{Leads: s.leads, Events: s.events, Outcomes: s.outcomes}, day(200))
	require.NoError(t, err)
	for name, data := range map[string]*Dataset{"training snapshots": d, "scoring": score} {
		t.Run(name, func(t *testing.T) {
			lin, wl := spec.Linear(data)
			tree, wt := spec.Tree(data)
			assert.Equal(t, wl, wt, "both encodings repair the same values")
			require.Equal(t, len(spec.LinearColumns()), lin.Cols)
			require.Equal(t, len(spec.TreeColumns()), tree.Cols)
			var sum Warnings
			lrow, trow := make([]float64, lin.Cols), make([]float64, tree.Cols)
			for i := range data.Rows {
				l := data.Lead(i)
				w := spec.TransformLead(l, lrow, trow)
				sum.Merge(w)
				require.True(t, sameFloats(lin.Row(i), lrow), "linear row %d (lead %s)\nbatch %v\nlead  %v", i, l.ID, lin.Row(i), lrow)
				require.True(t, sameFloats(tree.Row(i), trow), "tree row %d (lead %s)", i, l.ID)
			}
			assert.Equal(t, wl, sum, "per-lead warnings add up to the batch warnings")
		})
	}
}

func TestEncodingInvariants(t *testing.T) {
	d, _ := synthDataset(t, 3, 300, 6)
	train, _ := splitByLead(d)
	spec, err := Fit(Config{}, d, train)
	require.NoError(t, err)
	lin, _ := spec.Linear(d)
	tree, _ := spec.Tree(d)
	// Every feature's encoded columns share its readable Source.
	sources := map[string]bool{}
	for _, f := range spec.Features {
		sources[f.Source] = true
	}
	for _, c := range append(lin.Columns, tree.Columns...) {
		assert.True(t, sources[c.Source], "column %s has unknown source %q", c.Name, c.Source)
	}
	assert.True(t, sources["lead_source"])
	assert.True(t, sources["page_view:pricing in 30 days"])
	assert.True(t, sources["lead age (days)"])
	ix := spec.index()
	for fi, f := range spec.Features {
		off := ix.linOff[fi]
		if f.Categorical {
			// One-hot: exactly one 1 per row; tree codes in range or NaN.
			for i := range d.Rows {
				sum := 0.0
				for j := range len(f.Levels) + 2 {
					sum += lin.At(i, off+j)
				}
				require.Equal(t, 1.0, sum, "%s row %d", f.Name, i)
				code := tree.At(i, ix.treeOff[fi])
				require.True(t, math.IsNaN(code) || (code >= 0 && code <= float64(len(f.Levels))), "%s code %g", f.Name, code)
			}
			assert.True(t, tree.Columns[ix.treeOff[fi]].Categorical)
			continue
		}
		// Standardised on the training rows: mean 0, sd 1 (or constant 0).
		var m, m2 float64
		for _, i := range train {
			x := lin.At(i, off)
			require.False(t, math.IsNaN(x), "linear encoding is imputed")
			m += x
			m2 += x * x
		}
		n := float64(len(train))
		assert.InDelta(t, 0, m/n, 1e-9, f.Name)
		if v := m2/n - (m/n)*(m/n); v > 1e-12 {
			assert.InDelta(t, 1, v, 1e-9, f.Name)
		}
	}
	// budget is heavy-tailed and non-negative: log1p chosen automatically.
	for _, f := range spec.Features {
		if f.Name == "budget" {
			assert.True(t, f.Log1p)
			assert.True(t, f.Missing)
			assert.False(t, f.Required)
		}
		if f.Name == "employees" {
			assert.False(t, f.Log1p, "uniform counts are not transformed")
			assert.True(t, f.Required)
		}
	}
}

func TestFitUsesTrainingRowsOnly(t *testing.T) {
	s := genSynth(4, 300, 6)
	in := Inputs{Leads: s.leads, Events: s.events, Outcomes: s.outcomes}
	d, err := Build(Config{}, in)
	require.NoError(t, err)
	train, test := splitByLead(d)
	require.NotEmpty(t, test)
	spec, err := Fit(Config{}, d, train)
	require.NoError(t, err)
	want, err := json.Marshal(spec)
	require.NoError(t, err)

	// Change every value of the test leads and give them a new, frequent
	// event type: the Spec must not move.
	testLead := map[int]bool{}
	for _, i := range test {
		testLead[d.LeadRows[i]] = true
	}
	src := s.leads.Col("lead_source")
	budget := s.leads.Col("budget")
	for r := range s.leads.Rows() {
		if testLead[r] {
			src.Codes[r] = src.Dict.Code("tiktok")
			budget.Num[r] = 1e9
		}
	}
	var extra []ev
	ids := s.leads.Col("lead_id")
	created := s.leads.Col("created_at")
	for r := range s.leads.Rows() {
		if testLead[r] {
			at := time.Unix(0, created.Time[r]).Add(time.Hour)
			extra = append(extra, ev{ids.String(r), "whitepaper", "", at}, ev{ids.String(r), "page_view", "secret", at})
		}
	}
	in.Events = appendEvents(t, s.events, extra)
	d2, err := Build(Config{}, in)
	require.NoError(t, err)
	train2, _ := splitByLead(d2)
	require.Equal(t, train, train2, "same leads and snapshots give the same rows")
	spec2, err := Fit(Config{}, d2, train2)
	require.NoError(t, err)
	got, err := json.Marshal(spec2)
	require.NoError(t, err)
	if !assert.JSONEq(t, string(want), string(got)) {
		diffSpecs(t, spec, spec2)
	}

	// Control: changing a training lead does change the Spec.
	budget.Num[d.LeadRows[train[0]]] = 1e9
	d3, err := Build(Config{}, in)
	require.NoError(t, err)
	spec3, err := Fit(Config{}, d3, train)
	require.NoError(t, err)
	changed, err := json.Marshal(spec3)
	require.NoError(t, err)
	assert.NotEqual(t, string(want), string(changed))
}

// appendEvents returns a copy of the events table with extra events (their
// channel missing).
func appendEvents(t *testing.T, base *datasets.Table, extra []ev) *datasets.Table {
	t.Helper()
	var all []ev
	var channels []string
	ids, ts, types, pages, ch := base.Col("lead_id"), base.Col("timestamp"), base.Col("type"), base.Col("page"), base.Col("channel")
	for i := range base.Rows() {
		p, _ := cellString(pages, i)
		c, _ := cellString(ch, i)
		all = append(all, ev{ids.String(i), types.String(i), p, time.Unix(0, ts.Time[i]).UTC()})
		channels = append(channels, c)
	}
	for range extra {
		channels = append(channels, "")
	}
	out := eventsTable(append(all, extra...))
	out.Columns = append(out.Columns, catCol("channel", channels...))
	return out
}

func TestSpecJSONRoundTrip(t *testing.T) {
	d, _ := synthDataset(t, 5, 200, 6)
	train, _ := splitByLead(d)
	spec, err := Fit(Config{}, d, train)
	require.NoError(t, err)
	b, err := json.Marshal(spec)
	require.NoError(t, err)
	assert.True(t, strings.HasPrefix(string(b), `{"version":1,`))
	var back Spec
	require.NoError(t, json.Unmarshal(b, &back))
	assert.Equal(t, spec.LinearColumns(), back.LinearColumns())
	assert.Equal(t, spec.TreeColumns(), back.TreeColumns())
	for _, enc := range []func(*Spec) *Matrix{
		func(s *Spec) *Matrix { m, _ := s.Linear(d); return m },
		func(s *Spec) *Matrix { m, _ := s.Tree(d); return m },
	} {
		assert.True(t, sameFloats(enc(spec).Data, enc(&back).Data), "a loaded Spec encodes identically")
	}
	l := d.Lead(0)
	a, c := make([]float64, len(spec.LinearColumns())), make([]float64, len(spec.LinearColumns()))
	spec.TransformLead(l, a, nil)
	back.TransformLead(l, c, nil)
	assert.Equal(t, a, c)

	bad := strings.Replace(string(b), `"version":1`, `"version":99`, 1)
	assert.ErrorContains(t, json.Unmarshal([]byte(bad), &Spec{}), "version 99")
}

// flatLeads builds a flat lead table: source, pages (number), note (often
// missing), converted.
func flatLeads(sources []string, scores []float64, notes []string, y []float64) *datasets.Table {
	ids := make([]string, len(sources))
	for i := range ids {
		ids[i] = "id" + strings.Repeat("x", i%3) + string(rune('a'+i%26)) + string(rune('a'+i/26%26)) + string(rune('a'+i/676))
	}
	return table("leads.csv", catCol("id", ids...), catCol("source", sources...), numCol("pages", scores...), catCol("note", notes...), numCol("converted", y...))
}

func TestUnseenCategoriesAndMissingColumns(t *testing.T) {
	var src, notes []string
	var scores, y []float64
	for i := range 100 {
		s := []string{"web", "ads", "event"}[i%3]
		if i == 0 {
			s = "fax" // rare: seen once in training
		}
		src = append(src, s)
		scores = append(scores, float64(i%17))
		n := ""
		if i%2 == 0 {
			n = []string{"a", "b"}[i%4/2]
		}
		notes = append(notes, n)
		y = append(y, float64(i%5%2))
	}
	cfg := Config{ID: "id", Target: "converted"}
	d, err := Build(cfg, Inputs{Leads: flatLeads(src, scores, notes, y)})
	require.NoError(t, err)
	spec, err := Fit(cfg, d, allRows(d.Rows))
	require.NoError(t, err)
	require.Empty(t, spec.Excluded, "nothing here is leaky")
	assert.ElementsMatch(t, []string{"source", "pages"}, spec.Required(), "fields never missing in training are required")

	t.Run("unseen and rare values encode as other", func(t *testing.T) {
		score := flatLeads([]string{"tiktok", "fax", "web", ""}, []float64{1, 2, 3, 4}, []string{"zzz", "", "a", "b"}, []float64{0, 0, 0, 0})
		sd, err := ScoringDataset(cfg, Inputs{Leads: score}, time.Time{})
		require.NoError(t, err)
		require.NoError(t, spec.Check(sd))
		lin, w := spec.Linear(sd)
		assert.Equal(t, map[string]int{"source": 1, "note": 1}, w.UnseenCategories, "rare training values are not unseen")
		assert.Equal(t, map[string]int{"source": 1, "note": 1}, w.ImputedMissing)
		col := map[string]int{}
		for j, c := range lin.Columns {
			col[c.Name] = j
		}
		assert.Equal(t, 1.0, lin.At(0, col["source=(other)"]))
		assert.Equal(t, 1.0, lin.At(1, col["source=(other)"]))
		assert.Equal(t, 1.0, lin.At(2, col["source=web"]))
		assert.Equal(t, 1.0, lin.At(3, col["source=(missing)"]))
		tree, _ := spec.Tree(sd)
		var srcFeat Feature
		for _, f := range spec.Features {
			if f.Name == "source" {
				srcFeat = f
			}
		}
		assert.Equal(t, float64(len(srcFeat.Levels)), tree.At(0, 0), "other is the last tree code")
		assert.True(t, math.IsNaN(tree.At(3, 0)))

		w = spec.TransformLead(sd.Lead(0), make([]float64, lin.Cols), make([]float64, tree.Cols))
		assert.Equal(t, 1, w.UnseenCategories["source"])
		assert.Contains(t, w.String(), `unseen categories: "note" 1, "source" 1`)
	})

	t.Run("a subset of rows encodes as those rows of the whole", func(t *testing.T) {
		score := flatLeads([]string{"tiktok", "fax", "web", ""}, []float64{1, 2, 3, 4}, []string{"zzz", "", "a", "b"}, []float64{0, 0, 0, 0})
		sd, err := ScoringDataset(cfg, Inputs{Leads: score}, time.Time{})
		require.NoError(t, err)
		extra := []ColumnInfo{{Name: "rule sheet: fit points"}}
		all, _ := spec.LinearWith(sd, extra)
		rows := []int{3, 0, 3}
		sub, w := spec.LinearRowsWith(sd, rows, extra)
		require.Equal(t, len(rows), sub.Rows)
		assert.Equal(t, all.Columns, sub.Columns)
		for k, r := range rows {
			assert.Equal(t, all.Row(r), sub.Row(k), "row %d is dataset row %d", k, r)
		}
		assert.Equal(t, map[string]int{"source": 1, "note": 1}, w.UnseenCategories, "only the chosen rows are counted: row 0 once")
		assert.Equal(t, map[string]int{"source": 2}, w.ImputedMissing, "row 3 twice")
	})

	t.Run("missing required columns are listed; optional ones imputed", func(t *testing.T) {
		score := table("new.csv", catCol("id", "q"), numCol("converted", 0))
		sd, err := ScoringDataset(cfg, Inputs{Leads: score}, time.Time{})
		require.NoError(t, err)
		err = spec.Check(sd)
		require.Error(t, err)
		assert.Contains(t, err.Error(), `"source"`)
		assert.Contains(t, err.Error(), `"pages"`)
		assert.Contains(t, err.Error(), "new.csv")
		_, w := spec.Linear(sd)
		assert.Equal(t, map[string]int{"source": 1, "pages": 1, "note": 1}, w.ImputedMissing)
		assert.Equal(t, []string{"note"}, spec.AbsentColumns(score), "the optional column the table lacks")

		slip := table("slip.csv", catCol("id", "q"), catCol("Source", "web"), numCol("pages", 1), catCol("note", "a"))
		err = spec.CheckTable(slip)
		require.Error(t, err)
		assert.Contains(t, err.Error(), `missing required columns ["source"] (did you mean "Source" for "source"?)`)
		assert.Empty(t, spec.AbsentColumns(slip))

		l := &Lead{ID: "q", Fields: map[string]Value{"note": {Kind: datasets.KindCategory, Str: "a"}}}
		err = spec.Validate(l)
		require.Error(t, err)
		assert.Contains(t, err.Error(), `"source"`)
		assert.Contains(t, err.Error(), `"pages"`)
		l.Fields["source"] = Value{Kind: datasets.KindCategory, Str: "web"}
		l.Fields["pages"] = Value{Kind: datasets.KindNumber, Num: 3}
		assert.NoError(t, spec.Validate(l))
	})

	t.Run("fields for forms", func(t *testing.T) {
		fields := spec.Fields()
		require.Len(t, fields, 3)
		assert.Equal(t, "source", fields[0].Name)
		assert.Equal(t, datasets.KindCategory, fields[0].Kind)
		assert.ElementsMatch(t, []string{"web", "ads", "event"}, fields[0].Categories)
		assert.Equal(t, datasets.KindNumber, fields[1].Kind)
	})
}

// diffSpecs names the features two Specs disagree on.
func diffSpecs(t *testing.T, a, b *Spec) {
	t.Helper()
	fa := map[string]string{}
	for _, f := range a.Features {
		j, _ := json.Marshal(f)
		fa[f.Name] = string(j)
	}
	for _, f := range b.Features {
		j, _ := json.Marshal(f)
		if fa[f.Name] != string(j) {
			t.Logf("feature %s differs:\n%s\n%s", f.Name, fa[f.Name], j)
		}
		delete(fa, f.Name)
	}
	for n := range fa {
		t.Logf("feature %s only in the first spec", n)
	}
	ea, _ := json.Marshal(a.Excluded)
	eb, _ := json.Marshal(b.Excluded)
	if string(ea) != string(eb) {
		t.Logf("excluded differ:\n%s\n%s", ea, eb)
	}
}

func TestTransformLeadConcurrent(t *testing.T) {
	d, _ := synthDataset(t, 6, 100, 6)
	b, err := json.Marshal(must(Fit(Config{}, d, allRows(d.Rows))))
	require.NoError(t, err)
	var spec, fresh Spec // loaded Specs share nothing but the JSON
	require.NoError(t, json.Unmarshal(b, &spec))
	require.NoError(t, json.Unmarshal(b, &fresh))
	want, _ := spec.Linear(d)
	done := make(chan error, 4)
	for g := range 4 {
		go func() {
			row := make([]float64, want.Cols)
			for i := g; i < d.Rows; i += 4 {
				fresh.TransformLead(d.Lead(i), row, nil)
				if !sameFloats(row, want.Row(i)) {
					done <- fmt.Errorf("row %d differs", i)
					return
				}
			}
			done <- nil
		}()
	}
	for range 4 {
		require.NoError(t, <-done)
	}
}

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

func TestInfinityReadsAsMissing(t *testing.T) {
	n := 30
	ids, x, y := make([]string, n), make([]float64, n), make([]float64, n)
	for i := range n {
		ids[i], x[i], y[i] = fmt.Sprint("L", i), float64(i%7), float64(i%2)
	}
	x[3] = math.Inf(1)
	cfg := Config{ID: "id", Target: "y"}
	d, err := Build(cfg, Inputs{Leads: table("l.csv", catCol("id", ids...), numCol("x", x...), numCol("y", y...))})
	require.NoError(t, err)
	spec, err := Fit(cfg, d, allRows(n))
	require.NoError(t, err)
	_, err = json.Marshal(spec)
	require.NoError(t, err, "a Spec never holds an infinity")
	tree, w := spec.Tree(d)
	assert.True(t, math.IsNaN(tree.At(3, 0)))
	assert.Equal(t, 1, w.ImputedMissing["x"])
}

// A number outside the training range encodes (linear) as the nearest end of
// the range, so the linear model never extrapolates; trees see the raw value.
func TestLinearEncodingClipsToTrainingRange(t *testing.T) {
	s := genSynth(4, 300, 6)
	d, err := Build(Config{}, Inputs{Leads: s.leads, Events: s.events, Outcomes: s.outcomes})
	require.NoError(t, err)
	spec, err := Fit(Config{}, d, allRows(d.Rows))
	require.NoError(t, err)
	var budget *Feature
	for i := range spec.Features {
		if spec.Features[i].Name == "budget" {
			budget = &spec.Features[i]
		}
	}
	require.NotNil(t, budget, "the synthetic leads have a numeric budget field")
	require.Less(t, budget.Min, budget.Max)

	lead := d.Lead(0)
	encode := func(x float64) (lin, tree []float64) {
		lead.Fields["budget"] = Value{Kind: datasets.KindNumber, Num: x}
		lin = make([]float64, len(spec.LinearColumns()))
		tree = make([]float64, len(spec.TreeColumns()))
		spec.TransformLead(lead, lin, tree)
		return lin, tree
	}
	atMax, _ := encode(budget.Max)
	beyond, treeBeyond := encode(budget.Max * 1000)
	assert.Equal(t, atMax, beyond, "linear encoding must clip at the training maximum")
	atMin, _ := encode(budget.Min)
	below, _ := encode(budget.Min - 1e6)
	assert.Equal(t, atMin, below, "linear encoding must clip at the training minimum")
	found := false
	for _, v := range treeBeyond {
		if v == budget.Max*1000 {
			found = true
		}
	}
	assert.True(t, found, "the tree encoding keeps the raw value")
}

func TestUsesEvents(t *testing.T) {
	d, _ := synthDataset(t, 3, 200, 5)
	withEvents, err := Fit(Config{}, d, allRows(d.Rows))
	require.NoError(t, err)
	cfg := Config{ID: "id", Target: "converted"}
	flat, err := Build(cfg, Inputs{Leads: flatLeads([]string{"web", "ads", "web", "ads"}, []float64{1, 2, 3, 4}, []string{"a", "b", "", "a"}, []float64{0, 1, 0, 1})})
	require.NoError(t, err)
	leadsOnly, err := Fit(cfg, flat, allRows(flat.Rows))
	require.NoError(t, err)
	tests := []struct {
		name string
		spec *Spec
		want bool
	}{
		{"leads, events and outcomes", withEvents, true},
		{"a leads table alone", leadsOnly, false},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, tt.spec.UsesEvents(), tt.name)
	}
}

// A number outside the training range is always reported: on the lead
// field, on lead_age for a lead older than any snapshot, on event:KEY for
// an event aggregate; a value inside the range is not.
func TestOutOfRangeIsReported(t *testing.T) {
	s := genSynth(4, 300, 6)
	d, err := Build(Config{}, Inputs{Leads: s.leads, Events: s.events, Outcomes: s.outcomes})
	require.NoError(t, err)
	spec, err := Fit(Config{}, d, allRows(d.Rows))
	require.NoError(t, err)
	var budget, age *Feature
	for i := range spec.Features {
		switch f := &spec.Features[i]; {
		case f.Name == "budget":
			budget = f
		case f.Origin == originAge:
			age = f
		}
	}
	require.NotNil(t, budget)
	require.NotNil(t, age)
	warn := func(mod func(l *Lead)) map[string]int {
		l := d.Lead(0)
		mod(l)
		return spec.TransformLead(l, make([]float64, len(spec.LinearColumns())), make([]float64, len(spec.TreeColumns()))).OutOfRange
	}
	assert.Empty(t, warn(func(*Lead) {}), "a training snapshot is inside every range")
	old := warn(func(l *Lead) { l.Cutoff = l.Created.Add(time.Duration(age.Max+365) * 24 * time.Hour) })
	assert.Equal(t, 1, old["lead_age"], "a lead older than any snapshot: %v", old)
	for _, tc := range []struct {
		x    float64
		want int
	}{{budget.Max, 0}, {budget.Min, 0}, {budget.Max * 10, 1}, {budget.Min - 1, 1}} {
		got := warn(func(l *Lead) { l.Fields["budget"] = Value{Kind: datasets.KindNumber, Num: tc.x} })
		assert.Equal(t, tc.want, got["budget"], "budget %v in [%v, %v]", tc.x, budget.Min, budget.Max)
	}
	// Many more events of one type than any training lead had.
	burst := warn(func(l *Lead) {
		for k := range 500 {
			l.Events = append(l.Events, Event{Type: "page_view", Time: l.Cutoff.Add(-time.Duration(k+1) * time.Minute), Attrs: map[string]string{"page": "pricing"}})
		}
		slices.SortFunc(l.Events, func(a, b Event) int { return a.Time.Compare(b.Time) })
	})
	events := 0
	for f := range burst {
		if strings.HasPrefix(f, "event:") || f == "all activity" {
			events++
		}
	}
	assert.Positive(t, events, "event aggregates beyond their range: %v", burst)
}

// Validate lists every required field a lead lacks, and every number field
// holding text that is not a number; markers and blanks are missing, not
// invalid.
func TestValidate(t *testing.T) {
	s := genSynth(4, 300, 6)
	d, err := Build(Config{MissingValues: []string{"Select"}}, Inputs{Leads: s.leads, Events: s.events, Outcomes: s.outcomes})
	require.NoError(t, err)
	spec, err := Fit(Config{MissingValues: []string{"Select"}}, d, allRows(d.Rows))
	require.NoError(t, err)
	required := spec.Required()
	require.NotEmpty(t, required)
	text := func(v string) Value { return Value{Kind: datasets.KindCategory, Str: v} }
	tests := []struct {
		name    string
		mod     func(l *Lead)
		missing []string
		invalid []string
	}{
		{"as read", func(*Lead) {}, nil, nil},
		{"required field absent", func(l *Lead) { delete(l.Fields, required[0]) }, required[:1], nil},
		{"required field a marker", func(l *Lead) { l.Fields[required[0]] = text("Select") }, required[:1], nil},
		{"number as text", func(l *Lead) { l.Fields["budget"] = text(" 1200.5 ") }, nil, nil},
		{"yes as a number", func(l *Lead) { l.Fields["budget"] = text("yes") }, nil, nil},
		{"blank number", func(l *Lead) { l.Fields["budget"] = text("  ") }, nil, nil},
		{"text in a number field", func(l *Lead) { l.Fields["budget"] = text("lots") }, nil, []string{"budget"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			l := d.Lead(0)
			tc.mod(l)
			spec.MarkMissing(l)
			err := spec.Validate(l)
			var mf *MissingFieldsError
			var inv *InvalidFieldsError
			switch {
			case tc.missing != nil:
				require.ErrorAs(t, err, &mf)
				assert.Equal(t, tc.missing, mf.Fields)
			case tc.invalid != nil:
				require.ErrorAs(t, err, &inv)
				assert.Equal(t, tc.invalid, inv.Fields)
				assert.Contains(t, err.Error(), `"lots"`)
			default:
				assert.NoError(t, err)
			}
		})
	}
}
