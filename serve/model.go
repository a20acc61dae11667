package serve

import (
	"encoding/json"
	"time"

	"github.com/leadscore/leadscore/features"
	"github.com/leadscore/leadscore/models"
)

// Model is one loaded model version as the API needs it. The production
// implementation wraps a *models.Bundle (LoadBundle), whose scoring path it
// exposes unchanged; tests use doubles for the model lifecycle. A Model is
// shared by every request and must be safe for concurrent use; the
// Scorers it makes need not be.
type Model interface {
	// Version is the bundle's version (manifest version).
	Version() string
	// Info is the metadata shown by GET /v1/models/{version}.
	Info() ModelInfo
	// Schema is what the request decoder validates leads against.
	Schema() Schema
	// NewScorer returns a scorer for one goroutine at a time: the
	// bundle's *models.Scorer.
	NewScorer() Scorer
	// ScoreRows is models.Bundle.ScoreRows: the one scoring path over a
	// table of leads.
	ScoreRows(rows models.Rows, opt models.ScoreOptions, threads int, emit func(w, i int, res *models.Result, err error))
	// Bundle is the bundle itself (nil for test doubles).
	Bundle() *models.Bundle
}

// Scorer scores one lead at a time (models.Scorer.ScoreInto). It is not
// safe for concurrent use.
type Scorer interface {
	ScoreInto(l *features.Lead, opt models.ScoreOptions, res *models.Result) error
}

// Loader loads the bundle in a directory. It returns an error for a damaged
// or incompatible bundle, which the registry then refuses.
type Loader func(dir string) (Model, error)

// Field kinds as the API names them.
const (
	KindNumber    = "number"
	KindBoolean   = "boolean"
	KindCategory  = "category"
	KindTimestamp = "timestamp"
	KindText      = "text"
)

// FieldSpec is one lead field a model reads.
type FieldSpec struct {
	// Name is the field's key in the request's "fields" object.
	Name string `json:"name"`
	// Kind is number, boolean, category, timestamp or text.
	Kind string `json:"kind"`
	// Values are the category values seen in training (category only).
	Values []string `json:"values,omitempty"`
	// Required fields must be present in every request.
	Required bool `json:"required,omitempty"`
}

// Schema is the request shape a model accepts.
type Schema struct {
	// Fields are the lead fields the model reads.
	Fields []FieldSpec `json:"fields"`
	// EventTypes are the event types seen in training; an event of another
	// type is refused with unknown_event_type.
	EventTypes []string `json:"event_types"`
	// CreatedField names the field holding the lead's creation time ("" if
	// none); its value also sets the lead's creation time.
	CreatedField string `json:"created_field,omitempty"`
	// MissingValues are the model's missing-value markers (such as
	// "Select") besides the defaults; a field holding one is missing.
	MissingValues []string `json:"missing_values,omitempty"`
}

// ModelInfo describes one model version for GET /v1/models/{version}.
type ModelInfo struct {
	Version         string          `json:"version"`
	Name            string          `json:"name"`
	CreatedAt       time.Time       `json:"created_at"`
	Champion        string          `json:"champion"`
	Models          []string        `json:"models"`
	Library         string          `json:"library,omitempty"`
	DataFingerprint string          `json:"data_fingerprint,omitempty"`
	Rows            map[string]int  `json:"rows,omitempty"`
	Metrics         json.RawMessage `json:"metrics,omitempty"`
	LeakageSuspects json.RawMessage `json:"leakage_suspects,omitempty"`
	Features        []FieldSpec     `json:"features"`
	EventTypes      []string        `json:"event_types"`
}
