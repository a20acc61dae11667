package training

import (
	"fmt"
	"maps"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/leadscore/leadscore/features"
	"github.com/leadscore/leadscore/metrics"
	"github.com/leadscore/leadscore/models"
	"github.com/leadscore/leadscore/models/calibrate"
	"github.com/leadscore/leadscore/models/gbm"
)

// Report is the training report written to report.json and, as prose and
// tables, to report.md.
type Report struct {
	Version         string                         `json:"version"`
	CreatedAt       time.Time                      `json:"created_at"`
	Models          []string                       `json:"models"`
	Champion        string                         `json:"champion"`
	ChampionReason  string                         `json:"champion_reason"`
	Metrics         map[string]metrics.Report      `json:"metrics"`
	Calibration     map[string]calibrate.Selection `json:"calibration"`
	Tiers           TierInfo                       `json:"tiers"`
	Split           Split                          `json:"split"`
	Build           features.BuildReport           `json:"rows"`
	Counts          map[string]int                 `json:"input_rows"`
	LeakageSuspects []features.Suspect             `json:"leakage_suspects"`
	// MergedCategories are the category levels whose spellings differed
	// only in case or white space and were merged into one.
	MergedCategories []features.MergedCategory `json:"merged_categories,omitempty"`
	Logistic         *LogisticInfo             `json:"logistic,omitempty"`
	GBM              *GBMInfo                  `json:"gbm,omitempty"`
	GBMTuning        []gbm.TuneResult          `json:"gbm_tuning,omitempty"`
	Weight           *WeightInfo               `json:"weight,omitempty"`
	// MetricsByAge breaks the held-out metrics down by the lead's age at
	// the snapshot (snapshot data only), so the table can be read next to
	// a backtest, which scores leads at their first snapshot.
	MetricsByAge []AgeMetrics `json:"metrics_by_age,omitempty"`
	// RuleInputs are the rule sheet's results the logistic and gbm models
	// read as inputs (rules as features), each with its group.
	RuleInputs []models.RuleInput `json:"rule_inputs,omitempty"`
	// OutOfRange is how the logistic model treats numbers beyond their
	// training range, chosen on an out-of-time validation window.
	OutOfRange *OutOfRangeChoice `json:"out_of_range,omitempty"`
	Warnings   []string          `json:"warnings"`
	// Timings are wall seconds per stage.
	Timings map[string]float64 `json:"timings"`
}

// TierInfo records the probability thresholds of the tiers and the score
// bands of the grades.
type TierInfo struct {
	Hot         float64 `json:"hot_probability"`
	Warm        float64 `json:"warm_probability"`
	GradeScores [3]int  `json:"grade_min_scores"`
}

// LogisticInfo records how the logistic model was fitted.
type LogisticInfo struct {
	Lambda     float64 `json:"lambda"`
	L1Ratio    float64 `json:"l1_ratio"`
	Iterations int     `json:"iterations"`
	Converged  bool    `json:"converged"`
}

// GBMInfo records how the gradient-boosted model was fitted.
type GBMInfo struct {
	Params          gbm.Params `json:"params"`
	BestIteration   int        `json:"best_iteration"`
	FitRows         int        `json:"fit_rows"`
	CalibrationRows int        `json:"calibration_rows"`
	// Monotone names the constrained features (--gbm-monotone): +1 the
	// score never falls as the feature grows, -1 never rises.
	Monotone map[string]int8 `json:"monotone,omitempty"`
	// RowsPerLead is the fitting rows' mean number of snapshots per lead,
	// and LambdaPerLead the L2 penalty asked for, per lead: Params.Lambda,
	// the penalty applied, is their product (gbmLambda). Under --tune,
	// whose candidates set the penalty themselves, LambdaPerLead is absent.
	RowsPerLead   float64 `json:"rows_per_lead"`
	LambdaPerLead float64 `json:"lambda_per_lead,omitempty"`
	// Columns is the number of feature columns; ColSampleSized says that
	// Params.ColSample was left to them (gbm.SizedColSample) rather than
	// set by --gbm-colsample or gbm_colsample.
	Columns        int  `json:"columns"`
	ColSampleSized bool `json:"colsample_sized,omitempty"`
}

