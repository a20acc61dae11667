// Package backtest replays history to show how the predictive models and the
// rule sheet would have done, period by period, and compares the two on the
// same leads.
//
// # Rolling-origin backtest
//
// Run cuts the leads into calendar periods (week, month or quarter, by
// creation time; by the Time column for flat data). For each period starting
// at S it fits the models with training.Fit on the examples whose outcome
// was known at S: leads created before S whose snapshot cutoff plus the
// horizon is at or before S. Nothing decided after S (a conversion, a
// snapshot still inside its horizon) reaches the fit: not the features'
// statistics, not the models, not the calibrators, not the champion choice.
// The latest 20% of those training leads (at least 5 conversions where
// possible) are held out of the fit to pick the champion, as `leadscore
// train --time` does; the other 80% fit the models.
//
// The period's own leads are then scored, by that one fit, at each of the
// score ages (Config.ScoreAges; by default every snapshot age up to 30
// days, the first being the moment marketing first triages a lead) and
// evaluated against their outcomes within the horizon after that age. At
// an age only the leads that had not converted by then are scored, with
// the fields and events known at that moment (their snapshot row at that
// age). A period is evaluated at an age only when every one of its leads
// has had that age plus the full horizon by the end of the data; a period
// incomplete at its smallest age is reported as incomplete, never scored
// against outcomes that are not known yet. Each age is pooled over the
// periods evaluated at it (Result.ByAge); the smallest is Result.Overall.
// The rule sheet is scored as is:
// its points rank the leads and a calibrator fitted on the training window
// turns them into probabilities for log loss, Brier and ECE.
//
// Every metric has a bootstrap 95% interval (leads resampled with
// replacement, seeded); the predictive model (the champion, or the better
// of logistic and gbm when the rule sheet is champion) and the rule sheet
// are compared on the same resamples for ROC AUC and top-decile capture.
// Drift is the population stability index of every feature and of the
// champion's probability between the training window and the period.
//
// # Rules against the model
//
// Compare scores the same leads with a bundle's champion and its rule sheet:
// a tier cross-tab with conversion rates, the leads the two disagree on most
// with the reasons from both sides, per-rule firing and conversion rates with
// the points a logistic regression on the rule indicators suggests (on the
// sheet's scale; SuggestSheet writes them into the sheet's YAML), and the
// threshold that fills a weekly sales capacity or reaches a target precision.
//
// # Reports and schedules
//
// WriteReport and WriteCompareReport write report.html (self-contained),
// report.json (schema_version, every figure) and report.md atomically.
// Config loads from YAML (LoadConfig) and a Scheduler reruns it with
// RunToDir on a schedule, inside a server: each run writes
// PARENT/reports/<UTC time>, and ListReports lists them newest first.
package backtest

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"path/filepath"
	"runtime"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/leadscore/leadscore/features"
	"github.com/leadscore/leadscore/models"
	"github.com/leadscore/leadscore/models/rules"
	"github.com/leadscore/leadscore/training"
	"github.com/leadscore/leadscore/training/htmlreport"
)

// SchemaVersion is the version of report.json's layout.
const SchemaVersion = 1

// Champion is the pseudo-model name of the per-period champion in results.
const Champion = "champion"

// Period statuses.
const (
	StatusEvaluated  = "evaluated"
	StatusIncomplete = "incomplete"
	StatusWarmUp     = "warm-up"
	StatusNoLeads    = "no leads"
	StatusFailed     = "failed"
)

// Result is a whole backtest, as written to report.json.
type Result struct {
	SchemaVersion int       `json:"schema_version"`
	Kind          string    `json:"kind"`
	CreatedAt     time.Time `json:"created_at"`
	Settings      Settings  `json:"settings"`
	Data          DataInfo  `json:"data"`
	// Models lists the model rows of every period: rules (with a sheet),
	// logistic, gbm and champion.
	Models  []string `json:"models"`
	Periods []Period `json:"periods"`
	// Overall pools the evaluated periods' out-of-time scores at the
	// primary (smallest) score age.
	Overall *Evaluation `json:"overall,omitempty"`
	// ByAge pools, per score age, the out-of-time scores of the periods
	// evaluated at that age (snapshot data only; the first is Overall).
	ByAge []AgeResult `json:"by_age,omitempty"`
	// AllAges pools every score of ByAge (with two or more ages).
	AllAges *AllAgesResult `json:"all_ages,omitempty"`
	// Curves are drawn from the pooled scores.
	Curves []Curve `json:"curves,omitempty"`
	// Distribution is the champion's pooled probability by outcome.
	Distribution *Distribution `json:"score_distribution,omitempty"`
	// Summary holds the sentences at the top of the report.
	Summary  []string `json:"summary"`
	Warnings []string `json:"warnings,omitempty"`
}

// Settings echo the configuration the backtest ran with.
type Settings struct {
	Period       string   `json:"period"`
	MinTrain     int      `json:"min_train"`
	HorizonDays  int      `json:"horizon_days"`
	SnapshotDays []int    `json:"snapshot_days"`
	ScoreAges    []int    `json:"score_ages,omitempty"`
	EvaluatedAt  string   `json:"evaluated_at"`
	Seed         int64    `json:"seed"`
	Resamples    int      `json:"resamples"`
	Models       []string `json:"models"`
	RuleSheet    string   `json:"rule_sheet,omitempty"`
	Data         []string `json:"files"`
}

// DataInfo describes the examples the backtest ran on.
type DataInfo struct {
	Mode      string    `json:"mode"`
	Leads     int       `json:"leads"`
	Examples  int       `json:"examples"`
	Positives int       `json:"positive_examples"`
	Censored  int       `json:"censored_examples"`
	AsOf      time.Time `json:"as_of"`
	First     time.Time `json:"first_lead"`
	Last      time.Time `json:"last_lead"`
}

