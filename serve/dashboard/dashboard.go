package dashboard

import (
	"bytes"
	"crypto/rand"
	"crypto/subtle"
	"embed"
	"encoding/hex"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"log/slog"
	"mime"
	"net/http"
	"strconv"
	"strings"
	"sync"

	"github.com/gin-gonic/gin"

	"github.com/leadscore/leadscore/models"
	"github.com/leadscore/leadscore/serve"
	"github.com/leadscore/leadscore/serve/monitor"
)

// webFS holds the dashboard's templates and stylesheet.
//
//go:embed web
var webFS embed.FS

// Cookies and form fields of a session. Both cookies are HttpOnly and
// SameSite=Strict.
const (
	keyCookie  = "leadscore_key"  // the API key of a logged-in browser
	csrfCookie = "leadscore_csrf" // the session's CSRF token
	csrfField  = "csrf"           // the token in every form
)

// ctxCSRF is the gin context key of the session's CSRF token.
const ctxCSRF = "leadscore.dashboard.csrf"

// DefaultPageSize is how many leads the batch page lists per page.
const DefaultPageSize = 100

// pageCSP is the Content-Security-Policy of every page: its own stylesheet,
// inline SVG charts and the frame of a report, nothing from elsewhere.
const pageCSP = "default-src 'none'; style-src 'self'; img-src 'self' data:; frame-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"

// Options configures the dashboard.
type Options struct {
	// PageSize is how many leads the batch page lists per page (0:
	// DefaultPageSize).
	PageSize int
	// TempDir is where uploaded files are kept while they are read (""
	// the system's temporary directory).
	TempDir string
}

// dashboard serves the pages of one Server.
type dashboard struct {
	s     *serve.Server
	cfg   serve.Config
	log   *slog.Logger
	opt   Options
	pages map[string]*template.Template
	css   []byte

	mu    sync.Mutex
	batch *batch // the last upload scored, nil before the first
}

// page is what every page template receives.
type page struct {
	Title string
	Nav   string
	CSRF  string
	Auth  bool
	Data  any
	// Fallback is set while the champion file's bundle fails its checks
	// and another serves: every page shows a banner.
	Fallback *serve.Fallback
	// Alerts are the monitoring alerts raised: every page shows a banner.
	Alerts []monitor.Alert
}

var pageNames = []string{"overview", "score", "batch", "lead", "reports", "report", "compare", "login", "message", "monitoring", "webhooks", "history", "stored", "stored-lead"}

// Mount adds the dashboard's pages to s: / and the /ui group on s's
// router, and the HTML 404 of unknown /ui pages. Call it once, before s
// serves.
func Mount(s *serve.Server, opt Options) error {
	d, err := newDashboard(s, opt)
	if err != nil {
		return err
	}
	d.routes(s.Router())
	s.HandleUnmatched("/ui", d.unmatched)
	return nil
}

func newDashboard(s *serve.Server, opt Options) (*dashboard, error) {
	if opt.PageSize <= 0 {
		opt.PageSize = DefaultPageSize
	}
	cfg := s.Config()
	d := &dashboard{s: s, cfg: cfg, log: cfg.Logger, opt: opt, pages: map[string]*template.Template{}}
	base, err := template.New("").Funcs(funcs).ParseFS(webFS, "web/layout.html", "web/partials.html")
	if err != nil {
		return nil, fmt.Errorf("dashboard: %w", err)
	}
	for _, name := range pageNames {
		t, err := template.Must(base.Clone()).ParseFS(webFS, "web/"+name+".html")
		if err != nil {
			return nil, fmt.Errorf("dashboard: %w", err)
		}
		d.pages[name] = t
	}
	if d.css, err = fs.ReadFile(webFS, "web/style.css"); err != nil {
		return nil, fmt.Errorf("dashboard: %w", err)
	}
	return d, nil
}

