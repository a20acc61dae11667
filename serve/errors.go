package serve

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/leadscore/leadscore/models"
)

// Error codes of the JSON error object {"error": {"code", "field", "message"}}.
const (
	CodeMalformedJSON    = "malformed_json"
	CodeInvalidField     = "invalid_field"
	CodeMissingField     = "missing_field"
	CodeUnknownKey       = "unknown_key"
	CodeDuplicateKey     = "duplicate_key"
	CodeUnknownEventType = "unknown_event_type"
	CodeFutureTimestamp  = "future_timestamp"
	CodeInvalidParameter = "invalid_parameter"
	CodeBodyTooLarge     = "body_too_large"
	CodeBatchTooLarge    = "batch_too_large"
	CodeTooManyEvents    = "too_many_events"
	CodeRequestTimeout   = "request_timeout"
	CodeOverloaded       = "overloaded"
	CodeUnsupportedMedia = "unsupported_media_type"
	CodeNotFound         = "not_found"
	CodeMethodNotAllowed = "method_not_allowed"
	CodeUnauthorized     = "unauthorized"
	CodeForbidden        = "forbidden"
	CodeNoModel          = "no_model"
	CodeUnknownVersion   = "unknown_version"
	CodeModelRefused     = "model_refused"
	CodeScoreFailed      = "score_failed"
	CodeInternal         = "internal"
)

// APIError is an error answered to the client as
// {"error": {"code": ..., "field": ..., "message": ...}} with Status.
type APIError struct {
	Status int    `json:"-"`
	Code   string `json:"code"`
	Field  string `json:"field,omitempty"`
	// Fields lists every offending field when there are several (all
	// the missing required fields of a lead).
	Fields  []string `json:"fields,omitempty"`
	Message string   `json:"message"`
}

// Error returns the message with its field and code.
func (e *APIError) Error() string {
	if e.Field != "" {
		return e.Code + ": " + e.Field + ": " + e.Message
	}
	return e.Code + ": " + e.Message
}

func badRequest(code, field, format string, args ...any) *APIError {
	return &APIError{Status: http.StatusBadRequest, Code: code, Field: field, Message: fmt.Sprintf(format, args...)}
}

// APIError's JSON object, encoded with encoding/json: errors are not the
// hot path.
func appendErrorObject(dst []byte, e *APIError) []byte {
	b, err := json.Marshal(e)
	if err != nil { // a struct of strings always encodes
		panic("serve: encode an error object: " + err.Error())
	}
	return append(dst, b...)
}

// missingFields is the 400 answer for a lead without fields the model
// requires: every one of them in one answer. Fields lists them, and
// Field names the first (as "fields.NAME").
func missingFields(e *models.MissingFieldsError) *APIError {
	fields := make([]string, len(e.Fields))
	for i, f := range e.Fields {
		fields[i] = "fields." + f
	}
	return &APIError{Status: http.StatusBadRequest, Code: CodeMissingField, Field: fields[0], Fields: fields,
		Message: fmt.Sprintf("the model requires %d field(s) this lead lacks (absent, null, empty or a missing-value marker): %s", len(fields), strings.Join(e.Fields, ", "))}
}

// scoreError is the answer for an error of the scoring path.
func scoreError(err error) *APIError {
	var mf *models.MissingFieldsError
	if errors.As(err, &mf) {
		return missingFields(mf)
	}
	var inv *models.InvalidFieldsError
	if errors.As(err, &inv) {
		fields := make([]string, len(inv.Fields))
		for i, f := range inv.Fields {
			fields[i] = "fields." + f
		}
		return &APIError{Status: http.StatusBadRequest, Code: CodeInvalidField, Field: fields[0], Fields: fields, Message: err.Error()}
	}
	var ca *models.CreatedAfterError
	if errors.As(err, &ca) {
		return &APIError{Status: http.StatusBadRequest, Code: CodeInvalidField, Field: "as_of", Message: err.Error() + "; score it as of its creation or later"}
	}
	return &APIError{Status: http.StatusUnprocessableEntity, Code: CodeScoreFailed, Message: err.Error()}
}
