package serve

import (
	"bytes"
	"context"
	"crypto/rand"
	_ "embed"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"runtime/debug"
	"strconv"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/leadscore/leadscore/datasets/store"
	"github.com/leadscore/leadscore/internal/atomicfile"
	"github.com/leadscore/leadscore/serve/webhook"
)

//go:embed openapi.json
var openAPIDoc []byte

// Server is the scoring API over a directory of model bundles.
type Server struct {
	cfg     Config
	log     *slog.Logger
	reg     *registry
	keys    *keyring
	metrics *metrics
	engine  *gin.Engine
	bufs    sync.Pool
	outs    sync.Pool
	// draining is set from SIGTERM until the listener closes: /readyz
	// answers 503 so load balancers stop sending requests.
	draining atomic.Bool
	// inflight counts the request body bytes held at once.
	inflight budget
	idBase   string
	idSeq    atomic.Uint64
	// resultBytes is the size of the last batch's answers per lead,
	// without and with explanations: the next batch sizes its output
	// buffers by it instead of growing them lead by lead.
	resultBytes [2]atomic.Int64

	// unmatched are the handlers of HandleUnmatched.
	unmatched []unmatched
	// hooks delivers webhooks; nil when none is configured.
	hooks *webhook.Dispatcher
	// received is the built-in test receiver; nil when it is off.
	received *testReceiver
	// mon holds the latest monitoring figures.
	mon monitorState
	// rescore gathers the stored leads to rescore.
	rescore rescorer

	// store is the lead store (nil: stateless); scores writes the
	// prediction log into it. ownStore is set when New opened it.
	store  LeadStore
	scores *scoreLog
	// answers are the latest answers of GET /v1/leads/{id}.
	answers   leadAnswers
	ownStore  bool
	closeOnce sync.Once
}

// New checks cfg, reads the API keys and loads the champion bundle of
// cfg.ModelsDir. A directory without a loadable bundle is not an error: the
// server starts unready (/readyz 503) and picks up the first bundle that
// appears.
func New(cfg Config) (*Server, error) {
	cfg, err := cfg.withDefaults()
	if err != nil {
		return nil, err
	}
	s := &Server{cfg: cfg, log: cfg.Logger, metrics: newMetrics()}
	s.inflight.limit = cfg.MaxInflightBytes
	s.bufs.New = func() any { return new(bytes.Buffer) }
	s.outs.New = func() any { b := make([]byte, 0, 4096); return &b }
	var b [6]byte
	if _, err := rand.Read(b[:]); err != nil {
		return nil, fmt.Errorf("serve: %w", err)
	}
	s.idBase = hex.EncodeToString(b[:]) + "-"
	if cfg.APIKeysFile != "" {
		var weak []keyWarning
		if s.keys, weak, err = loadKeys(cfg.APIKeysFile); err != nil {
			return nil, fmt.Errorf("serve: %w", err)
		}
		for _, w := range weak {
			s.log.Warn("an API key has little entropy; use a random one (openssl rand -hex 24)", "file", cfg.APIKeysFile, "line", w.line, "bits", w.bits, "want_bits", minKeyBits)
		}
	}
	if s.reg, err = newRegistry(cfg.ModelsDir, cfg.Load, s.log, cfg.Now); err != nil {
		return nil, fmt.Errorf("serve: %w", err)
	}
	s.mon.gauges = newMonitorGauges(s.metrics.reg)
	s.reg.pin = cfg.Pin
	removed, err := atomicfile.RemoveStale(atomicfile.DefaultStaleAge, cfg.ModelsDir)
	for _, p := range removed {
		s.log.Info("removed a temporary file left by a crashed write", "path", p)
	}
	if err != nil {
		s.log.Warn("could not remove every stale temporary file; 'leadscore gc' retries", "error", err)
	}
	s.reg.onLoad, s.reg.onFallback = s.metrics.loaded, s.metrics.fellBack
	s.reg.onSwap = func(old, cur *active) {
		s.answers.clear()
		s.metrics.swapped(old, cur)
	}
	s.reg.maxEvents = cfg.MaxEventsPerLead
	if _, err := s.reg.reload(true); err != nil {
		return nil, fmt.Errorf("serve: %w", err)
	}
	if s.reg.current() == nil {
		s.log.Warn("no loadable model bundle yet; /readyz answers 503 until one appears", "models", cfg.ModelsDir)
	}
	if err := s.openStore(); err != nil {
		return nil, err
	}
	if err := s.recoverPending(context.Background()); err != nil {
		s.Close()
		return nil, err
	}
	if s.hooks, s.received, err = newWebhooks(cfg, s.metrics, s.store); err != nil {
		s.Close()
		return nil, fmt.Errorf("serve: %w", err)
	}
	s.engine = s.routes()
	return s, nil
}

