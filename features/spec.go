package features

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/leadscore/leadscore/datasets"
)

// SpecVersion is the version of the Spec JSON format this package writes.
const SpecVersion = 1

// maxRare caps the rare training values a Spec remembers per category (to
// tell "rare" from "never seen" when warning).
const maxRare = 1000

// Spec is the fitted feature encoding: which raw features are used and the
// training statistics that encode them. It is a plain JSON-serialisable
// value; the same Spec encodes training data, batch scoring data and single
// leads in the API, so a lead gets the same numbers everywhere. Fit and
// json.Unmarshal prepare its lookups; treat it as immutable afterwards. It
// is safe for concurrent use and may be copied.
type Spec struct {
	Version int `json:"version"`
	// Config is the configuration the Spec was fitted with (windows,
	// half-life and event column names are needed to score).
	Config Config `json:"config"`
	// Features are the encoded raw features in column order.
	Features []Feature `json:"features"`
	// Rare holds, per categorical feature name, the training values too rare
	// to get a level (they encode as "other" without a warning).
	Rare map[string][]string `json:"rare,omitempty"`
	// FoldCategories is set when category values of lead fields compare
	// after case folding and white-space trimming (FoldCategory): "VP
	// Marketing" and "vp marketing" are one level. Specs written before it
	// compare values exactly.
	FoldCategories bool `json:"fold_categories,omitempty"`
	// Variants holds, per categorical feature name and level, the
	// spellings merged into the level (only levels with several, at most
	// maxVariants each, most frequent first).
	Variants map[string]map[string][]string `json:"variants,omitempty"`
	// EventAttrs are the event attribute columns aggregated in training.
	EventAttrs []string `json:"event_attrs,omitempty"`
	// Excluded are the audit's suspects left out of the Spec.
	Excluded []Suspect `json:"excluded,omitempty"`
	// Allowed are suspects kept because Config.AllowLeaky lists them.
	Allowed []Suspect `json:"allowed,omitempty"`
	// TrainRows is the number of rows the statistics come from.
	TrainRows int `json:"train_rows"`
	// SeenEventTypes are the event types the training rows saw, sorted;
	// the scoring API accepts exactly these. Empty when the dataset was
	// streamed (events not kept), when there were more than maxEventTypes,
	// and in Specs written before it was recorded.
	SeenEventTypes []string `json:"event_types,omitempty"`
	// OutOfRange says how the linear encoding treats a number outside its
	// training range [Min, Max] (the zero value clips to the range, as
	// Specs written before it was recorded did).
	OutOfRange OutOfRange `json:"out_of_range,omitzero"`

	// ix holds the lookups built by Fit and UnmarshalJSON (read-only).
	ix *specIndex
}

// specIndex holds lookups derived from the Spec's public fields.
type specIndex struct {
	// missing recognises the missing-value markers the Spec was fitted
	// with (Config.MissingValues and the readers' defaults).
	missing *datasets.MissingSet
	// required are the lead fields never missing in training; numFields
	// the lead fields read as numbers (see Validate).
	required, numFields []string
	fold                folder
	levels              []map[string]int32 // per feature
	rare                []map[string]bool  // per feature
	foldCat             []bool             // per feature: values compare by FoldCategory
	keyIdx              map[string]int32
	nkeys               int
	typeKey             map[string]int32
	// typeClass caches the email class and signal of the event types
	// named by the Spec's keys; other types are classified per event.
	typeClass map[string]typeInfo
	pageKey   map[string]int32
	// careerPage says which pages of pageKey count as careers signals.
	careerPage map[string]bool
	attrKey    []map[string]int32 // per event attribute (page attribute unused)
	pageAttr   int
	featKey    []int32 // per feature: event key, -1
	featWin    []int   // per feature: window index
	linear     []ColumnInfo
	tree       []ColumnInfo
	// lo and hi bound each numeric feature's value in the linear
	// encoding (OutOfRange).
	lo, hi  []float64
	linOff  []int
	treeOff []int
}

// index returns the prepared lookups, or builds them afresh for a Spec
// assembled by hand.
func (s *Spec) index() *specIndex {
	if s.ix != nil {
		return s.ix
	}
	return s.buildIndex()
}

