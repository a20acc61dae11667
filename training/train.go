// Package training fits the rule sheet, logistic regression and
// gradient-boosted trees on historical leads, calibrates them on rows they
// were not fitted on, measures them on held-out leads and writes a model
// bundle with its report.
package training

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math"
	"os"
	"runtime"
	"slices"
	"strings"
	"time"

	"github.com/leadscore/leadscore/datasets"
	"github.com/leadscore/leadscore/datasets/store"
	"github.com/leadscore/leadscore/features"
	"github.com/leadscore/leadscore/internal/version"
	"github.com/leadscore/leadscore/metrics"
	"github.com/leadscore/leadscore/models"
	"github.com/leadscore/leadscore/models/calibrate"
	"github.com/leadscore/leadscore/models/gbm"
	"github.com/leadscore/leadscore/models/logistic"
	"github.com/leadscore/leadscore/models/rules"
)

// Options configure one training run.
type Options struct {
	// Data is the leads file (flat: one row per lead with the target column;
	// three tables: one row per lead with its creation time).
	Data string
	// Events and Outcomes are the activity and closed-won files of the
	// three-table shape; both empty for flat data.
	Events, Outcomes string
	// Store, when set, is the training data in place of Data, Events and
	// Outcomes (which must be empty): its leads with their field history,
	// events and won outcomes, read directly (see FromStore).
	Store  *store.Store
	Read   datasets.ReadOptions
	Config features.Config
	// RulesFile is the rule sheet; RulesYAML, when set, is used instead.
	RulesFile string
	RulesYAML []byte
	// Models picks which models to fit (default: all).
	Models   []string
	Champion string
	Seed     int64
	Threads  int
	// TestFrac is the share of leads held out for evaluation (default 0.2).
	TestFrac float64
	GBM      gbm.Params
	// OutOfRange is how the logistic model treats numbers beyond their
	// training range: "" or "auto" (chosen on an out-of-time validation
	// window), clip, widened or none (see features.OutOfRange).
	OutOfRange string
	// NoRuleFeatures keeps the rule sheet's points and fired rules out of
	// the logistic and gbm models' inputs (by default, with a rule sheet,
	// they are inputs: see models.RuleInputs).
	NoRuleFeatures bool
	// GBMMonotone constrains the gbm in the features the rules match.
	GBMMonotone []MonotoneRule
	// Weight names a numeric column of the leads file whose value weights
	// every example of the lead in the fits and calibrations (never a
	// feature; the held-out metrics stay unweighted).
	Weight string
	// LogisticLambda, when > 0, fixes the logistic model's L2 strength
	// instead of choosing it by 5-fold cross-validation.
	LogisticLambda float64
	// LogisticL1Ratio mixes an L1 penalty into the logistic model's L2 one
	// (0: ridge, the default; 1: lasso; in between: the elastic net).
	LogisticL1Ratio float64
	Tune            bool
	// HotShare and WarmShare are the shares of the training population that
	// the default tier thresholds put in the hot tier (default 0.10) and in the
	// hot or warm tiers (default 0.30).
	HotShare, WarmShare float64
	Name                string
	Command             []string
	// StreamEvents reads the events file batch by batch, grouped by lead
	// (features.BuildByLead): each lead's events are aggregated, the rule
	// sheet evaluated on them, and then dropped, so memory does not grow
	// with the events. The Prepared Dataset then keeps no events
	// (Dataset.Lead returns none), which Fit does not need but backtests
	// and retrain comparisons, which score the Dataset, do. A file whose
	// events are not grouped by lead is read whole instead, with a warning.
	StreamEvents bool
	// Logger receives progress; nil is silent.
	Logger *slog.Logger
	// Progress, when set, is called as each stage starts.
	Progress func(stage string)
}

// Result is what Train and Fit return: the bundle (not yet saved), its
// report and the per-row probabilities behind the metrics.
type Result struct {
	Bundle *models.Bundle
	Report *Report
	// Probabilities holds, per model, the calibrated probability of every
	// example of the prepared dataset (training rows included).
	Probabilities map[string][]float64
	// Linear and Tree are the bundle's Spec's encodings of every example,
	// computed for the models that use them (nil otherwise): Linear for
	// logistic, Tree for gbm.
	Linear, Tree *features.Matrix
}

// Prepared is the read and feature-built input of one or more fits.
type Prepared struct {
	Inputs      features.Inputs
	Dataset     *features.Dataset
	Fingerprint string
	// Counts and Warnings come from reading the files.
	Counts   map[string]int
	Warnings []string
	Timings  map[string]float64
	// ruleResults are the rule sheet's results per build row
	// (Dataset.SourceRow), evaluated while the events streamed; nil when
	// the Dataset keeps its events.
	ruleResults []rules.Result
}