// openStore opens Config.StoreURL unless Config.Store is set, and starts
// the prediction log's writer.
func (s *Server) openStore() error {
	s.store = s.cfg.Store
	if s.store == nil && s.cfg.StoreURL != "" && s.cfg.StoreURL != "none" {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		st, err := store.Open(ctx, s.cfg.StoreURL)
		if err != nil {
			return fmt.Errorf("serve: --store: %w", err)
		}
		s.store, s.ownStore = st, true
	}
	if s.store != nil {
		s.scores = newScoreLog(s.store, s.log,
			func(n int) { s.metrics.logged.WithLabelValues("written").Add(float64(n)) },
			func(n int) { s.metrics.logged.WithLabelValues("failed").Add(float64(n)) })
		s.log.Info("lead store open", "store", s.store.Redacted())
		if js, ok := s.store.(judgedStore); ok && s.cfg.Monitor.Source == nil {
			s.cfg.Monitor.Source = storeJudged{st: js, horizon: s.servedHorizon}
		}
	}
	return nil
}

// logScores queues prediction-log entries (nothing without a store).
func (s *Server) logScores(entries []store.Score) {
	if s.scores != nil {
		s.scores.add(entries)
	}
}

// Close writes the queued prediction-log entries and closes the store if
// New opened it. Serve calls it when it returns; it is safe to call again.
func (s *Server) Close() error {
	var err error
	s.closeOnce.Do(func() {
		if s.scores != nil {
			s.scores.close()
		}
		if s.ownStore {
			err = s.store.Close()
		}
	})
	return err
}