// Markdown renders the report for humans.
func (r *Report) Markdown() string {
	var b strings.Builder
	fmt.Fprintf(&b, "# leadscore model %s\n\n", r.Version)
	fmt.Fprintf(&b, "Trained %s on %d examples from %d leads (%d train rows, %d test rows; split: %s).\n\n",
		r.CreatedAt.Format("2006-01-02 15:04 MST"), r.Split.TrainRows+r.Split.TestRows, r.Split.TrainLeads+r.Split.TestLeads,
		r.Split.TrainRows, r.Split.TestRows, r.Split.Method)
	fmt.Fprintf(&b, "Champion: **%s**, %s.\n\n", r.Champion, r.ChampionReason)
	b.WriteString("## Held-out metrics\n\n| model | ROC AUC | PR AUC | log loss | Brier | ECE | lift@10% | recall@10% | recall@20% |\n|---|---|---|---|---|---|---|---|---|\n")
	for _, n := range r.Models {
		m := r.Metrics[n]
		fmt.Fprintf(&b, "| %s | %.4f | %.4f | %.4f | %.4f | %.4f | %.2f | %.3f | %.3f |\n", n, m.ROCAUC, m.PRAUC, m.LogLoss, m.Brier, m.ECE, m.Lift10, m.Recall10, m.Recall20)
	}
	fmt.Fprintf(&b, "\nTiers: hot at probability >= %.4f, warm at >= %.4f. Grades by score: A >= %d, B >= %d, C >= %d, else D.\n",
		r.Tiers.Hot, r.Tiers.Warm, r.Tiers.GradeScores[0], r.Tiers.GradeScores[1], r.Tiers.GradeScores[2])
	if len(r.Calibration) > 0 {
		b.WriteString("\n## Calibration\n\n")
		names := make([]string, 0, len(r.Calibration))
		for n := range r.Calibration {
			names = append(names, n)
		}
		sort.Strings(names)
		for _, n := range names {
			c := r.Calibration[n]
			fmt.Fprintf(&b, "- %s: %s (out-of-fold log loss over %d folds: Platt %.4f, isotonic %.4f)\n", n, c.Method, c.Folds, c.PlattLogLoss, c.IsotonicLogLoss)
		}
	}
	if wi := r.Weight; wi != nil {
		fmt.Fprintf(&b, "\nExamples weighted by the leads column %q (min %.4g, mean %.4g, max %.4g; %d leads at 0) in every fit and calibration; the metrics above are unweighted.\n", wi.Column, wi.Min, wi.Mean, wi.Max, wi.Zero)
	}
	if g := r.GBM; g != nil {
		fmt.Fprintf(&b, "\ngbm: %d trees kept of at most %d, up to %d leaves, learning rate %g; each tree drew %.0f%% of the %d fitting rows and %.0f%% of the feature columns (--gbm-subsample, --gbm-colsample).\n",
			g.BestIteration, g.Params.Trees, g.Params.Leaves, g.Params.LearningRate, 100*g.Params.Subsample, g.FitRows, 100*g.Params.ColSample)
		if g.ColSampleSized {
			fmt.Fprintf(&b, "The share of columns per tree was sized by the %d feature columns: about %d per tree, between %.0f%% and %.0f%% (--gbm-colsample sets it).\n",
				g.Columns, gbm.ColumnsPerTree, 100*gbm.MinSizedColSample, 100*gbm.MaxSizedColSample)
		}
		if g.RowsPerLead > 1 && g.LambdaPerLead > 0 {
			fmt.Fprintf(&b, "Its L2 penalty on leaf values, %g per lead, was %.4g on the fitting rows: %.2f snapshots per lead, so that a lead weighs the same against the penalty however many snapshots it has.\n",
				g.LambdaPerLead, g.Params.Lambda, g.RowsPerLead)
		}
	}
	if len(r.MetricsByAge) > 0 {
		b.WriteString("\n## Held-out ROC AUC by lead age\n\nThe same held-out leads, by their age at the snapshot (a backtest scores leads at the first age).\n\n| age (days) | examples | converted |")
		for _, n := range r.Models {
			fmt.Fprintf(&b, " %s |", n)
		}
		b.WriteString("\n|---|---|---|" + strings.Repeat("---|", len(r.Models)) + "\n")
		for _, a := range r.MetricsByAge {
			fmt.Fprintf(&b, "| %d | %d | %d |", a.AgeDays, a.Examples, a.Positives)
			for _, n := range r.Models {
				fmt.Fprintf(&b, " %.4f |", a.ROCAUC[n])
			}
			b.WriteString("\n")
		}
	}
	if sd := r.Build.SnapshotDays; len(sd) > 0 {
		how := "as configured (--snapshots)"
		if r.Build.SnapshotsDerived {
			how = "derived from the data: every age at which at least 5% of the leads have a full horizon (--snapshots sets them)"
		}
		fmt.Fprintf(&b, "\nSnapshots at lead ages %v days, %s. A lead scored older or younger, or with a number outside its training range, gets an out_of_range warning.\n", sd, how)
	}
	if o := r.OutOfRange; o != nil {
		fmt.Fprintf(&b, "\nNumbers beyond their training range, logistic model: %s (%s).\n", o.Mode, o.Reason)
	}
	if len(r.RuleInputs) > 0 {
		fmt.Fprintf(&b, "\nRules as features: the logistic and gbm models read %d results of the rule sheet (fit and engagement points, and whether each of %d rules fired), computed at each snapshot's cutoff.\n", len(r.RuleInputs), len(r.RuleInputs)-2)
	}
	if r.GBM != nil && len(r.GBM.Monotone) > 0 {
		b.WriteString("\n## Monotone constraints (gbm)\n\n")
		for _, n := range slices.Sorted(maps.Keys(r.GBM.Monotone)) {
			dir := "never lowers"
			if r.GBM.Monotone[n] < 0 {
				dir = "never raises"
			}
			fmt.Fprintf(&b, "- %s: a larger value %s the score\n", n, dir)
		}
	}
	b.WriteString("\n## Leakage audit\n\n")
	if len(r.LeakageSuspects) == 0 {
		b.WriteString("No column looked like it leaks the outcome.\n")
	} else {
		var leaks, none []features.Suspect
		for _, s := range r.LeakageSuspects {
			if s.Uninformative() {
				none = append(none, s)
			} else {
				leaks = append(leaks, s)
			}
		}
		if len(leaks) > 0 {
			b.WriteString("These columns were excluded from training unless allowed with --allow-leaky:\n\n| column | single-column AUC | reason |\n|---|---|---|\n")
			for _, s := range leaks {
				fmt.Fprintf(&b, "| %s | %.3f | %s |\n", s.Column, s.AUC, s.Reason)
			}
		}
		if len(none) > 0 {
			b.WriteString("\nThese columns carry no information and were left out:\n\n| column | reason |\n|---|---|\n")
			for _, s := range none {
				fmt.Fprintf(&b, "| %s | %s |\n", s.Column, s.Reason)
			}
		}
	}
	if len(r.MergedCategories) > 0 {
		b.WriteString("\n## Merged category spellings\n\nValues that differ only in case or white space are one level:\n\n| field | level | spellings merged |\n|---|---|---|\n")
		for _, m := range r.MergedCategories {
			q := make([]string, len(m.Variants))
			for i, v := range m.Variants {
				q[i] = strconv.Quote(v)
			}
			fmt.Fprintf(&b, "| %s | %s | %s |\n", m.Field, m.Level, strings.Join(q, ", "))
		}
	}
	fmt.Fprintf(&b, "\n## Rows\n\n%s\n", buildSummary(r.Build))
	if len(r.Warnings) > 0 {
		b.WriteString("\n## Warnings\n\n")
		for _, w := range r.Warnings {
			fmt.Fprintf(&b, "- %s\n", w)
		}
	}
	b.WriteString("\n## Timings (wall seconds)\n\n")
	stages := make([]string, 0, len(r.Timings))
	for s := range r.Timings {
		stages = append(stages, s)
	}
	sort.Strings(stages)
	for _, s := range stages {
		fmt.Fprintf(&b, "- %s: %.3f\n", s, r.Timings[s])
	}
	return b.String()
}

