package serve

import (
	"fmt"
	"net/http"
	"strconv"
	"unicode/utf8"
)

// Error codes of the JSON error object {"error": {"code", "field", "message"}}.
const (
	CodeMalformedJSON    = "malformed_json"
	CodeInvalidField     = "invalid_field"
	CodeMissingField     = "missing_field"
	CodeUnknownKey       = "unknown_key"
	CodeUnknownEventType = "unknown_event_type"
	CodeFutureTimestamp  = "future_timestamp"
	CodeInvalidParameter = "invalid_parameter"
	CodeBodyTooLarge     = "body_too_large"
	CodeBatchTooLarge    = "batch_too_large"
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
	Status  int    `json:"-"`
	Code    string `json:"code"`
	Field   string `json:"field,omitempty"`
	Message string `json:"message"`
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

// appendErrorObject appends {"code":...,"field":...,"message":...}.
func appendErrorObject(dst []byte, e *APIError) []byte {
	dst = append(dst, `{"code":`...)
	dst = strconv.AppendQuote(dst, e.Code)
	if e.Field != "" {
		dst = append(dst, `,"field":`...)
		dst = appendJSONString(dst, e.Field)
	}
	dst = append(dst, `,"message":`...)
	dst = appendJSONString(dst, e.Message)
	return append(dst, '}')
}

// appendJSONString appends s as a JSON string, escaping what JSON requires
// and replacing invalid UTF-8.
func appendJSONString(dst []byte, s string) []byte {
	const hex = "0123456789abcdef"
	dst = append(dst, '"')
	for i := 0; i < len(s); {
		c := s[i]
		if c < 0x80 {
			switch {
			case c == '"' || c == '\\':
				dst = append(dst, '\\', c)
			case c < 0x20 || c == '<' || c == '>' || c == '&':
				dst = append(dst, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xf])
			default:
				dst = append(dst, c)
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == 0xFFFD && size == 1 {
			dst = append(dst, `\ufffd`...)
		} else if r == 0x2028 || r == 0x2029 {
			dst = append(dst, '\\', 'u', '2', '0', '2', hex[r&0xf])
		} else {
			dst = append(dst, s[i:i+size]...)
		}
		i += size
	}
	return append(dst, '"')
}