// pruneScores deletes prediction-log entries older than the retention,
// now and every hour, until ctx ends.
func (s *Server) pruneScores(ctx context.Context) {
	t := time.NewTicker(time.Hour)
	defer t.Stop()
	for {
		n, err := s.store.PruneScores(ctx, s.cfg.Now().Add(-s.cfg.ScoreRetention))
		if err != nil && ctx.Err() == nil {
			s.log.Warn("could not prune the prediction log; retrying in an hour", "error", err)
		} else if n > 0 {
			s.log.Info("pruned the prediction log", "scores", n, "retention", s.cfg.ScoreRetention)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// Handler returns the HTTP handler of every endpoint.
func (s *Server) Handler() http.Handler { return s.engine }

// Reload rescans the models directory and swaps in the champion if it
// changed, retrying bundles refused before (SIGHUP and POST
// /v1/admin/reload).
func (s *Server) Reload() (ReloadResult, error) { return s.reg.reload(true) }

// Run serves the API on cfg.Addr until ctx is cancelled or the process gets
// SIGTERM or SIGINT: New, then ListenAndServe. Without cfg.APIKeysFile only
// loopback addresses are allowed. To serve more than the API (the
// dashboard), call New, add the pages, then ListenAndServe.
func Run(ctx context.Context, cfg Config, logger *slog.Logger) error {
	if logger != nil {
		cfg.Logger = logger
	}
	if _, err := listenAddr(cfg); err != nil {
		return err // refused before loading any model
	}
	s, err := New(cfg)
	if err != nil {
		return err
	}
	return s.ListenAndServe(ctx)
}

// listenAddr returns the address to listen on (DefaultAddr when unset),
// refusing any but loopback without API keys.
func listenAddr(cfg Config) (string, error) {
	addr := cfg.Addr
	if addr == "" {
		addr = DefaultAddr
	}
	if cfg.APIKeysFile == "" && !isLoopback(addr) {
		return "", fmt.Errorf("serve: refusing to listen on %s without --api-keys: anyone who reaches it could score leads and promote models; pass --api-keys FILE or listen on 127.0.0.1", addr)
	}
	return addr, nil
}

// ListenAndServe listens on Config.Addr (DefaultAddr when unset) and
// serves until ctx is cancelled or the process gets SIGTERM or SIGINT, then
// drains in-flight requests (at most Config.ShutdownTimeout). SIGHUP
// reloads the models directory. Without Config.APIKeysFile only loopback
// addresses are allowed.
func (s *Server) ListenAndServe(ctx context.Context) error {
	addr, err := listenAddr(s.cfg)
	if err != nil {
		return err
	}
	if s.keys == nil {
		s.log.Warn("authentication is off (no --api-keys); listening on loopback only", "addr", addr)
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("serve: %w", err)
	}
	ctx, stop := signal.NotifyContext(ctx, syscall.SIGTERM, os.Interrupt)
	defer stop()
	hup := make(chan os.Signal, 1)
	signal.Notify(hup, syscall.SIGHUP)
	defer signal.Stop(hup)
	go func() {
		for {
			select {
			case <-ctx.Done():
				return
			case <-hup:
				s.log.Info("SIGHUP: reloading models")
				s.Reload()
			}
		}
	}()
	return s.Serve(ctx, ln)
}

// Serve answers requests on ln and polls the models directory until ctx is
// cancelled, then stops accepting connections and waits for in-flight
// requests to finish (at most the shutdown timeout).
func (s *Server) Serve(ctx context.Context, ln net.Listener) error {
	srv := &http.Server{
		Handler:           s.engine,
		ReadHeaderTimeout: s.cfg.ReadHeaderTimeout,
		ReadTimeout:       s.cfg.ReadTimeout,
		WriteTimeout:      s.cfg.WriteTimeout,
		IdleTimeout:       s.cfg.IdleTimeout,
		ErrorLog:          slog.NewLogLogger(s.log.Handler(), slog.LevelWarn),
		ConnContext:       withConn,
	}
	ln = gatherListener{ln}
	if s.cfg.MemoryLimit > 0 && os.Getenv("GOMEMLIMIT") == "" {
		prev := debug.SetMemoryLimit(s.cfg.MemoryLimit)
		defer debug.SetMemoryLimit(prev)
	}
	if s.cfg.GCPercent > 0 && os.Getenv("GOGC") == "" {
		prev := debug.SetGCPercent(s.cfg.GCPercent)
		defer debug.SetGCPercent(prev)
	}
	pollCtx, stopPoll := context.WithCancel(ctx)
	defer stopPoll()
	if s.cfg.PollInterval > 0 {
		go s.poll(pollCtx)
	}
	if s.hooks != nil {
		go s.runWebhooks(pollCtx)
	}
	if s.cfg.Monitor.Source != nil {
		go s.runMonitoring(pollCtx)
	}
	if s.store != nil {
		if ps, ok := s.store.(interface{ SetPendingSlack(time.Duration) }); ok {
			ps.SetPendingSlack(pendingSlack(s.debounce()))
		}
		go s.runRescorer(pollCtx)
		go s.runSweeps(pollCtx)
	}
	defer s.Close()
	if s.store != nil && s.cfg.ScoreRetention > 0 {
		go s.pruneScores(pollCtx)
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	cur := s.reg.current()
	s.log.Info("serving the leadscore API", "addr", ln.Addr().String(), "models", s.cfg.ModelsDir, "version", versionOf(cur), "auth", s.keys != nil)
	select {
	case err := <-errc:
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}
	if s.cfg.Drain > 0 {
		// Load balancers see /readyz 503 and stop sending requests
		// before the listener closes.
		s.draining.Store(true)
		s.log.Info("draining: /readyz answers 503 before the listener closes", "drain", s.cfg.Drain)
		time.Sleep(s.cfg.Drain)
	}
	s.log.Info("shutting down: waiting for in-flight requests", "timeout", s.cfg.ShutdownTimeout)
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), s.cfg.ShutdownTimeout)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		// The requests still running are cut off; stopping was asked
		// for, so this is not a failure of the process.
		s.log.Error("shutdown timed out with requests in flight; closing their connections", "timeout", s.cfg.ShutdownTimeout, "error", err)
		srv.Close()
	}
	if err := <-errc; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("serve: %w", err)
	}
	s.log.Info("stopped")
	return nil
}

// poll reloads when the models directory or champion file changes.
func (s *Server) poll(ctx context.Context) {
	t := time.NewTicker(s.cfg.PollInterval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			s.reg.reload(false)
		}
	}
}

// Context keys set by the middleware.
const (
	keyRequestID = "leadscore.request_id"
	keyLeads     = "leadscore.leads"
	keyErrorCode = "leadscore.error_code"
)