// Period is one step of the rolling origin.
type Period struct {
	Label  string    `json:"label"`
	Start  time.Time `json:"start"`
	End    time.Time `json:"end"`
	Status string    `json:"status"`
	Reason string    `json:"reason,omitempty"`
	// Leads is the number of leads created in the period with a labelled
	// first snapshot (the evaluated leads when Status is evaluated).
	Leads int `json:"leads"`
	// Unscored are the period's leads the service would refuse (a field
	// the model requires is missing), left out of the evaluation.
	Unscored int `json:"unscored,omitempty"`
	// OutcomesKnownAt is when the last lead of the period has had its
	// horizon.
	OutcomesKnownAt time.Time `json:"outcomes_known_at"`
	// Training window: leads, examples and conversions the fit saw (fit
	// and champion-selection parts together), and the latest outcome-window
	// end among them (always at or before Start).
	TrainLeads     int       `json:"train_leads"`
	TrainExamples  int       `json:"train_examples"`
	TrainPositives int       `json:"train_positive_examples"`
	TrainLatestEnd time.Time `json:"train_latest_outcome_end,omitzero"`
	Champion       string    `json:"champion,omitempty"`
	// Predictive is the model compared with the rule sheet.
	Predictive string `json:"predictive,omitempty"`
	// Eval is the period's leads scored at the primary score age.
	Eval *Evaluation `json:"evaluation,omitempty"`
	// ByAge has the period's leads scored at every score age by the same
	// fit (snapshot data only; the first is Eval).
	ByAge    []AgeEvaluation  `json:"by_age,omitempty"`
	Drift    []Drift          `json:"drift,omitempty"`
	ScorePSI htmlreport.Float `json:"score_psi"`
	// ScoreDrift flags a score PSI above DriftThreshold.
	ScoreDrift bool `json:"score_psi_flagged"`
	// trainRows are the dataset rows the period's fit saw (for tests).
	trainRows []int
	// scoredAt holds, per score age (-1 for flat data), the rows, labels
	// and scores behind the evaluation, for pooling and tests.
	scoredAt map[int]*scored
}

// Evaluation is the scoring of one set of leads by every model.
type Evaluation struct {
	Leads       int            `json:"leads"`
	Conversions int            `json:"conversions"`
	Models      []ModelMetrics `json:"models"`
	// Paired compares the predictive model with the rule sheet (ROC AUC
	// and top 10% capture).
	Paired []Paired `json:"paired,omitempty"`
	// Comparisons are the paired bootstraps of the ROC AUC of every model
	// row against the rule sheet, and of logistic against gbm, on the same
	// resamples as Paired.
	Comparisons []Paired `json:"comparisons,omitempty"`
}

// AgeEvaluation is one period's leads scored at one age: the leads created
// in the period that had neither converted nor been censored at that age,
// with their features as of that moment and their outcome within the
// horizon after it.
type AgeEvaluation struct {
	AgeDays int `json:"age_days"`
	// Status is evaluated, or incomplete when the period's leads have not
	// all had the age plus the horizon by the end of the data.
	Status string `json:"status"`
	// Leads scored at this age; Unscored refused (a required field is
	// missing).
	Leads    int         `json:"leads"`
	Unscored int         `json:"unscored,omitempty"`
	Eval     *Evaluation `json:"evaluation,omitempty"`
}

// AgeResult pools the evaluated periods' scores at one age.
type AgeResult struct {
	AgeDays int `json:"age_days"`
	// Periods are the labels of the periods pooled at this age.
	Periods []string    `json:"periods"`
	Overall *Evaluation `json:"overall,omitempty"`
}

// AllAgesResult pools every out-of-time score the backtest made, at every
// score age: a lead scored at several ages counts once per age, as the
// queue sales works from holds leads of every age side by side and one
// score must rank them all. Its bootstrap resamples leads, each with all
// of its scores, so a lead's scores at several ages are not counted as
// independent evidence.
type AllAgesResult struct {
	// Ages are the score ages pooled.
	Ages []int `json:"ages"`
	// Leads counts distinct leads; Overall.Leads counts scores.
	Leads   int         `json:"leads"`
	Overall *Evaluation `json:"overall"`
}

// Interval is an estimate and its bootstrap 95% interval.
type Interval struct {
	Value htmlreport.Float `json:"value"`
	Lo    htmlreport.Float `json:"lo"`
	Hi    htmlreport.Float `json:"hi"`
}

// ModelMetrics are one model's results on one set of leads.
type ModelMetrics struct {
	Model string `json:"model"`
	// Source is the fitted model behind the champion row.
	Source    string   `json:"source,omitempty"`
	ROCAUC    Interval `json:"roc_auc"`
	PRAUC     Interval `json:"pr_auc"`
	LogLoss   Interval `json:"log_loss"`
	Brier     Interval `json:"brier"`
	ECE       Interval `json:"ece"`
	Capture10 Interval `json:"top10_capture"`
	Capture20 Interval `json:"top20_capture"`
	// MQL counts leads at or above the MQL threshold (rules: points >= the
	// sheet's MQL, not disqualified; models: tier warm or hot) and their
	// conversion rate; Hot the same for the hot tier.
	MQLLeads int              `json:"mql_leads"`
	MQLRate  htmlreport.Float `json:"mql_conversion_rate"`
	HotLeads int              `json:"hot_leads"`
	HotRate  htmlreport.Float `json:"hot_conversion_rate"`
}

// Paired is the paired bootstrap of predictive minus rules for one metric.
type Paired struct {
	Metric     string   `json:"metric"`
	Predictive string   `json:"predictive"`
	Baseline   string   `json:"baseline"`
	Difference Interval `json:"difference"`
	// PValue is the share of resamples where the difference is <= 0.
	PValue    htmlreport.Float `json:"p_value"`
	Resamples int              `json:"resamples"`
}

// Drift is the population stability index of one source field between the
// training window and the period (the largest over its encoded columns).
type Drift struct {
	Feature string           `json:"feature"`
	PSI     htmlreport.Float `json:"psi"`
	Flagged bool             `json:"flagged"`
}

