package dashboard

import (
	"errors"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/leadscore/leadscore/datasets"
	"github.com/leadscore/leadscore/features"
	"github.com/leadscore/leadscore/models"
	"github.com/leadscore/leadscore/serve"
)

// batch is the last file of leads scored through the dashboard.
type batch struct {
	At      time.Time
	AsOf    time.Time
	Version string
	// File and Events name the uploaded files (Events "" without one).
	File   string
	Events string
	// Rows holds every input row, in input order: scored, or with the
	// reason it was not.
	Rows []models.Scored
	// Lines are the rows' lines in the file (row numbers for Parquet and
	// Arrow), as the reader reports them.
	Lines          []int64
	Scored, Failed int

	bundle *models.Bundle      // the bundle that scored it
	byID   map[string]int      // lead id -> its scored row
	opt    models.ScoreOptions // how it was scored
}

func newBatch(b *models.Bundle, scored []models.Scored, lines []int64) *batch {
	bt := &batch{Version: b.Manifest.Version, Rows: scored, Lines: lines, bundle: b, opt: scoreOptions, byID: make(map[string]int, len(scored))}
	for i, s := range scored {
		if s.Result == nil {
			bt.Failed++
			continue
		}
		bt.Scored++
		if _, dup := bt.byID[s.LeadID]; !dup {
			bt.byID[s.LeadID] = i
		}
	}
	return bt
}

// tiers returns the model and rule-sheet tiers of the scored leads (rules
// empty when the bundle has no rule sheet).
func (b *batch) tiers() (model, rules []string) {
	for _, s := range b.Rows {
		if r := s.Result; r != nil {
			model = append(model, r.Tier)
			if r.Rules != nil {
				rules = append(rules, r.Rules.Tier)
			}
		}
	}
	return model, rules
}

// scores returns the 1-99 scores of the scored leads.
func (b *batch) scores() []int {
	var out []int
	for _, s := range b.Rows {
		if s.Result != nil {
			out = append(out, s.Result.Score)
		}
	}
	return out
}

// upload scores an uploaded file of leads (form fields file, events and
// as_of) with the bundle's ScoreInputs and keeps it as the last batch.
func (d *dashboard) upload(c *gin.Context) {
	_, b, ok := d.model(c)
	if !ok {
		return
	}
	asOf := d.cfg.Now().UTC()
	if s := strings.TrimSpace(c.Request.PostFormValue("as_of")); s != "" {
		t, ok := parseTime(s)
		if !ok {
			d.message(c, http.StatusBadRequest, "The file cannot be scored", fmt.Sprintf("as of: %q is not a time; use 2025-05-01T10:00 (UTC) or 2025-05-01", s))
			return
		}
		asOf = t
	}
	leads := formFile(c.Request, "file")
	if leads == nil {
		d.message(c, http.StatusBadRequest, "No file", "Choose a file of leads to upload (CSV, Parquet, Arrow or JSON Lines).")
		return
	}
	events := formFile(c.Request, "events") // optional
	bt, status, err := d.scoreFiles(b, leads, events, asOf)
	if status >= http.StatusInternalServerError {
		d.log.Error("dashboard upload failed", "request_id", serve.RequestID(c), "err", err) // the server's own files
		d.message(c, status, "The file cannot be scored", "The upload could not be saved; see the server log.")
		return
	}
	if err != nil {
		// The message may quote the file's values: the user sees it, the
		// log does not.
		d.log.Info("dashboard upload refused", "request_id", serve.RequestID(c), "version", b.Manifest.Version, "status", status)
		d.message(c, status, "The file cannot be scored", err.Error())
		return
	}
	bt.At = d.cfg.Now().UTC()
	model, _ := bt.tiers()
	d.s.CountScores(bt.Version, model)
	serve.SetLeadCount(c, len(bt.Rows))
	d.log.Info("dashboard batch scored", "request_id", serve.RequestID(c), "version", bt.Version, "rows", len(bt.Rows), "scored", bt.Scored, "failed", bt.Failed)
	d.mu.Lock()
	d.batch = bt
	d.mu.Unlock()
	c.Redirect(http.StatusSeeOther, "/ui/batch")
}

// formFile returns the uploaded file of a form field, nil when the field
// holds none (a browser sends an optional file input left empty as a
// plain value).
func formFile(r *http.Request, field string) *multipart.FileHeader {
	if r.MultipartForm == nil || len(r.MultipartForm.File[field]) == 0 {
		return nil
	}
	return r.MultipartForm.File[field][0]
}

