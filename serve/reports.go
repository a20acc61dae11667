package serve

import (
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

// handleReport answers GET /reports/{id} with that report's self-contained
// HTML. Only ids the source lists are served, so no path reaches outside the
// report directories.
func (s *Server) handleReport(c *gin.Context) {
	id := c.Param("id")
	notFound := &APIError{Status: http.StatusNotFound, Code: CodeNotFound, Message: "no report " + id + "; GET /reports lists them"}
	if s.cfg.Reports == nil {
		s.writeError(c, notFound)
		return
	}
	list, err := s.cfg.Reports.Reports()
	if err != nil {
		s.log.Error("list reports", "err", err)
		s.writeError(c, &APIError{Status: http.StatusInternalServerError, Code: CodeInternal, Message: "reports cannot be listed; see the server log"})
		return
	}
	for _, r := range list {
		if r.ID != id {
			continue
		}
		html, err := os.ReadFile(filepath.Join(r.Dir, "report.html"))
		if err != nil {
			s.writeError(c, notFound)
			return
		}
		c.Header("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; img-src data:")
		c.Data(http.StatusOK, "text/html; charset=utf-8", html)
		return
	}
	s.writeError(c, notFound)
}