// Point is a point of a curve.
type Point struct {
	X htmlreport.Float `json:"x"`
	Y htmlreport.Float `json:"y"`
}

// Curve holds one model's pooled ROC curve, cumulative gains and
// reliability diagram.
type Curve struct {
	Model string  `json:"model"`
	ROC   []Point `json:"roc"`
	Gains []Point `json:"gains"`
	// Reliability has, per probability decile bin with leads, the mean
	// predicted probability (X) and the observed conversion rate (Y).
	Reliability []Point `json:"reliability"`
}

// Distribution is a histogram of probabilities by outcome: the share of
// converted and of other leads in each bin [Edges[k], Edges[k+1]).
type Distribution struct {
	Model        string             `json:"model"`
	Edges        []htmlreport.Float `json:"edges"`
	Converted    []htmlreport.Float `json:"converted_share"`
	NotConverted []htmlreport.Float `json:"not_converted_share"`
}

// scored holds one evaluated set: labels and each model's scores.
type scored struct {
	rows   []int // dataset rows, in the order of y
	y      []float64
	names  []string // models in result order, champion last
	scores []*modelScores
	mql    [][]bool
	hot    [][]bool
	source string // champion's model
	pred   int    // index of the predictive model compared with rules, -1 none
	rules  int    // index of rules, -1 none
}

// Run runs the rolling-origin backtest of cfg, fitting up to two periods
// at a time (the result does not depend on it). Periods that cannot be
// fitted (too little history, a failed fit) are reported with their reason;
// Run fails only when the data cannot be read or no period can be laid out.
func Run(ctx context.Context, cfg Config) (*Result, error) {
	cfg = cfg.withDefaults()
	if err := cfg.validate(); err != nil {
		return nil, fmt.Errorf("backtest: %w", err)
	}
	opt, err := cfg.trainingOptions()
	if err != nil {
		return nil, fmt.Errorf("backtest: %w", err)
	}
	if cfg.Training != nil {
		opt = *cfg.Training
		opt.Name, opt.Champion, opt.Command = "backtest", "", nil
	}
	log := cfg.Logger
	// The per-period fits report warnings only: their stage messages would
	// repeat once per period.
	opt.Logger = slog.New(minLevel{log.Handler(), slog.LevelWarn})
	prep := cfg.Prepared
	if prep == nil {
		if prep, err = training.Prepare(ctx, opt); err != nil {
			return nil, fmt.Errorf("backtest: %w", err)
		}
	}
	ds := prep.Dataset
	fc := opt.Config
	res := &Result{
		SchemaVersion: SchemaVersion, Kind: "backtest", CreatedAt: time.Now().UTC(),
		Settings: Settings{
			Period: cfg.Period, MinTrain: cfg.MinTrain, HorizonDays: fc.HorizonDays, Seed: cfg.Seed,
			Resamples: cfg.Resamples, Models: opt.Models, RuleSheet: filepath.Base(cfg.Rules),
		},
		Warnings: prep.Warnings,
	}
	if cfg.Rules == "" {
		res.Settings.RuleSheet = ""
	}
	for _, f := range []string{cfg.Data, cfg.Events, cfg.Outcomes} {
		if f != "" {
			res.Settings.Data = append(res.Settings.Data, filepath.Base(f))
		}
	}
	if cfg.Store != nil {
		res.Settings.Data = append(res.Settings.Data, cfg.Store.Redacted())
	}
	tl := newTimeline(ds, fc)
	if err := tl.setScoreAges(cfg.ScoreAges); err != nil {
		return nil, fmt.Errorf("backtest: %w", err)
	}
	res.Settings.SnapshotDays = tl.snapshotDays
	res.Settings.ScoreAges = tl.scoreAges
	res.Settings.EvaluatedAt = tl.evalAt
	res.Data = DataInfo{
		Mode: ds.Report.Mode, Leads: len(tl.leads), Examples: ds.Rows, Positives: ds.Report.Positives,
		Censored: ds.Report.Censored, AsOf: tl.asOf, First: tl.first, Last: tl.last,
	}
	if len(tl.leads) == 0 {
		return nil, fmt.Errorf("backtest: no lead has a time: set --created (or --time for flat data) to a timestamp column")
	}
	res.Models = append(slices.Clone(opt.Models), Champion)

	var jobs []*periodJob
	for pi, sp := range periodsBetween(tl.first, tl.last, cfg.Period) {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		p := Period{Label: sp.Label, Start: sp.Start, End: sp.End, ScorePSI: htmlreport.Float(math.NaN())}
		p.OutcomesKnownAt = tl.outcomesKnownAt(sp.End, tl.primaryAge())
		train := tl.trainRows(sp.Start)
		evalRows := tl.evalRows(sp.Start, sp.End, tl.primaryAge())
		p.Leads = len(evalRows)
		p.trainRows = train
		p.TrainExamples = len(train)
		for _, r := range train {
			if ds.Labels[r] == 1 {
				p.TrainPositives++
			}
			if end := ds.Cutoffs[r].Add(tl.horizon); end.After(p.TrainLatestEnd) {
				p.TrainLatestEnd = end
			}
		}
		p.TrainLeads = countLeads(ds.LeadIDs, train)
		split := validationSplit(tl, train)
		fitPos := fitPositives(ds, split)
		switch {
		case p.OutcomesKnownAt.After(tl.asOf):
			p.Status = StatusIncomplete
			p.Reason = fmt.Sprintf("outcomes complete only on %s (data end %s)", p.OutcomesKnownAt.Format("2006-01-02"), tl.asOf.Format("2006-01-02"))
		case p.TrainLeads < cfg.MinTrain:
			p.Status = StatusWarmUp
			p.Reason = fmt.Sprintf("%d leads with known outcomes before the period; need %d (--min-train)", p.TrainLeads, cfg.MinTrain)
		case fitPos < minConversions:
			p.Status = StatusWarmUp
			p.Reason = fmt.Sprintf("%d converted examples in the training window (%d in its fitting part); need %d there", p.TrainPositives, fitPos, minConversions)
		case len(evalRows) == 0:
			p.Status = StatusNoLeads
			p.Reason = fmt.Sprintf("no lead created in the period has a labelled snapshot at %d day(s)", tl.primaryAge())
		}
		if p.Status != "" {
			res.Periods = append(res.Periods, p)
			continue
		}
		// The same fit scores the period's leads at every score age whose
		// outcomes are all known.
		var ages []ageRows
		for _, a := range tl.scoreAges {
			ae := AgeEvaluation{AgeDays: a, Status: StatusIncomplete}
			if !tl.outcomesKnownAt(sp.End, a).After(tl.asOf) {
				ae.Status = StatusEvaluated
				ages = append(ages, ageRows{age: a, rows: tl.evalRows(sp.Start, sp.End, a)})
			}
			p.ByAge = append(p.ByAge, ae)
		}
		if len(ages) == 0 {
			ages = []ageRows{{age: tl.primaryAge(), rows: evalRows}} // flat data
		}
		res.Periods = append(res.Periods, p)
		jobs = append(jobs, &periodJob{at: len(res.Periods) - 1, split: split, ages: ages, seed: uint64(cfg.Seed) + uint64(pi)*7919})
	}
	// The periods' fits are independent (each has its own seed), so up to
	// two run at a time; the result does not depend on the order.
	threads := cfg.Threads
	if threads <= 0 {
		threads = runtime.GOMAXPROCS(0)
	}
	var wg sync.WaitGroup
	next := make(chan *periodJob)
	for range max(1, min(2, threads, len(jobs))) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range next {
				if ctx.Err() != nil {
					j.err = ctx.Err()
					continue
				}
				p := &res.Periods[j.at]
				log.Info("backtest period", "period", p.Label, "train_leads", p.TrainLeads, "leads", p.Leads)
				j.err = runPeriod(ctx, cfg, opt, prep, tl, p, j.split, j.ages, j.seed)
			}
		}()
	}
	for _, j := range jobs {
		next <- j
	}
	close(next)
	wg.Wait()
	for _, j := range jobs {
		p := &res.Periods[j.at]
		if j.err != nil {
			if ctx.Err() != nil {
				return nil, ctx.Err()
			}
			p.Status = StatusFailed
			p.Reason = j.err.Error()
			p.Eval, p.ByAge = nil, nil
			log.Warn("backtest period failed", "period", p.Label, "err", j.err)
			continue
		}
		p.Status = StatusEvaluated
	}
	res.poolAges(cfg, tl)
	res.Summary = summarize(res)
	return res, nil
}

