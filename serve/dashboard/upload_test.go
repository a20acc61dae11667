package dashboard

import (
	"bytes"
	"encoding/csv"
	"html/template"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/leadscore/leadscore/datasets"
	"github.com/leadscore/leadscore/models"
)

// upload posts files (form field -> path) and as_of to /ui/upload and
// returns the status, the Location and the body.
func upload(t testing.TB, c *http.Client, e *env, csrf string, files map[string]string, asOf string) (int, string, string) {
	t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	require.NoError(t, mw.WriteField("csrf", csrf))
	if asOf != "" {
		require.NoError(t, mw.WriteField("as_of", asOf))
	}
	for _, field := range []string{"file", "events"} {
		path, ok := files[field]
		if !ok {
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
	req, err := http.NewRequest(http.MethodPost, e.srv.URL+"/ui/upload", &buf)
	require.NoError(t, err)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	resp, err := c.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return resp.StatusCode, resp.Header.Get("Location"), string(body)
}

// download returns the last batch as CSV.
func download(t testing.TB, c *http.Client, e *env) []byte {
	t.Helper()
	resp, err := c.Get(e.srv.URL + "/ui/batch.csv")
	require.NoError(t, err)
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, resp.StatusCode, string(body))
	assert.Equal(t, "text/csv; charset=utf-8", resp.Header.Get("Content-Type"))
	assert.Contains(t, resp.Header.Get("Content-Disposition"), `attachment; filename="leadscore-real-v1-`)
	return body
}

// scoreFile is the score file `leadscore score --explain all --all-models
// --out x.csv` writes for scored.
func scoreFile(t testing.TB, b *models.Bundle, scored []models.Scored) []byte {
	t.Helper()
	path := filepath.Join(t.TempDir(), "scores.csv")
	_, _, err := b.NewScoreFile(scoreOptions).Write(path, scored)
	require.NoError(t, err)
	data, err := os.ReadFile(path)
	require.NoError(t, err)
	return data
}

// convert writes the table of a CSV file in another format, read with the
// bundle's missing-value markers.
func convert(t testing.TB, b *models.Bundle, src, dst string) {
	t.Helper()
	tab, _, err := datasets.ReadFile(src, datasets.ReadOptions{MissingValues: b.Spec.Config.MissingValues})
	require.NoError(t, err)
	w, err := datasets.CreateWriter(dst, "", tab.Schema())
	require.NoError(t, err)
	require.NoError(t, w.Write(tab))
	require.NoError(t, w.Close())
}

// assertNoFilesLeft checks that uploads and downloads leave no file in the
// dashboard's temporary directory (a download's is removed once the
// handler returns, which may be just after the client has read it all).
func assertNoFilesLeft(t testing.TB, e *env) {
	t.Helper()
	assert.Eventually(t, func() bool {
		tmp, err := os.ReadDir(e.tmp)
		return err == nil && len(tmp) == 0
	}, 5*time.Second, 10*time.Millisecond, "uploads and downloads leave no files behind")
}

// TestUpload: files of every format datasets reads are read with the
// bundle's missing-value markers and scored by ScoreInputs: the download is
// the score file of the same rows, byte for byte, every input row in
// order, the unscored ones with their reason.
func TestUpload(t *testing.T) {
	f := realFixture(t)
	e := newEnv(t, f, envOptions{markers: []string{"Select"}})
	c := client(t)
	csrf := session(t, c, e)
	dir := t.TempDir()
	header, rows := leadRows(t, f, 30)
	rows[3][col(t, header, "job_title")] = "Select"      // the bundle's marker in a required field
	rows[5][col(t, header, "industry")] = ""             // blank
	rows[5][col(t, header, "seniority")] = "N/A"         // a default marker
	rows[7][col(t, header, "annual_revenue")] = "Select" // the marker in an optional number
	leads := filepath.Join(dir, "leads.csv")
	writeCSV(t, leads, ',', header, rows)
	semicolons := filepath.Join(dir, "leads-semicolons.csv")
	writeCSV(t, semicolons, ';', header, rows)
	parquet, jsonl := filepath.Join(dir, "leads.parquet"), filepath.Join(dir, "leads.jsonl")
	convert(t, e.b, leads, parquet)
	convert(t, e.b, leads, jsonl)
	events := filepath.Join(f.data, "events.csv")
	asOf := realAsOf.Add(-24 * time.Hour)

	withoutEvents := wantScored(t, e.b, leads, "", realAsOf)
	withEvents := wantScored(t, e.b, leads, events, asOf)
	require.Len(t, withoutEvents, len(rows))
	assert.ErrorContains(t, withoutEvents[3].Err, `missing required fields "job_title"`)
	assert.ErrorContains(t, withoutEvents[5].Err, `missing required fields "industry", "seniority"`)
	require.NotNil(t, withoutEvents[7].Result)
	assert.Contains(t, withoutEvents[7].Result.Warnings, models.Warning{Code: models.WarnMissingImputed, Field: "annual_revenue", Message: `field "annual_revenue": missing, imputed as in training`})
	assert.NotEqual(t, withoutEvents[0].Result.Probability, withEvents[0].Result.Probability, "events and as of change the scores")

	tests := []struct {
		name  string
		files map[string]string
		asOf  string
		want  []models.Scored
		shown string
	}{
		{"csv", map[string]string{"file": leads}, "", withoutEvents, "30 rows of leads.csv, scored as of 2025-06-01 00:00 UTC"},
		{"csv with another delimiter", map[string]string{"file": semicolons}, "", withoutEvents, "30 rows of leads-semicolons.csv"},
		{"parquet", map[string]string{"file": parquet}, "", withoutEvents, "30 rows of leads.parquet"},
		{"json lines", map[string]string{"file": jsonl}, "", withoutEvents, "30 rows of leads.jsonl"},
		{"with events, as of", map[string]string{"file": leads, "events": events}, "2025-05-31T00:00", withEvents, "30 rows of leads.csv with the events of events.csv, scored as of 2025-05-31 00:00 UTC"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, loc, body := upload(t, c, e, csrf, tt.files, tt.asOf)
			require.Equal(t, http.StatusSeeOther, code, body)
			assert.Equal(t, "/ui/batch", loc)
			code, page := get(t, c, e.srv.URL+"/ui/batch")
			require.Equal(t, http.StatusOK, code)
			assert.Contains(t, textOf(t, page, "batch-summary"), tt.shown)
			assert.Contains(t, textOf(t, page, "batch-summary"), "28 scored, 2 not")
			assert.Contains(t, page, template.HTMLEscapeString(tt.want[3].Err.Error()), "the row's error lists the fields")
			assert.Contains(t, page, template.HTMLEscapeString(tt.want[5].Err.Error()))
			assert.Equal(t, string(scoreFile(t, e.b, tt.want)), string(download(t, c, e)), "the download is the score file of the same rows")
			assertNoFilesLeft(t, e)
		})
	}

	// The probability column of the download, bit for bit.
	records, err := csv.NewReader(bytes.NewReader(download(t, c, e))).ReadAll()
	require.NoError(t, err)
	require.Len(t, records, len(withEvents)+1)
	prob := col(t, records[0], "probability")
	for i, s := range withEvents {
		assert.Equal(t, s.LeadID, records[i+1][0], "row %d in input order", i)
		if s.Result == nil {
			assert.Empty(t, records[i+1][prob])
			assert.Equal(t, s.Err.Error(), records[i+1][len(records[0])-1], "row %d keeps its error", i)
			continue
		}
		p, err := strconv.ParseFloat(records[i+1][prob], 64)
		require.NoError(t, err)
		assert.Equal(t, s.Result.Probability, p, "lead %s", s.LeadID)
	}

	// The compare page counts the batch's leads.
	code, page := get(t, c, e.srv.URL+"/ui/compare")
	require.Equal(t, http.StatusOK, code)
	cells := map[string]int{}
	for _, s := range withEvents {
		if s.Result != nil {
			cells[s.Result.Rules.Tier+"-"+s.Result.Tier]++
		}
	}
	assert.Equal(t, "28", textOf(t, page, "cell-total"))
	for _, rt := range ruleTiers {
		for _, mt := range modelTiers {
			assert.Equal(t, strconv.Itoa(cells[rt+"-"+mt]), textOf(t, page, "cell-"+rt+"-"+mt), "rules %s, model %s", rt, mt)
		}
	}
	code, page = get(t, c, e.srv.URL+"/")
	require.Equal(t, http.StatusOK, code)
	assert.Contains(t, page, "28 leads scored with version real-v1")
	assert.Contains(t, page, "2 rows could not be scored")

	// No lead value reaches the logs.
	logs := e.logs.String()
	assert.Contains(t, logs, `"msg":"dashboard batch scored"`)
	for _, v := range rows[0][2:] {
		if len(v) > 3 {
			assert.NotContains(t, logs, v)
		}
	}
}

