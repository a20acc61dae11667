package serve

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/leadscore/leadscore/datasets"
	"github.com/leadscore/leadscore/features"
	"github.com/leadscore/leadscore/models"
)

// LoadBundle loads a bundle directory written by 'leadscore train --out' as
// a Model. A damaged bundle (models.ErrDamaged), one of another format
// version, or one that cannot score an empty lead is refused.
func LoadBundle(dir string) (Model, error) {
	b, err := models.Load(dir)
	if err != nil {
		return nil, err
	}
	return NewBundleModel(b)
}

// NewBundleModel wraps a loaded bundle as a Model after checking that it
// scores an empty lead without failing.
func NewBundleModel(b *models.Bundle) (Model, error) {
	if b == nil || b.Spec == nil {
		return nil, fmt.Errorf("bundle has no feature spec")
	}
	m := &bundleModel{b: b, schema: bundleSchema(b), scorers: b.NewScorers()}
	m.info = bundleInfo(b, m.schema)
	if err := m.smokeTest(); err != nil {
		return nil, fmt.Errorf("load bundle %s: cannot score with it: %w", b.Dir, err)
	}
	return m, nil
}

// bundleModel adapts *models.Bundle to Model.
type bundleModel struct {
	b       *models.Bundle
	schema  Schema
	info    ModelInfo
	scorers *models.Scorers // batches reuse the bundle's scorers
}

func (m *bundleModel) Version() string { return m.b.Manifest.Version }
func (m *bundleModel) Info() ModelInfo { return m.info }
func (m *bundleModel) Schema() Schema  { return m.schema }

func (m *bundleModel) NewScorer() Scorer { return m.b.NewScorer() }

func (m *bundleModel) ScoreRows(rows models.Rows, opt models.ScoreOptions, threads int, emit func(w, i int, res *models.Result, err error)) {
	m.scorers.ScoreRows(rows, opt, threads, emit)
}

func (m *bundleModel) Bundle() *models.Bundle { return m.b }

// smokeTest scores a lead with every required field set and every option,
// turning a panic into an error, so a bundle the scoring code cannot
// handle is refused at load.
func (m *bundleModel) smokeTest() (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("scoring a lead panicked: %v", p)
		}
	}()
	l := &features.Lead{ID: "smoke-test", Cutoff: time.Now().UTC(), Fields: map[string]features.Value{}}
	for _, f := range m.b.Spec.Fields() {
		if !f.Required {
			continue
		}
		v := features.Value{Kind: f.Kind, Time: l.Cutoff}
		if len(f.Categories) > 0 {
			v.Str = f.Categories[0]
		} else if f.Kind == datasets.KindCategory || f.Kind == datasets.KindText {
			v.Str = "smoke-test"
		}
		l.Fields[f.Name] = v
	}
	var res models.Result
	return m.NewScorer().ScoreInto(l, models.ScoreOptions{Explain: models.ExplainAll, AllModels: true}, &res)
}

// bundleSchema derives the request schema from the bundle's feature spec.
func bundleSchema(b *models.Bundle) Schema {
	sp := b.Spec
	var sc Schema
	for _, f := range sp.Fields() {
		sc.Fields = append(sc.Fields, FieldSpec{Name: f.Name, Kind: f.Kind.String(), Values: f.Categories, Required: f.Required})
	}
	sc.CreatedField = sp.Config.Created
	sc.MissingValues = sp.Config.MissingValues
	sc.EventTypes = sp.EventTypes()
	return sc
}

// bundleInfo collects the metadata GET /v1/models/{version} shows.
func bundleInfo(b *models.Bundle, sc Schema) ModelInfo {
	m := b.Manifest
	info := ModelInfo{
		Version: m.Version, Name: m.Name, CreatedAt: m.CreatedAt, Champion: b.Scoring.Champion,
		Models: b.Models(), Library: m.Library, DataFingerprint: m.DataFingerprint, Rows: m.Rows,
		Features: sc.Fields, EventTypes: sc.EventTypes,
	}
	if len(b.Report) > 0 && json.Valid(b.Report) {
		info.Metrics = b.Report
		var r struct {
			LeakageSuspects json.RawMessage `json:"leakage_suspects"`
		}
		if json.Unmarshal(b.Report, &r) == nil {
			info.LeakageSuspects = r.LeakageSuspects
		}
	}
	return info
}