// Train runs the whole pipeline: Prepare, the default train/test split
// (out-of-time when opt.Config.Time is set, else random by lead) and Fit.
func Train(ctx context.Context, opt Options) (*Result, error) {
	opt = withDefaults(opt)
	prep, err := Prepare(ctx, opt)
	if err != nil {
		return nil, err
	}
	split, err := DefaultSplit(opt, prep.Dataset)
	if err != nil {
		return nil, err
	}
	return Fit(ctx, opt, prep, split)
}

// DefaultSplit is the train/test split Train uses: out-of-time wherever the
// data has time (the latest opt.TestFrac of leads are held out): flat data
// with opt.Config.Time set, and snapshots of leads with a creation time
// (three tables). Otherwise, and when some lead has no time, it is random,
// stratified by outcome and grouped by lead, seeded by opt.Seed.
func DefaultSplit(opt Options, ds *features.Dataset) (Split, error) {
	opt = withDefaults(opt)
	if opt.Config.Time != "" {
		return timeSplit(ds.LeadIDs, ds.Created, opt.TestFrac)
	}
	if ds.Report.Mode == "snapshots" && !slices.ContainsFunc(ds.Created, time.Time.IsZero) {
		return timeSplit(ds.LeadIDs, ds.Created, opt.TestFrac)
	}
	return stratifiedSplit(ds.LeadIDs, ds.Labels, opt.TestFrac, uint64(opt.Seed))
}

// Prepare reads the input files and builds the point-in-time examples.
func Prepare(ctx context.Context, opt Options) (*Prepared, error) {
	opt = withDefaults(opt)
	prep := &Prepared{Counts: map[string]int{}, Timings: map[string]float64{}}
	rep := &Report{Timings: prep.Timings, Counts: prep.Counts}
	if err := CheckInputs(opt); err != nil {
		return nil, err
	}
	t0 := time.Now()
	stageStart(opt, "read")
	stream := opt.StreamEvents && (opt.Events != "" || opt.Store != nil)
	var in features.Inputs
	var parts []string
	var err error
	if opt.Store != nil {
		in, parts, err = readStore(ctx, opt, rep, !stream)
	} else {
		in, parts, err = readInputs(opt, rep, !stream)
	}
	if err != nil {
		return nil, err
	}
	prep.Inputs, prep.Fingerprint, prep.Warnings = in, fingerprint(parts), rep.Warnings
	prep.Timings["read"] = since(t0)
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	t0 = time.Now()
	stageStart(opt, "build_examples")
	var ds *features.Dataset
	if stream {
		var grouped bool
		if ds, grouped, err = buildStreaming(ctx, opt, prep, rep, parts); err != nil {
			return nil, err
		}
		if !grouped && opt.Store != nil {
			return nil, fmt.Errorf("store %s: the events did not come grouped by lead: %w", opt.Store.Redacted(), features.ErrEventsNotGrouped)
		}
		if !grouped {
			// Read whole, as without StreamEvents.
			prep.ruleResults = nil
			opt.Logger.Warn("events not grouped by lead: reading them whole", "file", opt.Events)
			rep.Warnings = append(rep.Warnings, fmt.Sprintf("%s: the events are not grouped by lead, so they were read whole and training memory grew with them; sort the file by lead id (leadscore generate and the lead store write it so) to stream it", opt.Events))
			events, tag, err := readTable(opt, rep, opt.Events, "events")
			if err != nil {
				return nil, err
			}
			prep.Inputs.Events, in.Events = events, events
			prep.Fingerprint = fingerprint(slices.Insert(parts, 1, tag))
			stream = false
		}
		prep.Warnings = rep.Warnings
	}
	if !stream {
		if ds, err = features.Build(opt.Config, in); err != nil {
			return nil, err
		}
	}
	if ds.Rows == 0 {
		return nil, fmt.Errorf("no labelled examples: %s", buildSummary(ds.Report))
	}
	prep.Dataset = ds
	prep.Timings["build"] = since(t0)
	return prep, nil
}

