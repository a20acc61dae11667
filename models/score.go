package models

import (
	"fmt"
	"math"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/leadscore/leadscore/features"
	"github.com/leadscore/leadscore/models/rules"
)

// ExplainAll asks Score for the contribution of every source field.
const ExplainAll = -1

// ScoreOptions says what Score returns besides the champion's probability.
type ScoreOptions struct {
	// Explain is how many positive and how many negative contributions to
	// return (0 none, ExplainAll every field, which then add up exactly:
	// BaseValue + sum of contributions = Raw).
	Explain int
	// AllModels adds every model's calibrated probability.
	AllModels bool
	// Sheet, when set, is the rule sheet whose result Result.Rules carries
	// instead of the bundle's own (to compare another sheet with the
	// model). The bundle's rules model, calibrated on its own sheet, still
	// scores with that sheet.
	Sheet *rules.Sheet
}

// Warning codes: what the scoring path had to repair or could not use.
const (
	// WarnMissingImputed: a field was absent, null, empty or a
	// missing-value marker, and was imputed as in training.
	WarnMissingImputed = "missing_imputed"
	// WarnUnseenCategory: a category value never seen in training, scored
	// as "other".
	WarnUnseenCategory = "unseen_category"
	// WarnUnknownField: a field none of the models reads (the rule sheet
	// may still read it).
	WarnUnknownField = "unknown_field"
	// WarnOutOfRange: a number outside the range training saw, on a lead
	// field, on "lead_age" (a lead older or younger than any training
	// snapshot), on "event:KEY" (an event aggregate) or on a derived
	// feature: the score extrapolates. The logistic model bounds the value
	// as the Spec's OutOfRange says (clip, widened or none, chosen in
	// training); the trees treat it as the range's edge.
	WarnOutOfRange = "out_of_range"
)

// Warning is one structured warning of a score: a code from the Warn
// constants, the lead field it concerns and a message for people. It
// names fields, never a lead's values.
type Warning struct {
	Code    string `json:"code"`
	Field   string `json:"field,omitempty"`
	Message string `json:"message"`
}

// CreatedAfterError is returned for a lead scored at a moment before it
// was created: nothing can be known of it yet. Files give such rows this
// error too (ScoreInputs), so every entry point refuses the same leads.
type CreatedAfterError struct {
	LeadID          string
	Created, Cutoff time.Time
}

func (e *CreatedAfterError) Error() string {
	return fmt.Sprintf("lead %s was created after the scoring time (created %s, scored as of %s)", e.LeadID, e.Created.UTC().Format(time.RFC3339), e.Cutoff.UTC().Format(time.RFC3339))
}

// MissingFieldsError is returned for a lead that lacks fields the model
// requires (fields never missing in training): all of them at once.
type MissingFieldsError = features.MissingFieldsError

// InvalidFieldsError is returned for a lead with text that is not a number
// in fields the model reads as numbers: all of them at once.
type InvalidFieldsError = features.InvalidFieldsError

// ModelRef names the model version a score came from.
type ModelRef struct {
	Name    string `json:"name"`
	Version string `json:"version"`
}

// Contribution is one source field's share of the champion's raw score
// (log-odds for logistic and gbm, points for rules) relative to the average
// training lead.
type Contribution struct {
	Feature      string  `json:"feature"`
	Value        string  `json:"value"`
	Contribution float64 `json:"contribution"`
}

// Explanation says why a lead got its score: BaseValue is the average training
// lead's raw score, Raw this lead's, and Contributions the fields that moved
// it, largest first.
type Explanation struct {
	BaseValue     float64        `json:"base_value"`
	Raw           float64        `json:"raw"`
	Contributions []Contribution `json:"contributions"`
}

