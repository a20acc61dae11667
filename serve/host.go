package serve

import (
	"strings"

	"github.com/gin-gonic/gin"
)

// What a package that adds pages to the Server (the dashboard, package
// serve/dashboard) may use. serve never imports such a package: the
// command wires it between New and ListenAndServe.

// Router returns the gin engine the API is served by. Routes added to it
// before the Server serves go through the API's middleware: a request id,
// the access log, panic recovery and the metrics, which label a request by
// its route template (c.FullPath(), such as "/ui/leads/:id").
func (s *Server) Router() *gin.Engine { return s.engine }

// unmatched answers the requests under one path prefix that no route
// matches.
type unmatched struct {
	prefix string
	h      gin.HandlerFunc
}

// HandleUnmatched has h answer the requests for prefix or a path under it
// ("/ui" covers "/ui" and "/ui/...") that no route matches, instead of the
// API's JSON error. The status is set when h runs: c.Writer.Status() is 404
// for an unknown path and 405 for a method the path does not allow (with
// the Allow header set). Call it before the Server serves.
func (s *Server) HandleUnmatched(prefix string, h gin.HandlerFunc) {
	s.unmatched = append(s.unmatched, unmatched{prefix: strings.TrimSuffix(prefix, "/"), h: h})
}

// unmatchedHandler returns the handler HandleUnmatched set for path, nil
// if none.
func (s *Server) unmatchedHandler(path string) gin.HandlerFunc {
	for _, u := range s.unmatched {
		if path == u.prefix || strings.HasPrefix(path, u.prefix+"/") {
			return u.h
		}
	}
	return nil
}

// Current returns the model being served, nil while none is loaded.
func (s *Server) Current() Model {
	if a := s.reg.current(); a != nil {
		return a.model
	}
	return nil
}

// Fallback returns, while the champion file's bundle fails its checks and
// another bundle serves in its place, what happened (for a banner); else
// nil.
func (s *Server) Fallback() *Fallback { return s.reg.Fallback() }

// Refusals returns the bundles of the models directory the server refused
// to load, by version.
func (s *Server) Refusals() []Refusal { return s.reg.Refusals() }

// Config returns the server's configuration with the defaults filled in
// (Logger, Now and the limits are never zero).
func (s *Server) Config() Config { return s.cfg }

// AuthRequired reports whether the server checks API keys
// (Config.APIKeysFile is set).
func (s *Server) AuthRequired() bool { return s.keys != nil }

// Authorized reports whether key may do what a key of scope score may
// (score leads, read models and reports): a key of scope score or admin,
// compared in constant time. Without API keys every key may, the empty one
// too.
func (s *Server) Authorized(key string) bool {
	return s.keys == nil || allows(s.keys.scopeOf(key), scopeScore)
}

// CountScores adds scores of the given version, one per tier given, to the
// metrics of scored leads (leadscore_leads_scored_total and
// leadscore_scores_total), as the API counts its own.
func (s *Server) CountScores(version string, tiers []string) {
	var t tally
	for _, tier := range tiers {
		t.add(outcome{Tier: tier})
	}
	s.metrics.scored(version, &t)
}

// RequestID returns the id of the request (the X-Request-ID header of the
// response), for logs.
func RequestID(c *gin.Context) string { return c.GetString(keyRequestID) }

// SetLeadCount records how many leads the request carried, for the access
// log.
func SetLeadCount(c *gin.Context, n int) { c.Set(keyLeads, n) }