// buildStreaming builds prep's examples with the events file read in
// batches, grouped by lead (features.BuildByLead), evaluating the rule
// sheet (when opt fits it) on each lead's events before they are dropped.
// It sets prep's counts, fingerprint and rule results. grouped is false,
// with no error, when the file's events are not grouped by lead.
func buildStreaming(ctx context.Context, opt Options, prep *Prepared, rep *Report, parts []string) (ds *features.Dataset, grouped bool, err error) {
	var sheet *rules.Sheet
	if slices.Contains(opt.Models, models.Rules) {
		if sheet, _, err = loadRules(opt); err != nil {
			return nil, false, err
		}
	}
	var r *datasets.Reader
	if opt.Store != nil {
		r, err = opt.Store.OpenEvents(ctx, opt.Read)
	} else {
		r, err = datasets.Open(opt.Events, opt.Read)
	}
	if err != nil {
		return nil, false, err
	}
	defer r.Close()
	var res []rules.Result
	visit := func(row int, l *features.Lead) {
		if row >= len(res) {
			res = append(res, make([]rules.Result, row+1-len(res)+len(res)/2)...)
		}
		res[row] = sheet.Evaluate(l)
	}
	if sheet == nil {
		visit = nil
	}
	ds, err = features.BuildByLead(opt.Config, prep.Inputs, r.Next, visit)
	if errors.Is(err, features.ErrEventsNotGrouped) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, err
	}
	rr := r.Report()
	prep.Counts["events_rows"] = rr.Rows
	addProblems(rep, rr)
	tag := fileTag(opt.Events, "events", rr)
	if opt.Store != nil {
		tag = storeTag(opt.Store, "events", rr)
	}
	parts = slices.Insert(slices.Clone(parts), 1, tag)
	prep.Fingerprint = fingerprint(parts)
	prep.ruleResults = res
	return ds, true, nil
}

func stageStart(opt Options, name string) {
	if opt.Progress != nil {
		opt.Progress(name)
	}
	if opt.Logger != nil {
		opt.Logger.Info("stage", "stage", name)
	}
}

func since(t0 time.Time) float64 { return math.Round(time.Since(t0).Seconds()*1000) / 1000 }