// Result is one scored lead.
type Result struct {
	LeadID      string   `json:"lead_id"`
	Model       ModelRef `json:"model"`
	Probability float64  `json:"probability"`
	Score       int      `json:"score"`
	Percentile  float64  `json:"percentile"`
	Grade       string   `json:"grade"`
	Tier        string   `json:"tier"`
	// Fit and Engagement split the champion's raw score by what the lead
	// is and what it does: BaseValue + Fit.Value + Engagement.Value = Raw
	// (for the rule sheet: fit points + engagement points + ungrouped
	// points = points), each ranked among the training leads, and
	// FitEngagementGrade places the lead on the rule sheet's A1-D3 matrix
	// by those two ranks. Bundles trained before the split was recorded
	// have none of the three.
	Fit                *Part         `json:"fit,omitempty"`
	Engagement         *Part         `json:"engagement,omitempty"`
	FitEngagementGrade string        `json:"fit_engagement_grade,omitempty"`
	Rules              *rules.Result `json:"rules,omitempty"`
	// RulesProbability is the bundle's own rule sheet's calibrated
	// probability (the rules model's calibrator applied to the sheet's
	// points), NaN for a bundle without a rule sheet. The prediction log
	// keeps it so that outcome monitoring judges the rule sheet's
	// calibration; the API answer carries it only among Probabilities.
	RulesProbability float64            `json:"-"`
	Explanation      *Explanation       `json:"explanation,omitempty"`
	Probabilities    map[string]float64 `json:"probabilities,omitempty"`
	Warnings         []Warning          `json:"warnings,omitempty"`
}

// Scorer scores leads with one bundle. It holds scratch buffers, so a Scorer
// must not be used by two goroutines at once; make one per goroutine with
// Bundle.NewScorer (cheap).
type Scorer struct {
	b          *Bundle
	linCols    []features.ColumnInfo
	treeCols   []features.ColumnInfo
	lin, tree  []float64
	contrib    []float64
	bySource   map[string]float64 // rule points by rule (rules champion)
	sourceCols map[string]int
	// Sources of the encoded columns: linSrc[j] and treeSrc[j] index
	// sources, whose sums explain adds up in srcSum.
	sources         []string
	linSrc, treeSrc []int32
	srcSum          []float64
	cands           []Contribution // scratch of explain
	linUsed         []bool         // sources of some linear column
	treeUsed        []bool         // sources of some tree column
	expl            Explanation    // reused by ScoreInto
	warn            features.Warnings
	messages        map[[2]string]string // cached warning messages by code and field
	rules           rules.Result         // reused by ScoreInto
	ownRules        rules.Result         // the bundle's sheet, when opt.Sheet replaces it
	fields          []string             // scratch for sorting warning fields
	// linGrp and treeGrp are the score axis (0 fit, 1 engagement) of each
	// encoded column; base is the champion's base value of the lead last
	// scored, whose contributions contrib holds.
	linGrp, treeGrp  []int8
	base             float64
	fitPart, engPart Part // reused by ScoreInto
	// shap, when set, holds the GBM's TreeSHAP values of the next lead
	// explained (and shapBase its expected margin), computed in a batch by
	// ScoreAll: bit for bit what explain would compute.
	shap     []float64
	shapBase float64
}

// NewScorer returns a Scorer for b.
func (b *Bundle) NewScorer() *Scorer {
	s := &Scorer{
		b:        b,
		linCols:  b.LinearColumns(),
		treeCols: b.TreeColumns(),
		bySource: make(map[string]float64),
	}
	s.lin = make([]float64, len(s.linCols))
	s.tree = make([]float64, len(s.treeCols))
	s.contrib = make([]float64, max(len(s.lin), len(s.tree)))
	s.sourceCols = make(map[string]int)
	for j, c := range s.treeCols {
		if _, ok := s.sourceCols[c.Source]; !ok {
			s.sourceCols[c.Source] = j
		}
	}
	index := make(map[string]int32)
	src := func(cols []features.ColumnInfo) []int32 {
		out := make([]int32, len(cols))
		for j, c := range cols {
			i, ok := index[c.Source]
			if !ok {
				i = int32(len(s.sources))
				index[c.Source] = i
				s.sources = append(s.sources, c.Source)
			}
			out[j] = i
		}
		return out
	}
	s.linSrc, s.treeSrc = src(s.linCols), src(s.treeCols)
	s.srcSum = make([]float64, len(s.sources))
	used := func(srcOf []int32) []bool {
		u := make([]bool, len(s.sources))
		for _, i := range srcOf {
			u[i] = true
		}
		return u
	}
	s.linUsed, s.treeUsed = used(s.linSrc), used(s.treeSrc)
	s.linGrp, s.treeGrp = columnGroups(s.linCols), columnGroups(s.treeCols)
	return s
}

