package backtest

import (
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"slices"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/leadscore/leadscore/datasets"
	"github.com/leadscore/leadscore/datasets/store"
	"github.com/leadscore/leadscore/features"
	"github.com/leadscore/leadscore/models"
	"github.com/leadscore/leadscore/training"
)

// Config is one backtest: the flags of `leadscore backtest` as fields, so a
// server can load it from YAML (LoadConfig) and run it on a schedule
// (RunToDir). Empty fields take the defaults named on each field.
type Config struct {
	// Data is the leads file; Events and Outcomes the activity and
	// closed-won files of the three-table shape (both empty for flat data).
	Data     string `yaml:"data"`
	Events   string `yaml:"events"`
	Outcomes string `yaml:"outcomes"`

	// Format, Delimiter (",", ";", "tab" or "|"), MissingValues and Types
	// (column -> number|boolean|category|timestamp|text) control reading.
	Format        string            `yaml:"format"`
	Delimiter     string            `yaml:"delimiter"`
	MissingValues []string          `yaml:"missing_values"`
	Types         map[string]string `yaml:"types"`

	// FeatureConfig is an optional leadscore.yaml with column names and
	// feature settings; the column fields below override it.
	FeatureConfig string `yaml:"feature_config"`
	// ID is the lead id column; Created the lead creation time; Target the
	// 0/1 outcome of flat data; Time the scoring-moment column of flat data
	// (a flat backtest needs it); OutcomeID and ConvertedAt the lead id and
	// conversion time columns of the outcomes file.
	ID          string   `yaml:"id"`
	Created     string   `yaml:"created"`
	Target      string   `yaml:"target"`
	Time        string   `yaml:"time"`
	OutcomeID   string   `yaml:"outcome_id"`
	ConvertedAt string   `yaml:"converted_at"`
	Exclude     []string `yaml:"exclude"`

	// Rules is the rule sheet scored as is next to the models (optional).
	Rules string `yaml:"rules"`
	// Period is week, month (default) or quarter.
	Period string `yaml:"period"`
	// MinTrain is the number of leads with known outcomes a period needs
	// before it is backtested (default 500).
	MinTrain int `yaml:"min_train"`
	// HorizonDays is the label window in days after a snapshot (default:
	// the feature config's, 90).
	HorizonDays int `yaml:"horizon_days"`
	// SnapshotDays are the training snapshot ages (default: the feature
	// config's, derived from the data: 1, 3, 7, 14, 30, 60, ... as far as
	// history allows).
	SnapshotDays []int `yaml:"snapshot_days"`
	// ScoreAges are the lead ages, in days after creation, at which each
	// period's leads are scored and evaluated, each one a snapshot age
	// (default: every snapshot age up to DefaultMaxScoreAge days). The
	// smallest is the period's primary age: it decides whether a period
	// is complete and fills Period.Eval and Result.Overall. Snapshot data
	// only; flat data is scored at its time column.
	ScoreAges []int `yaml:"score_ages"`
	// Seed drives every random choice (default 1).
	Seed int64 `yaml:"seed"`
	// Resamples is the number of bootstrap resamples (default 200, at
	// least 200).
	Resamples int `yaml:"resamples"`
	// Models to fit among logistic and gbm (default both); rules is added
	// when Rules is set.
	Models []string `yaml:"models"`
	// GBMTrees caps the number of boosted trees (default: the gbm default).
	GBMTrees int `yaml:"gbm_trees"`
	// GBMSubsample and GBMColSample are the shares of the training rows
	// and of the feature columns drawn for each tree, in (0, 1], as
	// train's --gbm-subsample and --gbm-colsample (default: train's, 0.8
	// of the rows and about 25 columns per tree, a share between 0.1 and
	// 0.5; 1 turns sampling off).
	GBMSubsample float64 `yaml:"gbm_subsample"`
	GBMColSample float64 `yaml:"gbm_colsample"`
	// GBMMonotone constrains the gbm as train's --gbm-monotone does:
	// FEATURE=+1 or FEATURE=-1, with * and ? in FEATURE.
	GBMMonotone []string `yaml:"gbm_monotone"`
	// Weight names a numeric leads column that weights each lead's
	// examples in the fits, as train's --weight does.
	Weight string `yaml:"weight"`
	// Threads is the number of worker goroutines (default: all cores).
	Threads int `yaml:"threads"`

	// Logger receives progress (nil: silent).
	Logger *slog.Logger `yaml:"-"`
	// Prepared, when set, is the read and feature-built data to use instead
	// of reading Data, Events and Outcomes again: training.Prepare's result
	// for the same files, read options and feature configuration (a
	// training run on the same data can share it). The backtest only reads
	// it.
	Prepared *training.Prepared `yaml:"-"`
	// Store, when set, is the backtest's data in place of Data, Events and
	// Outcomes: a lead store's leads with their field history, events and
	// won outcomes (training.FromStore).
	Store *store.Store `yaml:"-"`
	// Training, when set, are the options of every period's fit in place
	// of those built from the fields above (train --backtest fits the
	// periods as it fits the bundle); the file and rule sheet fields still
	// name the inputs in the report.
	Training *training.Options `yaml:"-"`
}

