package models

import (
	"encoding/json"
	"fmt"
	"strconv"

	"github.com/leadscore/leadscore/datasets"
)

// ScoreFile is the row layout of a score file (`leadscore score --out`, the
// dashboard's download): lead_id, probability, score, percentile, grade,
// tier and model; rules_points and rules_tier when the bundle has a rule
// sheet; probability_<model> per model with AllModels; the contributions as
// a JSON array in reasons with Explain; fit, fit_percentile, engagement,
// engagement_percentile and fit_engagement_grade when the bundle records
// the champion's fit and engagement parts; warnings as a JSON array of
// {code, field, message}; and error, set on a row that was not scored.
type ScoreFile struct {
	// Schema is the file's columns.
	Schema   []datasets.Field
	rules    bool
	models   []string
	explain  bool
	parts    bool
	warnings int // column of warnings
}

// NewScoreFile returns the layout of a file of scores made with opt.
func (b *Bundle) NewScoreFile(opt ScoreOptions) *ScoreFile {
	f := &ScoreFile{Schema: []datasets.Field{
		{Name: "lead_id", Kind: datasets.KindText},
		{Name: "probability", Kind: datasets.KindNumber},
		{Name: "score", Kind: datasets.KindNumber},
		{Name: "percentile", Kind: datasets.KindNumber},
		{Name: "grade", Kind: datasets.KindCategory},
		{Name: "tier", Kind: datasets.KindCategory},
		{Name: "model", Kind: datasets.KindCategory},
	}}
	if f.rules = b.Rules != nil || opt.Sheet != nil; f.rules {
		f.Schema = append(f.Schema, datasets.Field{Name: "rules_points", Kind: datasets.KindNumber}, datasets.Field{Name: "rules_tier", Kind: datasets.KindCategory})
	}
	if opt.AllModels {
		f.models = b.Models()
		for _, m := range f.models {
			f.Schema = append(f.Schema, datasets.Field{Name: "probability_" + m, Kind: datasets.KindNumber})
		}
	}
	if f.explain = opt.Explain != 0; f.explain {
		f.Schema = append(f.Schema, datasets.Field{Name: "reasons", Kind: datasets.KindText})
	}
	if f.parts = b.Scoring.Parts[b.Scoring.Champion] != nil; f.parts {
		f.Schema = append(f.Schema,
			datasets.Field{Name: "fit", Kind: datasets.KindNumber}, datasets.Field{Name: "fit_percentile", Kind: datasets.KindNumber},
			datasets.Field{Name: "engagement", Kind: datasets.KindNumber}, datasets.Field{Name: "engagement_percentile", Kind: datasets.KindNumber},
			datasets.Field{Name: "fit_engagement_grade", Kind: datasets.KindCategory})
	}
	f.warnings = len(f.Schema)
	f.Schema = append(f.Schema, datasets.Field{Name: "warnings", Kind: datasets.KindText}, datasets.Field{Name: "error", Kind: datasets.KindText})
	return f
}

// Row fills row (len(Schema) strings) with s. Numbers are written in full
// precision (strconv 'g', -1), so a file read back gives the same float64.
func (f *ScoreFile) Row(row []string, s *Scored) error {
	clear(row)
	row[0] = s.LeadID
	r := s.Result
	if r == nil {
		if s.Err != nil {
			row[len(row)-1] = s.Err.Error()
		}
		return nil
	}
	num := func(x float64) string { return strconv.FormatFloat(x, 'g', -1, 64) }
	row[1], row[2], row[3] = num(r.Probability), strconv.Itoa(r.Score), num(r.Percentile)
	row[4], row[5], row[6] = r.Grade, r.Tier, r.Model.Name
	c := 7
	if f.rules {
		if r.Rules != nil {
			row[c], row[c+1] = num(r.Rules.Points), r.Rules.Tier
		}
		c += 2
	}
	for _, m := range f.models {
		row[c] = num(r.Probabilities[m])
		c++
	}
	if f.explain {
		if r.Explanation != nil {
			js, err := json.Marshal(r.Explanation.Contributions)
			if err != nil {
				return fmt.Errorf("encode the reasons of lead %s: %w", r.LeadID, err)
			}
			row[c] = string(js)
		}
		c++
	}
	if f.parts {
		if r.Fit != nil && r.Engagement != nil {
			row[c], row[c+1] = num(r.Fit.Value), num(r.Fit.Percentile)
			row[c+2], row[c+3] = num(r.Engagement.Value), num(r.Engagement.Percentile)
			row[c+4] = r.FitEngagementGrade
		}
	}
	if len(r.Warnings) > 0 {
		js, err := json.Marshal(r.Warnings)
		if err != nil {
			return fmt.Errorf("encode the warnings of lead %s: %w", r.LeadID, err)
		}
		row[f.warnings] = string(js)
	}
	return nil
}

// Write writes one row per Scored to path (.csv, .parquet, .jsonl, ... as
// datasets.CreateWriter accepts) atomically, and returns the number of rows
// written and how many of them were not scored.
func (f *ScoreFile) Write(path string, scored []Scored) (n, failed int, err error) {
	w, err := datasets.CreateWriter(path, "", f.Schema)
	if err != nil {
		return 0, 0, err
	}
	row := make([]string, len(f.Schema))
	for i := range scored {
		if err := f.Row(row, &scored[i]); err != nil {
			w.Abort()
			return 0, 0, err
		}
		if scored[i].Result == nil {
			failed++
		}
		if err := w.WriteRow(row); err != nil {
			w.Abort()
			return 0, 0, err
		}
		n++
	}
	return n, failed, w.Close()
}
