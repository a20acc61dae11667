package backtest

import (
	"context"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"sort"
	"time"

	"github.com/leadscore/leadscore/datasets"
	"github.com/leadscore/leadscore/features"
	"github.com/leadscore/leadscore/models"
	"github.com/leadscore/leadscore/models/calibrate"
	"github.com/leadscore/leadscore/models/rules"
	"github.com/leadscore/leadscore/training/htmlreport"
)

// CompareOptions say which leads to score with which bundle.
type CompareOptions struct {
	// Model is the bundle directory.
	Model string
	// In is the leads file; Events its activity; Outcomes the closed-won
	// file (leads are then evaluated at their first snapshot). Target is the
	// 0/1 column of flat leads. Without Outcomes or Target the leads are
	// scored at AsOf and only counted.
	In, Events, Outcomes, Target string
	Read                         datasets.ReadOptions
	// RulesFile replaces the bundle's rule sheet.
	RulesFile string
	// AsOf is the scoring moment of unlabelled leads (zero: now).
	AsOf time.Time
	// Capacity is the number of leads sales can work per week; Precision a
	// target conversion rate among the leads passed to sales. Zero: no
	// advice of that kind.
	Capacity, Precision float64
	// Top is the number of disagreements listed each way (default 10).
	Top     int
	Seed    int64
	Threads int
}

// Comparison is the same leads under the rule sheet and the predictive
// model, as written to report.json.
type Comparison struct {
	SchemaVersion int       `json:"schema_version"`
	Kind          string    `json:"kind"`
	CreatedAt     time.Time `json:"created_at"`
	Bundle        string    `json:"bundle_version"`
	Champion      string    `json:"champion"`
	RuleSheet     string    `json:"rule_sheet"`
	Input         []string  `json:"files"`
	// Leads scored; Errors could not be scored; Labelled says whether
	// outcomes are known; Conversions among the scored leads.
	Leads       int    `json:"leads"`
	Errors      int    `json:"errors"`
	Labelled    bool   `json:"labelled"`
	Conversions int    `json:"conversions"`
	ScoredAt    string `json:"scored_at"`
	// Weeks is the span of lead creation the per-week figures divide by.
	Weeks         htmlreport.Float `json:"weeks"`
	CrossTab      CrossTab         `json:"crosstab"`
	Disagreements []Disagreement   `json:"disagreements"`
	Rules         []RuleStat       `json:"rules"`
	// PointsScale is the sheet points per unit of log-odds behind
	// SuggestedPoints.
	PointsScale  htmlreport.Float `json:"points_per_log_odds"`
	SuggestNote  string           `json:"suggest_note,omitempty"`
	Thresholds   []Threshold      `json:"thresholds,omitempty"`
	Eval         *Evaluation      `json:"evaluation,omitempty"`
	Curves       []Curve          `json:"curves,omitempty"`
	Distribution *Distribution    `json:"score_distribution,omitempty"`
	Summary      []string         `json:"summary"`

	sheetYAML []byte
}

// CrossTab counts leads by rules tier (rows) and model tier (columns);
// Rates are conversion rates where outcomes are known (null otherwise).
type CrossTab struct {
	RulesTiers  []string             `json:"rules_tiers"`
	ModelTiers  []string             `json:"model_tiers"`
	Counts      [][]int              `json:"counts"`
	Conversions [][]int              `json:"conversions"`
	Rates       [][]htmlreport.Float `json:"conversion_rates"`
}

// Disagreement is a lead the two scores see very differently.
type Disagreement struct {
	Kind        string                `json:"kind"`
	LeadID      string                `json:"lead_id"`
	Probability htmlreport.Float      `json:"probability"`
	Score       int                   `json:"score"`
	ModelTier   string                `json:"model_tier"`
	RulesPoints htmlreport.Float      `json:"rules_points"`
	RulesTier   string                `json:"rules_tier"`
	Converted   *bool                 `json:"converted,omitempty"`
	Reasons     []models.Contribution `json:"model_reasons"`
	Fired       []rules.Fired         `json:"fired_rules"`
}