// poolAges pools the evaluated periods' scores at each score age into
// ByAge, and at the primary age into Overall, with the curves.
func (r *Result) poolAges(cfg Config, tl *timeline) {
	ages := tl.scoreAges
	if len(ages) == 0 {
		ages = []int{tl.primaryAge()}
	}
	var every []*scored
	var pooledAges []int
	for k, a := range ages {
		ar := AgeResult{AgeDays: a}
		var sets []*scored
		for _, p := range r.Periods {
			if p.Status != StatusEvaluated {
				continue
			}
			if sc := p.scoredAt[a]; sc != nil && len(sc.y) > 0 {
				sets = append(sets, sc)
				ar.Periods = append(ar.Periods, p.Label)
			}
		}
		if len(sets) > 0 {
			every = append(every, sets...)
			pooledAges = append(pooledAges, a)
			all := pool(sets)
			// Each age draws its own resamples; the primary age's are
			// those of a backtest at one age.
			ar.Overall = evaluate(all, cfg.Resamples, uint64(cfg.Seed)+uint64(k)*104729, cfg.Threads)
			if k == 0 {
				r.Overall = ar.Overall
				r.Curves, r.Distribution = curves(all)
			}
		}
		if len(tl.scoreAges) > 0 {
			r.ByAge = append(r.ByAge, ar)
		}
	}
	if len(pooledAges) < 2 {
		return
	}
	all := pool(every)
	lead := map[string]int{}
	clusters := make([]int, len(all.rows))
	for i, row := range all.rows {
		id := tl.ds.LeadIDs[row]
		c, ok := lead[id]
		if !ok {
			c = len(lead)
			lead[id] = c
		}
		clusters[i] = c
	}
	r.AllAges = &AllAgesResult{Ages: pooledAges, Leads: len(lead),
		Overall: evaluateClusters(all, clusters, cfg.Resamples, uint64(cfg.Seed)+uint64(len(ages))*104729, cfg.Threads)}
}

// age returns the period's evaluation at age a, nil when it has none.
func (p *Period) age(a int) *AgeEvaluation {
	for k := range p.ByAge {
		if p.ByAge[k].AgeDays == a {
			return &p.ByAge[k]
		}
	}
	return nil
}

// ageRows are a period's rows to score at one age.
type ageRows struct {
	age  int
	rows []int
}

// periodJob is one period to fit and evaluate: res.Periods[at] and its
// inputs, then its outcome.
type periodJob struct {
	at    int
	split training.Split
	ages  []ageRows
	seed  uint64
	err   error
}

// minLevel is a slog.Handler that drops records below a level.
type minLevel struct {
	slog.Handler
	level slog.Level
}

// Enabled reports whether records at l are kept.
func (h minLevel) Enabled(ctx context.Context, l slog.Level) bool {
	return l >= h.level && h.Handler.Enabled(ctx, l)
}

// WithAttrs keeps the filter on derived handlers.
func (h minLevel) WithAttrs(as []slog.Attr) slog.Handler {
	return minLevel{h.Handler.WithAttrs(as), h.level}
}

// WithGroup keeps the filter on derived handlers.
func (h minLevel) WithGroup(name string) slog.Handler {
	return minLevel{h.Handler.WithGroup(name), h.level}
}

