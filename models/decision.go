package models

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/leadscore/leadscore/internal/atomicfile"
)

// DecisionsDir is the directory of a models directory that holds the
// decision records of 'leadscore retrain', one JSON file per run. It is
// not a bundle (it has no manifest), so the serving registry skips it.
const DecisionsDir = "decisions"

// ChallengersDir is the directory of a models directory where retrain
// trains challengers; one that is promoted is renamed out of it into the
// models directory, and one that is refused stays for inspection. Bundles
// in it are never served.
const ChallengersDir = "challengers"

// Verdicts of a Decision.
const (
	// VerdictPromoted: the challenger became the champion.
	VerdictPromoted = "promoted"
	// VerdictRefused: the challenger was worse, or badly calibrated; the
	// champion (or the rule sheet) stays.
	VerdictRefused = "refused"
	// VerdictNotEnoughData: no challenger was trained.
	VerdictNotEnoughData = "not_enough_data"
)

// Number is a float64 that encodes NaN and infinities as JSON null, so a
// record with an undefined metric (one class only) still encodes.
type Number float64

// MarshalJSON writes the number, or null when it is not finite.
func (n Number) MarshalJSON() ([]byte, error) {
	f := float64(n)
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return []byte("null"), nil
	}
	return strconv.AppendFloat(nil, f, 'g', -1, 64), nil
}

// UnmarshalJSON reads a number; null reads as NaN.
func (n *Number) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		*n = Number(math.NaN())
		return nil
	}
	var f float64
	if err := json.Unmarshal(b, &f); err != nil {
		return err
	}
	*n = Number(f)
	return nil
}

// Decision is the record of one retrain: the data it had, the window the
// challenger and the champion were compared on, their numbers, the
// verdict and the reason.
type Decision struct {
	At time.Time `json:"at"`
	// Verdict is promoted, refused or not_enough_data.
	Verdict string `json:"verdict"`
	Reason  string `json:"reason"`
	// Champion is the version serving before the run ("" when there was
	// no model: the rule sheet), Challenger the version trained ("" when
	// none was), Serving the version serving after it.
	Champion   string `json:"champion"`
	Challenger string `json:"challenger,omitempty"`
	Serving    string `json:"serving"`
	// ChallengerDir is where the challenger bundle is.
	ChallengerDir string    `json:"challenger_dir,omitempty"`
	Data          DataCheck `json:"data"`
	// TrainedThrough is the end of the challenger's training data: it saw
	// leads created before it, the window starts at it.
	TrainedThrough time.Time   `json:"trained_through,omitzero"`
	Comparison     *Comparison `json:"comparison,omitempty"`
	// Command is the command line that ran it.
	Command []string `json:"command,omitempty"`
}

// DataCheck is the enough-data check of a retrain: leads and conversions
// with closed horizons (their outcome window over by the end of the data).
type DataCheck struct {
	Leads          int `json:"leads"`
	Conversions    int `json:"conversions"`
	MinLeads       int `json:"min_leads"`
	MinConversions int `json:"min_conversions"`
}

// Comparison is challenger against baseline (the champion, or the rule
// sheet without one) on the most recent out-of-time window.
type Comparison struct {
	// Baseline is "champion" or "rules".
	Baseline    string    `json:"baseline"`
	WindowStart time.Time `json:"window_start"`
	WindowEnd   time.Time `json:"window_end"`
	Leads       int       `json:"leads"`
	Rows        int       `json:"rows"`
	Conversions int       `json:"conversions"`
	// Skipped counts window rows a model could not score (left out of
	// both, so the comparison stays paired).
	Skipped    int           `json:"skipped"`
	Challenger ModelFigures  `json:"challenger"`
	Champion   ModelFigures  `json:"champion"`
	AUCDiff    PairedFigures `json:"roc_auc_difference"`
	// ECEDiff is the paired bootstrap of the challenger's ECE minus the
	// baseline's, from the same resamples as AUCDiff (absent from records
	// written before it existed).
	ECEDiff PairedFigures `json:"ece_difference"`
	// MaxECE is the calibration threshold: the challenger's ECE must be at
	// most MaxECE, or not above the baseline's beyond ECEDiff's interval.
	MaxECE Number `json:"max_ece"`
	// ChampionOverlap is set when the champion may have been trained on
	// leads of the window (its training data's end is unknown, or after
	// the window's start): the comparison then favours the champion.
	ChampionOverlap string `json:"champion_overlap,omitempty"`
}

// ModelFigures are one model's figures on the window.
type ModelFigures struct {
	Version string `json:"version"`
	Model   string `json:"model"`
	ROCAUC  Number `json:"roc_auc"`
	LogLoss Number `json:"log_loss"`
	ECE     Number `json:"ece"`
}

// PairedFigures is the paired bootstrap of challenger minus baseline.
type PairedFigures struct {
	Value     Number `json:"value"`
	Lo        Number `json:"lo"`
	Hi        Number `json:"hi"`
	PValue    Number `json:"p_value"`
	Resamples int    `json:"resamples"`
	Seed      uint64 `json:"seed"`
}

// WriteDecision writes d to modelsDir/decisions/ (synced temporary file,
// then rename) and returns its path. Files are named by time and
// challenger, so they sort by time.
func WriteDecision(modelsDir string, d Decision) (string, error) {
	dir := filepath.Join(modelsDir, DecisionsDir)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", fmt.Errorf("write decision record: %w", err)
	}
	name := d.At.UTC().Format("20060102T150405.000000000Z")
	if d.Challenger != "" {
		name += "-" + d.Challenger
	}
	data, err := json.MarshalIndent(d, "", "  ")
	if err != nil {
		return "", fmt.Errorf("write decision record: %w", err)
	}
	path := filepath.Join(dir, name+".json")
	if err := atomicfile.WriteFile(path, append(data, '\n'), 0o644); err != nil {
		return "", fmt.Errorf("write decision record: %w", err)
	}
	return path, nil
}

// ReadDecisions reads every decision record of modelsDir, newest first.
// A directory without records gives none; a record that does not parse is
// an error naming it.
func ReadDecisions(modelsDir string) ([]Decision, error) {
	dir := filepath.Join(modelsDir, DecisionsDir)
	des, err := os.ReadDir(dir)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read decision records: %w", err)
	}
	var out []Decision
	for _, de := range des {
		name := de.Name()
		if de.IsDir() || strings.HasPrefix(name, ".") || !strings.HasSuffix(name, ".json") {
			continue
		}
		data, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			return nil, fmt.Errorf("read decision record: %w", err)
		}
		var d Decision
		if err := json.Unmarshal(data, &d); err != nil {
			return nil, fmt.Errorf("read decision record %s: %w", filepath.Join(dir, name), err)
		}
		out = append(out, d)
	}
	slices.SortStableFunc(out, func(a, b Decision) int { return b.At.Compare(a.At) })
	return out, nil
}
