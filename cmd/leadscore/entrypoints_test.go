package main

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"math"
	"mime/multipart"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/leadscore/leadscore/internal/realdata"
	"github.com/leadscore/leadscore/models"
	"github.com/leadscore/leadscore/serve"
	"github.com/leadscore/leadscore/serve/dashboard"
)

func init() { gin.SetMode(gin.TestMode) }

// outcome is what one entry point said about one lead: its numbers, or
// that it refused the lead (and the fields it named).
type outcome struct {
	prob    float64
	probs   map[string]float64
	score   int
	tier    string
	grade   string
	rules   float64
	hasRule bool
	warn    []string // "code:field" of missing_imputed and unseen_category
	refused string   // the error, for a lead that was not scored
}

// entryLead is one lead as a client sends it to the API: the raw text of
// each field, and for each field how it is sent.
type entryLead struct {
	id     string
	fields map[string]any // absent keys are left out of the request
	events []map[string]any
}

// The same leads scored through every entry point give the same numbers,
// bit for bit: `leadscore score` on a file, POST /v1/score one lead at a
// time, POST /v1/score/batch, and the dashboard's upload (read back from
// its CSV download). The leads carry the export's missing-value
// markers as they are, and a client that leaves fields out, sends them as
// null or as "" must get what the file's empty cells and markers give.
func TestEntryPointsScoreAlike(t *testing.T) {
	if testing.Short() {
		t.Skip("trains two bundles; skipped with -short")
	}
	t.Run("xeducation", func(t *testing.T) {
		path := realdata.Path(t, "xeducation/Leads.csv")
		dir := t.TempDir()
		sheet := filepath.Join(dir, "rules.yaml")
		code, out, stderr := runCLI(t, "rules", "default", "--profile", "xeducation")
		require.Equal(t, 0, code, stderr)
		require.NoError(t, os.WriteFile(sheet, []byte(out), 0o644))
		bundle := filepath.Join(dir, "models", "x1")
		code, _, stderr = runCLI(t, "train", "--data", path, "--target", "Converted", "--id", "Prospect ID",
			"--missing-values", "Select", "--exclude", "Lead Number,Tags,Lead Quality,Last Activity,Last Notable Activity,Lead Profile,Asymmetrique Activity Index,Asymmetrique Profile Index,Asymmetrique Activity Score,Asymmetrique Profile Score",
			"--rules", sheet, "--seed", "3", "--gbm-trees", "60", "--out", bundle, "-q")
		require.Equal(t, 0, code, "train: %s", stderr)
		header, rows := readRawCSV(t, path)
		leads := make([]entryLead, len(rows))
		for i, r := range rows {
			l := entryLead{fields: map[string]any{}}
			for j, name := range header {
				v := r[j]
				switch name {
				case "Prospect ID":
					l.id = v
					continue
				case "Converted":
					continue
				}
				// Cells the file reads as missing go out four ways.
				if v == "" || v == "Select" {
					switch (i + j) % 4 {
					case 0: // left out
					case 1:
						l.fields[name] = nil
					case 2:
						l.fields[name] = ""
					case 3:
						l.fields[name] = v // the raw marker, or ""
					}
					continue
				}
				if x, err := strconv.ParseFloat(v, 64); err == nil && i%2 == 0 {
					l.fields[name] = json.Number(strconv.FormatFloat(x, 'g', -1, 64)) // a JSON number
					continue
				}
				l.fields[name] = v
			}
			leads[i] = l
		}
		checkEntryPoints(t, bundle, path, "", time.Time{}, leads, false)
	})

	t.Run("generated three tables", func(t *testing.T) {
		dir := t.TempDir()
		data := filepath.Join(dir, "data")
		code, _, stderr := runCLI(t, "generate", "--profile", "b2b", "--leads", "1500", "--seed", "8", "--out", data, "-q")
		require.Equal(t, 0, code, stderr)
		sheet := filepath.Join(dir, "rules.yaml")
		code, out, stderr := runCLI(t, "rules", "default", "--profile", "b2b")
		require.Equal(t, 0, code, stderr)
		require.NoError(t, os.WriteFile(sheet, []byte(out), 0o644))
		bundle := filepath.Join(dir, "models", "g1")
		leadsCSV, eventsCSV := filepath.Join(data, "leads.csv"), filepath.Join(data, "events.csv")
		code, _, stderr = runCLI(t, "train", "--data", leadsCSV, "--events", eventsCSV, "--outcomes", filepath.Join(data, "outcomes.csv"),
			"--rules", sheet, "--seed", "4", "--gbm-trees", "40", "--out", bundle, "-q")
		require.Equal(t, 0, code, "train: %s", stderr)
		asOf := time.Date(2025, 11, 15, 0, 0, 0, 0, time.UTC)
		header, rows := readRawCSV(t, leadsCSV)
		// Some leads lack a field the model requires, or have text in a
		// number field: every entry point must refuse them alike.
		b, err := models.Load(bundle)
		require.NoError(t, err)
		required := b.Spec.Required()
		require.NotEmpty(t, required)
		for i := range rows {
			for j, name := range header {
				switch {
				case i%97 == 5 && slices.Contains(required, name):
					rows[i][j] = ""
				case i%89 == 7 && name == "employees":
					rows[i][j] = "lots" // text in a number field
				}
			}
		}
		leadsCSV = filepath.Join(dir, "leads-gaps.csv")
		writeRawCSV(t, leadsCSV, header, rows)
		eh, erows := readRawCSV(t, eventsCSV)
		events := map[string][]map[string]any{}
		for _, r := range erows {
			ev := map[string]any{}
			id := ""
			for j, name := range eh {
				switch {
				case name == "lead_id":
					id = r[j]
				case r[j] != "":
					ev[name] = r[j]
				}
			}
			if ts, err := time.Parse(time.RFC3339, fmt.Sprint(ev["timestamp"])); err == nil && ts.Before(asOf.Add(time.Hour)) {
				// The API takes events up to a day past as_of, and the
				// cutoff leaves out those at or after it.
				events[id] = append(events[id], ev)
			}
		}
		var leads []entryLead
		for i, r := range rows {
			l := entryLead{fields: map[string]any{}}
			for j, name := range header {
				v := r[j]
				if name == "lead_id" {
					l.id = v
					continue
				}
				if v == "" {
					switch (i + j) % 3 {
					case 0: // left out
					case 1:
						l.fields[name] = nil
					case 2:
						l.fields[name] = ""
					}
					continue
				}
				l.fields[name] = v
			}
			l.events = events[l.id]
			leads = append(leads, l)
		}
		checkEntryPoints(t, bundle, leadsCSV, eventsCSV, asOf, leads, true)
	})
}

