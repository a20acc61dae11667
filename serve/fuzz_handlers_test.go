package serve

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"testing"
	"time"

	"github.com/leadscore/leadscore/datasets"
	"github.com/leadscore/leadscore/models/modelstest"
)

// The handler fuzz targets send arbitrary bodies through the whole HTTP
// stack (media type, gzip, body limits, decoder, the real trained bundle
// of package modelstest, the answer's encoding): no input may get a 5xx
// or an answer the OpenAPI document does not describe. mode picks the
// query and the framing: bit 0 explain=all, bit 1 gzip, bit 2 (batch)
// NDJSON, bit 3 all_models=1.

func FuzzScoreHandler(f *testing.F) {
	env, leads := fuzzServer(f)
	for i, l := range leads {
		b, err := json.Marshal(l)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b, uint8(i))
	}
	for _, s := range []string{`{}`, `{"fields": {"industry": "x", "industry": "y"}}`, `{"as_of": "0001-01-01"}`, `{"fields": {"employees": "0x10"}}`, `[`} {
		f.Add([]byte(s), uint8(0))
	}
	f.Fuzz(func(t *testing.T, body []byte, mode uint8) {
		fuzzRequest(t, env, "/v1/score", body, mode&^4)
	})
}

func FuzzBatchHandler(f *testing.F) {
	env, leads := fuzzServer(f)
	arr, err := json.Marshal(leads)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(arr, uint8(0))
	f.Add(arr, uint8(3))
	var nd bytes.Buffer
	for _, l := range leads {
		b, _ := json.Marshal(l)
		nd.Write(b)
		nd.WriteByte('\n')
	}
	f.Add(nd.Bytes(), uint8(4))
	f.Add(nd.Bytes(), uint8(15))
	for _, s := range []string{`[]`, `[{}, null, 1, "x", {"events": [{}]}]`, "{}\n\n{\"fields\": 3}\n", `[{"lead_id": "a"}`} {
		f.Add([]byte(s), uint8(0))
		f.Add([]byte(s), uint8(4))
	}
	f.Fuzz(func(t *testing.T, body []byte, mode uint8) {
		fuzzRequest(t, env, "/v1/score/batch", body, mode)
	})
}

// fuzzServer serves the fixture bundle of models/modelstest as it is
// stored (no generated history: every fuzz worker starts one) and returns
// seed leads built from its spec: every field set, events of every type.
func fuzzServer(f *testing.F) (*testEnv, []map[string]any) {
	dir, src := f.TempDir(), f.TempDir()
	if err := modelstest.WriteBundle(filepath.Join(src, "b2b")); err != nil {
		f.Fatal(err)
	}
	copyBundle(f, filepath.Join(src, "b2b"), dir, "b2b", time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC))
	s, err := New(Config{ModelsDir: dir, PollInterval: -1, Logger: slog.New(slog.DiscardHandler), Now: func() time.Time { return realAsOf }})
	if err != nil {
		f.Fatal(err)
	}
	env := &testEnv{dir: dir, oa: loadOpenAPI(f), h: s.Handler()}
	b := s.Current().Bundle()
	fields := map[string]any{}
	for _, fi := range b.Spec.Fields() {
		switch {
		case len(fi.Categories) > 0:
			fields[fi.Name] = fi.Categories[len(fi.Categories)/2]
		case fi.Kind == datasets.KindNumber || fi.Kind == datasets.KindBool:
			fields[fi.Name] = 1
		case fi.Kind == datasets.KindTime:
			fields[fi.Name] = "2025-03-01"
		default:
			fields[fi.Name] = "x"
		}
	}
	if c := b.Spec.Config.Created; c != "" {
		fields[c] = "2025-02-01T09:30:00Z"
	}
	var leads []map[string]any
	for i, typ := range b.Spec.EventTypes() {
		leads = append(leads, map[string]any{"lead_id": fmt.Sprintf("L-%d", i), "as_of": realAsOf.Format(time.RFC3339), "fields": fields,
			"events": []map[string]any{{"type": typ, "timestamp": "2025-05-01T10:00:00Z", "page": "/pricing"}}})
	}
	// The seeds must reach the scoring path, not stop at validation.
	for _, l := range leads {
		body, _ := json.Marshal(l)
		rec := env.do(f, "POST", "/v1/score", string(body))
		if rec.Code != http.StatusOK {
			f.Fatalf("seed lead answered %d: %s", rec.Code, rec.Body)
		}
	}
	leads = append(leads, map[string]any{"fields": map[string]any{}})
	return env, leads
}

func fuzzRequest(t *testing.T, env *testEnv, path string, body []byte, mode uint8) {
	query := "?"
	if mode&1 != 0 {
		query += "explain=all&"
	}
	if mode&8 != 0 {
		query += "all_models=1"
	}
	payload := body
	if mode&2 != 0 {
		var b bytes.Buffer
		w := gzip.NewWriter(&b)
		w.Write(body)
		w.Close()
		payload = b.Bytes()
	}
	req := httptest.NewRequest("POST", path+query, bytes.NewReader(payload))
	req.Header.Set("Content-Type", "application/json")
	if mode&4 != 0 {
		req.Header.Set("Content-Type", "application/x-ndjson")
	}
	if mode&2 != 0 {
		req.Header.Set("Content-Encoding", "gzip")
	}
	rec := httptest.NewRecorder()
	env.h.ServeHTTP(rec, req)
	if rec.Code >= 500 {
		t.Fatalf("%s answered %d: %s", path, rec.Code, rec.Body)
	}
	if err := env.oa.validateResponse("POST", path, rec.Code, rec.Header().Get("Content-Type"), rec.Body.Bytes()); err != nil {
		t.Fatalf("%s answered %d off the OpenAPI document: %v\nbody: %s", path, rec.Code, err, rec.Body)
	}
	if rec.Code == http.StatusOK && path == "/v1/score" {
		var res struct {
			Probability float64 `json:"probability"`
			Score       int     `json:"score"`
		}
		if err := json.Unmarshal(rec.Body.Bytes(), &res); err != nil || res.Probability < 0 || res.Probability > 1 || res.Score < 1 || res.Score > 99 {
			t.Fatalf("bad score %+v (%v): %s", res, err, rec.Body)
		}
	}
}