// RuleStat is how one rule of the sheet behaves on the leads.
type RuleStat struct {
	Rule       string           `json:"rule"`
	Group      string           `json:"group,omitempty"`
	Points     htmlreport.Float `json:"points"`
	Disqualify bool             `json:"disqualify,omitempty"`
	Fires      int              `json:"fires"`
	FireShare  htmlreport.Float `json:"fire_share"`
	// RateFired and RateNotFired are conversion rates (null unlabelled).
	RateFired    htmlreport.Float `json:"conversion_rate_fired"`
	RateNotFired htmlreport.Float `json:"conversion_rate_not_fired"`
	// LogOdds is the rule's fitted effect; SuggestedPoints the points the
	// data suggests on the sheet's scale (the sheet's own when not fitted).
	LogOdds         htmlreport.Float `json:"log_odds"`
	SuggestedPoints htmlreport.Float `json:"suggested_points"`
	Fitted          bool             `json:"fitted"`
}

// Threshold is one piece of threshold advice.
type Threshold struct {
	Goal  string `json:"goal"`
	Model string `json:"model"`
	// Threshold is a probability for the model, points for the rule sheet;
	// Score is the model threshold as a 1-99 score.
	Threshold    htmlreport.Float `json:"threshold"`
	Score        int              `json:"score,omitempty"`
	LeadsPerWeek htmlreport.Float `json:"leads_per_week"`
	// Conversions are expected per week among the selected leads; Capture
	// is their share of all conversions; Precision their conversion rate.
	ConversionsPerWeek htmlreport.Float `json:"conversions_per_week"`
	Capture            htmlreport.Float `json:"capture"`
	Precision          htmlreport.Float `json:"precision"`
	Basis              string           `json:"basis"`
	Achievable         bool             `json:"achievable"`
}

// scoredLead is one lead under both scores.
type scoredLead struct {
	row   int
	res   *models.Result
	rr    rules.Result
	label float64 // NaN unknown
}

// Compare scores the leads of opt.In with the bundle's champion and its
// rule sheet and sets the two side by side.
func Compare(ctx context.Context, opt CompareOptions) (*Comparison, error) {
	if opt.Top <= 0 {
		opt.Top = 10
	}
	if opt.Threads <= 0 {
		opt.Threads = runtime.GOMAXPROCS(0)
	}
	if opt.Seed == 0 {
		opt.Seed = 1
	}
	b, err := models.Load(opt.Model)
	if err != nil {
		return nil, fmt.Errorf("compare: %w", err)
	}
	sheet, sheetYAML := b.Rules, b.RulesYAML
	sheetName := "the bundle's rule sheet"
	if opt.RulesFile != "" {
		if sheetYAML, err = os.ReadFile(opt.RulesFile); err != nil {
			return nil, fmt.Errorf("compare: read rule sheet: %w", err)
		}
		if sheet, err = rules.Parse(sheetYAML, opt.RulesFile); err != nil {
			return nil, fmt.Errorf("compare: %w", err)
		}
		sheetName = filepath.Base(opt.RulesFile)
	}
	if sheet == nil {
		return nil, errors.New("compare: the bundle has no rule sheet: pass --rules FILE, or train with --rules")
	}
	ds, labelled, scoredAt, err := compareDataset(b, opt)
	if err != nil {
		return nil, fmt.Errorf("compare: %w", err)
	}
	rows := firstRows(ds)
	leads, nerr := scoreLeads(b, sheet, ds, rows, opt.Threads)
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if len(leads) == 0 {
		return nil, fmt.Errorf("compare: no lead could be scored (%d errors)", nerr)
	}
	c := &Comparison{
		SchemaVersion: SchemaVersion, Kind: "compare", CreatedAt: time.Now().UTC(),
		Bundle: b.Manifest.Version, Champion: b.Scoring.Champion, RuleSheet: sheetName,
		Leads: len(leads), Errors: nerr, Labelled: labelled, ScoredAt: scoredAt, sheetYAML: sheetYAML,
	}
	for _, f := range []string{opt.In, opt.Events, opt.Outcomes} {
		if f != "" {
			c.Input = append(c.Input, filepath.Base(f))
		}
	}
	for _, l := range leads {
		if l.label == 1 {
			c.Conversions++
		}
	}
	c.Weeks = htmlreport.Float(weeksSpanned(ds, rows))
	c.CrossTab = crossTab(leads, labelled)
	c.Disagreements = disagreements(leads, opt.Top)
	if err := c.ruleStats(leads, sheet, sheetYAML); err != nil {
		return nil, fmt.Errorf("compare: %w", err)
	}
	// The bundle's calibration of rule points holds for its own sheet only.
	rulesCal := b.Calibrators[models.Rules]
	if opt.RulesFile != "" {
		rulesCal = nil
	}
	c.Thresholds = thresholds(b, rulesCal, leads, labelled, float64(c.Weeks), opt)
	if labelled {
		sc := compareScored(b, rulesCal, leads)
		c.Eval = evaluate(sc, DefaultResamples, uint64(opt.Seed), opt.Threads)
		c.Curves, c.Distribution = curves(sc)
	}
	c.Summary = c.summarize()
	return c, nil
}

