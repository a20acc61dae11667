package serve

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

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
	m := &bundleModel{b: b, schema: bundleSchema(b)}
	m.info = bundleInfo(b, m.schema)
	if err := m.smokeTest(); err != nil {
		return nil, fmt.Errorf("load bundle %s: cannot score with it: %w", b.Dir, err)
	}
	return m, nil
}

// bundleModel adapts *models.Bundle to Model.
type bundleModel struct {
	b      *models.Bundle
	schema Schema
	info   ModelInfo
}

func (m *bundleModel) Version() string { return m.b.Manifest.Version }
func (m *bundleModel) Info() ModelInfo { return m.info }
func (m *bundleModel) Schema() Schema  { return m.schema }

func (m *bundleModel) NewScorer() LeadScorer {
	return &bundleScorer{sc: m.b.NewScorer()}
}

// smokeTest scores an empty lead with every option, turning a panic into an
// error, so a bundle the scoring code cannot handle is refused at load.
func (m *bundleModel) smokeTest() (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("scoring an empty lead panicked: %v", p)
		}
	}()
	l := &features.Lead{ID: "smoke-test", Cutoff: time.Now().UTC(), Fields: map[string]features.Value{}}
	_, _, err = m.NewScorer().AppendScore(nil, l, ScoreOptions{Explain: ExplainAll, AllModels: true}, nil)
	return err
}

// bundleScorer adapts *models.Scorer to LeadScorer.
type bundleScorer struct {
	sc  *models.Scorer
	res models.Result // reused: appended to the response before the next lead
}

func (s *bundleScorer) AppendScore(dst []byte, l *features.Lead, opt ScoreOptions, warnings []string) ([]byte, Outcome, error) {
	mo := models.ScoreOptions{Explain: opt.Explain, AllModels: opt.AllModels}
	if opt.Explain == ExplainAll {
		mo.Explain = models.ExplainAll
	}
	res := &s.res
	if err := s.sc.ScoreInto(l, mo, res); err != nil {
		return dst, Outcome{}, err
	}
	if len(warnings) > 0 {
		res.Warnings = append(res.Warnings, warnings...)
	}
	out, err := appendResult(dst, res)
	if err != nil {
		return dst, Outcome{}, err
	}
	return out, Outcome{Tier: res.Tier, Score: res.Score}, nil
}

// eventTyper is implemented by a features.Spec that lists the event types
// seen in training.
type eventTyper interface{ EventTypes() []string }

// bundleSchema derives the request schema from the bundle's feature spec.
func bundleSchema(b *models.Bundle) Schema {
	sp := b.Spec
	var sc Schema
	for _, f := range sp.Fields() {
		sc.Fields = append(sc.Fields, FieldSpec{Name: f.Name, Kind: f.Kind.String(), Values: f.Categories, Required: f.Required})
	}
	sc.CreatedField = sp.Config.Created
	if et, ok := any(sp).(eventTyper); ok {
		sc.EventTypes = et.EventTypes()
	}
	if len(sc.EventTypes) == 0 {
		// A Spec from before event types were recorded (or from data with
		// too many): the types its event features name.
		sc.EventTypes = specEventTypes(sp)
	}
	return sc
}

// specEventTypes lists the event types a Spec aggregates by type: the keys
// of its event features that are neither pages of page views nor
// attribute values, plus the page-view type itself.
func specEventTypes(sp *features.Spec) []string {
	cfg := sp.Config
	set := map[string]bool{}
	if cfg.Events.PageViewType != "" {
		set[cfg.Events.PageViewType] = true
	}
	pagePrefix := cfg.Events.PageViewType + ":"
	for _, f := range sp.Features {
		if f.Origin != "event" || f.Key == "" || strings.HasPrefix(f.Key, pagePrefix) {
			continue
		}
		attr := false
		for _, a := range sp.EventAttrs {
			if strings.HasPrefix(f.Key, a+"=") {
				attr = true
				break
			}
		}
		if !attr {
			set[f.Key] = true
		}
	}
	out := make([]string, 0, len(set))
	for t := range set {
		out = append(out, t)
	}
	slices.Sort(out)
	return out
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