// Raw returns the named model's raw score for a lead whose encoded rows the
// Scorer currently holds: log-odds for logistic and gbm, points for rules.
func (s *Scorer) raw(name string, rr *rules.Result) float64 {
	switch name {
	case Rules:
		return rr.Points
	case Logistic:
		return s.b.Logistic.Margin(s.lin)
	case GBM:
		return s.b.GBM.Margin(s.tree)
	}
	return math.NaN()
}

// Score scores one lead at its Cutoff: the champion's calibrated probability,
// the 1-99 score, percentile, tier and grade, the rule sheet's result and, as
// asked, the explanation and every model's probability. This is the one
// scoring path: files, the API, the dashboard, comparisons and backtests
// all score through it (ScoreRows and ScoreDataset run it over tables).
//
// l holds the lead's raw fields and events as any source gives them. Field
// values that are the bundle's missing-value markers (such as "Select")
// are marked missing in l.Fields, in place. A field that is absent, null,
// empty or a marker is missing: it is imputed as training imputed it, with
// a missing_imputed warning, unless the model requires it (it was never
// missing in training): then Score returns a *MissingFieldsError naming
// every required field the lead lacks. Text that is not a number in a
// field the model reads as a number is an *InvalidFieldsError.
func (s *Scorer) Score(l *features.Lead, opt ScoreOptions) (*Result, error) {
	res := new(Result)
	if err := s.score(l, opt, res, false); err != nil {
		return nil, err
	}
	return res, nil
}

// ScoreInto is Score writing into res for callers that score many leads and
// use each result before the next: res.Rules, res.Fit and res.Engagement
// point into the Scorer and res.Warnings reuses its capacity, so all are
// valid only until the Scorer's next ScoreInto.
func (s *Scorer) ScoreInto(l *features.Lead, opt ScoreOptions, res *Result) error {
	return s.score(l, opt, res, true)
}