// buildSummary says in words how the examples were made and what was left out.
func buildSummary(b features.BuildReport) string {
	s := fmt.Sprintf("%d leads gave %d examples (%d converted; mode %s).", b.Leads, b.Rows, b.Positives, b.Mode)
	var left []string
	add := func(n int, what string) {
		if n > 0 {
			left = append(left, fmt.Sprintf("%d %s", n, what))
		}
	}
	add(b.DroppedAfterConversion, "snapshots after the lead had converted")
	add(b.Censored, "snapshots censored because their horizon had not passed by the end of the data")
	add(b.Unlabeled, "rows without a label")
	add(b.MissingCreated, "leads without a creation time")
	add(b.DuplicateLeadIDs, "duplicate lead ids")
	add(b.MissingLeadIDs, "leads without an id")
	add(b.EventsUnknownLead, "events of unknown leads")
	add(b.EventsMissingTimestamp, "events without a timestamp")
	add(b.OutcomesUnknownLead, "outcomes of unknown leads")
	if len(left) > 0 {
		s += " Left out and counted: " + strings.Join(left, "; ") + "."
	}
	if sp := b.Sampling; sp != nil {
		s += fmt.Sprintf(" Capped at %d examples (max_examples): %d of %d leads kept by a hash of the lead id (rate %.4g; %d of %d examples before censoring), each example weighted %.4g.",
			sp.MaxExamples, sp.LeadsKept, sp.Leads, sp.Rate, sp.ExamplesKept, sp.Examples, sp.Weight)
	}
	return s
}