// scoreFiles saves the uploaded files, reads them with the bundle's
// missing-value markers and scores them as of asOf. Errors name the files
// as uploaded, never the server's paths; the int is the HTTP status of an
// error. events may be nil.
func (d *dashboard) scoreFiles(b *models.Bundle, leads, events *multipart.FileHeader, asOf time.Time) (*batch, int, error) {
	dir, err := os.MkdirTemp(d.opt.TempDir, "leadscore-upload-*")
	if err != nil {
		return nil, http.StatusInternalServerError, fmt.Errorf("save the upload: %w", err)
	}
	defer os.RemoveAll(dir)
	var names []string // saved path, uploaded name
	save := func(fh *multipart.FileHeader, sub string) (string, error) {
		name := uploadName(fh.Filename)
		p := filepath.Join(dir, sub, name)
		names = append(names, p, name)
		return p, saveUpload(fh, p)
	}
	shown := func(err error) error {
		return errors.New(strings.NewReplacer(names...).Replace(err.Error()))
	}
	read := datasets.ReadOptions{MissingValues: b.Spec.Config.MissingValues}
	var in features.Inputs
	p, err := save(leads, "leads")
	if err != nil {
		return nil, http.StatusInternalServerError, shown(err)
	}
	if in.Leads, _, err = datasets.ReadFile(p, read); err != nil {
		return nil, http.StatusUnprocessableEntity, shown(err)
	}
	if n := in.Leads.Rows(); n > d.cfg.MaxBatchLeads {
		return nil, http.StatusRequestEntityTooLarge, fmt.Errorf("%s has %d rows; the dashboard scores at most %d at once (--max-batch-leads): split the file", uploadName(leads.Filename), n, d.cfg.MaxBatchLeads)
	}
	eventsName := ""
	if events != nil {
		eventsName = uploadName(events.Filename)
		if p, err = save(events, "events"); err != nil {
			return nil, http.StatusInternalServerError, shown(err)
		}
		if in.Events, _, err = datasets.ReadFile(p, read); err != nil {
			return nil, http.StatusUnprocessableEntity, shown(err)
		}
	}
	scored, err := b.ScoreInputs(in, asOf, scoreOptions, 0)
	if err != nil {
		return nil, http.StatusUnprocessableEntity, shown(err)
	}
	bt := newBatch(b, scored, in.Leads.Line)
	bt.AsOf, bt.File, bt.Events = asOf, uploadName(leads.Filename), eventsName
	return bt, http.StatusOK, nil
}