func (s *Scorer) score(l *features.Lead, opt ScoreOptions, res *Result, reuse bool) error {
	b := s.b
	champ := b.Scoring.Champion
	if cut := l.Cutoff; !l.Created.IsZero() && !cut.IsZero() && l.Created.After(cut) {
		return &CreatedAfterError{LeadID: l.ID, Created: l.Created, Cutoff: cut}
	}
	b.Spec.MarkMissing(l)
	if err := b.Spec.Validate(l); err != nil {
		return err
	}
	// Encode only what the models asked for read: the linear encoding
	// (log transforms, standardisation, one-hot) is skipped when the
	// champion is the GBM and no other probability is wanted.
	var lin, tree []float64
	if opt.AllModels || champ == Logistic {
		lin = s.lin
	}
	if opt.AllModels || champ == GBM {
		tree = s.tree
	}
	if opt.Explain != 0 {
		tree = s.tree // the explanation shows values of derived features
	}
	b.Spec.TransformLeadInto(l, lin, tree, &s.warn)
	warnings := res.Warnings[:0]
	if !reuse {
		warnings = nil
	}
	*res = Result{
		LeadID:   l.ID,
		Model:    ModelRef{Name: champ, Version: b.Manifest.Version},
		Warnings: s.appendWarnings(warnings, &s.warn),

		RulesProbability: math.NaN(),
	}
	// rr is the bundle's sheet's result (the rules model's raw score);
	// Result.Rules is opt.Sheet's when given.
	var rr *rules.Result
	if b.Rules != nil || opt.Sheet != nil {
		var shown *rules.Result
		if reuse {
			shown = &s.rules
		} else {
			shown = new(rules.Result)
		}
		sheet := b.Rules
		if opt.Sheet != nil {
			sheet = opt.Sheet
		}
		sheet.EvaluateInto(l, shown)
		res.Rules = shown
		rr = shown
		if opt.Sheet != nil && b.Rules != nil {
			rr = &s.ownRules
			if !reuse {
				rr = new(rules.Result)
			}
			b.Rules.EvaluateInto(l, rr)
		}
	}
	if ri := b.RuleInputs; ri != nil {
		// The models' rule inputs come from the bundle's own sheet at the
		// lead's cutoff, like every feature.
		var lo, to []float64
		if lin != nil {
			lo = lin[len(lin)-ri.Len():]
		}
		if tree != nil {
			to = tree[len(tree)-ri.Len():]
		}
		ri.Encode(rr, lo, to)
	}
	if b.Rules != nil && rr != nil && b.Calibrators[Rules] != nil {
		res.RulesProbability = b.Calibrators[Rules].Apply(rr.Points)
	}
	raw := s.raw(champ, rr)
	if math.IsNaN(raw) || math.IsInf(raw, 0) {
		return fmt.Errorf("lead %s: model %s produced no score", l.ID, champ)
	}
	p := b.Calibrators[champ].Apply(raw)
	res.Probability = p
	res.Score = ScoreOf(p)
	res.Percentile = round2(b.Scoring.Percentile(champ, p))
	res.Tier = b.Scoring.Tier(p)
	res.Grade = b.Scoring.Grade(res.Score)
	if b.Scoring.Parts[champ] != nil {
		var fit, eng float64
		if champ == Rules {
			fit, eng, s.base = rulesParts(rr)
		} else {
			fit, eng = s.contributions(champ)
		}
		fp, ep := &s.fitPart, &s.engPart
		if !reuse {
			fp, ep = new(Part), new(Part)
		}
		fpct, epct := b.Scoring.PartPercentiles(champ, fit, eng)
		*fp, *ep = Part{Value: fit, Percentile: fpct}, Part{Value: eng, Percentile: epct}
		res.Fit, res.Engagement = fp, ep
		res.FitEngagementGrade = FitEngagementGrade(fp.Percentile, ep.Percentile)
	}
	if opt.AllModels {
		res.Probabilities = make(map[string]float64, 3)
		for _, n := range b.Models() {
			res.Probabilities[n] = b.Calibrators[n].Apply(s.raw(n, rr))
		}
	}
	if opt.Explain != 0 {
		if res.Fit == nil && champ != Rules {
			s.contributions(champ)
		}
		res.Explanation = s.explain(l, champ, raw, rr, opt.Explain, reuse)
	}
	return nil
}

// contributions computes the logistic or gbm champion's contribution of
// every encoded column of the lead the Scorer holds into s.contrib and its
// base value into s.base (the GBM's from the batch's TreeSHAP values when
// ScoreRows computed them), and returns their sums over the fit and the
// engagement columns: s.base + fit + eng is the champion's margin.
func (s *Scorer) contributions(champ string) (fit, eng float64) {
	b := s.b
	if champ == Logistic {
		out := s.contrib[:len(s.lin)]
		s.base = b.Logistic.Contributions(s.lin, out)
		return splitParts(out, s.linGrp)
	}
	out := s.contrib[:len(s.tree)]
	if s.shap != nil {
		copy(out, s.shap)
		s.base = s.shapBase
	} else {
		s.base = b.GBM.SHAP(s.tree, out)
	}
	return splitParts(out, s.treeGrp)
}