// TestUploadRefused: a file the reader or the model refuses is refused
// whole with the reader's error naming the file, line and column (never a
// server path), and the last batch stays as it was.
func TestUploadRefused(t *testing.T) {
	f := realFixture(t)
	e := newEnv(t, f, envOptions{maxLeads: 20})
	c := client(t)
	csrf := session(t, c, e)
	dir := t.TempDir()
	header, rows := leadRows(t, f, 10)
	path := func(name string) string { return filepath.Join(dir, name) }
	good := path("good.csv")
	writeCSV(t, good, ',', header, rows)
	var quoted bytes.Buffer
	quoted.WriteString(strings.Join(header, ",") + "\n")
	for i, r := range rows {
		if i == 2 {
			r = slices.Clone(r)
			r[2] = `retail "and more"`
		}
		quoted.WriteString(strings.Join(r, ",") + "\n")
	}
	require.NoError(t, os.WriteFile(path("quote.csv"), quoted.Bytes(), 0o644))
	require.NoError(t, os.WriteFile(path("broken.jsonl"), []byte(`{"lead_id": "L1", "industry": "retail"}`+"\n"+`{"lead_id": "L2", "industry": }`+"\n"), 0o644))
	require.NoError(t, os.WriteFile(path("ragged.csv"), []byte(strings.Join(header, ",")+"\nL1,2025-01-01T00:00:00Z,retail\n"), 0o644))
	var noIndustry [][]string
	h := slices.Delete(slices.Clone(header), 2, 3)
	for _, r := range rows {
		noIndustry = append(noIndustry, slices.Delete(slices.Clone(r), 2, 3))
	}
	writeCSV(t, path("no-industry.csv"), ',', h, noIndustry)
	_, many := leadRows(t, f, 21)
	writeCSV(t, path("many.csv"), ',', header, many)
	require.NoError(t, os.WriteFile(path("leads.xlsx"), []byte("PK"), 0o644))

	tests := []struct {
		name  string
		files map[string]string
		asOf  string
		code  int
		want  string
	}{
		{"a stray quote", map[string]string{"file": path("quote.csv")}, "", http.StatusUnprocessableEntity, "read quote.csv line 4: bare"},
		{"a line that is not JSON", map[string]string{"file": path("broken.jsonl")}, "", http.StatusUnprocessableEntity, "broken.jsonl line 2"},
		{"a ragged row", map[string]string{"file": path("ragged.csv")}, "", http.StatusUnprocessableEntity, "ragged.csv line 2"},
		{"a required column missing", map[string]string{"file": path("no-industry.csv")}, "", http.StatusUnprocessableEntity,
			`no-industry.csv: missing required columns ["industry"]`},
		{"too many rows", map[string]string{"file": path("many.csv")}, "", http.StatusRequestEntityTooLarge, "many.csv has 21 rows; the dashboard scores at most 20"},
		{"an unknown format", map[string]string{"file": path("leads.xlsx")}, "", http.StatusUnprocessableEntity, "read leads.xlsx: cannot tell the format"},
		{"bad events", map[string]string{"file": good, "events": path("ragged.csv")}, "", http.StatusUnprocessableEntity, "ragged.csv line 2"},
		{"no file", map[string]string{}, "", http.StatusBadRequest, "Choose a file of leads"},
		{"a bad as of", map[string]string{"file": good}, "soon", http.StatusBadRequest, `as of: "soon" is not a time`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, _, body := upload(t, c, e, csrf, tt.files, tt.asOf)
			assert.Equal(t, tt.code, code, body)
			assert.Contains(t, body, template.HTMLEscapeString(tt.want))
			assert.NotContains(t, body, e.tmp, "no server path is shown")
			assert.NotContains(t, body, dir)
			assertNoFilesLeft(t, e)
		})
	}
	code, page := get(t, c, e.srv.URL+"/ui/batch")
	require.Equal(t, http.StatusOK, code)
	assert.Contains(t, page, "No batch scored yet")
	resp, err := c.Get(e.srv.URL + "/ui/batch.csv")
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusNotFound, resp.StatusCode)
	assert.NotContains(t, e.logs.String(), "and more", "refused values are not logged")

	code, _, body := upload(t, c, e, "", map[string]string{"file": good}, "")
	assert.Equal(t, http.StatusForbidden, code, body)
}