// compareDataset builds the leads to compare: labelled first snapshots with
// outcomes, labelled flat rows with a target, else unlabelled rows at AsOf.
func compareDataset(b *models.Bundle, opt CompareOptions) (*features.Dataset, bool, string, error) {
	cfg := b.Spec.Config
	read := opt.Read
	read.MissingValues = append(read.MissingValues, cfg.MissingValues...)
	var in features.Inputs
	var err error
	if in.Leads, _, err = datasets.ReadFile(opt.In, read); err != nil {
		return nil, false, "", err
	}
	if opt.Events != "" {
		if in.Events, _, err = datasets.ReadFile(opt.Events, read); err != nil {
			return nil, false, "", err
		}
	}
	asOf := opt.AsOf
	if asOf.IsZero() {
		asOf = time.Now().UTC()
	}
	switch {
	case opt.Outcomes != "":
		if in.Outcomes, _, err = datasets.ReadFile(opt.Outcomes, read); err != nil {
			return nil, false, "", err
		}
		ds, err := features.Build(cfg, in)
		if err != nil {
			return nil, false, "", err
		}
		days := cfg.FirstSnapshotDay()
		return ds, true, fmt.Sprintf("first snapshot (%d day(s) after creation); converted = closed within %d days after it", days, cfg.WithDefaults().HorizonDays), nil
	case opt.Target != "":
		cfg.Target = opt.Target
		if in.Events != nil && cfg.Time == "" {
			in.AsOf = asOf
		}
		ds, err := features.Build(cfg, in)
		if err != nil {
			return nil, false, "", err
		}
		return ds, true, "as recorded in the file; converted = target column " + opt.Target, nil
	}
	ds, err := features.ScoringDataset(cfg, in, asOf)
	if err != nil {
		return nil, false, "", err
	}
	return ds, false, "as of " + asOf.Format("2006-01-02 15:04 UTC") + "; outcomes unknown", nil
}

// firstRows returns each lead's earliest row, in row order.
func firstRows(ds *features.Dataset) []int {
	first := map[string]int{}
	for i := 0; i < ds.Rows; i++ {
		if r, ok := first[ds.LeadIDs[i]]; !ok || ds.Cutoffs[i].Before(ds.Cutoffs[r]) {
			first[ds.LeadIDs[i]] = i
		}
	}
	out := make([]int, 0, len(first))
	for _, r := range first {
		out = append(out, r)
	}
	sort.Ints(out)
	return out
}

// scoreLeads scores rows through the bundle's scoring path, with sheet's
// result in place of the bundle's own (explanations of 3 fields each way,
// every model's probability); rows that fail are counted.
func scoreLeads(b *models.Bundle, sheet *rules.Sheet, ds *features.Dataset, rows []int, threads int) ([]scoredLead, int) {
	var kept []scoredLead
	for _, s := range b.ScoreDataset(ds, rows, models.ScoreOptions{Explain: 3, AllModels: true, Sheet: sheet}, threads) {
		if s.Err != nil {
			continue
		}
		kept = append(kept, scoredLead{row: s.Row, res: s.Result, rr: *s.Result.Rules, label: ds.Labels[s.Row]})
	}
	return kept, len(rows) - len(kept)
}

// weeksSpanned is the span of the leads' creation (or cutoff) times in
// weeks, at least one.
func weeksSpanned(ds *features.Dataset, rows []int) float64 {
	var lo, hi time.Time
	for _, r := range rows {
		t := ds.Created[r]
		if t.IsZero() {
			t = ds.Cutoffs[r]
		}
		if t.IsZero() {
			continue
		}
		if lo.IsZero() || t.Before(lo) {
			lo = t
		}
		if t.After(hi) {
			hi = t
		}
	}
	return math.Max(1, hi.Sub(lo).Hours()/(24*7))
}

