package features

import (
	"errors"
	"fmt"
	"io"
	"os"
	"slices"

	"gopkg.in/yaml.v3"
)

// EventsConfig names the columns of the events table.
type EventsConfig struct {
	// LeadID is the column that links an event to its lead (default "lead_id").
	LeadID string `yaml:"lead_id" json:"lead_id"`
	// Timestamp is the moment the event happened (default "timestamp").
	Timestamp string `yaml:"timestamp" json:"timestamp"`
	// Type is the kind of activity: page_view, email_open, form_submit, ...
	// (default "type").
	Type string `yaml:"type" json:"type"`
	// Attrs are optional attribute columns (default: "page" and "channel"
	// when the events table has them). The page attribute is aggregated per
	// page for page-view events; every other attribute per value.
	Attrs []string `yaml:"attrs" json:"attrs"`
	// PageAttr names the attribute that holds the page (default "page").
	PageAttr string `yaml:"page_attr" json:"page_attr"`
	// PageViewType is the event type whose pages get their own features
	// (default "page_view").
	PageViewType string `yaml:"page_view_type" json:"page_view_type"`
	// MaxKeys caps the number of distinct event keys (types, pages,
	// attribute values) aggregated per dataset, in order of first
	// appearance; aggregates take 48 bytes per row and key, so memory is at
	// most rows x MaxKeys x 48 bytes. Events of further keys still count in
	// the all-event aggregates and are reported (default 100).
	MaxKeys int `yaml:"max_keys" json:"max_keys"`
}

// OutcomesConfig names the columns of the outcomes (closed-won) table.
type OutcomesConfig struct {
	// LeadID links an outcome to its lead (default "lead_id").
	LeadID string `yaml:"lead_id" json:"lead_id"`
	// ConvertedAt is the moment the lead converted (default "converted_at").
	ConvertedAt string `yaml:"converted_at" json:"converted_at"`
	// Amount is the optional deal value (default "amount").
	Amount string `yaml:"amount" json:"amount"`
}