// appendWarnings appends Warnings(*w) to dst, reusing the messages already
// built for the same field.
func (s *Scorer) appendWarnings(dst []Warning, w *features.Warnings) []Warning {
	if w.Empty() {
		return dst
	}
	if s.messages == nil {
		s.messages = make(map[[2]string]string)
	}
	add := func(code string, m map[string]int) {
		s.fields = s.fields[:0]
		for f := range m {
			s.fields = append(s.fields, f)
		}
		sort.Strings(s.fields)
		for _, f := range s.fields {
			msg, ok := s.messages[[2]string{code, f}]
			if !ok {
				msg = warningMessage(code, f)
				if len(s.messages) < 1024 {
					s.messages[[2]string{code, f}] = msg
				}
			}
			dst = append(dst, Warning{Code: code, Field: f, Message: msg})
		}
	}
	add(WarnUnseenCategory, w.UnseenCategories)
	add(WarnMissingImputed, w.ImputedMissing)
	add(WarnOutOfRange, w.OutOfRange)
	return dst
}

func warningMessage(code, field string) string {
	switch code {
	case WarnUnseenCategory:
		return fmt.Sprintf("field %q: value not seen in training, scored as \"other\"", field)
	case WarnUnknownField:
		return fmt.Sprintf("unknown field %q: not one of the model's features", field)
	case WarnOutOfRange:
		return fmt.Sprintf("%q: outside the range seen in training, so the score extrapolates (the logistic model clips it to that range, or to a widened one, or not at all, as the bundle's out_of_range setting says; the trees treat it as the range's edge)", field)
	}
	return fmt.Sprintf("field %q: missing, imputed as in training", field)
}

// UnknownField is the warning for a lead field none of the models reads.
func UnknownField(field string) Warning {
	return Warning{Code: WarnUnknownField, Field: field, Message: warningMessage(WarnUnknownField, field)}
}

// ScoreOf maps a calibrated probability to the 1-99 score: p x 100, rounded,
// clipped to 1..99.
func ScoreOf(p float64) int {
	v := int(math.Round(p * 100))
	return min(99, max(1, v))
}

// Tier returns "hot", "warm" or "cold" for a calibrated probability.
func (s *Scoring) Tier(p float64) string {
	switch {
	case p >= s.HotThreshold:
		return "hot"
	case p >= s.WarmThreshold:
		return "warm"
	}
	return "cold"
}

// Grade returns "A" to "D" for a 1-99 score.
func (s *Scoring) Grade(score int) string {
	for i, g := range []string{"A", "B", "C"} {
		if score >= s.GradeScores[i] {
			return g
		}
	}
	return "D"
}

func round2(x float64) float64 { return math.Round(x*100) / 100 }

// explain computes the champion's per-source-field contributions. With
// reuse the Explanation and its Contributions are the Scorer's own, valid
// until its next explain.
func (s *Scorer) explain(l *features.Lead, champ string, raw float64, rr *rules.Result, k int, reuse bool) *Explanation {
	ex := &Explanation{}
	if reuse {
		ex = &s.expl
		*ex = Explanation{Contributions: s.expl.Contributions[:0]}
	}
	ex.Raw = raw
	cands := s.cands[:0]
	switch champ {
	case Rules:
		clear(s.bySource)
		for _, f := range rr.Fired {
			s.bySource[f.Rule] += f.Points
		}
		for src, v := range s.bySource {
			cands = append(cands, Contribution{Feature: src, Contribution: v})
		}
		ex.BaseValue = 0
	case Logistic, GBM:
		var out []float64
		var srcOf []int32
		// score computed the contributions (contributions) already.
		if champ == Logistic {
			out, srcOf = s.contrib[:len(s.lin)], s.linSrc
		} else {
			out, srcOf = s.contrib[:len(s.tree)], s.treeSrc
		}
		ex.BaseValue = s.base
		clear(s.srcSum)
		used := s.treeUsed // the sources of this model's columns
		if champ == Logistic {
			used = s.linUsed
		}
		for j, v := range out {
			s.srcSum[srcOf[j]] += v
		}
		for i, v := range s.srcSum {
			if used[i] {
				cands = append(cands, Contribution{Feature: s.sources[i], Contribution: v})
			}
		}
	}
	s.cands = cands
	dst := selectContributions(ex.Contributions[:0], cands, k)
	for i := range dst {
		dst[i].Value = s.valueOf(l, dst[i].Feature, champ)
	}
	if dst == nil {
		dst = []Contribution{} // "contributions": [], never null
	}
	ex.Contributions = dst // with reuse, ex is s.expl: its capacity is kept
	return ex
}