// uploadName is the base name of an uploaded file as the browser named it
// ("upload" when it names none), so that the reader picks the format by
// its extension and errors name it.
func uploadName(name string) string {
	name = path.Base(strings.ReplaceAll(name, `\`, "/"))
	if name == "." || name == ".." || name == "/" {
		return "upload"
	}
	return name
}

// saveUpload copies an uploaded file to dst.
func saveUpload(fh *multipart.FileHeader, dst string) error {
	src, err := fh.Open()
	if err != nil {
		return fmt.Errorf("open the upload %s: %w", fh.Filename, err)
	}
	defer src.Close()
	if err := os.MkdirAll(filepath.Dir(dst), 0o700); err != nil {
		return fmt.Errorf("save the upload: %w", err)
	}
	out, err := os.Create(dst)
	if err != nil {
		return fmt.Errorf("save the upload: %w", err)
	}
	if _, err := io.Copy(out, src); err != nil {
		out.Close()
		return fmt.Errorf("save the upload %s: %w", dst, err)
	}
	if err := out.Close(); err != nil {
		return fmt.Errorf("save the upload %s: %w", dst, err)
	}
	return nil
}

// batchRow is one row of the batch page.
type batchRow struct {
	Line   int64
	LeadID string
	R      *models.Result
	Error  string
	Link   string // the lead page, "" for a row without one
}

// batchView is the batch page's data: one page of the last batch's rows.
type batchView struct {
	Batch      *batch
	Rows       []batchRow
	Page       int
	Pages      int
	From, To   int // 1-based positions of the page's rows in the batch
	Prev, Next string
	// Errors are the first rows that were not scored, from the whole batch.
	Errors     []batchRow
	MoreErrors int
}

// maxErrorRows bounds the unscored rows the batch page lists together.
const maxErrorRows = 20

func (b *batch) row(i int) batchRow {
	s := b.Rows[i]
	r := batchRow{LeadID: s.LeadID, R: s.Result}
	if i < len(b.Lines) {
		r.Line = b.Lines[i]
	}
	if s.Err != nil {
		r.Error = s.Err.Error()
	}
	// A lead id with a slash cannot be one path segment of /ui/leads/:id
	// (the router matches the decoded path): such a lead is listed without
	// a page.
	if j, ok := b.byID[s.LeadID]; ok && j == i && !strings.Contains(s.LeadID, "/") {
		r.Link = "/ui/leads/" + url.PathEscape(s.LeadID)
	}
	return r
}

// batchPage lists one page of the last batch (?page=N, from 1).
func (d *dashboard) batchPage(c *gin.Context) {
	v := &batchView{Batch: d.lastBatch(), Page: 1}
	if v.Batch == nil {
		d.render(c, http.StatusOK, "batch", "Last batch", "batch", v)
		return
	}
	n := len(v.Batch.Rows)
	v.Pages = max(1, (n+d.opt.PageSize-1)/d.opt.PageSize)
	if p := c.Query("page"); p != "" {
		page, err := strconv.Atoi(p)
		if err != nil || page < 1 || page > v.Pages {
			d.message(c, http.StatusNotFound, "No such page", fmt.Sprintf("The last batch has pages 1 to %d.", v.Pages))
			return
		}
		v.Page = page
	}
	lo := (v.Page - 1) * d.opt.PageSize
	hi := min(lo+d.opt.PageSize, n)
	v.From, v.To = lo+1, hi
	for i := lo; i < hi; i++ {
		v.Rows = append(v.Rows, v.Batch.row(i))
	}
	if v.Page > 1 {
		v.Prev = "/ui/batch?page=" + strconv.Itoa(v.Page-1)
	}
	if v.Page < v.Pages {
		v.Next = "/ui/batch?page=" + strconv.Itoa(v.Page+1)
	}
	for i, s := range v.Batch.Rows {
		if s.Result != nil {
			continue
		}
		if len(v.Errors) == maxErrorRows {
			v.MoreErrors = v.Batch.Failed - maxErrorRows
			break
		}
		v.Errors = append(v.Errors, v.Batch.row(i))
	}
	d.render(c, http.StatusOK, "batch", "Last batch", "batch", v)
}

// batchCSV sends the whole last batch as a score file: models.ScoreFile's
// rows, written as `leadscore score --out x.csv` writes them.
func (d *dashboard) batchCSV(c *gin.Context) {
	bt := d.lastBatch()
	if bt == nil {
		d.message(c, http.StatusNotFound, "No batch yet", "Upload a file of leads on the score page first.")
		return
	}
	dir, err := os.MkdirTemp(d.opt.TempDir, "leadscore-batch-*")
	if err != nil {
		d.log.Error("write the batch file", "request_id", serve.RequestID(c), "err", err)
		d.message(c, http.StatusInternalServerError, "The file cannot be written", "See the server log.")
		return
	}
	defer os.RemoveAll(dir)
	p := filepath.Join(dir, "scores.csv")
	if _, _, err := bt.bundle.NewScoreFile(bt.opt).Write(p, bt.Rows); err != nil {
		d.log.Error("write the batch file", "request_id", serve.RequestID(c), "err", err)
		d.message(c, http.StatusInternalServerError, "The file cannot be written", "See the server log.")
		return
	}
	serve.SetLeadCount(c, len(bt.Rows))
	c.Header("Content-Type", "text/csv; charset=utf-8")
	c.FileAttachment(p, "leadscore-"+bt.Version+"-"+bt.At.Format("20060102T150405Z")+".csv")
}

// leadPage shows one lead of the last batch by its lead id.
func (d *dashboard) leadPage(c *gin.Context) {
	id := c.Param("id")
	bt := d.lastBatch()
	i, ok := 0, false
	if bt != nil {
		i, ok = bt.byID[id]
	}
	if !ok {
		d.message(c, http.StatusNotFound, "No such lead", "The last batch has no scored lead "+id+"; upload a file of leads on the score page.")
		return
	}
	v := &leadPageView{Lead: newLeadView(bt.Rows[i].Result), Back: "/ui/batch?page=" + strconv.Itoa(i/d.opt.PageSize+1)}
	d.render(c, http.StatusOK, "lead", "Lead "+id, "batch", v)
}

// leadPageView is the lead page's data.
type leadPageView struct {
	Lead *leadView
	Back string // the batch page listing the lead
}
