package serve

import (
	"crypto/rand"
	"crypto/subtle"
	"embed"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/leadscore/leadscore/models"
)

// webFS holds the dashboard's templates and stylesheet.
//
//go:embed web
var webFS embed.FS

// Dashboard cookies: the API key of a logged-in browser and the CSRF token
// of its session. Both are HttpOnly and SameSite=Strict.
const (
	dashKeyCookie  = "leadscore_key"
	dashCSRFCookie = "leadscore_csrf"
	dashCSRFField  = "csrf"
)

// dashboard is the marketer-facing HTML interface at / and /ui/. It is
// served from the gin engine's NoRoute handler, so the API's route list
// (and the OpenAPI document) stays the API's. Every score it shows goes
// through Server.scoreOne, the code path of POST /v1/score.
type dashboard struct {
	s     *Server
	pages map[string]*template.Template
	css   []byte

	mu    sync.Mutex
	batch *dashBatch // the last CSV upload scored, nil before the first
}

// dashBatch is the last batch of leads scored through the dashboard.
type dashBatch struct {
	At      time.Time
	Version string
	Leads   []*models.Result
	Errors  []dashRowError
}

// dashRowError is a CSV row that could not be scored.
type dashRowError struct {
	Row     int
	LeadID  string
	Message string
}

// dashPage is what every page template receives.
type dashPage struct {
	Title string
	Nav   string
	CSRF  string
	Auth  bool
	Data  any
}

var dashPageNames = []string{"overview", "score", "batch", "lead", "reports", "compare", "login", "message"}

func newDashboard(s *Server) *dashboard {
	d := &dashboard{s: s, pages: map[string]*template.Template{}}
	base := template.Must(template.New("").Funcs(dashFuncs).ParseFS(webFS, "web/layout.html", "web/partials.html"))
	for _, name := range dashPageNames {
		d.pages[name] = template.Must(template.Must(base.Clone()).ParseFS(webFS, "web/"+name+".html"))
	}
	css, err := fs.ReadFile(webFS, "web/style.css")
	if err != nil {
		panic("serve: the embedded stylesheet is missing: " + err.Error())
	}
	d.css = css
	return d
}

// owns reports whether path belongs to the dashboard.
func (d *dashboard) owns(path string) bool {
	return path == "/" || strings.HasPrefix(path, "/ui/")
}

// dashboardRoute is the metrics label of a dashboard path: its page, with
// the lead and report ids left out so the label set stays small.
func dashboardRoute(path string) string {
	switch {
	case strings.HasPrefix(path, "/ui/leads/"):
		return "/ui/leads/:id"
	case strings.HasPrefix(path, "/ui/reports/"):
		return "/ui/reports/:id"
	}
	switch path {
	case "/", "/ui/style.css", "/ui/login", "/ui/score", "/ui/upload", "/ui/batch", "/ui/reports", "/ui/compare", "/ui/logout":
		return path
	}
	return "/ui/other"
}