// routes registers every page: / and the /ui group behind the page
// headers and the session, all but the login page behind a valid key, and
// every POST behind the form's size limit and CSRF check.
func (d *dashboard) routes(r *gin.Engine) {
	r.GET("/ui/style.css", d.style)
	pages := r.Group("/", d.headers, d.session)
	pages.GET("/", d.requireKey, d.overview)
	ui := pages.Group("/ui")
	ui.GET("/login", d.loginForm)
	ui.POST("/login", d.form, d.login)
	app := ui.Group("", d.requireKey)
	app.POST("/logout", d.form, d.logout)
	app.GET("/score", d.scoreForm)
	app.POST("/score", d.form, d.score)
	app.POST("/upload", d.form, d.upload)
	app.GET("/batch", d.batchPage)
	app.GET("/batch.csv", d.batchCSV)
	app.GET("/leads/:id", d.leadPage)
	app.GET("/compare", d.comparePage)
	app.GET("/reports", d.reportsPage)
	app.GET("/reports/:id", d.reportPage)
	app.GET("/reports/:id/html", d.reportHTML)
	app.GET("/stored", d.storedPage)
	app.GET("/stored/:id", d.storedLeadPage)
	app.GET("/monitoring", d.monitoringPage)
	app.GET("/webhooks", d.webhooksPage)
	app.POST("/webhooks/:id/replay", d.form, d.replay)
	app.GET("/models", d.historyPage)
}

// style serves the stylesheet.
func (d *dashboard) style(c *gin.Context) {
	c.Header("Cache-Control", "public, max-age=300")
	c.Data(http.StatusOK, "text/css; charset=utf-8", d.css)
}

// headers sets the security headers of every page.
func (d *dashboard) headers(c *gin.Context) {
	h := c.Writer.Header()
	h.Set("Content-Security-Policy", pageCSP)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("Cache-Control", "no-store")
}

// session puts the session's CSRF token in the context, starting a
// session (a new random token in a cookie) when the request carries none.
func (d *dashboard) session(c *gin.Context) {
	if ck, err := c.Request.Cookie(csrfCookie); err == nil && validToken(ck.Value) {
		c.Set(ctxCSRF, ck.Value)
		return
	}
	d.newSession(c)
}

// newSession sets a fresh random CSRF token.
func (d *dashboard) newSession(c *gin.Context) {
	var b [32]byte
	rand.Read(b[:]) // never fails (crypto/rand)
	tok := hex.EncodeToString(b[:])
	http.SetCookie(c.Writer, cookie(c.Request, csrfCookie, tok, 0))
	c.Set(ctxCSRF, tok)
}

// validToken accepts the 64 hex digits newSession makes.
func validToken(s string) bool {
	if len(s) != 64 {
		return false
	}
	_, err := hex.DecodeString(s)
	return err == nil
}

// cookie makes a dashboard cookie: HttpOnly, SameSite=Strict, Secure over
// TLS; maxAge < 0 deletes it.
func cookie(r *http.Request, name, value string, maxAge int) *http.Cookie {
	return &http.Cookie{Name: name, Value: value, Path: "/", MaxAge: maxAge, HttpOnly: true,
		Secure: r.TLS != nil, SameSite: http.SameSiteStrictMode}
}

// requireKey lets a request through when the browser's cookie holds a key
// of scope score or admin (or the server has no keys); else it sends a
// GET to the login page and refuses the rest.
func (d *dashboard) requireKey(c *gin.Context) {
	key := ""
	if ck, err := c.Request.Cookie(keyCookie); err == nil {
		key = ck.Value
	}
	if !d.s.AuthRequired() || key != "" && d.s.Authorized(key) {
		return
	}
	if c.Request.Method == http.MethodGet {
		c.Redirect(http.StatusSeeOther, "/ui/login")
	} else {
		d.message(c, http.StatusUnauthorized, "Log in first", "Your session has no valid API key; log in again.")
	}
	c.Abort()
}

// form reads a POSTed form, refusing bodies above the server's limits
// (the batch body limit for a file upload, the single-lead limit
// otherwise) and forms without the session's CSRF token.
func (d *dashboard) form(c *gin.Context) {
	r := c.Request
	var err error
	if mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); mt == "multipart/form-data" {
		r.Body = http.MaxBytesReader(c.Writer, r.Body, d.cfg.MaxBatchBodyBytes)
		err = r.ParseMultipartForm(8 << 20)
	} else {
		r.Body = http.MaxBytesReader(c.Writer, r.Body, d.cfg.MaxBodyBytes)
		err = r.ParseForm()
	}
	if mbe := (*http.MaxBytesError)(nil); errors.As(err, &mbe) {
		d.message(c, http.StatusRequestEntityTooLarge, "Form too large", "The form is larger than "+strconv.FormatInt(mbe.Limit, 10)+" bytes; split the file.")
		c.Abort()
		return
	}
	// A malformed form carries no CSRF token and is refused here.
	if !d.checkCSRF(c) {
		d.message(c, http.StatusForbidden, "Form expired", "The form's security token did not match this session. Reload the page and submit again.")
		c.Abort()
	}
}