// checkEntryPoints scores leads through every entry point and asserts the
// outcomes are identical, lead by lead.
func checkEntryPoints(t *testing.T, bundle, leadsFile, eventsFile string, asOf time.Time, leads []entryLead, wantRefused bool) {
	t.Helper()
	// The command line on the file.
	scores := filepath.Join(t.TempDir(), "scores.csv")
	args := []string{"score", "--model", bundle, "--in", leadsFile, "--out", scores, "--all-models", "-q"}
	if eventsFile != "" {
		args = append(args, "--events", eventsFile)
	}
	if !asOf.IsZero() {
		args = append(args, "--as-of", asOf.Format(time.RFC3339))
	}
	code, _, stderr := runCLI(t, args...)
	require.Equal(t, 0, code, "score: %s", stderr)
	cli := scoreFileOutcomes(t, scores)

	// The API, one lead at a time and in batches, over a real HTTP server.
	models := filepath.Dir(bundle)
	s, err := serve.New(serve.Config{ModelsDir: models, Addr: "127.0.0.1:0", PollInterval: -1,
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	require.NoError(t, err)
	require.NoError(t, dashboard.Mount(s, dashboard.Options{TempDir: t.TempDir()}))
	srv := httptest.NewServer(s.Handler())
	defer srv.Close()
	bodies := make([][]byte, len(leads))
	for i, l := range leads {
		req := map[string]any{"lead_id": l.id, "fields": l.fields}
		if len(l.events) > 0 {
			req["events"] = l.events
		}
		if !asOf.IsZero() {
			req["as_of"] = asOf.Format(time.RFC3339)
		}
		bodies[i], err = json.Marshal(req)
		require.NoError(t, err)
	}
	single := map[string]outcome{}
	for i, body := range bodies {
		resp, err := http.Post(srv.URL+"/v1/score?all_models=1&explain=0", "application/json", bytes.NewReader(body))
		require.NoError(t, err)
		raw, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		require.NoError(t, err)
		single[leads[i].id] = apiOutcome(t, resp.StatusCode, raw)
	}
	batch := map[string]outcome{}
	for lo := 0; lo < len(bodies); lo += 500 {
		hi := min(lo+500, len(bodies))
		body := append([]byte{'['}, bytes.Join(bodies[lo:hi], []byte{','})...)
		body = append(body, ']')
		resp, err := http.Post(srv.URL+"/v1/score/batch?all_models=1&explain=0", "application/json", bytes.NewReader(body))
		require.NoError(t, err)
		var items []json.RawMessage
		require.Equal(t, http.StatusOK, resp.StatusCode)
		require.NoError(t, json.NewDecoder(resp.Body).Decode(&items))
		resp.Body.Close()
		require.Len(t, items, hi-lo)
		for k, it := range items {
			var e struct {
				Error *json.RawMessage `json:"error"`
			}
			require.NoError(t, json.Unmarshal(it, &e))
			status := http.StatusOK
			if e.Error != nil {
				status = http.StatusBadRequest
				it = []byte(`{"error":` + string(*e.Error) + `}`)
			}
			batch[leads[lo+k].id] = apiOutcome(t, status, it)
		}
	}

	// The dashboard's upload, read back as its CSV download.
	upload := dashboardUpload(t, srv.URL, leadsFile, eventsFile, asOf)

	require.Len(t, cli, len(leads))
	require.Len(t, upload, len(leads))
	scored, refused := 0, 0
	for _, l := range leads {
		want, ok := cli[l.id]
		require.True(t, ok, "lead %s is in the score file", l.id)
		for name, got := range map[string]outcome{"POST /v1/score": single[l.id], "POST /v1/score/batch": batch[l.id], "dashboard upload": upload[l.id]} {
			if want.refused != "" {
				assert.NotEmpty(t, got.refused, "%s: lead %s scored, but the CLI refused it: %s", name, l.id, want.refused)
				continue
			}
			require.Empty(t, got.refused, "%s: lead %s refused, but the CLI scored it", name, l.id)
			require.Equal(t, math.Float64bits(want.prob), math.Float64bits(got.prob), "%s: lead %s probability %v, CLI %v", name, l.id, got.prob, want.prob)
			require.Equal(t, want.probs, got.probs, "%s: lead %s, every model's probability", name, l.id)
			require.Equal(t, []any{want.score, want.tier, want.grade, want.hasRule, want.rules}, []any{got.score, got.tier, got.grade, got.hasRule, got.rules}, "%s: lead %s", name, l.id)
			require.Equal(t, want.warn, got.warn, "%s: lead %s warnings", name, l.id)
		}
		if want.refused != "" {
			refused++
		} else {
			scored++
		}
	}
	assert.Greater(t, scored, len(leads)/2, "most leads are scored")
	if wantRefused {
		assert.Greater(t, refused, 0, "the leads without a required field are refused")
	}
	t.Logf("%d leads: %d scored identically through every entry point, %d refused by all", len(leads), scored, refused)
}

var csrfField = regexp.MustCompile(`name="csrf" value="([0-9a-f]{64})"`)

// dashboardUpload uploads the leads (and events) file on the dashboard as
// a marketer would, with as_of when set, and reads the scored batch back
// from its CSV download.
func dashboardUpload(t *testing.T, base, leadsFile, eventsFile string, asOf time.Time) map[string]outcome {
	t.Helper()
	jar, err := cookiejar.New(nil)
	require.NoError(t, err)
	c := &http.Client{Jar: jar}
	resp, err := c.Get(base + "/ui/score")
	require.NoError(t, err)
	page, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	require.NoError(t, err)
	m := csrfField.FindSubmatch(page)
	require.NotNil(t, m, "the score page has a CSRF token")
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	require.NoError(t, mw.WriteField("csrf", string(m[1])))
	if !asOf.IsZero() {
		require.NoError(t, mw.WriteField("as_of", asOf.Format(time.RFC3339)))
	}
	for field, path := range map[string]string{"file": leadsFile, "events": eventsFile} {
		if path == "" {
			continue
		}
		fw, err := mw.CreateFormFile(field, filepath.Base(path))
		require.NoError(t, err)
		data, err := os.ReadFile(path)
		require.NoError(t, err)
		_, err = fw.Write(data)
		require.NoError(t, err)
	}
	require.NoError(t, mw.Close())
	req, err := http.NewRequest(http.MethodPost, base+"/ui/upload", &body)
	require.NoError(t, err)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	resp, err = c.Do(req)
	require.NoError(t, err)
	msg, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	require.Equal(t, http.StatusOK, resp.StatusCode, "upload (after its redirect): %s", msg)
	resp, err = c.Get(base + "/ui/batch.csv")
	require.NoError(t, err)
	defer resp.Body.Close()
	require.Equal(t, http.StatusOK, resp.StatusCode)
	path := filepath.Join(t.TempDir(), "batch.csv")
	f, err := os.Create(path)
	require.NoError(t, err)
	_, err = io.Copy(f, resp.Body)
	require.NoError(t, err)
	require.NoError(t, f.Close())
	return scoreFileOutcomes(t, path)
}

// readRawCSV reads a CSV file's header and rows as text, markers and all.
func readRawCSV(t *testing.T, path string) ([]string, [][]string) {
	t.Helper()
	rows := readCSV(t, path)
	return rows[0], rows[1:]
}

// writeRawCSV writes a CSV file.
func writeRawCSV(t *testing.T, path string, header []string, rows [][]string) {
	t.Helper()
	f, err := os.Create(path)
	require.NoError(t, err)
	w := csv.NewWriter(f)
	require.NoError(t, w.Write(header))
	require.NoError(t, w.WriteAll(rows))
	require.NoError(t, f.Close())
}

// scoreFileOutcomes reads a score file written by `leadscore score`.
func scoreFileOutcomes(t *testing.T, path string) map[string]outcome {
	t.Helper()
	f, err := os.Open(path)
	require.NoError(t, err)
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	require.NoError(t, err)
	col := map[string]int{}
	for j, h := range rows[0] {
		col[h] = j
	}
	num := func(s string) float64 {
		x, err := strconv.ParseFloat(s, 64)
		require.NoError(t, err, "number %q", s)
		return x
	}
	out := map[string]outcome{}
	for _, r := range rows[1:] {
		o := outcome{}
		if e := r[col["error"]]; e != "" {
			o.refused = e
			out[r[col["lead_id"]]] = o
			continue
		}
		o.prob = num(r[col["probability"]])
		o.score = int(num(r[col["score"]]))
		o.tier, o.grade = r[col["tier"]], r[col["grade"]]
		if j, ok := col["rules_points"]; ok {
			o.hasRule, o.rules = true, num(r[j])
		}
		o.probs = map[string]float64{}
		for h, j := range col {
			if m, ok := strings.CutPrefix(h, "probability_"); ok {
				o.probs[m] = num(r[j])
			}
		}
		if w := r[col["warnings"]]; w != "" {
			var ws []models.Warning
			require.NoError(t, json.Unmarshal([]byte(w), &ws))
			o.warn = warnKeys(ws)
		}
		out[r[col["lead_id"]]] = o
	}
	return out
}

// apiOutcome reads one answer of the scoring API.
func apiOutcome(t *testing.T, status int, body []byte) outcome {
	t.Helper()
	if status != http.StatusOK {
		var e struct {
			Error struct {
				Code    string `json:"code"`
				Message string `json:"message"`
			} `json:"error"`
		}
		require.NoError(t, json.Unmarshal(body, &e), "%s", body)
		require.Equal(t, http.StatusBadRequest, status, "%s", body)
		// A lead without a field the model requires, or created after
		// as_of (far after: its timestamps are refused first).
		require.Contains(t, []string{"missing_field", "invalid_field", "future_timestamp"}, e.Error.Code, "the refusals expected here: %s", body)
		return outcome{refused: e.Error.Message}
	}
	var r models.Result
	require.NoError(t, json.Unmarshal(body, &r), "%s", body)
	o := outcome{prob: r.Probability, probs: r.Probabilities, score: r.Score, tier: r.Tier, grade: r.Grade, warn: warnKeys(r.Warnings)}
	if r.Rules != nil {
		o.hasRule, o.rules = true, r.Rules.Points
	}
	return o
}

// warnKeys lists the warnings about the lead's own fields as code:field,
// sorted (unknown_field is the API's alone: a file has no such thing).
func warnKeys(ws []models.Warning) []string {
	var out []string
	for _, w := range ws {
		if w.Code == models.WarnUnknownField {
			continue
		}
		out = append(out, fmt.Sprintf("%s:%s", w.Code, w.Field))
	}
	slices.Sort(out)
	return out
}