// Fit audits, fits, calibrates and evaluates every model of opt.Models on the
// split of prep's examples: statistics, models and calibrators see only
// split.Train; the metrics come from split.Test.
func Fit(ctx context.Context, opt Options, prep *Prepared, split Split) (*Result, error) {
	opt = withDefaults(opt)
	ds := prep.Dataset
	rep := &Report{Timings: map[string]float64{}, Counts: prep.Counts, Build: ds.Report, Split: split}
	for k, v := range prep.Timings {
		rep.Timings[k] = v
	}
	rep.Warnings = append(rep.Warnings, prep.Warnings...)
	log := opt.Logger
	stage := func(name string) func() {
		stageStart(opt, name)
		t0 := time.Now()
		return func() { rep.Timings[name] = since(t0) }
	}
	done := stage("audit_and_encode")
	// features.Fit runs the leakage audit on the training rows and leaves
	// the suspects out (Spec.Excluded) unless AllowLeaky names them
	// (Spec.Allowed); the fitted configuration lists them as excluded.
	spec, err := features.Fit(opt.Config, ds, split.Train)
	if err != nil {
		return nil, err
	}
	suspects := append(slices.Clone(spec.Excluded), spec.Allowed...)
	slices.SortStableFunc(suspects, func(a, b features.Suspect) int { return strings.Compare(a.Column, b.Column) })
	rep.LeakageSuspects = suspects
	rep.MergedCategories = spec.MergedCategories()
	spec.Config.Exclude = slices.Clone(spec.Config.Exclude) // not opt's backing array
	for _, s := range spec.Excluded {
		if !slices.Contains(spec.Config.Exclude, s.Column) {
			spec.Config.Exclude = append(spec.Config.Exclude, s.Column)
			// Debug, not Warn: the report and the command's output list
			// every suspect once already.
			log.Debug("excluding leakage suspect", "column", s.Column, "reason", s.Reason)
		}
	}
	rangeMode, chooseRange, err := parseOutOfRange(opt.OutOfRange)
	if err != nil {
		return nil, err
	}
	if !chooseRange || !slices.Contains(opt.Models, models.Logistic) {
		if spec, err = spec.WithOutOfRange(rangeMode); err != nil {
			return nil, err
		}
		if !chooseRange {
			rep.OutOfRange = &OutOfRangeChoice{Mode: rangeMode.Mode, Margin: rangeMode.Margin, Reason: "named by --out-of-range"}
		}
	}
	done()
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	useLin, useTree := slices.Contains(opt.Models, models.Logistic), slices.Contains(opt.Models, models.GBM)
	var lin, tree *features.Matrix

	b := &models.Bundle{Spec: spec, Calibrators: map[string]*calibrate.Calibrator{}}
	y := ds.Labels
	yTrain, yTest := pick(y, split.Train), pick(y, split.Test)
	w, winfo, err := exampleWeights(ds, opt.Weight)
	if err != nil {
		return nil, err
	}
	rep.Weight = winfo
	wTrain := pickW(w, split.Train)
	raws := map[string][]float64{} // per model: raw score for every row
	var sheetRes []rules.Result    // the sheet's result per row, for rule inputs
	rep.Calibration = map[string]calibrate.Selection{}

	// Rules: the sheet is not fitted, so its calibrator may use every
	// training row.
	if slices.Contains(opt.Models, models.Rules) {
		done = stage("fit_rules")
		sheet, yml, err := loadRules(opt)
		if err != nil {
			return nil, err
		}
		pts := make([]float64, ds.Rows)
		if !opt.NoRuleFeatures && !opt.Config.SQLCompatible && (useLin || useTree) {
			sheetRes = make([]rules.Result, ds.Rows)
		}
		for i := range pts {
			var r rules.Result
			if prep.ruleResults != nil {
				// Evaluated while the events streamed (buildStreaming).
				r = prep.ruleResults[ds.SourceRow(i)]
			} else {
				r = sheet.Evaluate(ds.Lead(i))
			}
			pts[i] = r.Points
			if sheetRes != nil {
				sheetRes[i] = r
			}
		}
		b.Rules, b.RulesYAML = sheet, yml
		raws[models.Rules] = pts
		if sheetRes != nil {
			// Rules as features: the sheet's points and fired rules, point
			// in time like every feature, become inputs of the logistic
			// and gbm models.
			trainRes := make([]rules.Result, len(split.Train))
			for p, r := range split.Train {
				trainRes[p] = sheetRes[r]
			}
			b.RuleInputs = models.FitRuleInputs(sheet, trainRes)
			rep.RuleInputs = b.RuleInputs.Columns
		}
		done()
	}

	// Each encoding only for the models that use it, with the rule inputs
	// in its last columns.
	done = stage("encode")
	var warn features.Warnings
	if useLin {
		lin, warn = spec.LinearWith(ds, b.RuleInputs.ColumnInfos())
		fillRuleInputs(lin, b.RuleInputs, sheetRes, true)
	}
	if useTree {
		var w2 features.Warnings
		tree, w2 = spec.TreeWith(ds, b.RuleInputs.ColumnInfos())
		fillRuleInputs(tree, b.RuleInputs, sheetRes, false)
		warn.Merge(w2)
	}
	for _, w := range models.Warnings(warn) {
		rep.Warnings = append(rep.Warnings, w.Message)
	}
	rep.Warnings = dedupe(rep.Warnings)
	done()
	if err := ctx.Err(); err != nil {
		return nil, err
	}

	// Logistic regression: lambda by cross-validation on the training rows;
	// the calibrator is fitted on out-of-fold margins of the same folds.
	if slices.Contains(opt.Models, models.Logistic) {
		done = stage("fit_logistic")
		Xtr := rowsOf(lin, split.Train)
		// Folds group the snapshots of a lead, so a lead never informs
		// the choice of lambda for its own rows.
		leadOf := make([]int, len(split.Train))
		for p, r := range split.Train {
			leadOf[p] = ds.LeadGroup(r)
		}
		foldOf, err := features.Folds(yTrain, leadOf, 5, uint64(opt.Seed)+1)
		if err != nil {
			return nil, fmt.Errorf("fit logistic: %w", err)
		}
		lo := logistic.Options{CV: true, Folds: 5, FoldOf: foldOf, L1Ratio: opt.LogisticL1Ratio, Seed: opt.Seed, Threads: opt.Threads}
		if opt.LogisticLambda > 0 {
			lo.CV, lo.Lambda, lo.FoldOf = false, opt.LogisticLambda, nil
		}
		m, err := logistic.Fit(Xtr, yTrain, wTrain, lo)
		if err != nil {
			return nil, fmt.Errorf("fit logistic: %w", err)
		}
		b.Logistic = m
		if chooseRange {
			// Out-of-range handling by evidence: the training rows lie in
			// their own range, so the model fitted above holds for every
			// mode; only the other rows' encoding changes.
			o, choice, err := chooseOutOfRange(opt, ds, spec, split, b.RuleInputs, sheetRes, w, m.Lambda, m.L1Ratio)
			if err != nil {
				return nil, err
			}
			rep.OutOfRange = choice
			if spec, err = spec.WithOutOfRange(o); err != nil {
				return nil, err
			}
			b.Spec = spec
			if o.Mode != features.RangeClip {
				lin = nil // before the new encoding: both are large
				lin, _ = spec.LinearWith(ds, b.RuleInputs.ColumnInfos())
				fillRuleInputs(lin, b.RuleInputs, sheetRes, true)
			}
		}
		margins := make([]float64, ds.Rows)
		for i := range margins {
			margins[i] = m.Margin(lin.Row(i))
		}
		raws[models.Logistic] = margins
		// The calibrator learns from out-of-fold margins: those of the
		// cross-validation at the chosen lambda, or, with a fixed lambda,
		// of refits on the same folds.
		oof := m.OOF
		if oof == nil {
			if oof, err = logisticOOF(lin, y, w, split.Train, foldOf, m.Lambda, m.L1Ratio, opt); err != nil {
				return nil, err
			}
		}
		rep.Logistic = &LogisticInfo{Lambda: m.Lambda, L1Ratio: m.L1Ratio, Iterations: m.Iterations, Converged: m.Converged}
		done()
		done = stage("calibrate_logistic")
		c, sel, err := calibrate.Fit(oof, yTrain, wTrain, 5, opt.Seed)
		if err != nil {
			return nil, fmt.Errorf("calibrate logistic: %w", err)
		}
		b.Calibrators[models.Logistic], rep.Calibration[models.Logistic] = c, sel
		done()
	}

	// Gradient-boosted trees: fitted on 80% of the training leads with early
	// stopping on the other 20%, which also calibrate it: the latest 20%
	// when the split is out of time (innerSplit).
	if slices.Contains(opt.Models, models.GBM) {
		done = stage("fit_gbm")
		created := ds.Created
		for _, r := range split.Train {
			if created[r].IsZero() {
				created = nil
				break
			}
		}
		fitRows, calRows := innerSplit(ds.LeadIDs, created, y, split.Train, opt.Seed)
		Xfit, Xcal := rowsOf(tree, fitRows), rowsOf(tree, calRows)
		yFit, yCal := pick(y, fitRows), pick(y, calRows)
		wFit, wCal := pickW(w, fitRows), pickW(w, calRows)
		p := opt.GBM
		p.Seed, p.Threads = opt.Seed, opt.Threads
		mono, monoNames, err := resolveMonotone(opt.GBMMonotone, tree.Columns)
		if err != nil {
			return nil, err
		}
		if mono != nil {
			p.Monotone = mono
		}
		var colsSized bool
		if p.ColSample == 0 {
			p.ColSample, colsSized = gbm.SizedColSample(tree.Cols), true
		}
		// The penalty is per lead, except under --tune, whose candidates
		// set their own and are chosen on the validation leads.
		perLead := rowsPerLead(ds.LeadIDs, fitRows)
		var lambdaPerLead float64
		if !opt.Tune {
			lambdaPerLead = p.Lambda
			p.Lambda = gbmLambda(lambdaPerLead, perLead)
		}
		if opt.Tune {
			tuned, results, err := gbm.Tune(Xfit, yFit, wFit, Xcal, yCal, wCal, p, opt.Seed)
			if err != nil {
				return nil, fmt.Errorf("tune gbm: %w", err)
			}
			p = tuned
			rep.GBMTuning = results
		}
		m, err := gbm.Train(Xfit, yFit, wFit, Xcal, yCal, wCal, p)
		if err != nil {
			return nil, fmt.Errorf("fit gbm: %w", err)
		}
		b.GBM = m
		margins := make([]float64, ds.Rows)
		m.PredictMargins(tree, margins, opt.Threads)
		raws[models.GBM] = margins
		rep.GBM = &GBMInfo{Params: p, BestIteration: m.BestIteration(), FitRows: len(fitRows), CalibrationRows: len(calRows), Monotone: monoNames,
			RowsPerLead: perLead, LambdaPerLead: lambdaPerLead, ColSampleSized: colsSized, Columns: tree.Cols}
		done()
		done = stage("calibrate_gbm")
		c, sel, err := calibrate.Fit(pick(margins, calRows), yCal, wCal, 5, opt.Seed)
		if err != nil {
			return nil, fmt.Errorf("calibrate gbm: %w", err)
		}
		b.Calibrators[models.GBM], rep.Calibration[models.GBM] = c, sel
		done()
	}
	if b.Rules != nil {
		done = stage("calibrate_rules")
		c, sel, err := calibrate.Fit(pick(raws[models.Rules], split.Train), yTrain, wTrain, 5, opt.Seed)
		if err != nil {
			return nil, fmt.Errorf("calibrate rules: %w", err)
		}
		b.Calibrators[models.Rules], rep.Calibration[models.Rules] = c, sel
		done()
	}

	// Evaluate on the held-out leads.
	done = stage("evaluation")
	rep.Metrics = map[string]metrics.Report{}
	probs := map[string][]float64{}
	for _, name := range b.Models() {
		c := b.Calibrators[name]
		p := make([]float64, ds.Rows)
		for i, r := range raws[name] {
			p[i] = c.Apply(r)
		}
		probs[name] = p
		rep.Metrics[name] = metrics.Evaluate(yTest, pick(p, split.Test))
	}
	rep.MetricsByAge = metricsByAge(ds, split.Test, probs, b.Models())
	champ, why, err := chooseChampion(b.Models(), rep.Metrics, opt.Champion)
	if err != nil {
		return nil, err
	}
	rep.Champion, rep.ChampionReason = champ, why
	b.Scoring = scoring(champ, probs, split.Train, opt)
	if b.Scoring.Parts, err = partsPopulations(b, prep, lin, tree, split, opt); err != nil {
		return nil, err
	}
	rep.Tiers = TierInfo{Hot: b.Scoring.HotThreshold, Warm: b.Scoring.WarmThreshold, GradeScores: b.Scoring.GradeScores}
	done()

	now := time.Now().UTC()
	version := opt.Name
	if version == "" {
		version = newVersion(now)
	}
	cfgJSON, _ := json.Marshal(opt.Config)
	b.Manifest = models.Manifest{
		Version: version, Name: "leadscore", CreatedAt: now, Library: "leadscore " + LibraryVersion,
		DataFingerprint: prep.Fingerprint, Command: opt.Command, Config: cfgJSON,
		Rows: map[string]int{"examples": ds.Rows, "train": split.TrainRows, "test": split.TestRows, "leads": len(leadGroups(ds.LeadIDs))},
	}
	rep.Version, rep.CreatedAt = version, now
	rep.Models = b.Models()
	b.Report, err = json.MarshalIndent(rep, "", "  ")
	if err != nil {
		return nil, err
	}
	b.ReportMD = []byte(rep.Markdown())
	return &Result{Bundle: b, Report: rep, Probabilities: probs, Linear: lin, Tree: tree}, nil
}