func (s *Spec) buildIndex() *specIndex {
	cfg := s.Config
	ix := &specIndex{
		missing:  datasets.NewMissingSet(cfg.MissingValues),
		required: s.Required(),
		fold:     newFolder(cfg.WindowDays, cfg.HalfLifeDays), keyIdx: map[string]int32{},
		typeKey: map[string]int32{}, pageKey: map[string]int32{}, pageAttr: -1,
		typeClass: map[string]typeInfo{}, careerPage: map[string]bool{},
	}
	ix.attrKey = make([]map[string]int32, len(s.EventAttrs))
	for a, name := range s.EventAttrs {
		ix.attrKey[a] = map[string]int32{}
		if name == cfg.Events.PageAttr {
			ix.pageAttr = a
		}
	}
	pagePrefix := cfg.Events.PageViewType + ":"
	for fi := range s.Features {
		f := &s.Features[fi]
		fold := s.FoldCategories && f.Origin == originField && f.Categorical
		key := func(v string) string {
			if fold {
				return FoldCategory(v)
			}
			return v
		}
		ix.foldCat = append(ix.foldCat, fold)
		// Folded features hold each value as spelled and folded: the
		// spelling training kept is found without folding (allocating).
		lv := map[string]int32{}
		for i, v := range f.Levels {
			lv[key(v)] = int32(i)
		}
		for i, v := range f.Levels {
			if _, ok := lv[v]; !ok {
				lv[v] = int32(i)
			}
		}
		ix.levels = append(ix.levels, lv)
		rare := map[string]bool{}
		for _, v := range s.Rare[f.Name] {
			rare[key(v)] = true
			rare[v] = true
		}
		ix.rare = append(ix.rare, rare)
		k := int32(-1)
		if f.Origin == originEvent {
			var ok bool
			if k, ok = ix.keyIdx[f.Key]; !ok {
				k = int32(ix.nkeys)
				ix.nkeys++
				ix.keyIdx[f.Key] = k
				s.routeKey(ix, f.Key, k, pagePrefix)
			}
		}
		ix.featKey = append(ix.featKey, k)
		ix.featWin = append(ix.featWin, ix.fold.windowIndex(f.Window))
		lo, hi := s.OutOfRange.bounds(f.Min, f.Max)
		ix.lo, ix.hi = append(ix.lo, lo), append(ix.hi, hi)
		ix.linOff = append(ix.linOff, len(ix.linear))
		ix.treeOff = append(ix.treeOff, len(ix.tree))
		grp := GroupOf(f)
		if f.Categorical {
			for _, v := range f.Levels {
				ix.linear = append(ix.linear, ColumnInfo{Name: f.Name + "=" + v, Source: f.Source, Group: grp})
			}
			ix.linear = append(ix.linear,
				ColumnInfo{Name: f.Name + "=(other)", Source: f.Source, Group: grp},
				ColumnInfo{Name: f.Name + "=(missing)", Source: f.Source, Group: grp})
			ix.tree = append(ix.tree, ColumnInfo{Name: f.Name, Source: f.Source, Group: grp, Categorical: true, Categories: len(f.Levels) + 1})
			continue
		}
		ix.linear = append(ix.linear, ColumnInfo{Name: f.Name, Source: f.Source, Group: grp})
		if f.Missing {
			ix.linear = append(ix.linear, ColumnInfo{Name: f.Name + " (missing)", Source: f.Source, Group: grp})
		}
		ix.tree = append(ix.tree, ColumnInfo{Name: f.Name, Source: f.Source, Group: grp})
	}
	seen := map[string]bool{}
	for fi := range s.Features {
		if f := &s.Features[fi]; f.Origin == originField && !f.Categorical && !seen[f.Field] {
			seen[f.Field] = true
			ix.numFields = append(ix.numFields, f.Field)
		}
	}
	return ix
}

// routeKey records how events reach event key k: by type, by page of a page
// view, or by "attr=value".
func (s *Spec) routeKey(ix *specIndex, key string, k int32, pagePrefix string) {
	if ix.pageAttr >= 0 && strings.HasPrefix(key, pagePrefix) {
		page := strings.TrimPrefix(key, pagePrefix)
		ix.pageKey[page] = k
		ix.careerPage[page] = containsFold(page, "career") || containsFold(page, "jobs")
		return
	}
	for a, name := range s.EventAttrs {
		if a != ix.pageAttr && strings.HasPrefix(key, name+"=") {
			ix.attrKey[a][strings.TrimPrefix(key, name+"=")] = k
			return
		}
	}
	ix.typeKey[key] = k
	ix.typeClass[key] = typeInfo{name: key, key: k, email: int8(emailClass(key)),
		sig: int8(signalClass(key, "", false)), pageView: strings.EqualFold(key, s.Config.Events.PageViewType)}
}

// maxEventTypes bounds the event types a Spec records: an event type column
// holding free text would otherwise copy it into every bundle.
const maxEventTypes = 10_000