// serve dispatches one dashboard request.
func (d *dashboard) serve(c *gin.Context) {
	w, r := c.Writer, c.Request
	path := r.URL.Path
	c.Set(keyRoute, dashboardRoute(path))
	if path == "/ui/style.css" {
		if d.allow(c, http.MethodGet) {
			w.Header().Set("Cache-Control", "public, max-age=300")
			writeBytes(c, http.StatusOK, "text/css; charset=utf-8", d.css)
		}
		return
	}
	h := w.Header()
	h.Set("Content-Security-Policy", "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("Cache-Control", "no-store")
	csrf := d.csrfToken(c)
	if path == "/ui/login" {
		d.login(c, csrf)
		return
	}
	if !d.authorized(r) {
		if r.Method == http.MethodGet {
			c.Redirect(http.StatusSeeOther, "/ui/login")
			return
		}
		d.message(c, csrf, http.StatusUnauthorized, "Log in first", "Your session has no valid API key; log in again.")
		return
	}
	if r.Method == http.MethodPost {
		if err := d.parseForm(c); err != nil {
			d.message(c, csrf, http.StatusRequestEntityTooLarge, "Form too large", err.Error())
			return
		}
		if !d.checkCSRF(c, csrf) {
			d.message(c, csrf, http.StatusForbidden, "Form expired", "The form's security token did not match this session. Reload the page and submit again.")
			return
		}
	}
	switch {
	case path == "/":
		if d.allow(c, http.MethodGet) {
			d.overview(c, csrf)
		}
	case path == "/ui/score":
		if d.allow(c, http.MethodGet, http.MethodPost) {
			d.scorePage(c, csrf)
		}
	case path == "/ui/upload":
		if d.allow(c, http.MethodPost) {
			d.upload(c, csrf)
		}
	case path == "/ui/batch":
		if d.allow(c, http.MethodGet) {
			d.batchPage(c, csrf)
		}
	case strings.HasPrefix(path, "/ui/leads/"):
		if d.allow(c, http.MethodGet) {
			d.leadPage(c, csrf, strings.TrimPrefix(path, "/ui/leads/"))
		}
	case path == "/ui/reports":
		if d.allow(c, http.MethodGet) {
			d.reportsPage(c, csrf)
		}
	case strings.HasPrefix(path, "/ui/reports/"):
		if d.allow(c, http.MethodGet) {
			// The same handler as GET /reports/{id}, behind the dashboard's
			// cookie instead of a bearer key.
			h.Del("Content-Security-Policy")
			c.Params = append(c.Params, gin.Param{Key: "id", Value: strings.TrimPrefix(path, "/ui/reports/")})
			d.s.handleReport(c)
		}
	case path == "/ui/compare":
		if d.allow(c, http.MethodGet) {
			d.comparePage(c, csrf)
		}
	case path == "/ui/logout":
		if d.allow(c, http.MethodPost) {
			http.SetCookie(w, d.cookie(r, dashKeyCookie, "", -1))
			c.Redirect(http.StatusSeeOther, "/ui/login")
		}
	default:
		d.message(c, csrf, http.StatusNotFound, "Not found", "There is no dashboard page at "+path+".")
	}
}

// allow answers 405 unless the request's method is one of methods.
func (d *dashboard) allow(c *gin.Context, methods ...string) bool {
	for _, m := range methods {
		if c.Request.Method == m {
			return true
		}
	}
	c.Header("Allow", strings.Join(methods, ", "))
	d.message(c, "", http.StatusMethodNotAllowed, "Method not allowed", c.Request.Method+" is not allowed here.")
	return false
}

// cookie makes a dashboard cookie: HttpOnly, SameSite=Strict, Secure over
// TLS; maxAge < 0 deletes it.
func (d *dashboard) cookie(r *http.Request, name, value string, maxAge int) *http.Cookie {
	return &http.Cookie{Name: name, Value: value, Path: "/", MaxAge: maxAge, HttpOnly: true,
		Secure: r.TLS != nil, SameSite: http.SameSiteStrictMode}
}

// csrfToken returns the session's CSRF token, starting a session (a new
// random token in a cookie) when the request carries none.
func (d *dashboard) csrfToken(c *gin.Context) string {
	if ck, err := c.Request.Cookie(dashCSRFCookie); err == nil && validToken(ck.Value) {
		return ck.Value
	}
	return d.newCSRFToken(c)
}

// newCSRFToken starts a new session: a fresh random token in the cookie.
func (d *dashboard) newCSRFToken(c *gin.Context) string {
	var b [32]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic("serve: no randomness for a CSRF token: " + err.Error())
	}
	tok := hex.EncodeToString(b[:])
	http.SetCookie(c.Writer, d.cookie(c.Request, dashCSRFCookie, tok, 0))
	return tok
}

// validToken accepts the 64 hex digits csrfToken makes.
func validToken(s string) bool {
	if len(s) != 64 {
		return false
	}
	_, err := hex.DecodeString(s)
	return err == nil
}

// parseForm reads a POSTed form, refusing bodies above the server's limits:
// the batch body limit for a file upload, the single-lead limit otherwise.
func (d *dashboard) parseForm(c *gin.Context) error {
	r := c.Request
	var err error
	if mediaType(c.ContentType()) == "multipart/form-data" {
		r.Body = http.MaxBytesReader(c.Writer, r.Body, d.s.cfg.MaxBatchBodyBytes)
		err = r.ParseMultipartForm(8 << 20)
	} else {
		r.Body = http.MaxBytesReader(c.Writer, r.Body, d.s.cfg.MaxBodyBytes)
		err = r.ParseForm()
	}
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		return fmt.Errorf("the form is larger than %d bytes; split the file", mbe.Limit)
	}
	return nil // a malformed form carries no CSRF token and is refused next
}