// selectContributions appends to dst the contributions an explanation
// returns: with ExplainAll all of cands, largest first; else the k largest
// positive ones, largest first, then the k most negative, most negative
// first. Ties go by feature name, so the order never depends on map order.
// It reorders cands.
func selectContributions(dst, cands []Contribution, k int) []Contribution {
	byContribution := func(a, b Contribution) int {
		switch {
		case a.Contribution > b.Contribution:
			return -1
		case a.Contribution < b.Contribution:
			return 1
		}
		return strings.Compare(a.Feature, b.Feature)
	}
	if k == ExplainAll {
		slices.SortFunc(cands, byContribution)
		return append(dst, cands...)
	}
	// Select, then keep only the few selected in order.
	start := len(dst)
	for _, c := range cands {
		if c.Contribution > 0 {
			dst = insertTop(dst, start, k, c, false)
		}
	}
	mid := len(dst)
	for _, c := range cands {
		if c.Contribution < 0 {
			dst = insertTop(dst, mid, k, c, true)
		}
	}
	return dst
}

// before reports whether a comes before b among the largest contributions
// (or, with neg, among the most negative): by size, then by name (reversed
// for neg, as the most negative are the end of the largest-first order).
func before(a, b Contribution, neg bool) bool {
	if a.Contribution != b.Contribution {
		return a.Contribution > b.Contribution != neg
	}
	return a.Feature < b.Feature != neg
}

// insertTop keeps dst[start:] the k first elements (see before) seen so
// far, in order, inserting c if it belongs there.
func insertTop(dst []Contribution, start, k int, c Contribution, neg bool) []Contribution {
	top := dst[start:]
	i := len(top)
	for i > 0 && before(c, top[i-1], neg) {
		i--
	}
	if i >= k {
		return dst
	}
	if len(top) < k {
		dst = append(dst, Contribution{})
		top = dst[start:]
	}
	copy(top[i+1:], top[i:len(top)-1])
	top[i] = c
	return dst
}

// valueOf shows the lead's value of a source field as text: the field as given
// for lead fields, the computed number for derived features (event counts,
// lead age), the fired count for a rule.
func (s *Scorer) valueOf(l *features.Lead, src, champ string) string {
	if champ == Rules {
		return "fired"
	}
	if v, ok := l.Fields[src]; ok {
		return formatValue(v)
	}
	if j, ok := s.sourceCols[src]; ok {
		x := s.tree[j]
		if math.IsNaN(x) {
			return ""
		}
		return strconv.FormatFloat(x, 'g', 6, 64)
	}
	return ""
}

func formatValue(v features.Value) string {
	if v.Missing {
		return ""
	}
	switch {
	case v.Str != "":
		return v.Str
	case !v.Time.IsZero():
		return v.Time.UTC().Format("2006-01-02T15:04:05Z")
	}
	return strconv.FormatFloat(v.Num, 'g', -1, 64)
}

// Warnings turns the feature encoder's repair counts into structured
// warnings, fields sorted by name within each code. They name fields,
// never a lead's values.
func Warnings(w features.Warnings) []Warning {
	if w.Empty() {
		return nil
	}
	var out []Warning
	for _, f := range sortedKeys(w.UnseenCategories) {
		out = append(out, Warning{Code: WarnUnseenCategory, Field: f, Message: warningMessage(WarnUnseenCategory, f)})
	}
	for _, f := range sortedKeys(w.ImputedMissing) {
		out = append(out, Warning{Code: WarnMissingImputed, Field: f, Message: warningMessage(WarnMissingImputed, f)})
	}
	for _, f := range sortedKeys(w.OutOfRange) {
		out = append(out, Warning{Code: WarnOutOfRange, Field: f, Message: warningMessage(WarnOutOfRange, f)})
	}
	return out
}

func sortedKeys(m map[string]int) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
