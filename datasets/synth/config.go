// Package synth generates synthetic lead histories with a documented ground
// truth: lead attributes, a stream of marketing and web events, closed-won
// outcomes, the true conversion probability of every lead, and optionally a
// one-row-per-lead "CRM export". The generating model and every coefficient
// are written to truth.json next to the data, so that a model trained on the
// files can be checked against the truth.
//
// Generation is deterministic: the same Config gives byte-identical files.
// Each lead draws from its own PCG stream seeded with (Seed, lead index), so
// leads are generated in parallel blocks and written in lead order, with
// memory bounded by a few blocks whatever the number of leads.
//
// The package is also the one home of the smaller seeded generators that
// tests and benchmarks use, each in its own file and each giving the same
// values for the same arguments:
//
//   - history.go: History and NewEventStream, in-memory lead histories as
//     datasets tables (the features package's tests and benchmarks), built
//     with the column and table builders of columns.go;
//   - matrix.go: the numeric matrices of the gbm and logistic comparisons
//     with XGBoost and scikit-learn, and their file formats;
//   - table.go: the lead-like CSV and Parquet tables of the reader
//     benchmarks;
//   - lead.go: the 54-event lead of the rule sheet benchmark.
//
// They return plain values (Matrix, LeadRecord, datasets tables); callers
// wrap them in the features types they need, since synth imports only
// datasets.
package synth

import (
	"fmt"
	"time"

	"github.com/leadscore/leadscore/datasets"
)

// Profiles.
const (
	ProfileB2B = "b2b"
	ProfileB2C = "b2c"
)

// Defaults applied by Config.withDefaults.
const (
	DefaultMonths         = 12
	DefaultConversionRate = 0.10
	DefaultFormat         = datasets.FormatCSV
)

// DefaultStart is the creation time of the first possible lead when
// Config.Start is zero: 2025-01-01T00:00:00Z.
var DefaultStart = time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)

// HorizonDays is how long after its creation a lead is followed, in days:
// events and conversions happen within [created_at, created_at+120 days).
const HorizonDays = 120

// ScoreDay is the day after creation at which the ground-truth probability
// and the flat file's behaviour aggregates are taken (14 days).
const ScoreDay = 14

// WindowDays is the length of the label window after ScoreDay, in days: the
// flat file's converted column and p_convert_90d_at_day14 refer to a
// conversion in (created_at+14 d, created_at+104 d].
const WindowDays = 90

// Config describes a synthetic data set.
type Config struct {
	// Profile is "b2b" (companies, job titles, long sales cycles) or "b2c"
	// (consumers, short cycles); "" means b2b.
	Profile string
	// Leads is the number of leads to generate (at least 1).
	Leads int
	// Seed makes the data reproducible: the same Config gives the same bytes.
	Seed int64
	// Start is the earliest lead creation time; zero means 2025-01-01 UTC.
	Start time.Time
	// Months is the span of lead creation in calendar months from Start;
	// 0 means 12.
	Months int
	// ConversionRate is the target share of leads that convert within
	// HorizonDays of creation, in (0, 1); 0 means 0.10. The model's
	// intercept is calibrated to it, so the realised rate is close to it.
	ConversionRate float64
	// Format is the table file format, "csv" or "parquet" (also "arrow",
	// "jsonl", or another name datasets.ParseFormat accepts, which becomes
	// its canonical name and extension); "" means csv.
	Format string
	// Flat also writes leads_flat.<ext>, one row per lead with behaviour
	// aggregated as of day 14 and a 0/1 converted label.
	Flat bool
	// Workers is the number of goroutines simulating leads; 0 means
	// GOMAXPROCS. It does not change the output.
	Workers int
}

func (c Config) withDefaults() (Config, error) {
	if c.Profile == "" {
		c.Profile = ProfileB2B
	}
	if c.Profile != ProfileB2B && c.Profile != ProfileB2C {
		return c, fmt.Errorf("synth: unknown profile %q: use b2b or b2c", c.Profile)
	}
	if c.Leads < 1 {
		return c, fmt.Errorf("synth: Leads is %d: generate at least 1 lead", c.Leads)
	}
	if c.Start.IsZero() {
		c.Start = DefaultStart
	}
	c.Start = c.Start.UTC()
	if c.Months == 0 {
		c.Months = DefaultMonths
	}
	if c.Months < 0 {
		return c, fmt.Errorf("synth: Months is %d: use a positive number of months", c.Months)
	}
	if c.ConversionRate == 0 {
		c.ConversionRate = DefaultConversionRate
	}
	if !(c.ConversionRate > 0 && c.ConversionRate < 0.95) {
		return c, fmt.Errorf("synth: ConversionRate %v is outside (0, 0.95)", c.ConversionRate)
	}
	if c.Format == "" {
		c.Format = DefaultFormat
	}
	f, err := datasets.ParseFormat(c.Format)
	if err != nil {
		return c, fmt.Errorf("synth: %w", err)
	}
	c.Format = f // the canonical name, which is also the files' extension
	if c.Workers < 0 {
		return c, fmt.Errorf("synth: Workers is %d", c.Workers)
	}
	return c, nil
}

// Summary reports what Generate wrote.
type Summary struct {
	// Leads, Events and Conversions count the rows of leads, events and
	// outcomes.
	Leads       int   `json:"leads"`
	Events      int64 `json:"events"`
	Conversions int   `json:"conversions"`
	// ConversionRate is Conversions/Leads.
	ConversionRate float64 `json:"conversion_rate"`
	// FlatRows is the number of rows of leads_flat (0 without Flat).
	FlatRows int `json:"flat_rows"`
	// Files are the paths written, truth.json last.
	Files []string `json:"files"`
	// Wall is the elapsed time of Generate.
	Wall time.Duration `json:"wall_ns"`
}

// File names (without extension) that Generate writes in the output
// directory; other tools read them by these names.
const (
	LeadsFile         = "leads"
	EventsFile        = "events"
	OutcomesFile      = "outcomes"
	TruthProbsFile    = "truth_probabilities"
	FlatFile          = "leads_flat"
	TruthJSONFileName = "truth.json"
)