// timeline indexes the dataset by lead time.
type timeline struct {
	ds           *features.Dataset
	key          []time.Time // per row: lead creation (or Time of flat data)
	first, last  time.Time
	asOf         time.Time
	horizon      time.Duration
	snapshotDays []int
	// scoreAges are the ages each period is scored at (nil for flat data);
	// age is each row's age at its cutoff in whole days (-1 unknown).
	scoreAges []int
	age       []int
	evalAt    string
	leads     map[string]bool
	firstRow  map[string]int // lead -> its earliest row
}

func newTimeline(ds *features.Dataset, fc features.Config) *timeline {
	tl := &timeline{ds: ds, key: make([]time.Time, ds.Rows), asOf: ds.Report.AsOf,
		horizon: time.Duration(fc.HorizonDays) * 24 * time.Hour, leads: map[string]bool{}, firstRow: map[string]int{}}
	if ds.Report.Mode == "snapshots" {
		tl.snapshotDays = ds.SnapshotDays()
		slices.Sort(tl.snapshotDays)
		tl.scoreAges = []int{tl.snapshotDays[0]}
		tl.evalAt = fmt.Sprintf("first snapshot, %d day(s) after creation", tl.snapshotDays[0])
	} else {
		tl.evalAt = "the row's time column"
	}
	tl.age = make([]int, ds.Rows)
	for i := 0; i < ds.Rows; i++ {
		k := ds.Created[i]
		tl.age[i] = -1
		if k.IsZero() {
			k = ds.Cutoffs[i]
		} else if tl.scoreAges != nil {
			tl.age[i] = int(math.Round(ds.Cutoffs[i].Sub(k).Hours() / 24))
		}
		tl.key[i] = k
		if k.IsZero() {
			continue
		}
		id := ds.LeadIDs[i]
		tl.leads[id] = true
		if r, ok := tl.firstRow[id]; !ok || ds.Cutoffs[i].Before(ds.Cutoffs[r]) {
			tl.firstRow[id] = i
		}
		if tl.first.IsZero() || k.Before(tl.first) {
			tl.first = k
		}
		if k.After(tl.last) {
			tl.last = k
		}
	}
	if tl.asOf.IsZero() {
		tl.asOf = tl.last
	}
	return tl
}

// trainRows returns the rows whose outcome was known at start: lead time
// before start and cutoff + horizon at or before start.
func (tl *timeline) trainRows(start time.Time) []int {
	var out []int
	for i := 0; i < tl.ds.Rows; i++ {
		k := tl.key[i]
		if k.IsZero() || !k.Before(start) {
			continue
		}
		if tl.ds.Cutoffs[i].Add(tl.horizon).After(start) {
			continue
		}
		out = append(out, i)
	}
	return out
}

// setScoreAges sets the ages periods are scored at: ages, sorted, each of
// which must be a snapshot age; by default every snapshot age up to
// DefaultMaxScoreAge days (at least the first). Flat data takes none.
func (tl *timeline) setScoreAges(ages []int) error {
	if tl.ds.Report.Mode != "snapshots" {
		if len(ages) > 0 {
			return fmt.Errorf("score_ages %v: flat data is scored at its time column; score ages need leads with events and outcomes (--events, --outcomes)", ages)
		}
		return nil
	}
	if len(ages) == 0 {
		tl.scoreAges = []int{tl.snapshotDays[0]}
		for _, d := range tl.snapshotDays[1:] {
			if d <= DefaultMaxScoreAge {
				tl.scoreAges = append(tl.scoreAges, d)
			}
		}
	} else {
		for _, a := range ages {
			if !slices.Contains(tl.snapshotDays, a) {
				return fmt.Errorf("score age %d days is not a training snapshot age %v: add it to --snapshots (snapshot_days) or drop it from --score-ages (score_ages)", a, tl.snapshotDays)
			}
		}
		tl.scoreAges = slices.Sorted(slices.Values(ages))
	}
	if len(tl.scoreAges) == 1 {
		tl.evalAt = fmt.Sprintf("snapshot %d day(s) after creation", tl.scoreAges[0])
	} else {
		tl.evalAt = fmt.Sprintf("snapshots %s days after creation", joinInts(tl.scoreAges))
	}
	return nil
}

// joinInts writes 1, 7, 14 and 30.
func joinInts(xs []int) string {
	s := make([]string, len(xs))
	for k, x := range xs {
		s[k] = fmt.Sprint(x)
	}
	return joinStrings(s)
}

// primaryAge is the smallest score age, -1 for flat data.
func (tl *timeline) primaryAge() int {
	if len(tl.scoreAges) == 0 {
		return -1
	}
	return tl.scoreAges[0]
}

// outcomesKnownAt is when every lead created before end has had age days
// plus the horizon (flat data: the horizon after its time).
func (tl *timeline) outcomesKnownAt(end time.Time, age int) time.Time {
	return end.Add(time.Duration(max(0, age))*24*time.Hour + tl.horizon)
}

// evalRows returns, for every lead created in [start, end), its row at
// the given age: its snapshot age days after creation, which exists only
// when the lead had not converted by then and is labelled (not censored).
// Age -1 (flat data) takes each lead's first row.
func (tl *timeline) evalRows(start, end time.Time, age int) []int {
	var out []int
	if age < 0 {
		for _, r := range tl.firstRow {
			if k := tl.key[r]; !k.Before(start) && k.Before(end) {
				out = append(out, r)
			}
		}
		sort.Ints(out)
		return out
	}
	for r, k := range tl.key {
		if tl.age[r] == age && !k.Before(start) && k.Before(end) {
			out = append(out, r)
		}
	}
	return out
}

// fitPositives counts the positive examples of the fitting part of a split.
func fitPositives(ds *features.Dataset, s training.Split) int {
	n := 0
	for _, r := range s.Train {
		if ds.Labels[r] == 1 {
			n++
		}
	}
	return n
}

func countLeads(ids []string, rows []int) int {
	seen := map[string]bool{}
	for _, r := range rows {
		seen[ids[r]] = true
	}
	return len(seen)
}