// EventTypes returns the event types a lead may carry, sorted: those seen
// in training (SeenEventTypes). A Spec that did not record them (written
// before they were, streamed, or with too many types) gives the types its
// event features count by type, plus the page-view type.
func (s *Spec) EventTypes() []string {
	if len(s.SeenEventTypes) > 0 {
		return slices.Clone(s.SeenEventTypes)
	}
	ix := s.index()
	set := map[string]bool{}
	if pv := s.Config.Events.PageViewType; pv != "" {
		set[pv] = true
	}
	for t := range ix.typeKey {
		set[t] = true
	}
	out := make([]string, 0, len(set))
	for t := range set {
		out = append(out, t)
	}
	slices.Sort(out)
	return out
}

// UsesEvents reports whether some feature is computed from the lead's
// events (event counts, activity, email rates, negative signals). A Spec
// fitted on a leads table alone does not: events sent with a lead change
// none of its features.
func (s *Spec) UsesEvents() bool {
	for _, f := range s.Features {
		switch f.Origin {
		case originEvent, originAll, originActive, originOpenRate, originClickRate, originSignal:
			return true
		}
	}
	return false
}

// LinearColumns describes the columns of the linear encoding.
func (s *Spec) LinearColumns() []ColumnInfo { return slices.Clone(s.index().linear) }

// TreeColumns describes the columns of the tree encoding.
func (s *Spec) TreeColumns() []ColumnInfo { return slices.Clone(s.index().tree) }

// UnmarshalJSON reads a Spec and checks its Version.
func (s *Spec) UnmarshalJSON(b []byte) error {
	type plain Spec
	if err := json.Unmarshal(b, (*plain)(s)); err != nil {
		return fmt.Errorf("read feature spec: %w", err)
	}
	if s.Version != SpecVersion {
		return fmt.Errorf("read feature spec: version %d, this build reads version %d: retrain the model with this version", s.Version, SpecVersion)
	}
	s.ix = s.buildIndex()
	return nil
}

// Fit fits a Spec on the training rows train of d: it runs Audit and leaves
// out the suspects (unless cfg.AllowLeaky lists them), keeps event keys
// present in at least MinCategoryCount training rows, and computes medians,
// log1p choices, means and standard deviations of numbers and the frequent
// levels of categories. Only the rows in train are read, so changing other
// rows never changes the Spec. Column names, windows and the half-life come
// from the configuration d was built with; cfg supplies MinCategoryCount,
// Log1p, Exclude and AllowLeaky.
func Fit(cfg Config, d *Dataset, train []int) (*Spec, error) {
	cfg = cfg.WithDefaults()
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if len(train) == 0 {
		return nil, errors.New("fit features: no training rows: the dataset or the training split is empty")
	}
	for _, i := range train {
		if i < 0 || i >= d.Rows {
			return nil, fmt.Errorf("fit features: training row %d out of range [0, %d)", i, d.Rows)
		}
	}
	s := &Spec{Version: SpecVersion, Config: d.cfg, TrainRows: len(train), EventAttrs: d.eventAttrs, SeenEventTypes: d.trainEventTypes(train), FoldCategories: !cfg.SQLCompatible}
	// The fitted configuration keeps the dataset's column names and the
	// caller's statistics settings.
	s.Config.MinCategoryCount, s.Config.Log1p, s.Config.AllowLeaky, s.Config.Exclude = cfg.MinCategoryCount, cfg.Log1p, cfg.AllowLeaky, cfg.Exclude
	s.Config.EngagementFields = cfg.EngagementFields
	for _, name := range cfg.EngagementFields {
		if d.Leads.Col(name) == nil {
			return nil, fmt.Errorf("fit features: engagement_fields: %q is not a column of %s%s (columns are %q)", name, d.Leads.Source, suggestions([]string{name}, d.Leads.Names()), d.Leads.Names())
		}
	}
	excluded := map[string]bool{}
	for _, x := range cfg.Exclude {
		excluded[x] = true
	}
	for _, sus := range Audit(cfg, d, train) {
		if slices.Contains(cfg.AllowLeaky, sus.Column) {
			s.Allowed = append(s.Allowed, sus)
			continue
		}
		s.Excluded = append(s.Excluded, sus)
		excluded[sus.Column] = true
	}
	keyRows := eventKeyRows(d, train)
	logAll, logAuto := log1pMode(cfg.Log1p)
	for _, def := range d.defs {
		if def.text || excluded[def.Name] || (def.isField() && excluded[def.Field]) {
			continue
		}
		if def.Origin == originEvent && keyRows[def.Key] < cfg.MinCategoryCount {
			continue
		}
		f := def
		if f.isField() {
			if c := d.Leads.Col(f.Field); c != nil {
				f.Kind = c.Kind
			}
		} else if f.Field != "" {
			f.Kind = datasets.KindTime
		}
		var ok bool
		if f.Categorical {
			ok = fitCategory(s, &f, d, train, cfg.MinCategoryCount)
		} else {
			ok = fitNumber(&f, d, train, logAll[f.Name] || logAll[f.Source], logAuto)
		}
		if ok {
			s.Features = append(s.Features, f)
		}
	}
	var textFields []string
	for _, def := range d.defs {
		if def.Origin == originField && def.Categorical && !excluded[def.Name] && !excluded[def.Field] {
			textFields = append(textFields, def.Field)
		}
	}
	if !cfg.SQLCompatible {
		fitTokens(s, d, train, textFields, cfg.MinCategoryCount)
	}
	for i := range s.Features {
		if f := &s.Features[i]; (f.isField() || f.Origin == originToken) && slices.Contains(cfg.EngagementFields, f.Field) {
			f.Group = GroupEngagement
		}
	}
	if len(s.Features) == 0 {
		return nil, fmt.Errorf("fit features: no usable feature in %d training rows: the audit excluded %d columns and the rest hold no values; check the input columns or list trusted ones in allow_leaky", len(train), len(s.Excluded))
	}
	s.ix = s.buildIndex()
	return s, nil
}

