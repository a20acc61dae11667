package serve

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// openAPI validates responses against the embedded OpenAPI document. It
// implements the subset of OpenAPI 3.0 schemas the document uses: $ref,
// type, nullable, properties, required, additionalProperties, items, enum,
// anyOf, oneOf, allOf, minimum, maximum, pattern and format date-time.
type openAPI struct {
	doc map[string]any
}

func loadOpenAPI(t testing.TB) *openAPI {
	t.Helper()
	var doc map[string]any
	require.NoError(t, json.Unmarshal(openAPIDoc, &doc))
	require.Equal(t, "3.0.3", doc["openapi"])
	return &openAPI{doc: doc}
}

// resolve follows a local $ref.
func (o *openAPI) resolve(node map[string]any) map[string]any {
	for {
		ref, ok := node["$ref"].(string)
		if !ok {
			return node
		}
		cur := any(o.doc)
		for _, part := range strings.Split(strings.TrimPrefix(ref, "#/"), "/") {
			cur = cur.(map[string]any)[part]
		}
		node = cur.(map[string]any)
	}
}

// routeOf maps a request path to the document's path template.
func (o *openAPI) routeOf(path string) (string, bool) {
	paths := o.doc["paths"].(map[string]any)
	if _, ok := paths[path]; ok {
		return path, true
	}
	for tmpl := range paths {
		re := "^" + regexp.MustCompile(`\\\{[^}]+\\\}`).ReplaceAllString(regexp.QuoteMeta(tmpl), `[^/]+`) + "$"
		if regexp.MustCompile(re).MatchString(path) {
			return tmpl, true
		}
	}
	return "", false
}

// validateResponse checks that the document lists the response's status for
// the operation and that the body matches its schema (NDJSON: every line).
func (o *openAPI) validateResponse(method, path string, status int, contentType string, body []byte) error {
	route, ok := o.routeOf(path)
	if !ok {
		return fmt.Errorf("path %s is not in the OpenAPI document", path)
	}
	op, ok := o.doc["paths"].(map[string]any)[route].(map[string]any)[strings.ToLower(method)].(map[string]any)
	if !ok {
		return fmt.Errorf("%s %s is not in the OpenAPI document", method, route)
	}
	resp, ok := op["responses"].(map[string]any)[strconv.Itoa(status)].(map[string]any)
	if !ok {
		return fmt.Errorf("%s %s: status %d is not documented", method, route, status)
	}
	resp = o.resolve(resp)
	mt := mediaType(contentType)
	media, ok := resp["content"].(map[string]any)[mt].(map[string]any)
	if !ok {
		return fmt.Errorf("%s %s %d: content type %s is not documented", method, route, status, mt)
	}
	schema := media["schema"].(map[string]any)
	if mt == "text/plain" {
		return nil
	}
	docs := [][]byte{body}
	if mt == "application/x-ndjson" {
		docs = bytes.Split(bytes.TrimSpace(body), []byte("\n"))
		if len(bytes.TrimSpace(body)) == 0 {
			docs = nil // no leads, no lines
		}
	}
	for i, d := range docs {
		var v any
		dec := json.NewDecoder(bytes.NewReader(d))
		dec.UseNumber()
		if err := dec.Decode(&v); err != nil {
			return fmt.Errorf("%s %s %d: body %d is not JSON: %v", method, route, status, i, err)
		}
		if err := o.validate(schema, v, "body"); err != nil {
			return fmt.Errorf("%s %s %d: %v", method, route, status, err)
		}
	}
	return nil
}