func (s *Server) routes() *gin.Engine {
	e := gin.New()
	e.HandleMethodNotAllowed = true
	e.RedirectTrailingSlash = false
	e.RedirectFixedPath = false
	e.Use(s.observe, s.recoverPanic)
	e.NoRoute(func(c *gin.Context) {
		if h := s.unmatchedHandler(c.Request.URL.Path); h != nil {
			h(c)
			return
		}
		s.writeError(c, &APIError{Status: http.StatusNotFound, Code: CodeNotFound, Message: "no such endpoint: " + c.Request.URL.Path + "; see /openapi.json"})
	})
	e.NoMethod(func(c *gin.Context) {
		if h := s.unmatchedHandler(c.Request.URL.Path); h != nil {
			h(c)
			return
		}
		s.writeError(c, &APIError{Status: http.StatusMethodNotAllowed, Code: CodeMethodNotAllowed, Message: c.Request.Method + " is not allowed on " + c.Request.URL.Path})
	})
	e.GET("/healthz", s.handleHealth)
	e.GET("/readyz", s.handleReady)
	if s.cfg.ProtectMetrics {
		e.GET("/metrics", s.require(scopeMetrics), gin.WrapH(s.metrics.handler()))
	} else {
		e.GET("/metrics", gin.WrapH(s.metrics.handler()))
	}
	e.GET("/openapi.json", s.handleOpenAPI)
	score := e.Group("/v1", s.require(scopeScore))
	score.POST("/score", s.handleScore)
	score.POST("/score/batch", s.handleBatch)
	score.GET("/models", s.handleModels)
	score.GET("/models/:version", s.handleModel)
	admin := e.Group("/v1", s.require(scopeAdmin))
	admin.POST("/models/:version/promote", s.handlePromote)
	admin.POST("/admin/reload", s.handleReload)
	admin.GET("/admin/webhooks/deliveries", s.handleDeliveries)
	admin.POST("/admin/webhooks/deliveries/:id/replay", s.handleReplay)
	admin.GET("/admin/webhooks/received", s.handleReceived)
	// The test receiver authenticates deliveries by their signature.
	e.POST(TestReceiverPath, s.handleTestReceiver)
	score.POST("/leads", s.handleLeadsPost)
	score.POST("/events", s.handleEventsPost)
	score.POST("/outcomes", s.handleOutcomesPost)
	score.GET("/leads/:id", s.handleLead)
	score.GET("/leads/:id/scores", s.handleLeadScores)
	score.GET("/scores", s.handleScores)
	reports := e.Group("/reports", s.require(scopeScore))
	reports.GET("", s.handleReports)
	reports.GET("/:id", s.handleReport)
	return e
}

// observe sets the request id and, once the request is done, records the
// metrics and writes the access log. The log never carries lead data: only
// the route, status, latency, lead count and request id.
func (s *Server) observe(c *gin.Context) {
	start := time.Now()
	id := c.GetHeader("X-Request-ID")
	if !validRequestID(id) {
		id = s.idBase + strconv.FormatUint(s.idSeq.Add(1), 36)
	}
	c.Set(keyRequestID, id)
	c.Writer.Header().Set("X-Request-ID", id)
	c.Next()
	d := time.Since(start)
	route := c.FullPath()
	if route == "" {
		route = "unmatched"
	}
	code := c.Writer.Status()
	codeStr := strconv.Itoa(code)
	method := methodLabel(c.Request.Method)
	s.metrics.requests.WithLabelValues(route, method, codeStr).Inc()
	s.metrics.latency.WithLabelValues(route, method).Observe(d.Seconds())
	level := slog.LevelInfo
	if code >= 400 {
		s.metrics.errors.WithLabelValues(route, codeStr).Inc()
		level = slog.LevelWarn
		if code >= 500 {
			level = slog.LevelError
		}
	}
	if !s.log.Enabled(c.Request.Context(), level) {
		return
	}
	attrs := []slog.Attr{
		slog.String("request_id", id),
		slog.String("method", method),
		slog.String("route", route),
		slog.Int("code", code),
		slog.Duration("latency", d),
	}
	if n, ok := c.Get(keyLeads); ok {
		attrs = append(attrs, slog.Int("leads", n.(int)))
	}
	if ec, ok := c.Get(keyErrorCode); ok {
		attrs = append(attrs, slog.String("error_code", ec.(string)))
	}
	s.log.LogAttrs(c.Request.Context(), level, "request", attrs...)
}

// methodLabel is the method as a metric label: the standard methods as
// they are, anything else "other", so clients cannot grow the label set.
func methodLabel(m string) string {
	switch m {
	case http.MethodGet, http.MethodHead, http.MethodPost, http.MethodPut, http.MethodPatch,
		http.MethodDelete, http.MethodConnect, http.MethodOptions, http.MethodTrace:
		return m
	}
	return "other"
}