// validationSplit holds out the latest 20% of the training leads (by lead
// time), growing the hold-out up to half the leads until it has at least 5
// conversions and 5 non-conversions.
func validationSplit(tl *timeline, train []int) training.Split {
	ds := tl.ds
	byLead := map[string][]int{}
	var order []string
	for _, r := range train {
		id := ds.LeadIDs[r]
		if _, ok := byLead[id]; !ok {
			order = append(order, id)
		}
		byLead[id] = append(byLead[id], r)
	}
	sort.SliceStable(order, func(a, b int) bool {
		return tl.key[byLead[order[a]][0]].Before(tl.key[byLead[order[b]][0]])
	})
	n := len(order)
	if n < 2 {
		return training.Split{Method: "backtest: too few leads to hold any out", Train: slices.Clone(train), TrainRows: len(train), TrainLeads: n}
	}
	nVal := max(1, int(math.Round(0.2*float64(n))))
	count := func(k int) (pos, neg int) {
		for _, id := range order[n-k:] {
			for _, r := range byLead[id] {
				if ds.Labels[r] == 1 {
					pos++
				} else {
					neg++
				}
			}
		}
		return pos, neg
	}
	for nVal < n/2 {
		if pos, neg := count(nVal); pos >= 5 && neg >= 5 {
			break
		}
		nVal = min(n/2, nVal+max(1, n/20))
	}
	s := training.Split{Method: "backtest: fitted on the earlier 80% of the leads with known outcomes, champion chosen on the latest 20%", TestFrac: float64(nVal) / float64(n)}
	for k, id := range order {
		s.AddLead(byLead[id], k >= n-nVal)
	}
	s.Finish()
	return s
}

// runPeriod fits on the training window, scores the period's leads at
// each of ages with that one fit and evaluates them: p.Eval at the first
// age, p.ByAge at each.
func runPeriod(ctx context.Context, cfg Config, opt training.Options, prep *training.Prepared, tl *timeline, p *Period, split training.Split, ages []ageRows, seed uint64) error {
	ds := prep.Dataset
	train := p.trainRows
	fit, err := training.Fit(ctx, opt, prep, split)
	if err != nil {
		return fmt.Errorf("fit on %d training leads: %w", p.TrainLeads, err)
	}
	b := fit.Bundle
	p.Champion = b.Scoring.Champion
	// The period's leads are scored as the service would score them:
	// through the bundle's scoring path, every age's rows in one call.
	var all []int
	for _, a := range ages {
		all = append(all, a.rows...)
	}
	results := b.ScoreDataset(ds, all, models.ScoreOptions{AllModels: true}, cfg.Threads)
	p.scoredAt = map[int]*scored{}
	var primaryProb []float64
	var primaryRows []int
	for k, a := range ages {
		res := results[:len(a.rows)]
		results = results[len(a.rows):]
		if len(a.rows) == 0 && k > 0 {
			// Every lead of the period converted before this age.
			if ae := p.age(a.age); ae != nil {
				ae.Status = StatusNoLeads
			}
			continue
		}
		sc, unscored, err := scoreSet(b, ds, res)
		if err != nil {
			if k == 0 {
				return err
			}
			return fmt.Errorf("at age %d days: %w", a.age, err)
		}
		if sc.rules >= 0 {
			sc.pred = predictiveIndex(sc, fit.Report)
			p.Predictive = sc.names[sc.pred]
		}
		// Each age draws its own resamples; the primary age's are those of
		// a backtest at one age.
		ev := evaluate(sc, cfg.Resamples, seed+uint64(k)*104729, cfg.Threads)
		p.scoredAt[a.age] = sc
		if k == 0 {
			p.Eval, p.Unscored = ev, unscored
			primaryRows = sc.rows
			primaryProb = sc.scores[slices.Index(sc.names, Champion)].prob
		}
		if ae := p.age(a.age); ae != nil {
			ae.Leads, ae.Unscored, ae.Eval = len(sc.y), unscored, ev
		}
	}
	// Drift compares like with like: the training leads at their first
	// snapshot against the period's leads at theirs.
	var trainFirst []int
	for _, r := range train {
		if tl.firstRow[ds.LeadIDs[r]] == r {
			trainFirst = append(trainFirst, r)
		}
	}
	champProb := slices.Clone(fit.Probabilities[b.Scoring.Champion])
	for k, r := range primaryRows {
		champProb[r] = primaryProb[k]
	}
	p.Drift, p.ScorePSI = drift(b, ds, fit.Tree, trainFirst, primaryRows, champProb)
	p.ScoreDrift = float64(p.ScorePSI) > DriftThreshold
	return nil
}

// scoreSet turns the bundle's results for one set of rows into labels and
// each model's scores, the champion last. A lead the service would refuse
// (a field the model requires is missing) is left out and counted.
func scoreSet(b *models.Bundle, ds *features.Dataset, res []models.Scored) (*scored, int, error) {
	unscored := 0
	kept := make([]models.Scored, 0, len(res))
	for _, r := range res {
		var mf *models.MissingFieldsError
		if errors.As(r.Err, &mf) {
			unscored++
			continue
		}
		if r.Err != nil {
			return nil, 0, fmt.Errorf("score lead %s of the period: %w", r.LeadID, r.Err)
		}
		kept = append(kept, r)
	}
	if len(kept) == 0 {
		return nil, unscored, fmt.Errorf("none of the period's %d leads could be scored: each lacks a field the model requires", unscored)
	}
	n := len(kept)
	sc := &scored{pred: -1, rules: -1, source: b.Scoring.Champion, rows: make([]int, n), y: make([]float64, n)}
	var sheetRes []rules.Result
	if b.Rules != nil {
		sheetRes = make([]rules.Result, n)
	}
	probs := map[string][]float64{}
	for _, name := range b.Models() {
		probs[name] = make([]float64, n)
	}
	for k, r := range kept {
		sc.rows[k], sc.y[k] = r.Row, ds.Labels[r.Row]
		for name, p := range r.Result.Probabilities {
			probs[name][k] = p
		}
		if sheetRes != nil {
			sheetRes[k] = *r.Result.Rules
		}
	}
	for _, name := range b.Models() {
		prob := probs[name]
		ms := &modelScores{prob: prob}
		mql, hot := make([]bool, n), make([]bool, n)
		if name == models.Rules {
			pts := make([]float64, n)
			for k, rr := range sheetRes {
				pts[k] = rr.Points
				mql[k] = rr.Tier == rules.TierWarm || rr.Tier == rules.TierHot
				hot[k] = rr.Tier == rules.TierHot
			}
			ms.val = pts
			sc.rules = len(sc.names)
		} else {
			warm, hotT := tierThresholds(b, name)
			for k, x := range prob {
				mql[k], hot[k] = x >= warm, x >= hotT
			}
			ms.val = prob
		}
		ms.rank = newRanking(ms.val)
		sc.names = append(sc.names, name)
		sc.scores = append(sc.scores, ms)
		sc.mql = append(sc.mql, mql)
		sc.hot = append(sc.hot, hot)
	}
	ci := slices.Index(sc.names, b.Scoring.Champion)
	sc.names = append(sc.names, Champion)
	sc.scores = append(sc.scores, sc.scores[ci])
	sc.mql = append(sc.mql, sc.mql[ci])
	sc.hot = append(sc.hot, sc.hot[ci])
	return sc, unscored, nil
}