// Config says how to turn leads, events and outcomes into features. It is
// usually loaded from leadscore.yaml; zero fields take the defaults of
// DefaultConfig when passed through WithDefaults (LoadConfig does this).
type Config struct {
	// ID is the lead id column (default "lead_id").
	ID string `yaml:"id" json:"id"`
	// Created is the lead creation timestamp column (default "created_at").
	Created string `yaml:"created" json:"created"`
	// Target is the 0/1 outcome column of a flat, one-row-per-lead table
	// (no default: set it for flat data such as a CRM export).
	Target string `yaml:"target" json:"target"`
	// Time is the optional scoring-moment column of a flat table; each row
	// is then scored as of that moment.
	Time string `yaml:"time" json:"time"`

	Events   EventsConfig   `yaml:"events" json:"events"`
	Outcomes OutcomesConfig `yaml:"outcomes" json:"outcomes"`

	// SnapshotDays are the lead ages, in days after creation, at which a
	// training snapshot is taken (default: empty, derived from the data by
	// SnapshotSchedule: 1, 3, 7, 14, 30, 60, 90, 180, 365 days and beyond,
	// as far as the history allows).
	SnapshotDays []int `yaml:"snapshot_days" json:"snapshot_days"`
	// HorizonDays is the label window: a snapshot is positive when the lead
	// converted within this many days after the cutoff (default 90).
	HorizonDays int `yaml:"horizon_days" json:"horizon_days"`
	// HalfLifeDays is the half-life, in days, of time-decayed event counts
	// (default 14).
	HalfLifeDays float64 `yaml:"half_life_days" json:"half_life_days"`
	// WindowDays are the look-back windows, in days, of event counts
	// (default 1, 7, 30, 90; at most 6 windows).
	WindowDays []int `yaml:"window_days" json:"window_days"`

	// Exclude lists lead columns never used as features.
	Exclude []string `yaml:"exclude" json:"exclude"`
	// AllowLeaky lists columns the leakage audit flags but that are kept
	// anyway (the user vouches they are known before the cutoff).
	AllowLeaky []string `yaml:"allow_leaky" json:"allow_leaky"`
	// MinCategoryCount is the number of training rows a category value, an
	// event type or a page needs to get its own column (default 10).
	MinCategoryCount int `yaml:"min_category_count" json:"min_category_count"`
	// Log1p lists numeric features to transform with log(1+x) in the linear
	// encoding. Empty or containing "auto" also transforms every
	// non-negative feature whose training skewness exceeds 2; "none" turns
	// the transform off.
	Log1p []string `yaml:"log1p" json:"log1p"`
	// MissingValues are strings that mean "no value" (e.g. "Select") for
	// readers of the input files.
	MissingValues []string `yaml:"missing_values" json:"missing_values"`
	// EngagementFields lists lead fields that record what the lead did
	// (visits, time on site, pages per visit in a flat export): their
	// contributions count in the engagement part of a score, not in fit.
	EngagementFields []string `yaml:"engagement_fields" json:"engagement_fields,omitempty"`
	// SQLCompatible trains a simpler bundle, whose `leadscore sql` query is
	// smaller (every bundle compiles): category values compared as spelled
	// (no Unicode case folding) and no word features from free text.
	// (Training also leaves the rule sheet's results out of the models'
	// inputs.)
	SQLCompatible bool `yaml:"sql_compatible" json:"sql_compatible,omitempty"`

	// GBMSubsample and GBMColSample are the shares of the training rows
	// and of the feature columns the gradient-boosted model draws for each
	// tree, in (0, 1] (train's --gbm-subsample and --gbm-colsample, which
	// override them); 0 keeps the model's defaults. They are read here so
	// that one leadscore.yaml holds a project's training settings; the
	// features never use them.
	GBMSubsample float64 `yaml:"gbm_subsample" json:"gbm_subsample,omitempty"`
	GBMColSample float64 `yaml:"gbm_colsample" json:"gbm_colsample,omitempty"`

	// MaxExamples caps the training examples (train's --max-examples): when
	// a training build would make more, it keeps a deterministic sample of
	// the leads, chosen by a hash of the lead id, with every example of a
	// kept lead, so that about MaxExamples remain, and weights each kept
	// example by 1/rate (BuildReport.Sampling). 0, the default, keeps every
	// example. Scoring never samples.
	MaxExamples int `yaml:"max_examples" json:"max_examples,omitempty"`
}

// maxWindows is the largest number of look-back windows a Config may have.
const maxWindows = 6

// DefaultConfig returns the configuration used when leadscore.yaml sets
// nothing: columns lead_id, created_at, timestamp, type, converted_at, amount;
// snapshot ages derived from the data (SnapshotSchedule); a 90-day horizon; a 14-day half-life;
// windows of 1, 7, 30 and 90 days; categories need 10 rows.
func DefaultConfig() Config {
	return Config{
		ID:      "lead_id",
		Created: "created_at",
		Events: EventsConfig{
			LeadID: "lead_id", Timestamp: "timestamp", Type: "type",
			PageAttr: "page", PageViewType: "page_view", MaxKeys: 100,
		},
		Outcomes:         OutcomesConfig{LeadID: "lead_id", ConvertedAt: "converted_at", Amount: "amount"},
		HorizonDays:      90,
		HalfLifeDays:     14,
		WindowDays:       []int{1, 7, 30, 90},
		MinCategoryCount: 10,
	}
}

