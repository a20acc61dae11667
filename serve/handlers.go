package serve

import (
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/leadscore/leadscore/datasets/store"
	"github.com/leadscore/leadscore/models"
)

const jsonType = "application/json; charset=utf-8"

func (s *Server) handleHealth(c *gin.Context) {
	writeBytes(c, http.StatusOK, jsonType, []byte("{\"status\":\"ok\"}\n"))
}

// Readiness is the answer of GET /readyz.
type Readiness struct {
	Status  string           `json:"status"`
	Model   *models.ModelRef `json:"model"`
	Message string           `json:"message,omitempty"`
	Refused []Refusal        `json:"refused"`
	// Fallback is set while the champion file's bundle fails its checks
	// and the newest bundle that passes serves instead.
	Fallback *Fallback `json:"fallback,omitempty"`
}

// handleReady answers GET /readyz: 503 while no model serves or during the
// drain before shutdown. With --protect-metrics, the details (model,
// refusals with their paths, fallback) need a metrics or admin key; without
// one the answer is the status alone.
func (s *Server) handleReady(c *gin.Context) {
	a := s.reg.current()
	status, word := http.StatusOK, "ready"
	switch {
	case s.draining.Load():
		status, word = http.StatusServiceUnavailable, "draining"
	case a == nil:
		status, word = http.StatusServiceUnavailable, "not_ready"
	}
	if s.cfg.ProtectMetrics && s.keys != nil {
		tok, _ := bearer(c.GetHeader("Authorization"))
		if !allows(s.keys.scopeOf(tok), scopeMetrics) {
			writeBytes(c, status, jsonType, []byte(`{"status":"`+word+`"}`+"\n"))
			return
		}
	}
	r := Readiness{Status: word, Refused: s.reg.Refusals(), Fallback: s.reg.Fallback()}
	if a != nil {
		r.Model = &models.ModelRef{Name: a.name, Version: a.version}
	}
	switch word {
	case "not_ready":
		r.Message = "no loadable model bundle in " + s.cfg.ModelsDir
	case "draining":
		r.Message = "shutting down: draining before the listener closes"
	}
	s.writeJSON(c, status, r)
}

func (s *Server) handleOpenAPI(c *gin.Context) {
	writeBytes(c, http.StatusOK, jsonType, openAPIDoc)
}

// mediaType returns the lower-case media type of a Content-Type header.
func mediaType(h string) string {
	if i := strings.IndexByte(h, ';'); i >= 0 {
		h = h[:i]
	}
	return strings.ToLower(strings.TrimSpace(h))
}

// scoreOptions reads ?explain=K|all (default 5) and ?all_models=1.
func scoreOptions(c *gin.Context) (models.ScoreOptions, *APIError) {
	return queryOptions(c.Request.URL.Query())
}

// queryOptions reads the scoring options of a parsed query string.
func queryOptions(q url.Values) (models.ScoreOptions, *APIError) {
	opt := models.ScoreOptions{Explain: 5}
	if v := q.Get("explain"); v != "" {
		if v == "all" {
			opt.Explain = models.ExplainAll
		} else {
			k, err := strconv.Atoi(v)
			if err != nil || k < 0 || k > 1000 {
				return opt, badRequest(CodeInvalidParameter, "explain", "expected a number of contributions 0-1000 or all, got %q", v)
			}
			opt.Explain = k
		}
	}
	switch v := q.Get("all_models"); strings.ToLower(v) {
	case "", "0", "false", "no":
	case "1", "true", "yes":
		opt.AllModels = true
	default:
		return opt, badRequest(CodeInvalidParameter, "all_models", "expected 1 or 0, got %q", v)
	}
	return opt, nil
}

func unsupported(got string, want string) *APIError {
	if got == "" {
		got = "none"
	}
	return &APIError{Status: http.StatusUnsupportedMediaType, Code: CodeUnsupportedMedia, Message: "Content-Type " + got + " is not accepted; send " + want}
}

func noModel(dir string) *APIError {
	return &APIError{Status: http.StatusServiceUnavailable, Code: CodeNoModel, Message: "no model is loaded yet; put a bundle in " + dir + " (see /readyz)"}
}