// TestBatchPages: the batch lists its rows by lead id, a page at a time, in
// input order, and links each scored lead to its page.
func TestBatchPages(t *testing.T) {
	f := realFixture(t)
	e := newEnv(t, f, envOptions{pageSize: 10})
	c := client(t)
	csrf := session(t, c, e)
	header, rows := leadRows(t, f, 25)
	rows[14] = slices.Clone(rows[3]) // a duplicate id: only its first row is scored
	rows[15][0] = "acme/L 16"        // an id that cannot be a path segment
	path := filepath.Join(t.TempDir(), "leads.csv")
	writeCSV(t, path, ',', header, rows)
	want := wantScored(t, e.b, path, "", realAsOf)
	code, _, body := upload(t, c, e, csrf, map[string]string{"file": path}, "")
	require.Equal(t, http.StatusSeeOther, code, body)

	rowRe := regexp.MustCompile(`<tr><td class="num muted">\d+</td><td>(?:<a href="[^"]*">)?([^<]*)`)
	idsOn := func(page string) []string {
		var ids []string
		for _, m := range rowRe.FindAllStringSubmatch(page, -1) {
			ids = append(ids, m[1])
		}
		return ids
	}
	tests := []struct {
		query      string
		code       int
		from, to   int
		prev, next bool
	}{
		{"", http.StatusOK, 0, 10, false, true},
		{"?page=1", http.StatusOK, 0, 10, false, true},
		{"?page=2", http.StatusOK, 10, 20, true, true},
		{"?page=3", http.StatusOK, 20, 25, true, false},
		{"?page=4", http.StatusNotFound, 0, 0, false, false},
		{"?page=0", http.StatusNotFound, 0, 0, false, false},
		{"?page=two", http.StatusNotFound, 0, 0, false, false},
	}
	for _, tt := range tests {
		code, page := get(t, c, e.srv.URL+"/ui/batch"+tt.query)
		require.Equal(t, tt.code, code, tt.query)
		if tt.code != http.StatusOK {
			assert.Contains(t, page, "The last batch has pages 1 to 3.")
			continue
		}
		var ids []string
		for _, s := range want[tt.from:tt.to] {
			ids = append(ids, s.LeadID)
		}
		assert.Equal(t, ids, idsOn(page), tt.query)
		assert.Equal(t, tt.prev, strings.Contains(page, `id="prev"`), tt.query)
		assert.Equal(t, tt.next, strings.Contains(page, `id="next"`), tt.query)
		assert.Contains(t, page, "Download all 25 rows as CSV")
	}
	_, page := get(t, c, e.srv.URL+"/ui/batch?page=2")
	assert.Contains(t, page, `<a href="/ui/leads/`+rows[10][0]+`">`+rows[10][0]+`</a>`, "scored leads link to their page")
	assert.Contains(t, page, "<td>"+rows[14][0]+"</td>", "the duplicate row has no link of its own")
	assert.Contains(t, page, "duplicate lead id "+rows[3][0]+": only its first row is scored")
	assert.Contains(t, page, "<td>acme/L 16</td>", "listed without a link")
	assert.Contains(t, page, `<ul class="errors" id="batch-errors"><li>line 16 (`+rows[3][0]+"): duplicate lead id", "unscored rows are listed with their line")

	// A lead's page, by lead id.
	code, page = get(t, c, e.srv.URL+"/ui/leads/"+url.PathEscape(rows[12][0]))
	require.Equal(t, http.StatusOK, code)
	assert.Equal(t, rows[12][0], textOf(t, page, "lead-id"))
	assert.Contains(t, page, `href="/ui/batch?page=2" id="back"`)
	assert.Contains(t, page, `id="waterfall"`)
	assert.Equal(t, strconv.FormatFloat(want[12].Result.Probability, 'g', -1, 64), valueOf(t, page, "probability"))
	code, page = get(t, c, e.srv.URL+"/ui/leads/"+url.PathEscape(rows[3][0]))
	require.Equal(t, http.StatusOK, code)
	assert.Contains(t, page, `href="/ui/batch?page=1" id="back"`, "a duplicate id is its first, scored row")
	code, _ = get(t, c, e.srv.URL+"/ui/leads/nope")
	assert.Equal(t, http.StatusNotFound, code)
	code, page = get(t, c, e.srv.URL+"/ui/leads/"+url.PathEscape(rows[11][0]+" x"))
	assert.Equal(t, http.StatusNotFound, code)
	assert.Contains(t, page, "The last batch has no scored lead "+rows[11][0]+" x", "an escaped id is read decoded")
}