// Defaults of Config.
const (
	DefaultMinTrain  = 500
	DefaultResamples = 200
	// DefaultMaxScoreAge bounds the default score ages: every snapshot age
	// in a lead's first month, when most leads are triaged and most
	// conversions happen.
	DefaultMaxScoreAge = 30
	// minConversions is the number of converted examples the fitting part
	// of a period's training window needs: the logistic regression's 5-fold
	// cross-validation and the calibrators' 5 folds need several per fold.
	minConversions = 30
)

// LoadConfig reads a backtest configuration from YAML. Unknown keys are an
// error, so a typo does not silently fall back to a default.
func LoadConfig(path string) (Config, error) {
	f, err := os.Open(path)
	if err != nil {
		return Config{}, fmt.Errorf("load backtest config: %w", err)
	}
	defer f.Close()
	var c Config
	dec := yaml.NewDecoder(f)
	dec.KnownFields(true)
	if err := dec.Decode(&c); err != nil && !errors.Is(err, io.EOF) {
		return Config{}, fmt.Errorf("load backtest config %s: %w (keys are snake_case, e.g. min_train, horizon_days)", path, err)
	}
	if err := c.withDefaults().validate(); err != nil {
		return Config{}, fmt.Errorf("load backtest config %s: %w", path, err)
	}
	return c, nil
}