// log1pMode reads Config.Log1p: explicitly named features, and whether auto
// detection is on (empty list or "auto"; "none" turns it off).
func log1pMode(names []string) (map[string]bool, bool) {
	m := map[string]bool{}
	auto := len(names) == 0
	for _, n := range names {
		switch n {
		case "auto":
			auto = true
		case "none":
		default:
			m[n] = true
		}
	}
	return m, auto
}

// eventKeyRows counts, per event key, the training rows with at least one
// event of the key before the cutoff.
func eventKeyRows(d *Dataset, train []int) map[string]int {
	out := make(map[string]int, len(d.keys))
	for k, name := range d.keys {
		n := 0
		st := d.states[k]
		for _, i := range train {
			if st[i].total > 0 {
				n++
			}
		}
		out[name] = n
	}
	return out
}

// fitNumber fits median, log1p, mean and std of a numeric feature; false
// when the training rows hold no value.
func fitNumber(f *Feature, d *Dataset, train []int, logNamed, logAuto bool) bool {
	get := d.numeric(f)
	if get == nil {
		return false
	}
	vals := make([]float64, 0, len(train))
	missing := 0
	for _, i := range train {
		if x := get(i); math.IsNaN(x) {
			missing++
		} else {
			vals = append(vals, x)
		}
	}
	if len(vals) == 0 {
		return false
	}
	f.Missing = missing > 0
	f.Required = f.isField() && missing == 0
	f.Median = median(vals)
	f.Min, f.Max = slices.Min(vals), slices.Max(vals)
	nonNeg := f.Min >= 0
	binary := f.Kind == datasets.KindBool || f.Origin == originSignal
	f.Log1p = nonNeg && !binary && (logNamed || (logAuto && skewness(vals) > 2))
	var sum, sum2 float64
	n := float64(len(train))
	for _, x := range vals {
		t := f.transform(x)
		sum += t
	}
	tm := f.transform(f.Median)
	sum += float64(missing) * tm
	f.Mean = sum / n
	for _, x := range vals {
		dx := f.transform(x) - f.Mean
		sum2 += dx * dx
	}
	sum2 += float64(missing) * (tm - f.Mean) * (tm - f.Mean)
	f.Std = math.Sqrt(sum2 / n)
	if f.Std == 0 || math.IsNaN(f.Std) {
		f.Std = 1
	}
	return true
}

// transform applies the optional log1p (negative values clamp to 0).
func (f *Feature) transform(x float64) float64 {
	if f.Log1p {
		return math.Log1p(math.Max(x, 0))
	}
	return x
}