// predictiveIndex is the champion when it is a fitted model, else the
// fitted model with the lower validation log loss.
func predictiveIndex(sc *scored, rep *training.Report) int {
	if sc.source != models.Rules {
		return slices.Index(sc.names, sc.source)
	}
	best := -1
	for k, n := range sc.names {
		if n == models.Rules || n == Champion {
			continue
		}
		if best < 0 || rep.Metrics[n].LogLoss < rep.Metrics[sc.names[best]].LogLoss {
			best = k
		}
	}
	return best
}

// tierThresholds are the probabilities at or above which a model puts a
// lead in the warm-or-hot and in the hot tier: the champion's served
// thresholds, and for the other models the same shares of the training
// population (their 70% and 90% quantiles by default).
func tierThresholds(b *models.Bundle, name string) (warm, hot float64) {
	if name == b.Scoring.Champion {
		return b.Scoring.WarmThreshold, b.Scoring.HotThreshold
	}
	q := b.Scoring.Population[name]
	qc := b.Scoring.Population[b.Scoring.Champion]
	if len(q) != 1001 || len(qc) != 1001 {
		return math.Inf(1), math.Inf(1)
	}
	// The share of the champion's population at or above its thresholds.
	share := func(t float64) int {
		k := sort.SearchFloat64s(qc, t)
		return min(1000, k)
	}
	return q[share(b.Scoring.WarmThreshold)], q[share(b.Scoring.HotThreshold)]
}

// evaluate computes every model's metrics with bootstrap intervals and the
// paired comparisons.
func evaluate(sc *scored, resamples int, seed uint64, threads int) *Evaluation {
	return evaluateClusters(sc, nil, resamples, seed, threads)
}

// evaluateClusters is evaluate with the bootstrap resampling clusters of
// rows (see bootstrapClusters); Leads counts rows.
func evaluateClusters(sc *scored, clusters []int, resamples int, seed uint64, threads int) *Evaluation {
	ev := &Evaluation{Leads: len(sc.y)}
	for _, v := range sc.y {
		if v == 1 {
			ev.Conversions++
		}
	}
	br := bootstrapClusters(sc.y, clusters, sc.scores, resamples, seed, threads)
	for k, name := range sc.names {
		est := sc.scores[k].evaluateAll(sc.y, nil)
		iv := func(m int) Interval {
			lo, hi := br.interval(k, m)
			return Interval{Value: htmlreport.Float(est[m]), Lo: htmlreport.Float(lo), Hi: htmlreport.Float(hi)}
		}
		mm := ModelMetrics{
			Model: name, ROCAUC: iv(mAUC), PRAUC: iv(mPRAUC), LogLoss: iv(mLogLoss), Brier: iv(mBrier),
			ECE: iv(mECE), Capture10: iv(mCapture10), Capture20: iv(mCapture20),
		}
		if name == Champion {
			mm.Source = sc.source
		}
		mm.MQLLeads, mm.MQLRate = rateOf(sc.y, sc.mql[k])
		mm.HotLeads, mm.HotRate = rateOf(sc.y, sc.hot[k])
		ev.Models = append(ev.Models, mm)
	}
	if sc.pred >= 0 && sc.rules >= 0 {
		for _, m := range []struct {
			name string
			k    int
		}{{"roc_auc", mAUC}, {"top10_capture", mCapture10}} {
			est := sc.scores[sc.pred].evaluateAll(sc.y, nil)[m.k] - sc.scores[sc.rules].evaluateAll(sc.y, nil)[m.k]
			lo, hi, pv := br.paired(sc.pred, sc.rules, m.k)
			ev.Paired = append(ev.Paired, Paired{
				Metric: m.name, Predictive: sc.names[sc.pred], Baseline: models.Rules,
				Difference: Interval{Value: htmlreport.Float(est), Lo: htmlreport.Float(lo), Hi: htmlreport.Float(hi)},
				PValue:     htmlreport.Float(pv), Resamples: resamples,
			})
		}
	}
	// Every model row against the rule sheet, and logistic against gbm.
	compare := func(a, b int) {
		est := sc.scores[a].evaluateAll(sc.y, nil)[mAUC] - sc.scores[b].evaluateAll(sc.y, nil)[mAUC]
		lo, hi, pv := br.paired(a, b, mAUC)
		ev.Comparisons = append(ev.Comparisons, Paired{
			Metric: "roc_auc", Predictive: sc.names[a], Baseline: sc.names[b],
			Difference: Interval{Value: htmlreport.Float(est), Lo: htmlreport.Float(lo), Hi: htmlreport.Float(hi)},
			PValue:     htmlreport.Float(pv), Resamples: resamples,
		})
	}
	if sc.rules >= 0 {
		for k, name := range sc.names {
			if k != sc.rules && name != "predictive" {
				compare(k, sc.rules)
			}
		}
	}
	if l, g := slices.Index(sc.names, models.Logistic), slices.Index(sc.names, models.GBM); l >= 0 && g >= 0 {
		compare(l, g)
	}
	return ev
}