// rowsPerLead is the mean number of rows (snapshots) per distinct lead
// among rows: 1 for flat data.
func rowsPerLead(leadIDs []string, rows []int) float64 {
	if len(rows) == 0 {
		return 1
	}
	seen := make(map[string]struct{}, len(rows))
	for _, r := range rows {
		seen[leadIDs[r]] = struct{}{}
	}
	return float64(len(rows)) / float64(len(seen))
}

// gbmLambda turns the gbm's L2 penalty per lead (gbm.Params.Lambda as the
// user sets it, 1 by default) into the penalty on the fitting rows. A
// leaf's value is -G/(H+λ), and a lead with k snapshots adds about k times
// to the sums G and H, so a fixed λ shrinks leaves of snapshot data k
// times less than those of flat data with as many leads: the penalty is
// scaled by the mean snapshots per lead. Flat data (one row per lead) is
// unchanged. On the quickstart's monthly backtest the gbm's day-1 pooled
// ROC AUC rose from 0.7311 to 0.7378 (7.5 snapshots per lead); with the
// column share sized by the columns (gbm.SizedColSample), the penalty per
// lead against per row gave +0.002 with 2,000 generated leads and +0.001
// with 5,000, means of 10 seeds (BENCHMARKS.md, "GBM defaults for
// lead-sized data").
func gbmLambda(perLead, rowsPerLead float64) float64 {
	return perLead * max(rowsPerLead, 1)
}