// fitCategory keeps the levels with at least min training rows, most
// frequent first; false when the training rows hold no value.
func fitCategory(s *Spec, f *Feature, d *Dataset, train []int, min int) bool {
	g, ok := d.categorical(f)
	if !ok {
		return false
	}
	counts := make([]int, len(g.names))
	missing := 0
	for _, i := range train {
		if c := g.code(i); c < 0 {
			missing++
		} else {
			counts[c]++
		}
	}
	if missing == len(train) {
		return false
	}
	f.Missing = missing > 0
	f.Required = f.isField() && missing == 0
	names := g.names
	if s.FoldCategories && f.Origin == originField {
		names, counts = foldCounts(s, f, names, counts, max(min, 1))
	}
	var levels, rare []string
	order := make([]int, 0, len(counts))
	for c, n := range counts {
		if n > 0 {
			order = append(order, c)
		}
	}
	sort.Slice(order, func(a, b int) bool {
		ca, cb := counts[order[a]], counts[order[b]]
		if ca != cb {
			return ca > cb
		}
		return names[order[a]] < names[order[b]]
	})
	for _, c := range order {
		if counts[c] >= max(min, 1) {
			levels = append(levels, names[c])
		} else if len(rare) < maxRare {
			rare = append(rare, names[c])
		}
	}
	f.Levels = levels
	if len(rare) > 0 {
		if s.Rare == nil {
			s.Rare = map[string][]string{}
		}
		s.Rare[f.Name] = rare
	}
	return true
}

// encodeNum writes the linear and tree encodings of a raw number x; the
// linear one bounds x to [lo, hi] (see OutOfRange).
func (f *Feature) encodeNum(x, lo, hi float64, lin, tree []float64) {
	m := 0.0
	raw := x
	if math.IsNaN(x) {
		x, m = f.Median, 1
	}
	x = min(max(x, lo), hi)
	if lin != nil {
		lin[0] = (f.transform(x) - f.Mean) / f.Std
		if f.Missing {
			lin[1] = m
		}
	}
	if tree != nil {
		tree[0] = raw
	}
}

// encodeCat writes the encodings of a level index: 0..len(Levels)-1, -2 for
// other, -1 for missing.
func (f *Feature) encodeCat(level int32, lin, tree []float64) {
	n := len(f.Levels)
	if lin != nil {
		clear(lin[:n+2])
		switch level {
		case -1:
			lin[n+1] = 1
		case -2:
			lin[n] = 1
		default:
			lin[level] = 1
		}
	}
	if tree != nil {
		switch level {
		case -1:
			tree[0] = math.NaN()
		case -2:
			tree[0] = float64(n)
		default:
			tree[0] = float64(level)
		}
	}
}

// level returns the level index of category text s for feature fi (-2 for
// other) and whether s was never seen in training.
func (ix *specIndex) level(fi int, s string) (int32, bool) {
	if l, ok := ix.levels[fi][s]; ok {
		return l, false
	}
	if ix.foldCat[fi] && !ix.rare[fi][s] {
		s = FoldCategory(s)
		if l, ok := ix.levels[fi][s]; ok {
			return l, false
		}
	}
	return -2, !ix.rare[fi][s]
}

// Linear encodes d for linear models: numbers imputed with the training
// median (plus a missing indicator when training had missing values),
// optionally log1p-transformed and standardised; categories one-hot with an
// "other" and a "missing" column. Columns are LinearColumns().
func (s *Spec) Linear(d *Dataset) (*Matrix, Warnings) { return s.LinearWith(d, nil) }

// LinearWith is Linear with the columns extra appended to every row, left
// at zero for the caller to fill (inputs computed outside the Spec, such as
// a rule sheet's results), without copying the matrix.
func (s *Spec) LinearWith(d *Dataset, extra []ColumnInfo) (*Matrix, Warnings) {
	return s.LinearRowsWith(d, nil, extra)
}

// LinearRowsWith is LinearWith for the dataset rows rows only, in that
// order (nil: every row): row k of the matrix encodes dataset row
// rows[k], and the warnings count those rows.
func (s *Spec) LinearRowsWith(d *Dataset, rows []int, extra []ColumnInfo) (*Matrix, Warnings) {
	ix := s.index()
	n := d.Rows
	if rows != nil {
		n = len(rows)
	}
	m := NewMatrix(n, append(slices.Clone(ix.linear), extra...))
	w := s.encode(d, rows, m, ix.linOff, true)
	return m, w
}

// Tree encodes d for tree models: raw numbers with NaN for missing values,
// categories as integer codes (Levels order, then "other"; NaN missing).
// Columns are TreeColumns().
func (s *Spec) Tree(d *Dataset) (*Matrix, Warnings) { return s.TreeWith(d, nil) }

// TreeWith is Tree with the columns extra appended to every row, left at
// zero for the caller to fill (see LinearWith).
func (s *Spec) TreeWith(d *Dataset, extra []ColumnInfo) (*Matrix, Warnings) {
	ix := s.index()
	m := NewMatrix(d.Rows, append(slices.Clone(ix.tree), extra...))
	w := s.encode(d, nil, m, ix.treeOff, false)
	return m, w
}