// scoreRequest is what both scoring endpoints do first: check the media
// type (accept, else 415 naming want), read the query options and the body
// (at most limit bytes) and take the current model. On any failure it
// answers the error and returns nil; otherwise the caller releases body
// with releaseBody.
func (s *Server) scoreRequest(c *gin.Context, accept func(mediaType string) bool, want string, limit int64) (models.ScoreOptions, *body, *active) {
	if mt := mediaType(c.ContentType()); !accept(mt) {
		s.writeError(c, unsupported(mt, want))
		return models.ScoreOptions{}, nil, nil
	}
	opt, aerr := scoreOptions(c)
	if aerr != nil {
		s.writeError(c, aerr)
		return opt, nil, nil
	}
	body, aerr := s.readBody(c, limit)
	if aerr != nil {
		s.writeError(c, aerr)
		return opt, nil, nil
	}
	a := s.reg.current()
	if a == nil {
		s.releaseBody(body)
		s.writeError(c, noModel(s.cfg.ModelsDir))
		return opt, nil, nil
	}
	return opt, body, a
}

// handleScore answers POST /v1/score.
func (s *Server) handleScore(c *gin.Context) {
	opt, body, a := s.scoreRequest(c, func(mt string) bool { return mt == "application/json" }, "application/json", s.cfg.MaxBodyBytes)
	if a == nil {
		return
	}
	defer s.releaseBody(body)
	out := s.getBytes()
	defer s.putBytes(out)
	c.Set(keyLeads, 1)
	buf, o, aerr := s.scoreOne(a, (*out)[:0], body.Bytes(), opt, s.cfg.Now())
	*out = buf
	if aerr != nil {
		s.writeError(c, aerr)
		return
	}
	s.metrics.scoredOne(a.version, o)
	buf = append(buf, '\n')
	*out = buf
	writeBytes(c, http.StatusOK, jsonType, buf)
}

// scoreOne decodes one lead, scores it through the model's scoring path
// and appends its result to dst.
func (s *Server) scoreOne(a *active, dst, data []byte, opt models.ScoreOptions, now time.Time) ([]byte, outcome, *APIError) {
	// The decoder and scorer go back to their pools only when nothing
	// panicked: a scorer that panicked half-way is not reused.
	d := a.getDecoder()
	l, warnings, aerr := d.decode(data, now)
	if aerr != nil {
		a.putDecoder(d)
		return dst, outcome{}, aerr
	}
	sc := a.getScorer()
	res := &d.res
	err := sc.ScoreInto(l, opt, res)
	a.putScorer(sc)
	if err != nil {
		a.putDecoder(d)
		return dst, outcome{}, scoreError(err)
	}
	out, o, err := appendScored(dst, res, warnings)
	if err == nil && s.scores != nil {
		s.scores.add([]store.Score{scoreEntry(res, l.Cutoff, now, store.SourceScore)})
	}
	a.putDecoder(d) // after encoding: the lead and result live in the decoder
	if err != nil {
		return dst, outcome{}, scoreError(err)
	}
	return out, o, nil
}

// appendScored adds the decoder's warnings to res and appends it as JSON.
func appendScored(dst []byte, res *models.Result, warnings []models.Warning) ([]byte, outcome, error) {
	if len(warnings) > 0 {
		res.Warnings = append(res.Warnings, warnings...)
	}
	out, err := res.AppendJSON(dst)
	if err != nil {
		return dst, outcome{}, err
	}
	return out, outcome{Tier: res.Tier, Score: res.Score, Warnings: res.Warnings}, nil
}

func (s *Server) handleModels(c *gin.Context) {
	l, err := s.reg.list()
	if err != nil {
		s.writeError(c, &APIError{Status: http.StatusServiceUnavailable, Code: CodeInternal, Message: err.Error()})
		return
	}
	s.writeJSON(c, http.StatusOK, l)
}

func (s *Server) handleModel(c *gin.Context) {
	d, err := s.reg.detail(c.Param("version"))
	if err != nil {
		s.writeError(c, registryError(err))
		return
	}
	s.writeJSON(c, http.StatusOK, d)
}

func (s *Server) handlePromote(c *gin.Context) {
	res, err := s.reg.promote(c.Param("version"))
	if err != nil {
		s.writeError(c, registryError(err))
		return
	}
	s.writeJSON(c, http.StatusOK, res)
}

func (s *Server) handleReload(c *gin.Context) {
	res, err := s.Reload()
	if err != nil {
		s.writeError(c, registryError(err))
		return
	}
	s.writeJSON(c, http.StatusOK, res)
}

// registryError maps registry errors to answers.
func registryError(err error) *APIError {
	switch {
	case errors.Is(err, errUnknownVersion):
		return &APIError{Status: http.StatusNotFound, Code: CodeUnknownVersion, Message: err.Error()}
	case errors.Is(err, errRefused):
		return &APIError{Status: http.StatusUnprocessableEntity, Code: CodeModelRefused, Message: err.Error()}
	}
	return &APIError{Status: http.StatusServiceUnavailable, Code: CodeInternal, Message: err.Error()}
}
