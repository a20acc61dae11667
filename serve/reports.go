package serve

import (
	"errors"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"time"

	"github.com/gin-gonic/gin"
)

// ReportEntry is one report directory that GET /reports lists. Dir holds its
// report.html; it is never shown to clients.
type ReportEntry struct {
	ID        string    `json:"id"`
	Kind      string    `json:"kind"`
	CreatedAt time.Time `json:"created_at"`
	Summary   []string  `json:"summary,omitempty"`
	Dir       string    `json:"-"`
}

// RunStatus describes the latest scheduled report run.
type RunStatus struct {
	Started  time.Time `json:"started"`
	Finished time.Time `json:"finished,omitempty"`
	Running  bool      `json:"running"`
	Report   string    `json:"report,omitempty"`
	Error    string    `json:"error,omitempty"`
}

// ReportSource lists the reports the server shows. The serve package only
// reads report directories; whoever writes them (the leadscore command's
// --backtest-every schedule) implements it, so serve never imports the
// trainer.
type ReportSource interface {
	// Reports lists the reports, newest first.
	Reports() ([]ReportEntry, error)
	// LastRun is the latest scheduled run, nil when none has started.
	LastRun() *RunStatus
}

// reportsResponse is the body of GET /reports.
type reportsResponse struct {
	Reports []reportLink `json:"reports"`
	LastRun *RunStatus   `json:"last_run,omitempty"`
}

type reportLink struct {
	ReportEntry
	URL string `json:"url"`
}

// handleReports answers GET /reports: the report directories, newest first,
// each with the URL of its HTML.
func (s *Server) handleReports(c *gin.Context) {
	resp := reportsResponse{Reports: []reportLink{}}
	if src := s.cfg.Reports; src != nil {
		list, err := src.Reports()
		if err != nil {
			s.log.Error("list reports", "err", err)
			s.writeError(c, &APIError{Status: http.StatusInternalServerError, Code: CodeInternal, Message: "reports cannot be listed; see the server log"})
			return
		}
		for _, r := range list {
			resp.Reports = append(resp.Reports, reportLink{ReportEntry: r, URL: "/reports/" + r.ID})
		}
		resp.LastRun = src.LastRun()
	}
	c.JSON(http.StatusOK, resp)
}

// ErrNoReport is the error of ReportHTML for an id the source does not
// list or whose HTML is gone.
var ErrNoReport = errors.New("no such report")

// ReportHTML returns the self-contained HTML of the report id of src. Only
// ids src lists are read, so no id reaches outside the report
// directories. An unknown id, or one whose report.html is gone, is
// ErrNoReport.
func ReportHTML(src ReportSource, id string) ([]byte, error) {
	if src == nil {
		return nil, ErrNoReport
	}
	list, err := src.Reports()
	if err != nil {
		return nil, fmt.Errorf("list reports: %w", err)
	}
	for _, r := range list {
		if r.ID != id {
			continue
		}
		html, err := os.ReadFile(filepath.Join(r.Dir, "report.html"))
		if err != nil {
			return nil, ErrNoReport
		}
		return html, nil
	}
	return nil, ErrNoReport
}

// ReportCSP is the Content-Security-Policy of a report's HTML: its inline
// styles and data: images, nothing else.
const ReportCSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"

// handleReport answers GET /reports/{id} with that report's self-contained
// HTML (ReportHTML).
func (s *Server) handleReport(c *gin.Context) {
	id := c.Param("id")
	html, err := ReportHTML(s.cfg.Reports, id)
	if errors.Is(err, ErrNoReport) {
		s.writeError(c, &APIError{Status: http.StatusNotFound, Code: CodeNotFound, Message: "no report " + id + "; GET /reports lists them"})
		return
	}
	if err != nil {
		s.log.Error("list reports", "err", err)
		s.writeError(c, &APIError{Status: http.StatusInternalServerError, Code: CodeInternal, Message: "reports cannot be listed; see the server log"})
		return
	}
	c.Header("Content-Security-Policy", ReportCSP)
	c.Data(http.StatusOK, "text/html; charset=utf-8", html)
}