// encode writes the dataset rows rows (nil: all) into m's rows 0, 1, ...
func (s *Spec) encode(d *Dataset, rows []int, m *Matrix, offs []int, linear bool) Warnings {
	ix := s.index()
	var w Warnings
	cols := m.Cols
	span := func(k, off, n int) []float64 { return m.Data[k*cols+off : k*cols+off+n] }
	row := func(k int) int {
		if rows == nil {
			return k
		}
		return rows[k]
	}
	for fi := range s.Features {
		f := &s.Features[fi]
		off := offs[fi]
		if !f.Categorical {
			get := d.numeric(f)
			missing, outside := 0, 0
			for k := 0; k < m.Rows; k++ {
				x := math.NaN()
				if get != nil {
					x = get(row(k))
				}
				if math.IsNaN(x) {
					missing++
				} else if f.outside(x) {
					outside++
				}
				if linear {
					f.encodeNum(x, ix.lo[fi], ix.hi[fi], span(k, off, 1+b2i(f.Missing)), nil)
				} else {
					f.encodeNum(x, ix.lo[fi], ix.hi[fi], nil, span(k, off, 1))
				}
			}
			if f.isField() && missing > 0 {
				w.imputed(f.Field, missing)
			}
			if outside > 0 {
				w.outOfRange(f.rangeField(), outside)
			}
			continue
		}
		g, ok := d.categorical(f)
		lv := make([]int32, len(g.names))
		isNew := make([]bool, len(g.names))
		for c, name := range g.names {
			lv[c], isNew[c] = ix.level(fi, name)
		}
		missing, unseen := 0, 0
		for k := 0; k < m.Rows; k++ {
			l := int32(-1)
			if ok {
				if c := g.code(row(k)); c >= 0 {
					l = lv[c]
					if isNew[c] {
						unseen++
					}
				}
			}
			if l == -1 {
				missing++
			}
			if linear {
				f.encodeCat(l, span(k, off, len(f.Levels)+2), nil)
			} else {
				f.encodeCat(l, nil, span(k, off, 1))
			}
		}
		if f.Field != "" && missing > 0 {
			w.imputed(f.Field, missing)
		}
		if unseen > 0 {
			w.unseen(f.Field, unseen)
		}
	}
	return w
}