func (o *openAPI) validate(schema map[string]any, v any, at string) error {
	schema = o.resolve(schema)
	if v == nil {
		if schema["nullable"] == true || len(schema) == 0 || schema["type"] == nil && schema["anyOf"] == nil && schema["oneOf"] == nil && schema["allOf"] == nil {
			return nil
		}
		return fmt.Errorf("%s: null is not allowed", at)
	}
	if all, ok := schema["allOf"].([]any); ok {
		for _, s := range all {
			if err := o.validate(s.(map[string]any), v, at); err != nil {
				return err
			}
		}
	}
	for _, key := range []string{"anyOf", "oneOf"} {
		alts, ok := schema[key].([]any)
		if !ok {
			continue
		}
		matched := 0
		var errs []string
		for _, s := range alts {
			if err := o.validate(s.(map[string]any), v, at); err != nil {
				errs = append(errs, err.Error())
			} else {
				matched++
			}
		}
		if matched == 0 || key == "oneOf" && matched > 1 {
			return fmt.Errorf("%s: %d alternatives of %s match: %s", at, matched, key, strings.Join(errs, "; "))
		}
	}
	if enum, ok := schema["enum"].([]any); ok {
		if !slices.ContainsFunc(enum, func(e any) bool { return fmt.Sprint(e) == fmt.Sprint(v) }) {
			return fmt.Errorf("%s: %v is not one of %v", at, v, enum)
		}
	}
	typ, _ := schema["type"].(string)
	switch typ {
	case "":
	case "object":
		obj, ok := v.(map[string]any)
		if !ok {
			return fmt.Errorf("%s: expected an object, got %T", at, v)
		}
		for _, r := range asSlice(schema["required"]) {
			if _, ok := obj[r.(string)]; !ok {
				return fmt.Errorf("%s: required property %q is missing", at, r)
			}
		}
		props, _ := schema["properties"].(map[string]any)
		for k, x := range obj {
			if ps, ok := props[k].(map[string]any); ok {
				if err := o.validate(ps, x, at+"."+k); err != nil {
					return err
				}
				continue
			}
			switch ap := schema["additionalProperties"].(type) {
			case bool:
				if !ap {
					return fmt.Errorf("%s: property %q is not allowed", at, k)
				}
			case map[string]any:
				if err := o.validate(ap, x, at+"."+k); err != nil {
					return err
				}
			}
		}
	case "array":
		arr, ok := v.([]any)
		if !ok {
			return fmt.Errorf("%s: expected an array, got %T", at, v)
		}
		if items, ok := schema["items"].(map[string]any); ok {
			for i, x := range arr {
				if err := o.validate(items, x, fmt.Sprintf("%s[%d]", at, i)); err != nil {
					return err
				}
			}
		}
	case "string":
		s, ok := v.(string)
		if !ok {
			return fmt.Errorf("%s: expected a string, got %T", at, v)
		}
		if schema["format"] == "date-time" {
			if _, err := time.Parse(time.RFC3339Nano, s); err != nil {
				return fmt.Errorf("%s: %q is not a date-time", at, s)
			}
		}
		if p, ok := schema["pattern"].(string); ok && !regexp.MustCompile(p).MatchString(s) {
			return fmt.Errorf("%s: %q does not match %s", at, s, p)
		}
	case "number", "integer":
		n, ok := v.(json.Number)
		if !ok {
			return fmt.Errorf("%s: expected a %s, got %T", at, typ, v)
		}
		x, err := n.Float64()
		if err != nil {
			return fmt.Errorf("%s: %v", at, err)
		}
		if typ == "integer" && (x != math.Trunc(x) || strings.ContainsAny(n.String(), ".eE")) {
			return fmt.Errorf("%s: expected an integer, got %s", at, n)
		}
		if lo, ok := schema["minimum"].(float64); ok && x < lo {
			return fmt.Errorf("%s: %v is below the minimum %v", at, x, lo)
		}
		if hi, ok := schema["maximum"].(float64); ok && x > hi {
			return fmt.Errorf("%s: %v is above the maximum %v", at, x, hi)
		}
	case "boolean":
		if _, ok := v.(bool); !ok {
			return fmt.Errorf("%s: expected a boolean, got %T", at, v)
		}
	default:
		return fmt.Errorf("%s: schema type %q is not supported by this validator", at, typ)
	}
	return nil
}

func asSlice(v any) []any {
	s, _ := v.([]any)
	return s
}

// TestOpenAPIDocument checks the document itself: every route the server
// registers is documented, every $ref resolves, every operation has
// responses.
func TestOpenAPIDocument(t *testing.T) {
	o := loadOpenAPI(t)
	s, _ := newTestServer(t, testOptions{})
	for _, r := range s.engine.Routes() {
		path := regexp.MustCompile(`:([a-z]+)`).ReplaceAllString(r.Path, "{$1}")
		ops, ok := o.doc["paths"].(map[string]any)[path].(map[string]any)
		require.True(t, ok, "route %s is not documented", r.Path)
		op, ok := ops[strings.ToLower(r.Method)].(map[string]any)
		require.True(t, ok, "%s %s is not documented", r.Method, r.Path)
		require.NotEmpty(t, op["responses"])
	}
	var walk func(v any)
	walk = func(v any) {
		switch x := v.(type) {
		case map[string]any:
			if _, ok := x["$ref"]; ok {
				require.NotPanics(t, func() { o.resolve(x) }, "ref %v", x["$ref"])
			}
			for _, y := range x {
				walk(y)
			}
		case []any:
			for _, y := range x {
				walk(y)
			}
		}
	}
	walk(o.doc)
	require.Error(t, o.validate(map[string]any{"$ref": "#/components/schemas/Error"}, map[string]any{"error": map[string]any{"code": "nope", "message": "x"}}, "body"), "the validator must reject an unknown error code")
}