var (
	rulesTierOrder = []string{rules.TierHot, rules.TierWarm, rules.TierCold, rules.TierDisqualified}
	modelTierOrder = []string{"hot", "warm", "cold"}
)

func crossTab(leads []scoredLead, labelled bool) CrossTab {
	ct := CrossTab{ModelTiers: modelTierOrder}
	counts := make([][]int, len(rulesTierOrder))
	convs := make([][]int, len(rulesTierOrder))
	for i := range counts {
		counts[i] = make([]int, len(modelTierOrder))
		convs[i] = make([]int, len(modelTierOrder))
	}
	for _, l := range leads {
		i := slices.Index(rulesTierOrder, l.rr.Tier)
		j := slices.Index(modelTierOrder, l.res.Tier)
		if i < 0 || j < 0 {
			continue
		}
		counts[i][j]++
		if l.label == 1 {
			convs[i][j]++
		}
	}
	for i, t := range rulesTierOrder {
		if t == rules.TierDisqualified && slices.Max(counts[i]) == 0 {
			continue
		}
		ct.RulesTiers = append(ct.RulesTiers, t)
		ct.Counts = append(ct.Counts, counts[i])
		ct.Conversions = append(ct.Conversions, convs[i])
		rates := make([]htmlreport.Float, len(modelTierOrder))
		for j := range rates {
			rates[j] = htmlreport.Float(math.NaN())
			if labelled && counts[i][j] > 0 {
				rates[j] = htmlreport.Float(float64(convs[i][j]) / float64(counts[i][j]))
			}
		}
		ct.Rates = append(ct.Rates, rates)
	}
	return ct
}

// disagreements lists the top leads the rule sheet calls cold (or
// disqualified) and the model hot, most probable first, and those the sheet
// calls hot and the model cold, most points first.
func disagreements(leads []scoredLead, top int) []Disagreement {
	var coldHot, hotCold []scoredLead
	for _, l := range leads {
		rc := l.rr.Tier == rules.TierCold || l.rr.Tier == rules.TierDisqualified
		switch {
		case rc && l.res.Tier == "hot":
			coldHot = append(coldHot, l)
		case l.rr.Tier == rules.TierHot && l.res.Tier == "cold":
			hotCold = append(hotCold, l)
		}
	}
	sort.SliceStable(coldHot, func(a, b int) bool { return coldHot[a].res.Probability > coldHot[b].res.Probability })
	sort.SliceStable(hotCold, func(a, b int) bool {
		if hotCold[a].rr.Points != hotCold[b].rr.Points {
			return hotCold[a].rr.Points > hotCold[b].rr.Points
		}
		return hotCold[a].res.Probability < hotCold[b].res.Probability
	})
	var out []Disagreement
	add := func(kind string, ls []scoredLead) {
		for k, l := range ls {
			if k >= top {
				break
			}
			d := Disagreement{
				Kind: kind, LeadID: l.res.LeadID, Probability: htmlreport.Float(l.res.Probability), Score: l.res.Score,
				ModelTier: l.res.Tier, RulesPoints: htmlreport.Float(l.rr.Points), RulesTier: l.rr.Tier,
			}
			if !math.IsNaN(l.label) {
				conv := l.label == 1
				d.Converted = &conv
			}
			if l.res.Explanation != nil {
				d.Reasons = l.res.Explanation.Contributions
			}
			fired := slices.Clone(l.rr.Fired)
			sort.SliceStable(fired, func(a, b int) bool { return math.Abs(fired[a].Points) > math.Abs(fired[b].Points) })
			d.Fired = fired[:min(5, len(fired))]
			out = append(out, d)
		}
	}
	add("rules cold, model hot", coldHot)
	add("rules hot, model cold", hotCold)
	return out
}