// WithDefaults returns c with every zero field set from DefaultConfig.
func (c Config) WithDefaults() Config {
	d := DefaultConfig()
	def := func(s *string, v string) {
		if *s == "" {
			*s = v
		}
	}
	def(&c.ID, d.ID)
	def(&c.Created, d.Created)
	def(&c.Events.LeadID, d.Events.LeadID)
	def(&c.Events.Timestamp, d.Events.Timestamp)
	def(&c.Events.Type, d.Events.Type)
	def(&c.Events.PageAttr, d.Events.PageAttr)
	def(&c.Events.PageViewType, d.Events.PageViewType)
	def(&c.Outcomes.LeadID, d.Outcomes.LeadID)
	def(&c.Outcomes.ConvertedAt, d.Outcomes.ConvertedAt)
	def(&c.Outcomes.Amount, d.Outcomes.Amount)
	if c.Events.MaxKeys == 0 {
		c.Events.MaxKeys = d.Events.MaxKeys
	}
	if c.HorizonDays == 0 {
		c.HorizonDays = d.HorizonDays
	}
	if c.HalfLifeDays == 0 {
		c.HalfLifeDays = d.HalfLifeDays
	}
	if len(c.WindowDays) == 0 {
		c.WindowDays = d.WindowDays
	}
	if c.MinCategoryCount == 0 {
		c.MinCategoryCount = d.MinCategoryCount
	}
	return c
}

// Validate reports the first setting that cannot work, saying how to fix it.
func (c Config) Validate() error {
	if len(c.WindowDays) > maxWindows {
		return fmt.Errorf("config window_days: %d windows given, at most %d are supported", len(c.WindowDays), maxWindows)
	}
	for _, w := range c.WindowDays {
		if w <= 0 {
			return fmt.Errorf("config window_days: %d is not a positive number of days", w)
		}
	}
	for _, d := range c.SnapshotDays {
		if d < 0 {
			return fmt.Errorf("config snapshot_days: %d is negative; use days after creation (0 or more)", d)
		}
	}
	if c.HorizonDays < 0 {
		return fmt.Errorf("config horizon_days: %d is negative", c.HorizonDays)
	}
	if c.HalfLifeDays < 0 {
		return fmt.Errorf("config half_life_days: %g is negative", c.HalfLifeDays)
	}
	if c.MinCategoryCount < 0 {
		return fmt.Errorf("config min_category_count: %d is negative", c.MinCategoryCount)
	}
	if c.MaxExamples < 0 {
		return fmt.Errorf("config max_examples: %d is negative; use 0 to keep every example", c.MaxExamples)
	}
	for _, f := range []struct {
		key string
		v   float64
	}{{"gbm_subsample", c.GBMSubsample}, {"gbm_colsample", c.GBMColSample}} {
		if !(f.v >= 0 && f.v <= 1) {
			return fmt.Errorf("config %s: %v is not a share in (0, 1] (or 0 for the default)", f.key, f.v)
		}
	}
	return nil
}

// FirstSnapshotDay is the earliest configured snapshot age, or the first
// age SnapshotSchedule derives (1 day) when none is configured: the age at
// which backtests and comparisons score a lead.
func (c Config) FirstSnapshotDay() int {
	if len(c.SnapshotDays) == 0 {
		return snapshotLadder[0]
	}
	return slices.Min(c.SnapshotDays)
}

// maxWindowDays is the longest look-back window in days.
func (c Config) maxWindowDays() int { return slices.Max(c.WindowDays) }

// LoadConfig reads a YAML configuration (leadscore.yaml) and fills unset
// fields with the defaults of DefaultConfig. Unknown keys are an error, so a
// typo does not silently fall back to a default.
func LoadConfig(path string) (Config, error) {
	f, err := os.Open(path)
	if err != nil {
		return Config{}, fmt.Errorf("load config: %w", err)
	}
	defer f.Close()
	var c Config
	dec := yaml.NewDecoder(f)
	dec.KnownFields(true)
	if err := dec.Decode(&c); err != nil && !errors.Is(err, io.EOF) {
		return Config{}, fmt.Errorf("load config %s: %w (keys are snake_case, e.g. snapshot_days, horizon_days)", path, err)
	}
	c = c.WithDefaults()
	if err := c.Validate(); err != nil {
		return Config{}, fmt.Errorf("load config %s: %w", path, err)
	}
	return c, nil
}