// LibraryVersion is written into every bundle's manifest: the release
// version that `leadscore --version` prints too.
const LibraryVersion = version.Release

// GBMDefaults returns the gbm's default settings for lead data: those of
// gbm.DefaultParams, except that ColSample is 0, sized by the feature
// columns when the gbm is fitted (gbm.SizedColSample), and with the row and
// column sampling of cfg (gbm_subsample, gbm_colsample in leadscore.yaml)
// where it sets them.
func GBMDefaults(cfg features.Config) gbm.Params {
	p := gbm.DefaultParams()
	p.ColSample = 0
	if cfg.GBMSubsample > 0 {
		p.Subsample = cfg.GBMSubsample
	}
	if cfg.GBMColSample > 0 {
		p.ColSample = cfg.GBMColSample
	}
	return p
}

func withDefaults(opt Options) Options {
	if opt.TestFrac == 0 {
		opt.TestFrac = 0.2
	}
	if len(opt.Models) == 0 {
		opt.Models = append([]string(nil), models.AllModels...)
	}
	if opt.Threads <= 0 {
		opt.Threads = runtime.GOMAXPROCS(0)
	}
	if opt.HotShare == 0 {
		opt.HotShare = 0.10
	}
	if opt.WarmShare == 0 {
		opt.WarmShare = 0.30
	}
	if opt.GBM.Trees == 0 {
		opt.GBM = GBMDefaults(opt.Config)
	}
	if opt.Weight != "" && !slices.Contains(opt.Config.Exclude, opt.Weight) {
		opt.Config.Exclude = append(slices.Clone(opt.Config.Exclude), opt.Weight)
	}
	if opt.Logger == nil {
		opt.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	return opt
}

// readInputs reads the input files (the events only when withEvents) and
// returns the fingerprint parts of those read (fileTag), in the order
// leads, events, outcomes.
func readInputs(opt Options, rep *Report, withEvents bool) (features.Inputs, []string, error) {
	var in features.Inputs
	var parts []string
	read := func(path, what string) (*datasets.Table, error) {
		t, tag, err := readTable(opt, rep, path, what)
		parts = append(parts, tag)
		return t, err
	}
	var err error
	if in.Leads, err = read(opt.Data, "leads"); err != nil {
		return in, nil, err
	}
	if opt.Events != "" && opt.Outcomes == "" {
		return in, nil, fmt.Errorf("events given without outcomes: the three-table shape learns from the closed-won outcomes")
	}
	if opt.Events != "" && withEvents {
		if in.Events, err = read(opt.Events, "events"); err != nil {
			return in, nil, err
		}
	}
	if opt.Outcomes != "" {
		if in.Outcomes, err = read(opt.Outcomes, "outcomes"); err != nil {
			return in, nil, err
		}
	}
	return in, parts, nil
}

// readTable reads one input file whole, counts its rows in rep (as
// what_rows), adds its problems to rep's warnings and returns its
// fingerprint part (fileTag).
func readTable(opt Options, rep *Report, path, what string) (*datasets.Table, string, error) {
	t, rr, err := datasets.ReadFile(path, opt.Read)
	if err != nil {
		return nil, "", err
	}
	rep.Counts[what+"_rows"] = rr.Rows
	addProblems(rep, rr)
	return t, fileTag(path, what, rr), nil
}

// fileTag is the fingerprint part of a file read: its size (for a
// database, its URL without the password) and rows.
func fileTag(path, what string, rr *datasets.ReadReport) string {
	if datasets.IsDatabase(path) {
		// rr.File is the URL without its password.
		return fmt.Sprintf("%s:%s:%d;", what, rr.File, rr.Rows)
	}
	if st, err := os.Stat(path); err == nil {
		return fmt.Sprintf("%s:%d:%d;", what, st.Size(), rr.Rows)
	}
	return ""
}

// fingerprint hashes the parts of readInputs into the bundle's data
// fingerprint.
func fingerprint(parts []string) string {
	h := sha256.New()
	for _, p := range parts {
		io.WriteString(h, p)
	}
	return hex.EncodeToString(h.Sum(nil))[:16]
}

func loadRules(opt Options) (*rules.Sheet, []byte, error) {
	yml := opt.RulesYAML
	name := "rules.yaml"
	if yml == nil {
		if opt.RulesFile == "" {
			return nil, nil, fmt.Errorf("the rules model needs a rule sheet: pass --rules FILE (see 'leadscore rules lint'), or leave rules out with --models logistic,gbm")
		}
		var err error
		if yml, err = os.ReadFile(opt.RulesFile); err != nil {
			return nil, nil, fmt.Errorf("read rule sheet: %w", err)
		}
		name = opt.RulesFile
	}
	s, err := rules.Parse(yml, name)
	if err != nil {
		return nil, nil, err
	}
	return s, yml, nil
}

// logisticOOF returns out-of-fold margins for the training rows: each fold's
// margins come from a model fitted (with the given lambda) on the other
// folds, so the calibrator never sees a margin of a row its model was fitted
// on. foldOf[p] is the fold of train[p].
func logisticOOF(lin *features.Matrix, y, w []float64, train, foldOf []int, lambda, l1 float64, opt Options) ([]float64, error) {
	oof := make([]float64, len(train))
	k := slices.Max(foldOf) + 1
	for f := range k {
		var fitRows []int
		for p, r := range train {
			if foldOf[p] != f {
				fitRows = append(fitRows, r)
			}
		}
		m, err := logistic.Fit(rowsOf(lin, fitRows), pick(y, fitRows), pickW(w, fitRows), logistic.Options{Lambda: lambda, L1Ratio: l1, Seed: opt.Seed, Threads: opt.Threads})
		if err != nil {
			return nil, fmt.Errorf("fit logistic fold %d: %w", f+1, err)
		}
		for p, r := range train {
			if foldOf[p] == f {
				oof[p] = m.Margin(lin.Row(r))
			}
		}
	}
	return oof, nil
}

// innerSplit divides the training rows into a fitting part (80% of leads) and
// a calibration/early-stopping part (20%), grouped by lead: out of time
// when every training row has a time (the latest 20% of the training leads,
// so the trees stop growing where they stop predicting the future), as
// long as that part holds at least 5 conversions and 5 other examples;
// otherwise stratified at random.
func innerSplit(ids []string, created []time.Time, y []float64, train []int, seed int64) (fit, cal []int) {
	sub := make([]string, len(train))
	for i, r := range train {
		sub[i] = ids[r]
	}
	if created != nil {
		subT := make([]time.Time, len(train))
		for i, r := range train {
			subT[i] = created[r]
		}
		if s, err := timeSplit(sub, subT, 0.2); err == nil {
			pos := 0
			for _, p := range s.Test {
				pos += int(y[train[p]])
			}
			if pos >= 5 && len(s.Test)-pos >= 5 {
				for _, p := range s.Train {
					fit = append(fit, train[p])
				}
				for _, p := range s.Test {
					cal = append(cal, train[p])
				}
				return fit, cal
			}
		}
	}
	s, err := stratifiedSplit(sub, pick(y, train), 0.2, uint64(seed)+2)
	if err != nil {
		// Too few leads to hold any out: fit and calibrate on the same rows
		// is not allowed, so use every other lead.
		for i, r := range train {
			if i%5 == 4 {
				cal = append(cal, r)
			} else {
				fit = append(fit, r)
			}
		}
		return fit, cal
	}
	for _, p := range s.Train {
		fit = append(fit, train[p])
	}
	for _, p := range s.Test {
		cal = append(cal, train[p])
	}
	return fit, cal
}

func chooseChampion(names []string, m map[string]metrics.Report, forced string) (string, string, error) {
	if forced != "" {
		if !slices.Contains(names, forced) {
			return "", "", fmt.Errorf("--champion %q: the bundle holds %s", forced, strings.Join(names, ", "))
		}
		return forced, "named by --champion", nil
	}
	best := ""
	for _, n := range names {
		if best == "" || m[n].LogLoss < m[best].LogLoss {
			best = n
		}
	}
	if best == "" {
		return "", "", fmt.Errorf("no model was fitted")
	}
	parts := make([]string, 0, len(names))
	for _, n := range names {
		parts = append(parts, fmt.Sprintf("%s %.4f", n, m[n].LogLoss))
	}
	return best, "lowest held-out log loss (" + strings.Join(parts, ", ") + ")", nil
}

// scoring derives the tier thresholds, grade bands and training population
// from the calibrated probabilities of the training rows.
func scoring(champ string, probs map[string][]float64, train []int, opt Options) models.Scoring {
	s := models.Scoring{Champion: champ, Population: map[string][]float64{}}
	for n, p := range probs {
		s.Population[n] = models.Quantiles(pick(p, train))
	}
	q := s.Population[champ]
	at := func(share float64) float64 { return q[int(math.Round((1-share)*1000))] }
	s.HotThreshold = at(opt.HotShare)
	s.WarmThreshold = at(opt.WarmShare)
	s.GradeScores = [3]int{models.ScoreOf(s.HotThreshold), models.ScoreOf(s.WarmThreshold), models.ScoreOf(at(0.5))}
	return s
}

func pick(xs []float64, idx []int) []float64 {
	out := make([]float64, len(idx))
	for i, r := range idx {
		out[i] = xs[r]
	}
	return out
}

// fillRuleInputs writes the rule inputs of every row of m into its last
// ri.Len() columns, from res (one sheet result per row; standardised for
// the linear encoding). A nil ri leaves m as it is.
func fillRuleInputs(m *features.Matrix, ri *models.RuleInputs, res []rules.Result, linear bool) {
	k := ri.Len()
	if k == 0 {
		return
	}
	for i := range m.Rows {
		tail := m.Row(i)[m.Cols-k:]
		if linear {
			ri.Encode(&res[i], tail, nil)
		} else {
			ri.Encode(&res[i], nil, tail)
		}
	}
}

// rowsOf returns the rows idx of m as a new matrix.
func rowsOf(m *features.Matrix, idx []int) *features.Matrix {
	out := features.NewMatrix(len(idx), m.Columns)
	for i, r := range idx {
		copy(out.Row(i), m.Row(r))
	}
	return out
}

func dedupe(xs []string) []string {
	seen := make(map[string]bool, len(xs))
	out := xs[:0]
	for _, x := range xs {
		if !seen[x] {
			seen[x] = true
			out = append(out, x)
		}
	}
	return out
}

// newVersion names a bundle trained at now: the time to the nanosecond and
// a random suffix, so two trainings in the same instant (or a copy of a
// bundle next to a retrained one) never share a version, and versions sort
// by time as strings.
func newVersion(now time.Time) string {
	var b [3]byte
	rand.Read(b[:]) // never returns an error: it crashes the program instead (Go 1.24)
	return now.UTC().Format("20060102-150405.000000000") + "-" + hex.EncodeToString(b[:])
}