// ruleStats fills the per-rule table and the suggested points.
func (c *Comparison) ruleStats(leads []scoredLead, sheet *rules.Sheet, sheetYAML []byte) error {
	doc, err := parseSheetDoc(sheetYAML)
	if err != nil {
		return err
	}
	srs, err := sheetRules(doc)
	if err != nil {
		return err
	}
	index := map[string]int{}
	for r, sr := range srs {
		index[sr.Name] = r
	}
	fired := make([][]bool, len(leads))
	y := make([]float64, len(leads))
	for i, l := range leads {
		fired[i] = make([]bool, len(srs))
		for _, f := range l.rr.Fired {
			if r, ok := index[f.Rule]; ok {
				fired[i][r] = true
			}
		}
		y[i] = l.label
	}
	var sug suggestion
	if c.Labelled {
		sug, err = suggestPoints(fired, y, srs)
		if err != nil {
			c.SuggestNote = err.Error()
		}
		c.PointsScale = htmlreport.Float(sug.Scale)
	} else {
		c.SuggestNote = "outcomes are unknown: give --outcomes or --target to suggest points"
		c.PointsScale = htmlreport.Float(math.NaN())
	}
	for r, sr := range srs {
		st := RuleStat{Rule: sr.Name, Group: sr.Group, Points: htmlreport.Float(sr.Points), Disqualify: sr.Disqualify,
			RateFired: htmlreport.Float(math.NaN()), RateNotFired: htmlreport.Float(math.NaN()),
			LogOdds: htmlreport.Float(math.NaN()), SuggestedPoints: htmlreport.Float(sr.Points)}
		var nf, pf, nn, pn int
		for i := range leads {
			if fired[i][r] {
				nf++
				if y[i] == 1 {
					pf++
				}
			} else {
				nn++
				if y[i] == 1 {
					pn++
				}
			}
		}
		st.Fires = nf
		st.FireShare = htmlreport.Float(float64(nf) / float64(len(leads)))
		if c.Labelled {
			if nf > 0 {
				st.RateFired = htmlreport.Float(float64(pf) / float64(nf))
			}
			if nn > 0 {
				st.RateNotFired = htmlreport.Float(float64(pn) / float64(nn))
			}
			if sug.Fitted != nil && sug.Fitted[r] {
				st.Fitted = true
				st.LogOdds = htmlreport.Float(sug.Weight[r])
				st.SuggestedPoints = htmlreport.Float(sug.Points[r])
			}
		}
		c.Rules = append(c.Rules, st)
	}
	return nil
}

// SuggestedSheet returns the rule sheet's YAML with each fitted rule's
// points replaced by the suggested points.
func (c *Comparison) SuggestedSheet() ([]byte, error) {
	pts := map[string]float64{}
	for _, r := range c.Rules {
		if r.Fitted {
			pts[r.Rule] = float64(r.SuggestedPoints)
		}
	}
	if len(pts) == 0 {
		return nil, fmt.Errorf("no suggested points: %s", c.SuggestNote)
	}
	out, err := SuggestSheet(c.sheetYAML, pts)
	if err != nil {
		return nil, err
	}
	if _, err := rules.Parse(out, "suggested sheet"); err != nil {
		return nil, fmt.Errorf("suggested sheet does not parse: %w", err)
	}
	return out, nil
}

// WriteSuggestedSheet writes SuggestedSheet to path atomically.
func (c *Comparison) WriteSuggestedSheet(path string) error {
	out, err := c.SuggestedSheet()
	if err != nil {
		return err
	}
	return htmlreport.WriteFileAtomic(path, out)
}

// compareScored is the evaluation input of a labelled comparison: the rule
// sheet (points, its calibrator's probabilities when the bundle has one)
// and the champion.
func compareScored(b *models.Bundle, cal *calibrate.Calibrator, leads []scoredLead) *scored {
	n := len(leads)
	sc := &scored{y: make([]float64, n), rules: 0, pred: 1, source: b.Scoring.Champion, names: []string{models.Rules, Champion}}
	pts, rp, cp := make([]float64, n), make([]float64, n), make([]float64, n)
	rm, rh, cm, ch := make([]bool, n), make([]bool, n), make([]bool, n), make([]bool, n)
	for i, l := range leads {
		sc.y[i] = l.label
		pts[i] = l.rr.Points
		rp[i] = math.NaN()
		if cal != nil {
			rp[i] = cal.Apply(l.rr.Points)
		}
		cp[i] = l.res.Probability
		rm[i] = l.rr.Tier == rules.TierWarm || l.rr.Tier == rules.TierHot
		rh[i] = l.rr.Tier == rules.TierHot
		cm[i] = l.res.Tier == "warm" || l.res.Tier == "hot"
		ch[i] = l.res.Tier == "hot"
	}
	if cal == nil {
		// Without the bundle's calibrator, rank-only: the probability
		// metrics of the rule sheet are left undefined.
		for i := range rp {
			rp[i] = math.NaN()
		}
	}
	sc.scores = []*modelScores{
		{val: pts, rank: newRanking(pts), prob: rp},
		{val: cp, rank: newRanking(cp), prob: cp},
	}
	sc.mql = [][]bool{rm, cm}
	sc.hot = [][]bool{rh, ch}
	return sc
}

