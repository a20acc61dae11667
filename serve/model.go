package serve

import (
	"encoding/json"
	"time"

	"github.com/leadscore/leadscore/features"
)

// Model is one loaded model version as the API needs it. The adapter over
// *models.Bundle (LoadBundle) is the production implementation; tests use
// fakes. A Model is shared by every request and must be safe for concurrent
// use; the LeadScorers it makes need not be.
type Model interface {
	// Version is the bundle's version (manifest version).
	Version() string
	// Info is the metadata shown by GET /v1/models/{version}.
	Info() ModelInfo
	// Schema is what the request decoder validates leads against.
	Schema() Schema
	// NewScorer returns a scorer for one goroutine at a time.
	NewScorer() LeadScorer
}

// Loader loads the bundle in a directory. It returns an error for a damaged
// or incompatible bundle, which the registry then refuses.
type Loader func(dir string) (Model, error)

// ExplainAll asks for the contribution of every field (?explain=all).
const ExplainAll = -1

// ScoreOptions says what a score carries besides the champion's probability.
type ScoreOptions struct {
	// Explain is how many positive and negative contributions to return: 0
	// none, ExplainAll every field.
	Explain int
	// AllModels adds every model's calibrated probability.
	AllModels bool
}

// Outcome summarises one score for the metrics.
type Outcome struct {
	Tier  string
	Score int
}

// LeadScorer scores leads with one model. It is not safe for concurrent use.
type LeadScorer interface {
	// AppendScore scores l and appends the JSON object of its result (the
	// models.Result shape) to dst, adding warnings to the result's own.
	AppendScore(dst []byte, l *features.Lead, opt ScoreOptions, warnings []string) ([]byte, Outcome, error)
}

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
