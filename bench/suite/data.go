package suite

import (
	"errors"
	"fmt"
	"io"

	"github.com/leadscore/leadscore/datasets"
	"github.com/leadscore/leadscore/datasets/synth"
	"github.com/leadscore/leadscore/features"
	"github.com/leadscore/leadscore/models/gbm"
)

// GBMMatrix returns synth.GBMMatrix's rows as a features matrix.
func GBMMatrix(rows int, seed uint64) (*features.Matrix, []float64) {
	X, y := synth.GBMMatrix(rows, seed)
	return Matrix(X), y
}

// ReadGBM reads a file written by synth.WriteGBM as a features matrix.
func ReadGBM(path string) (*features.Matrix, []float64, error) {
	X, y, err := synth.ReadGBM(path)
	if err != nil {
		return nil, nil, err
	}
	return Matrix(X), y, nil
}

// LogisticMatrix returns synth.LogisticMatrix's rows as a features matrix.
func LogisticMatrix(rows, cols int, seed uint64) (*features.Matrix, []float64) {
	X, y := synth.LogisticMatrix(rows, cols, seed)
	return Matrix(X), y
}

// ReadLogistic reads a file written by synth.WriteLogistic as a features
// matrix.
func ReadLogistic(path string) (*features.Matrix, []float64, error) {
	X, y, err := synth.ReadLogistic(path)
	if err != nil {
		return nil, nil, err
	}
	return Matrix(X), y, nil
}

// Matrix wraps a generated matrix as a features matrix sharing its data:
// each column is its own source, categorical where m says so.
func Matrix(m *synth.Matrix) *features.Matrix {
	cols := make([]features.ColumnInfo, m.Cols)
	for j := range cols {
		cols[j] = features.ColumnInfo{Name: m.Names[j], Source: m.Names[j]}
		if m.Categories != nil && m.Categories[j] > 0 {
			cols[j].Categorical, cols[j].Categories = true, m.Categories[j]
		}
	}
	return &features.Matrix{Rows: m.Rows, Cols: m.Cols, Data: m.Data, Columns: cols}
}

// GBMParams returns the settings of the gbm comparison with XGBoost
// (bench/gbm/run.sh, xgb_ref.py): trees trees of at most leaves leaves,
// learning rate 0.1, 255 bins, λ = 1, Σh >= 1 and 20 rows per leaf, no
// early stopping and no row or column sampling (XGBoost samples neither).
func GBMParams(trees, leaves, threads int) gbm.Params {
	p := gbm.DefaultParams()
	p.Trees, p.Leaves, p.LearningRate, p.Bins, p.Threads = trees, leaves, 0.1, 255, threads
	p.EarlyStopping, p.MinChildWeight, p.MinDataInLeaf, p.Lambda = 0, 1, 20, 1
	p.Subsample, p.ColSample = 1, 1
	return p
}

// GBMSamplings are the sampling settings of the gbm matrix: "off" (every
// row and column for every tree) and "default" (the gbm defaults).
func GBMSamplings() []string { return []string{"off", "default"} }

// GBMSampling returns the row and column shares (gbm.Params.Subsample,
// ColSample; XGBoost's subsample and colsample_bytree) of a sampling of
// GBMSamplings: 1 and 1 for "off", gbm.DefaultParams' for "default".
func GBMSampling(name string) (subsample, colsample float64) {
	if name == "default" {
		d := gbm.DefaultParams()
		return d.Subsample, d.ColSample
	}
	return 1, 1
}

// Rows returns rows [lo, hi) of X as a matrix sharing X's storage.
func Rows(X *features.Matrix, lo, hi int) *features.Matrix {
	return &features.Matrix{Rows: hi - lo, Cols: X.Cols, Data: X.Data[lo*X.Cols : hi*X.Cols], Columns: X.Columns}
}

// RulesLead returns synth.RulesLead as a features lead.
func RulesLead() *features.Lead {
	r := synth.RulesLead()
	l := &features.Lead{ID: r.ID, Created: r.Created, Cutoff: r.Cutoff, Fields: make(map[string]features.Value, len(r.Fields))}
	for k, v := range r.Fields {
		l.Fields[k] = features.Value{Kind: v.Kind, Num: v.Num, Str: v.Str}
	}
	for _, e := range r.Events {
		l.Events = append(l.Events, features.Event{Type: e.Type, Time: e.Time, Attrs: e.Attrs})
	}
	return l
}

// history returns synth.History's tables as the inputs of features.Build:
// the history of features' BenchmarkAggregateEvents and
// BenchmarkTransformLead.
func history(seed uint64, nLeads, eventsPerLead int) features.Inputs {
	leads, events, outcomes := synth.History(seed, nLeads, eventsPerLead)
	return features.Inputs{Leads: leads, Events: events, Outcomes: outcomes}
}

// transformLeadSetup returns what features' BenchmarkTransformLead encodes:
// a spec fitted on a 2,000-lead history (seed 12, about 10 events per lead)
// and the lead of that history with the most events up to 20, with every
// field filled as an API lead has.
func transformLeadSetup() (*features.Spec, *features.Lead, error) {
	d, err := features.Build(features.Config{}, history(12, 2000, 10))
	if err != nil {
		return nil, nil, fmt.Errorf("features suite: %w", err)
	}
	rows := make([]int, d.Rows)
	for i := range rows {
		rows[i] = i
	}
	spec, err := features.Fit(features.Config{}, d, rows)
	if err != nil {
		return nil, nil, fmt.Errorf("features suite: %w", err)
	}
	best := 0
	for i := range d.Rows {
		if n := len(d.Lead(i).Events); n > len(d.Lead(best).Events) && n <= 20 {
			best = i
		}
	}
	l := d.Lead(best)
	if len(l.Events) == 0 {
		return nil, nil, errors.New("features suite: generated history has no lead with events")
	}
	l.Fields["budget"] = features.Value{Kind: l.Fields["employees"].Kind, Num: 5000}
	l.Fields["lead_source"] = features.Value{Kind: l.Fields["lead_source"].Kind, Str: "referral"}
	return spec, l, nil
}

// DrainTable reads path batch by batch, as every command reads, with
// missing read as missing values, and returns the number of rows.
func DrainTable(path string, missing []string) (int, error) {
	r, err := datasets.Open(path, datasets.ReadOptions{MissingValues: missing})
	if err != nil {
		return 0, err
	}
	defer r.Close()
	n := 0
	for {
		t, err := r.Next()
		if err == io.EOF {
			return n, nil
		}
		if err != nil {
			return n, err
		}
		n += t.Rows()
	}
}