// thresholds gives the score threshold for the sales capacity and the
// target precision, for the champion and the rule sheet.
func thresholds(b *models.Bundle, cal *calibrate.Calibrator, leads []scoredLead, labelled bool, weeks float64, opt CompareOptions) []Threshold {
	if opt.Capacity <= 0 && opt.Precision <= 0 {
		return nil
	}
	n := len(leads)
	type side struct {
		name  string
		score []float64
		exp   []float64 // expected conversion per lead
		basis string
		model bool
	}
	ms := side{name: "champion (" + b.Scoring.Champion + ")", score: make([]float64, n), exp: make([]float64, n), model: true}
	rs := side{name: "rule sheet", score: make([]float64, n), exp: make([]float64, n)}
	for i, l := range leads {
		ms.score[i], rs.score[i] = l.res.Probability, l.rr.Points
		switch {
		case labelled:
			ms.exp[i], rs.exp[i] = l.label, l.label
		default:
			ms.exp[i] = l.res.Probability
			rs.exp[i] = math.NaN()
			if cal != nil {
				rs.exp[i] = cal.Apply(l.rr.Points)
			}
		}
	}
	ms.basis, rs.basis = "calibrated probabilities", "the bundle's calibration of rule points"
	if labelled {
		ms.basis, rs.basis = "observed outcomes", "observed outcomes"
	}
	sides := []side{ms, rs}
	if !labelled && cal == nil {
		// Neither outcomes nor a calibration of these points: no expected
		// conversions for the rule sheet.
		sides = sides[:1]
	}
	var out []Threshold
	for _, s := range sides {
		r := newRanking(s.score)
		var total float64
		for _, e := range s.exp {
			total += e
		}
		// cuts[g]: leads and expected conversions from the top down to the
		// end of group g of equal scores, and that group's score.
		type cut struct {
			leads int
			conv  float64
			score float64
		}
		var cuts []cut
		start := 0
		var conv float64
		for _, end := range r.ends {
			for _, i := range r.order[start:end] {
				conv += s.exp[i]
			}
			cuts = append(cuts, cut{leads: end, conv: conv, score: s.score[r.order[start]]})
			start = end
		}
		mk := func(goal string, c cut, ok bool) Threshold {
			t := Threshold{Goal: goal, Model: s.name, Basis: s.basis, Achievable: ok,
				Threshold: htmlreport.Float(c.score), LeadsPerWeek: htmlreport.Float(float64(c.leads) / weeks),
				ConversionsPerWeek: htmlreport.Float(c.conv / weeks), Capture: htmlreport.Float(c.conv / total),
				Precision: htmlreport.Float(c.conv / float64(max(1, c.leads)))}
			if s.model {
				t.Score = models.ScoreOf(c.score)
			}
			return t
		}
		if opt.Capacity > 0 {
			want := opt.Capacity * weeks
			best := cuts[0]
			for _, c := range cuts {
				if float64(c.leads) <= want {
					best = c
				}
			}
			out = append(out, mk(fmt.Sprintf("capacity %g leads/week", opt.Capacity), best, float64(best.leads) <= want))
		}
		if opt.Precision > 0 {
			var best cut
			found := false
			for _, c := range cuts {
				if c.conv/float64(c.leads) >= opt.Precision {
					best, found = c, true
				}
			}
			if !found {
				best = cuts[0]
			}
			out = append(out, mk(fmt.Sprintf("precision %s", htmlreport.Percent(opt.Precision)), best, found))
		}
	}
	return out
}