// checkCSRF compares the parsed form's token with the session's in
// constant time. A request that started its session just now has no
// matching form.
func (d *dashboard) checkCSRF(c *gin.Context) bool {
	session := c.GetString(ctxCSRF)
	ck, err := c.Request.Cookie(csrfCookie)
	if err != nil || ck.Value != session {
		return false
	}
	got := c.Request.PostFormValue(csrfField)
	return len(got) == len(session) && subtle.ConstantTimeCompare([]byte(got), []byte(session)) == 1
}

// loginForm shows the key form.
func (d *dashboard) loginForm(c *gin.Context) {
	if !d.s.AuthRequired() {
		c.Redirect(http.StatusSeeOther, "/")
		return
	}
	d.render(c, http.StatusOK, "login", "Log in", "", "")
}

// login stores a valid key in the cookie and starts a new session.
func (d *dashboard) login(c *gin.Context) {
	if !d.s.AuthRequired() {
		c.Redirect(http.StatusSeeOther, "/")
		return
	}
	key := strings.TrimSpace(c.Request.PostFormValue("key"))
	if key == "" || !d.s.Authorized(key) {
		d.render(c, http.StatusUnauthorized, "login", "Log in", "", "That API key is not valid.")
		return
	}
	http.SetCookie(c.Writer, cookie(c.Request, keyCookie, key, 0))
	d.newSession(c) // a logged-in session never keeps its anonymous token
	c.Redirect(http.StatusSeeOther, "/")
}

// logout forgets the key.
func (d *dashboard) logout(c *gin.Context) {
	http.SetCookie(c.Writer, cookie(c.Request, keyCookie, "", -1))
	c.Redirect(http.StatusSeeOther, "/ui/login")
}

// unmatched answers an unknown /ui page (404) or a method a page does not
// take (405, with gin's Allow header) with the dashboard's message page.
func (d *dashboard) unmatched(c *gin.Context) {
	d.headers(c)
	d.session(c)
	if c.Writer.Status() == http.StatusMethodNotAllowed {
		d.message(c, http.StatusMethodNotAllowed, "Method not allowed", c.Request.Method+" is not allowed on "+c.Request.URL.Path+".")
		return
	}
	d.message(c, http.StatusNotFound, "Not found", "There is no dashboard page at "+c.Request.URL.Path+".")
}

// render executes a page template into a buffer and writes it.
func (d *dashboard) render(c *gin.Context, status int, name, title, nav string, data any) {
	var b bytes.Buffer
	p := page{Title: title, Nav: nav, CSRF: c.GetString(ctxCSRF), Auth: d.s.AuthRequired(), Data: data, Fallback: d.s.Fallback(), Alerts: d.s.Monitoring().Alerts}
	if err := d.pages[name].ExecuteTemplate(&b, "layout", p); err != nil {
		d.log.Error("render dashboard page", "request_id", serve.RequestID(c), "page", name, "error", err)
		c.Data(http.StatusInternalServerError, "text/plain; charset=utf-8", []byte("internal error; quote request id "+serve.RequestID(c)+"\n"))
		return
	}
	c.Data(status, "text/html; charset=utf-8", b.Bytes())
}

// messageView is the body of the message page.
type messageView struct {
	Heading string
	Text    string
}

func (d *dashboard) message(c *gin.Context, status int, heading, text string) {
	d.render(c, status, "message", heading, "", messageView{Heading: heading, Text: text})
}

// model returns the served model and its bundle, or answers 503 when
// there is none to score with.
func (d *dashboard) model(c *gin.Context) (serve.Model, *models.Bundle, bool) {
	m := d.s.Current()
	if m == nil {
		d.message(c, http.StatusServiceUnavailable, "No model yet", "No loadable model bundle is in "+d.cfg.ModelsDir+"; see /readyz.")
		return nil, nil, false
	}
	b := m.Bundle()
	if b == nil {
		d.message(c, http.StatusServiceUnavailable, "Cannot score here", "Model version "+m.Version()+" is not a model bundle; the dashboard scores with bundles only.")
		return nil, nil, false
	}
	return m, b, true
}

// lastBatch returns the last scored batch, nil if none.
func (d *dashboard) lastBatch() *batch {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.batch
}

// scoreOptions are the options of every score the dashboard shows: every
// contribution and every model's probability.
var scoreOptions = models.ScoreOptions{Explain: models.ExplainAll, AllModels: true}