// validRequestID accepts client request ids of 1-128 characters from
// [A-Za-z0-9._:-]; others are replaced so they cannot forge log lines.
func validRequestID(id string) bool {
	if id == "" || len(id) > 128 {
		return false
	}
	for i := 0; i < len(id); i++ {
		c := id[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '.' || c == '_' || c == ':' || c == '-') {
			return false
		}
	}
	return true
}

// recoverPanic answers a panic with a bare 500 and logs it with the request
// id.
func (s *Server) recoverPanic(c *gin.Context) {
	defer func() {
		p := recover()
		if p == nil {
			return
		}
		if p == http.ErrAbortHandler {
			panic(p)
		}
		s.log.Error("panic while handling a request", "request_id", c.GetString(keyRequestID), "route", c.FullPath(), "panic", fmt.Sprint(p), "stack", string(debug.Stack()))
		if !c.Writer.Written() {
			s.writeError(c, &APIError{Status: http.StatusInternalServerError, Code: CodeInternal, Message: "internal error; quote request id " + c.GetString(keyRequestID)})
		}
		c.Abort()
	}()
	c.Next()
}

// require checks the bearer key's scope when keys are configured.
func (s *Server) require(scope int) gin.HandlerFunc {
	return func(c *gin.Context) {
		if s.keys == nil {
			return
		}
		tok, ok := bearer(c.GetHeader("Authorization"))
		if !ok {
			c.Header("WWW-Authenticate", `Bearer realm="leadscore"`)
			s.writeError(c, &APIError{Status: http.StatusUnauthorized, Code: CodeUnauthorized, Message: "send an API key as Authorization: Bearer KEY"})
			c.Abort()
			return
		}
		got := s.keys.scopeOf(tok)
		if got == scopeNone {
			c.Header("WWW-Authenticate", `Bearer realm="leadscore", error="invalid_token"`)
			s.writeError(c, &APIError{Status: http.StatusUnauthorized, Code: CodeUnauthorized, Message: "unknown API key"})
			c.Abort()
			return
		}
		if !allows(got, scope) {
			s.writeError(c, &APIError{Status: http.StatusForbidden, Code: CodeForbidden, Message: "this endpoint needs a key of scope " + scopeName(scope) + "; the key given has scope " + scopeName(got)})
			c.Abort()
		}
	}
}

func (s *Server) getBuf() *bytes.Buffer { b := s.bufs.Get().(*bytes.Buffer); b.Reset(); return b }

func (s *Server) putBuf(b *bytes.Buffer) {
	if b.Cap() <= 4<<20 {
		s.bufs.Put(b)
	}
}

func (s *Server) getBytes() *[]byte { return s.outs.Get().(*[]byte) }

func (s *Server) putBytes(b *[]byte) {
	if cap(*b) <= 4<<20 {
		*b = (*b)[:0]
		s.outs.Put(b)
	}
}

// writeError answers {"error": {...}}.
func (s *Server) writeError(c *gin.Context, e *APIError) {
	c.Set(keyErrorCode, e.Code)
	if e.Code == CodeOverloaded {
		c.Header("Retry-After", "1")
	}
	b := s.getBuf()
	defer s.putBuf(b)
	buf := append(b.AvailableBuffer(), `{"error":`...)
	buf = appendErrorObject(buf, e)
	buf = append(buf, '}', '\n')
	writeBytes(c, e.Status, "application/json; charset=utf-8", buf)
}

// writeJSON answers v encoded as JSON.
func (s *Server) writeJSON(c *gin.Context, status int, v any) {
	b := s.getBuf()
	defer s.putBuf(b)
	if err := json.NewEncoder(b).Encode(v); err != nil {
		s.log.Error("encode response", "request_id", c.GetString(keyRequestID), "error", err)
		s.writeError(c, &APIError{Status: http.StatusInternalServerError, Code: CodeInternal, Message: "internal error; quote request id " + c.GetString(keyRequestID)})
		return
	}
	writeBytes(c, status, "application/json; charset=utf-8", b.Bytes())
}

func writeBytes(c *gin.Context, status int, contentType string, body []byte) {
	h := c.Writer.Header()
	h.Set("Content-Type", contentType)
	h.Set("Content-Length", strconv.Itoa(len(body)))
	c.Writer.WriteHeader(status)
	c.Writer.Write(body)
}