// checkCSRF compares the parsed form's token with the session's in
// constant time. A request that started its session just now has no
// matching form.
func (d *dashboard) checkCSRF(c *gin.Context, session string) bool {
	ck, err := c.Request.Cookie(dashCSRFCookie)
	if err != nil || ck.Value != session {
		return false
	}
	got := c.Request.PostFormValue(dashCSRFField)
	return len(got) == len(session) && subtle.ConstantTimeCompare([]byte(got), []byte(session)) == 1
}

// authorized reports whether the browser may use the dashboard: always
// without API keys, else with a cookie holding a key of scope score or
// admin.
func (d *dashboard) authorized(r *http.Request) bool {
	if d.s.keys == nil {
		return true
	}
	ck, err := r.Cookie(dashKeyCookie)
	return err == nil && ck.Value != "" && d.s.keys.scopeOf(ck.Value) >= scopeScore
}

// login shows the key form and, on POST, stores a valid key in the cookie.
func (d *dashboard) login(c *gin.Context, csrf string) {
	if !d.allow(c, http.MethodGet, http.MethodPost) {
		return
	}
	if d.s.keys == nil {
		c.Redirect(http.StatusSeeOther, "/")
		return
	}
	if c.Request.Method == http.MethodGet {
		d.render(c, http.StatusOK, "login", "Log in", "", csrf, "")
		return
	}
	if d.parseForm(c) != nil || !d.checkCSRF(c, csrf) {
		d.render(c, http.StatusForbidden, "login", "Log in", "", csrf, "The form expired; try again.")
		return
	}
	key := strings.TrimSpace(c.Request.PostFormValue("key"))
	if key == "" || d.s.keys.scopeOf(key) < scopeScore {
		d.render(c, http.StatusUnauthorized, "login", "Log in", "", csrf, "That API key is not valid.")
		return
	}
	http.SetCookie(c.Writer, d.cookie(c.Request, dashKeyCookie, key, 0))
	d.newCSRFToken(c) // a logged-in session never keeps its anonymous token
	c.Redirect(http.StatusSeeOther, "/")
}

// render executes a page template into a buffer and writes it.
func (d *dashboard) render(c *gin.Context, status int, page, title, nav, csrf string, data any) {
	b := d.s.getBuf()
	defer d.s.putBuf(b)
	p := dashPage{Title: title, Nav: nav, CSRF: csrf, Auth: d.s.keys != nil, Data: data}
	if err := d.pages[page].ExecuteTemplate(b, "layout", p); err != nil {
		d.s.log.Error("render dashboard page", "request_id", c.GetString(keyRequestID), "page", page, "error", err)
		writeBytes(c, http.StatusInternalServerError, "text/plain; charset=utf-8", []byte("internal error; quote request id "+c.GetString(keyRequestID)+"\n"))
		return
	}
	writeBytes(c, status, "text/html; charset=utf-8", b.Bytes())
}

// dashMessage is the body of the message page.
type dashMessage struct {
	Heading string
	Text    string
}

func (d *dashboard) message(c *gin.Context, csrf string, status int, heading, text string) {
	d.render(c, status, "message", heading, "", csrf, dashMessage{Heading: heading, Text: text})
}

// scoreLead scores one lead request body exactly as POST /v1/score does,
// with every contribution and every model's probability.
func (d *dashboard) scoreLead(a *active, body []byte) (*models.Result, *APIError) {
	out, o, aerr := d.s.scoreOne(a, nil, body, models.ScoreOptions{Explain: models.ExplainAll, AllModels: true}, d.s.cfg.Now())
	if aerr != nil {
		return nil, aerr
	}
	d.s.metrics.scoredOne(a.version, o.Tier)
	var res models.Result
	if err := json.Unmarshal(out, &res); err != nil {
		return nil, &APIError{Status: http.StatusInternalServerError, Code: CodeInternal, Message: "the score could not be read back: " + err.Error()}
	}
	return &res, nil
}

// lastBatch returns the last scored batch, nil if none.
func (d *dashboard) lastBatch() *dashBatch {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.batch
}