func (c Config) withDefaults() Config {
	if c.Period == "" {
		c.Period = Month
	}
	if c.MinTrain == 0 {
		c.MinTrain = DefaultMinTrain
	}
	if c.Seed == 0 {
		c.Seed = 1
	}
	if c.Resamples == 0 {
		c.Resamples = DefaultResamples
	}
	if len(c.Models) == 0 {
		c.Models = []string{models.Logistic, models.GBM}
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	return c
}

func (c Config) validate() error {
	if c.Data == "" && c.Store == nil {
		return errors.New("no leads file: set data (--data)")
	}
	if !validUnit(c.Period) {
		return fmt.Errorf("period %q: expected week, month or quarter", c.Period)
	}
	if c.MinTrain < 1 {
		return fmt.Errorf("min_train %d: expected at least 1 lead", c.MinTrain)
	}
	if c.Resamples < 200 {
		return fmt.Errorf("resamples %d: use at least 200 for stable 95%% intervals", c.Resamples)
	}
	if c.HorizonDays < 0 {
		return fmt.Errorf("horizon_days %d is negative", c.HorizonDays)
	}
	for k, a := range c.ScoreAges {
		if a < 0 {
			return fmt.Errorf("score_ages %d is negative: expected days after creation (--score-ages)", a)
		}
		if slices.Contains(c.ScoreAges[:k], a) {
			return fmt.Errorf("score_ages lists %d twice (--score-ages)", a)
		}
		if len(c.SnapshotDays) > 0 && !slices.Contains(c.SnapshotDays, a) {
			return fmt.Errorf("score age %d days is not a training snapshot age %v: add it to --snapshots (snapshot_days) or drop it from --score-ages (score_ages)", a, c.SnapshotDays)
		}
	}
	if (c.Events != "") && c.Outcomes == "" {
		return errors.New("events need outcomes: give the closed-won outcomes file too (--outcomes)")
	}
	for _, m := range c.Models {
		if m != models.Logistic && m != models.GBM && m != models.Rules {
			return fmt.Errorf("models %q: expected logistic or gbm (rules come with a rule sheet)", m)
		}
	}
	if !slices.Contains(c.Models, models.Logistic) && !slices.Contains(c.Models, models.GBM) {
		return errors.New("models: a backtest needs logistic or gbm")
	}
	for _, s := range c.GBMMonotone {
		if _, err := training.ParseMonotone(s); err != nil {
			return fmt.Errorf("gbm_monotone: %w", err)
		}
	}
	for _, f := range []struct {
		name string
		v    float64
	}{{"gbm_subsample", c.GBMSubsample}, {"gbm_colsample", c.GBMColSample}} {
		if f.v != 0 && !(f.v > 0 && f.v <= 1) {
			return fmt.Errorf("%s %v: expected a share greater than 0 and at most 1 (--%s)", f.name, f.v, strings.ReplaceAll(f.name, "_", "-"))
		}
	}
	return nil
}

// readOptions turns the reading fields into datasets.ReadOptions.
func (c Config) readOptions() (datasets.ReadOptions, error) {
	opt := datasets.ReadOptions{Format: c.Format, MissingValues: c.MissingValues}
	var err error
	if opt.Delimiter, err = datasets.ParseDelimiter(c.Delimiter); err != nil {
		return opt, err
	}
	if c.Format != "" {
		if _, err := datasets.ParseFormat(c.Format); err != nil {
			return opt, fmt.Errorf("format: %w", err)
		}
	}
	if len(c.Types) > 0 {
		opt.Types = make(map[string]datasets.Kind, len(c.Types))
		for col, kind := range c.Types {
			k, err := datasets.ParseKind(kind)
			if err != nil {
				return opt, fmt.Errorf("types %s=%s: %w", col, kind, err)
			}
			opt.Types[col] = k
		}
	}
	return opt, nil
}

// featureConfig is the feature configuration with the column fields
// applied and defaults filled.
func (c Config) featureConfig() (features.Config, error) {
	fc := features.DefaultConfig()
	if c.FeatureConfig != "" {
		var err error
		if fc, err = features.LoadConfig(c.FeatureConfig); err != nil {
			return fc, err
		}
	}
	set := func(dst *string, v string) {
		if v != "" {
			*dst = v
		}
	}
	set(&fc.ID, c.ID)
	set(&fc.Created, c.Created)
	set(&fc.Target, c.Target)
	set(&fc.Time, c.Time)
	set(&fc.Outcomes.LeadID, c.OutcomeID)
	set(&fc.Outcomes.ConvertedAt, c.ConvertedAt)
	if c.Outcomes != "" && c.OutcomeID == "" && c.ID != "" && fc.Outcomes.LeadID == features.DefaultConfig().Outcomes.LeadID {
		// The outcomes file usually names the lead id like the leads file.
		fc.Outcomes.LeadID = c.ID
	}
	if c.HorizonDays > 0 {
		fc.HorizonDays = c.HorizonDays
	}
	if len(c.SnapshotDays) > 0 {
		fc.SnapshotDays = c.SnapshotDays
	}
	fc.Exclude = append(fc.Exclude, c.Exclude...)
	fc.MissingValues = append(fc.MissingValues, c.MissingValues...)
	fc = fc.WithDefaults()
	if c.Outcomes == "" && c.Store == nil {
		if fc.Target == "" {
			return fc, errors.New("flat data needs a target column (--target COL), or give --outcomes")
		}
		if fc.Time == "" {
			return fc, errors.New("a flat backtest needs a time column (--time COL) to order leads into periods")
		}
	}
	return fc, fc.Validate()
}

// trainingOptions builds the options every period's fit shares.
func (c Config) trainingOptions() (training.Options, error) {
	read, err := c.readOptions()
	if err != nil {
		return training.Options{}, err
	}
	fc, err := c.featureConfig()
	if err != nil {
		return training.Options{}, err
	}
	ms := slices.DeleteFunc(slices.Clone(c.Models), func(m string) bool { return m == models.Rules })
	if c.Rules != "" {
		ms = append([]string{models.Rules}, ms...)
	}
	opt := training.Options{
		Data: c.Data, Events: c.Events, Outcomes: c.Outcomes, Read: read, Config: fc,
		RulesFile: c.Rules, Models: ms, Seed: c.Seed, Threads: c.Threads, Name: "backtest", Weight: c.Weight,
	}
	if c.Store != nil {
		opt = training.FromStore(c.Store, opt)
	}
	if c.GBMTrees > 0 || c.GBMSubsample > 0 || c.GBMColSample > 0 {
		opt.GBM = training.GBMDefaults(fc) // the feature config's sampling, overridden below
	}
	if c.GBMTrees > 0 {
		opt.GBM.Trees = c.GBMTrees
	}
	if c.GBMSubsample > 0 {
		opt.GBM.Subsample = c.GBMSubsample
	}
	if c.GBMColSample > 0 {
		opt.GBM.ColSample = c.GBMColSample
	}
	for _, s := range c.GBMMonotone {
		r, err := training.ParseMonotone(s)
		if err != nil {
			return training.Options{}, fmt.Errorf("gbm_monotone: %w", err)
		}
		opt.GBMMonotone = append(opt.GBMMonotone, r)
	}
	return opt, nil
}
