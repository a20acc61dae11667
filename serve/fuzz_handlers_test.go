package serve

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"
)

// The handler fuzz targets send arbitrary bodies through the whole HTTP
// stack (media type, gzip, body limits, decoder, the real trained bundle
// of package modelstest, the answer's encoding): no input may get a 5xx
// or an answer the OpenAPI document does not describe. mode picks the
// query and the framing: bit 0 explain=all, bit 1 gzip, bit 2 (batch)
// NDJSON, bit 3 all_models=1.

func FuzzScoreHandler(f *testing.F) {
	fx := realBundle(f)
	_, env := newRealServer(f, fx)
	_, leads := realLeads(f, fx, 6)
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
	fx := realBundle(f)
	_, env := newRealServer(f, fx)
	_, leads := realLeads(f, fx, 6)
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