func rateOf(y []float64, sel []bool) (int, htmlreport.Float) {
	var n, pos int
	for i, s := range sel {
		if s {
			n++
			if y[i] == 1 {
				pos++
			}
		}
	}
	if n == 0 {
		return 0, htmlreport.Float(math.NaN())
	}
	return n, htmlreport.Float(float64(pos) / float64(n))
}

// pool concatenates the evaluated periods. The predictive row of a pooled
// period follows each period's choice. Pooled, the champion row ranks
// leads by probability: a period whose champion is the rule sheet ranks by
// its points alone, which are on another scale than the other periods'
// probabilities.
func pool(ps []*scored) *scored {
	out := &scored{names: ps[0].names, rules: ps[0].rules, pred: -1, source: ps[len(ps)-1].source}
	nm := len(out.names)
	probs := make([][]float64, nm)
	ranks := make([][]float64, nm)
	out.mql = make([][]bool, nm)
	out.hot = make([][]bool, nm)
	var predProb, predRank []float64
	var predMQL, predHot []bool
	for _, s := range ps {
		out.y = append(out.y, s.y...)
		out.rows = append(out.rows, s.rows...)
		for k := range out.names {
			probs[k] = append(probs[k], s.scores[k].prob...)
			if out.names[k] == Champion {
				ranks[k] = append(ranks[k], s.scores[k].prob...)
			} else {
				ranks[k] = append(ranks[k], rankValues(s, k)...)
			}
			out.mql[k] = append(out.mql[k], s.mql[k]...)
			out.hot[k] = append(out.hot[k], s.hot[k]...)
		}
		if s.pred >= 0 {
			predProb = append(predProb, s.scores[s.pred].prob...)
			predRank = append(predRank, rankValues(s, s.pred)...)
			predMQL = append(predMQL, s.mql[s.pred]...)
			predHot = append(predHot, s.hot[s.pred]...)
		}
	}
	for k := range out.names {
		out.scores = append(out.scores, &modelScores{prob: probs[k], val: ranks[k], rank: newRanking(ranks[k])})
	}
	if out.rules >= 0 && len(predProb) == len(out.y) {
		out.names = append(slices.Clone(out.names), "predictive")
		out.scores = append(out.scores, &modelScores{prob: predProb, val: predRank, rank: newRanking(predRank)})
		out.mql = append(out.mql, predMQL)
		out.hot = append(out.hot, predHot)
		out.pred = len(out.names) - 1
	}
	return out
}

// rankValues returns the values model k ranks leads by: rule points for
// the sheet, the probability otherwise.
func rankValues(s *scored, k int) []float64 { return s.scores[k].val }

func pick(xs []float64, idx []int) []float64 {
	out := make([]float64, len(idx))
	for k, r := range idx {
		out[k] = xs[r]
	}
	return out
}

// ChampionChoice picks, among the named models, the one with the lowest
// pooled out-of-time log loss over the evaluated periods, and says why; ok
// is false when no period was evaluated or some named model was not (a
// backtest of part of the models cannot choose among all of them). With
// several score ages the log loss is that of every score the backtest
// made, all ages together: each age's pooled log loss weighted by the
// leads scored at that age, so every (lead, age) score counts once.
func (r *Result) ChampionChoice(names []string) (name, reason string, ok bool) {
	if r.Overall == nil {
		return "", "", false
	}
	evals := []*Evaluation{r.Overall}
	var ages []string
	if len(r.ByAge) > 1 {
		evals = nil
		for _, a := range r.ByAge {
			if a.Overall != nil {
				evals = append(evals, a.Overall)
				ages = append(ages, fmt.Sprint(a.AgeDays))
			}
		}
	}
	leads := 0
	for _, ev := range evals {
		leads += ev.Leads
		for _, n := range names {
			if !slices.ContainsFunc(ev.Models, func(m ModelMetrics) bool { return m.Model == n }) {
				return "", "", false
			}
		}
	}
	var parts []string
	best := -1.0
	for _, n := range names {
		var sum, w float64
		for _, ev := range evals {
			m, _ := find(ev, n)
			if ll := float64(m.LogLoss.Value); !math.IsNaN(ll) {
				sum += ll * float64(ev.Leads)
				w += float64(ev.Leads)
			}
		}
		if w == 0 {
			continue
		}
		ll := sum / w
		m, _ := find(r.Overall, n)
		parts = append(parts, fmt.Sprintf("%s %.4f (ROC AUC %.3f at %s)", n, ll, float64(m.ROCAUC.Value), r.primaryAgeText()))
		if name == "" || ll < best {
			name, best = n, ll
		}
	}
	if name == "" {
		return "", "", false
	}
	evaluated := 0
	for _, p := range r.Periods {
		if p.Status == StatusEvaluated {
			evaluated++
		}
	}
	where := fmt.Sprintf("%d leads", leads)
	if len(ages) > 1 {
		where = fmt.Sprintf("%d scores of leads %s days old", leads, joinStrings(ages))
	}
	return name, fmt.Sprintf("lowest pooled out-of-time log loss in the %s backtest over %d periods and %s (%s)", r.Settings.Period, evaluated, where, strings.Join(parts, ", ")), true
}

// primaryAgeText names the age Overall is scored at.
func (r *Result) primaryAgeText() string {
	if len(r.Settings.ScoreAges) == 0 {
		return "the time column"
	}
	return fmt.Sprintf("day %d", r.Settings.ScoreAges[0])
}

// joinStrings writes a, b and c.
func joinStrings(s []string) string {
	if len(s) < 2 {
		return strings.Join(s, "")
	}
	return strings.Join(s[:len(s)-1], ", ") + " and " + s[len(s)-1]
}
