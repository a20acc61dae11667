// Package models holds a trained model bundle and scores leads with it.
//
// A Bundle is a plain value: the fitted feature spec, the rule sheet, the
// logistic and gradient-boosted models, one calibrator per model and the
// scoring settings (champion, tier thresholds, training population). It is
// saved as a directory of files with a checksummed manifest and loaded back
// to score leads bit-identically.
package models

import (
	"encoding/json"
	"fmt"
	"math"
	"sort"

	"github.com/leadscore/leadscore/features"
	"github.com/leadscore/leadscore/models/calibrate"
	"github.com/leadscore/leadscore/models/gbm"
	"github.com/leadscore/leadscore/models/logistic"
	"github.com/leadscore/leadscore/models/rules"
)

// Model names as they appear in bundles, reports and the API.
const (
	Rules    = "rules"
	Logistic = "logistic"
	GBM      = "gbm"
)

// AllModels lists the model names in the order reports show them.
var AllModels = []string{Rules, Logistic, GBM}

// Bundle file names.
const (
	specFile        = "spec.json"
	rulesFile       = "rules.yaml"
	logisticFile    = "logistic.json"
	gbmFile         = "gbm.json"
	calibrationFile = "calibration.json"
	scoringFile     = "scoring.json"
	ReportJSONFile  = "report.json"
	ReportMDFile    = "report.md"
)

// Scoring holds how a bundle turns calibrated probabilities into the score,
// percentile, tier and grade it serves.
type Scoring struct {
	// Champion is the model whose probability is served.
	Champion string `json:"champion"`
	// HotThreshold and WarmThreshold are calibrated probabilities: a lead at
	// or above HotThreshold is "hot", at or above WarmThreshold "warm",
	// otherwise "cold".
	HotThreshold  float64 `json:"hot_threshold"`
	WarmThreshold float64 `json:"warm_threshold"`
	// GradeScores are the lowest 1-99 scores of grades A, B and C; lower
	// scores are grade D.
	GradeScores [3]int `json:"grade_scores"`
	// Population holds, per model, 1001 quantiles (0, 0.1%, ..., 100%) of the
	// calibrated probabilities of the training population; a lead's
	// percentile is its rank among them.
	Population map[string][]float64 `json:"population"`
	// Parts holds, per model, the training population of its fit and
	// engagement parts and the held-out fit-engagement matrix (absent in
	// bundles trained before they were recorded).
	Parts map[string]*PartsPopulation `json:"parts,omitempty"`
}

// Bundle is one trained model version.
type Bundle struct {
	Dir         string
	Manifest    Manifest
	Spec        *features.Spec
	RulesYAML   []byte
	Rules       *rules.Sheet
	Logistic    *logistic.Model
	GBM         *gbm.Model
	Calibrators map[string]*calibrate.Calibrator
	Scoring     Scoring
	// Report is the training report (report.json) as written by the trainer.
	Report   json.RawMessage
	ReportMD []byte
}

// Has reports whether the bundle holds the named model.
func (b *Bundle) Has(name string) bool {
	switch name {
	case Rules:
		return b.Rules != nil
	case Logistic:
		return b.Logistic != nil
	case GBM:
		return b.GBM != nil
	}
	return false
}

// Models returns the names of the models the bundle holds, in AllModels order.
func (b *Bundle) Models() []string {
	var out []string
	for _, n := range AllModels {
		if b.Has(n) {
			out = append(out, n)
		}
	}
	return out
}

// Save writes the bundle to dir atomically (see writeDir); dir must not exist.
func (b *Bundle) Save(dir string) error {
	files := map[string][]byte{}
	put := func(name string, v any) error {
		data, err := json.MarshalIndent(v, "", " ")
		if err != nil {
			return fmt.Errorf("save bundle: encode %s: %w", name, err)
		}
		files[name] = data
		return nil
	}
	if b.Spec == nil {
		return fmt.Errorf("save bundle: no feature spec")
	}
	if err := put(specFile, b.Spec); err != nil {
		return err
	}
	if b.Rules != nil {
		files[rulesFile] = b.RulesYAML
	}
	if b.Logistic != nil {
		if err := put(logisticFile, b.Logistic); err != nil {
			return err
		}
	}
	if b.GBM != nil {
		if err := put(gbmFile, b.GBM); err != nil {
			return err
		}
	}
	if err := put(calibrationFile, b.Calibrators); err != nil {
		return err
	}
	if err := put(scoringFile, b.Scoring); err != nil {
		return err
	}
	if b.Report != nil {
		files[ReportJSONFile] = b.Report
	}
	if b.ReportMD != nil {
		files[ReportMDFile] = b.ReportMD
	}
	m := b.Manifest
	m.Models = b.Models()
	m.Champion = b.Scoring.Champion
	if err := writeDir(dir, files, m); err != nil {
		return err
	}
	b.Dir = dir
	return nil
}