func b2f(b bool) float64 {
	if b {
		return 1
	}
	return 0
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// maxStackKeys is the number of event keys TransformLead aggregates without
// allocating.
const maxStackKeys = 64

// MarkMissing marks as missing every field of l whose text is a
// missing-value marker of the Spec (Config.MissingValues, such as "Select",
// and the readers' defaults: "", "NA", "null", ...), in place, and returns
// how many it marked. Files read by datasets with the same markers are
// already marked; leads from the API or a form are not, and without this a
// raw "Select" would be scored as a category value of its own.
func (s *Spec) MarkMissing(l *Lead) int {
	ix := s.index()
	n := 0
	for name, v := range l.Fields {
		if v.Missing || v.Kind == datasets.KindNumber || v.Kind == datasets.KindBool || v.Kind == datasets.KindTime {
			continue
		}
		if ix.missing.Is(v.Str) {
			v.Missing = true
			l.Fields[name] = v
			n++
		}
	}
	return n
}

// TransformLead encodes one lead at l.Cutoff (the current time when zero)
// into lin (len(LinearColumns())) and tree (len(TreeColumns())); either may
// be nil to skip it. Only events strictly before the cutoff count. A field
// absent from l.Fields, marked Missing, or holding only white space is
// missing: it is imputed exactly as training imputed it and counted in the
// warnings (call MarkMissing first to treat marker values as missing too). It gives
// exactly the numbers Linear and Tree give for a Dataset row holding the same
// lead at the same cutoff, and allocates only for warnings.
func (s *Spec) TransformLead(l *Lead, lin, tree []float64) Warnings {
	var w Warnings
	s.TransformLeadInto(l, lin, tree, &w)
	return w
}

// TransformLeadInto is TransformLead writing the warnings into w, whose maps
// it empties and reuses, so scoring many leads does not allocate them anew.
func (s *Spec) TransformLeadInto(l *Lead, lin, tree []float64, w *Warnings) {
	clear(w.UnseenCategories)
	clear(w.ImputedMissing)
	clear(w.OutOfRange)
	ix := s.index()
	cut := l.Cutoff
	if cut.IsZero() {
		cut = time.Now()
	}
	cutNs := cut.UnixNano()
	var buf [maxStackKeys]aggState
	states := buf[:0]
	if ix.nkeys <= maxStackKeys {
		states = buf[:ix.nkeys]
	} else {
		states = make([]aggState, ix.nkeys)
	}
	var ex rowExtra
	var active [maxActiveDays / 64]uint64
	s.foldLead(ix, l, cutNs, states, &ex, active[:ix.fold.words])
	createdNs := datasets.MissingTime
	if !l.Created.IsZero() {
		createdNs = l.Created.UnixNano()
	}
	var tokBuf [256]byte
	var tokNorm []byte
	tokField := ""
	for fi := range s.Features {
		f := &s.Features[fi]
		var lo, to []float64
		if f.Categorical {
			var level int32 = -1
			var unseen bool
			switch f.Origin {
			case originHour, originWeekday:
				if c := timeCategory(f.Origin, createdNs); c >= 0 {
					name := hourNames
					if f.Origin == originWeekday {
						name = weekdayNames
					}
					level, unseen = ix.level(fi, name[c])
				}
			default:
				if str, ok := valueString(l.Fields[f.Field]); ok {
					level, unseen = ix.level(fi, str)
				}
			}
			if level == -1 {
				w.imputed(f.Field, 1)
			}
			if unseen {
				w.unseen(f.Field, 1)
			}
			if lin != nil {
				lo = lin[ix.linOff[fi] : ix.linOff[fi]+len(f.Levels)+2]
			}
			if tree != nil {
				to = tree[ix.treeOff[fi] : ix.treeOff[fi]+1]
			}
			f.encodeCat(level, lo, to)
			continue
		}
		var x float64
		if f.Origin == originToken {
			// The token features of a field are consecutive: its text is
			// normalised once.
			if f.Field != tokField {
				tokField, tokNorm = f.Field, tokBuf[:0]
				if str, ok := valueString(l.Fields[f.Field]); ok {
					tokNorm = appendTokenText(tokBuf[:0], str)
				}
			}
			x = b2f(hasToken(tokNorm, f.Key))
		} else {
			x = s.leadNumber(ix, fi, l, cutNs, createdNs, states, &ex, active[:ix.fold.words])
		}
		if math.IsNaN(x) {
			if f.isField() {
				w.imputed(f.Field, 1)
			}
		} else if f.outside(x) {
			w.outOfRange(f.rangeField(), 1)
		}
		if lin != nil {
			lo = lin[ix.linOff[fi] : ix.linOff[fi]+1+b2i(f.Missing)]
		}
		if tree != nil {
			to = tree[ix.treeOff[fi] : ix.treeOff[fi]+1]
		}
		f.encodeNum(x, ix.lo[fi], ix.hi[fi], lo, to)
	}
}

// foldLead aggregates the lead's events strictly before cutNs.
func (s *Spec) foldLead(ix *specIndex, l *Lead, cutNs int64, states []aggState, ex *rowExtra, active []uint64) {
	f := &ix.fold
	pvType := s.Config.Events.PageViewType
	for ei := range l.Events {
		e := &l.Events[ei]
		t := e.Time.UnixNano()
		if t >= cutNs {
			continue
		}
		age := cutNs - t
		wt := f.weight(age)
		f.add(&ex.all, t, age, wt)
		if f.words > 0 {
			f.markActive(active, age)
		}
		email, sig := emailNone, sigNone
		pageView := false
		var tc typeInfo
		tcOK := false
		if e.Type != "" {
			if tc, tcOK = ix.typeClass[e.Type]; tcOK {
				email, pageView = int(tc.email), tc.pageView
				f.add(&states[tc.key], t, age, wt)
			} else {
				email = emailClass(e.Type)
				pageView = strings.EqualFold(e.Type, pvType)
			}
		}
		page, pageKnown := "", false
		for a, name := range s.EventAttrs {
			v, ok := e.Attrs[name]
			if !ok {
				continue
			}
			if a == ix.pageAttr {
				if pageView {
					page = v
					if k, ok := ix.pageKey[v]; ok {
						f.add(&states[k], t, age, wt)
						pageKnown = true
					}
				}
				continue
			}
			if k, ok := ix.attrKey[a][v]; ok {
				f.add(&states[k], t, age, wt)
			}
		}
		if e.Type != "" {
			if tcOK && (tc.sig != sigNone || !pageView || page == "") {
				sig = int(tc.sig)
			} else if tcOK && pageKnown {
				// A known type without a signal of its own: a page view
				// of a page seen in training, classified then.
				if ix.careerPage[page] {
					sig = sigCareers
				}
			} else {
				sig = signalClass(e.Type, page, pageView)
			}
		}
		if email != emailNone {
			ex.email[email]++
		}
		if sig != sigNone {
			ex.sig[sig]++
		}
	}
}

// leadNumber is the raw numeric value of feature fi for a single lead.
func (s *Spec) leadNumber(ix *specIndex, fi int, l *Lead, cutNs, createdNs int64, states []aggState, ex *rowExtra, active []uint64) float64 {
	f := &s.Features[fi]
	switch f.Origin {
	case originField:
		return valueNumber(l.Fields[f.Field])
	case originFieldTime:
		return daysBefore(valueTime(l.Fields[f.Field]), cutNs)
	case originAge:
		return daysBefore(createdNs, cutNs)
	case originEvent:
		if f.Agg == aggCount && ix.featWin[fi] < 0 {
			return 0
		}
		return ix.fold.value(&states[ix.featKey[fi]], f.Agg, ix.featWin[fi], cutNs)
	case originAll:
		if f.Agg == aggCount && ix.featWin[fi] < 0 {
			return 0
		}
		return ix.fold.value(&ex.all, f.Agg, ix.featWin[fi], cutNs)
	case originActive:
		return activeCount(active)
	case originOpenRate:
		return emailRate(ex.email[emailOpen], ex.email[emailSent])
	case originClickRate:
		return emailRate(ex.email[emailClk], ex.email[emailOpen])
	case originSignal:
		return signalValue(ex.sig[f.Signal])
	}
	return math.NaN()
}

// FieldInfo describes one lead field a Spec reads, for input forms and
// validation.
type FieldInfo struct {
	// Name is the lead column.
	Name string `json:"name"`
	// Kind is the column's kind in training.
	Kind datasets.Kind `json:"kind"`
	// Required fields were never missing in training.
	Required bool `json:"required"`
	// Categories are the known values of a category, most frequent first.
	Categories []string `json:"categories,omitempty"`
}

// Fields lists the lead fields the Spec reads, in feature order.
func (s *Spec) Fields() []FieldInfo {
	var out []FieldInfo
	seen := map[string]int{}
	for _, f := range s.Features {
		if f.Field == "" {
			continue
		}
		info := FieldInfo{Name: f.Field, Kind: f.Kind, Required: f.Required}
		if f.isField() && f.Categorical {
			info.Categories = slices.Clone(f.Levels)
		}
		if j, ok := seen[f.Field]; ok {
			out[j].Required = out[j].Required || info.Required
			continue
		}
		seen[f.Field] = len(out)
		out = append(out, info)
	}
	return out
}

// Required lists the lead fields that scoring data must have: those never
// missing in training. Other fields (and the creation time) may be absent:
// they are imputed and counted in Warnings.
func (s *Spec) Required() []string {
	var out []string
	for _, f := range s.Fields() {
		if f.Required {
			out = append(out, f.Name)
		}
	}
	return out
}

// CheckTable returns an error listing every required field missing from t,
// each with the column of t it may have been meant to be (a case, spacing
// or spelling slip).
func (s *Spec) CheckTable(t *datasets.Table) error {
	var missing []string
	for _, name := range s.Required() {
		if t.Col(name) == nil {
			missing = append(missing, name)
		}
	}
	if len(missing) > 0 {
		return fmt.Errorf("%s: missing required columns %q%s: the model was trained with them and cannot impute them; add them to the scoring data (columns are %q)", t.Source, missing, suggestions(missing, t.Names()), t.Names())
	}
	return nil
}

// AbsentColumns lists the optional lead fields the Spec reads that t has no
// column for: scoring imputes them for every row (as a missing value), which
// can change the scores, so callers warn about them.
func (s *Spec) AbsentColumns(t *datasets.Table) []string {
	var out []string
	for _, f := range s.Fields() {
		if !f.Required && t.Col(f.Name) == nil {
			out = append(out, f.Name)
		}
	}
	return out
}

// suggestions returns " (did you mean ...?)" naming, for each of names, the
// column that is a likely case, spacing or spelling slip for it, or "" when
// none is.
func suggestions(names, columns []string) string {
	var parts []string
	for _, n := range names {
		if sg := datasets.Suggest(n, columns); sg != "" {
			parts = append(parts, fmt.Sprintf("%q for %q", sg, n))
		}
	}
	if len(parts) == 0 {
		return ""
	}
	return " (did you mean " + strings.Join(parts, ", ") + "?)"
}

// Check returns an error listing every required field missing from the
// leads table of d.
func (s *Spec) Check(d *Dataset) error { return s.CheckTable(d.Leads) }