// Load reads a bundle directory, verifying the format version and every
// file's checksum; a damaged bundle is refused with an error wrapping
// ErrDamaged that names the file.
func Load(dir string) (*Bundle, error) {
	m, files, err := readDir(dir)
	if err != nil {
		return nil, err
	}
	b := &Bundle{Dir: dir, Manifest: m}
	get := func(name string, v any, required bool) error {
		data, ok := files[name]
		if !ok {
			if required {
				return fmt.Errorf("load bundle %s: %s is missing: %w", dir, name, ErrDamaged)
			}
			return nil
		}
		if err := json.Unmarshal(data, v); err != nil {
			return fmt.Errorf("load bundle %s: %s: %v: %w", dir, name, err, ErrDamaged)
		}
		return nil
	}
	b.Spec = new(features.Spec)
	if err := get(specFile, b.Spec, true); err != nil {
		return nil, err
	}
	if y, ok := files[rulesFile]; ok {
		s, err := rules.Parse(y, rulesFile)
		if err != nil {
			return nil, fmt.Errorf("load bundle %s: %v: %w", dir, err, ErrDamaged)
		}
		b.Rules, b.RulesYAML = s, y
	}
	if _, ok := files[logisticFile]; ok {
		b.Logistic = new(logistic.Model)
		if err := get(logisticFile, b.Logistic, true); err != nil {
			return nil, err
		}
	}
	if _, ok := files[gbmFile]; ok {
		b.GBM = new(gbm.Model)
		if err := get(gbmFile, b.GBM, true); err != nil {
			return nil, err
		}
	}
	if err := get(calibrationFile, &b.Calibrators, true); err != nil {
		return nil, err
	}
	if err := get(scoringFile, &b.Scoring, true); err != nil {
		return nil, err
	}
	b.Report = files[ReportJSONFile]
	b.ReportMD = files[ReportMDFile]
	if err := b.check(); err != nil {
		return nil, fmt.Errorf("load bundle %s: %v: %w", dir, err, ErrDamaged)
	}
	return b, nil
}

// check verifies that the parts of a bundle fit together.
func (b *Bundle) check() error {
	if !b.Has(b.Scoring.Champion) {
		return fmt.Errorf("champion %q is not among the bundle's models %v", b.Scoring.Champion, b.Models())
	}
	for _, n := range b.Models() {
		if b.Calibrators[n] == nil {
			return fmt.Errorf("model %q has no calibrator", n)
		}
	}
	if b.Logistic != nil && len(b.Logistic.Weights) != len(b.Spec.LinearColumns()) {
		return fmt.Errorf("logistic model has %d weights, the feature spec encodes %d linear columns", len(b.Logistic.Weights), len(b.Spec.LinearColumns()))
	}
	return nil
}

// Percentile returns the share (0-100) of the training population whose
// calibrated probability under model is at or below p.
func (s *Scoring) Percentile(model string, p float64) float64 {
	q := s.Population[model]
	if len(q) < 2 {
		return math.NaN()
	}
	// i = how many quantiles are at or below p; interpolate between the
	// quantile just below p and the one just above it.
	i := sort.Search(len(q), func(k int) bool { return q[k] > p })
	if i == 0 {
		return 0
	}
	if i == len(q) {
		return 100
	}
	lo, hi := q[i-1], q[i]
	return (float64(i-1) + (p-lo)/(hi-lo)) / float64(len(q)-1) * 100
}

// Quantiles returns the 1001 quantiles of xs used as a training population.
func Quantiles(xs []float64) []float64 {
	s := append([]float64(nil), xs...)
	sort.Float64s(s)
	out := make([]float64, 1001)
	if len(s) == 0 {
		return out[:0]
	}
	for k := range out {
		pos := float64(k) / 1000 * float64(len(s)-1)
		lo := int(math.Floor(pos))
		hi := min(lo+1, len(s)-1)
		out[k] = s[lo] + (s[hi]-s[lo])*(pos-float64(lo))
	}
	return out
}
