package serve

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/leadscore/leadscore/serve/webhook"
)

// DefaultWebhookEvery is how often the webhook sender looks for retries
// that have come due.
const DefaultWebhookEvery = 5 * time.Second

// WebhookConfig configures the webhooks a Server delivers.
type WebhookConfig struct {
	// URLs are the receivers (--webhook-url, repeatable), each signed with
	// the secret in SecretFiles at the same index (--webhook-secret-file).
	URLs        []string
	SecretFiles []string
	// ConfigFile lists more receivers in YAML (--webhook-config).
	ConfigFile string
	// Outbox keeps the deliveries (nil: the lead store's webhook_outbox
	// table, which survives restarts; in memory without a store).
	Outbox webhook.Outbox
	// MaxAttempts, BaseDelay and MaxDelay shape retries
	// (--webhook-max-attempts; webhook's defaults when zero).
	MaxAttempts         int
	BaseDelay, MaxDelay time.Duration
	// Every is how often due retries are looked for (DefaultWebhookEvery).
	Every time.Duration
	// Seed seeds the retries' jitter.
	Seed uint64
	// Client sends the deliveries (nil: webhook's default).
	Client *http.Client
	// TestReceiver mounts the built-in test receiver and delivers to it
	// (--webhook-test-receiver): every delivery also goes to
	// POST /v1/webhooks/test-receiver on Addr, which verifies its
	// signature, and GET /v1/admin/webhooks/received lists what arrived.
	TestReceiver bool
}

// configured reports whether any receiver is set.
func (w WebhookConfig) configured() bool {
	return len(w.URLs) > 0 || len(w.SecretFiles) > 0 || w.ConfigFile != "" || w.TestReceiver
}

// newWebhooks builds the dispatcher of cfg.Webhooks, nil when no receiver
// is configured, and the built-in test receiver when it is asked for.
// Without an outbox of its own it keeps the deliveries in the lead store
// when there is one, else in memory.
func newWebhooks(cfg Config, m *metrics, st LeadStore) (*webhook.Dispatcher, *testReceiver, error) {
	w := cfg.Webhooks
	if !w.configured() {
		return nil, nil, nil
	}
	if w.Outbox == nil {
		if os, ok := st.(outboxStore); ok {
			w.Outbox = storeOutbox{st: os}
		}
	}
	var targets []webhook.Target
	if len(w.URLs) > 0 || len(w.SecretFiles) > 0 || w.ConfigFile != "" {
		var err error
		if targets, err = webhook.LoadTargets(w.URLs, w.SecretFiles, w.ConfigFile); err != nil {
			return nil, nil, err
		}
	}
	var rcv *testReceiver
	if w.TestReceiver {
		r, t, err := testReceiverTarget(cfg)
		if err != nil {
			return nil, nil, err
		}
		rcv, targets = r, append(targets, t)
	}
	d, err := webhook.New(webhook.Options{
		Targets: targets, Outbox: w.Outbox, Client: w.Client, MaxAttempts: w.MaxAttempts,
		BaseDelay: w.BaseDelay, MaxDelay: w.MaxDelay, Seed: w.Seed, Now: cfg.Now,
		Logger:  cfg.Logger.With("component", "webhook"),
		Observe: func(target, result string) { m.webhooks.WithLabelValues(target, result).Inc() },
	})
	return d, rcv, err
}

// webhookMetrics are the webhook counters of a Server's registry.
func webhookMetrics(reg *prometheus.Registry) *prometheus.CounterVec {
	c := prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "leadscore_webhook_attempts_total",
		Help: "Webhook delivery attempts by target and result (delivered, retry, dead).",
	}, []string{"target", "result"})
	reg.MustRegister(c)
	return c
}

// Webhooks returns the webhook dispatcher, nil when no receiver is
// configured. A rescore publishes its changes with
// Webhooks().Publish(ctx, webhook.Changes(old, cur, cause, at, 0)).
func (s *Server) Webhooks() *webhook.Dispatcher { return s.hooks }

// AdminAuthorized reports whether key has scope admin (compared in
// constant time); without API keys every key has.
func (s *Server) AdminAuthorized(key string) bool {
	return s.keys == nil || s.keys.scopeOf(key) == scopeAdmin
}

// runWebhooks delivers until ctx is done.
func (s *Server) runWebhooks(ctx context.Context) {
	every := s.cfg.Webhooks.Every
	if every <= 0 {
		every = DefaultWebhookEvery
	}
	t := time.NewTicker(every)
	defer t.Stop()
	s.hooks.Run(ctx, t.C)
}

// deliveriesResponse is the body of GET /v1/admin/webhooks/deliveries.
type deliveriesResponse struct {
	Targets    []string           `json:"targets"`
	Deliveries []webhook.Delivery `json:"deliveries"`
}

// maxListedDeliveries bounds ?limit= of the delivery list.
const maxListedDeliveries = 1000

// handleDeliveries answers GET /v1/admin/webhooks/deliveries?state=&limit=:
// the newest deliveries, optionally of one state.
func (s *Server) handleDeliveries(c *gin.Context) {
	if s.hooks == nil {
		s.writeError(c, &APIError{Status: http.StatusNotFound, Code: CodeNotFound, Message: "no webhooks are configured; start serve with --webhook-url URL --webhook-secret-file FILE"})
		return
	}
	state := c.Query("state")
	switch state {
	case "", webhook.StatePending, webhook.StateDelivered, webhook.StateDead:
	default:
		s.writeError(c, &APIError{Status: http.StatusBadRequest, Code: CodeInvalidParameter, Field: "state", Message: "expected pending, delivered or dead, got " + strconv.Quote(state)})
		return
	}
	limit := 100
	if q := c.Query("limit"); q != "" {
		n, err := strconv.Atoi(q)
		if err != nil || n < 1 || n > maxListedDeliveries {
			s.writeError(c, &APIError{Status: http.StatusBadRequest, Code: CodeInvalidParameter, Field: "limit", Message: fmt.Sprintf("expected a whole number from 1 to %d, got %q", maxListedDeliveries, q)})
			return
		}
		limit = n
	}
	ds, err := s.hooks.Outbox().List(c.Request.Context(), state, limit)
	if err != nil {
		s.log.Error("list webhook deliveries", "request_id", RequestID(c), "error", err)
		s.writeError(c, &APIError{Status: http.StatusInternalServerError, Code: CodeInternal, Message: "internal error; quote request id " + RequestID(c)})
		return
	}
	if ds == nil {
		ds = []webhook.Delivery{}
	}
	s.writeJSON(c, http.StatusOK, deliveriesResponse{Targets: s.hooks.Targets(), Deliveries: ds})
}

// handleReplay answers POST /v1/admin/webhooks/deliveries/{id}/replay.
func (s *Server) handleReplay(c *gin.Context) {
	if s.hooks == nil {
		s.writeError(c, &APIError{Status: http.StatusNotFound, Code: CodeNotFound, Message: "no webhooks are configured; start serve with --webhook-url URL --webhook-secret-file FILE"})
		return
	}
	id := c.Param("id")
	err := s.hooks.Replay(c.Request.Context(), id)
	switch {
	case errors.Is(err, webhook.ErrNotFound):
		s.writeError(c, &APIError{Status: http.StatusNotFound, Code: CodeNotFound, Field: "id", Message: "no delivery " + strconv.Quote(id)})
	case errors.Is(err, webhook.ErrNotDead):
		s.writeError(c, &APIError{Status: http.StatusConflict, Code: "not_dead", Field: "id", Message: "delivery " + id + " is not dead-lettered; only dead deliveries are replayed"})
	case err != nil:
		s.log.Error("replay webhook delivery", "request_id", RequestID(c), "delivery", id, "error", err)
		s.writeError(c, &APIError{Status: http.StatusInternalServerError, Code: CodeInternal, Message: "internal error; quote request id " + RequestID(c)})
	default:
		s.log.Info("webhook delivery replayed by an admin", "request_id", RequestID(c), "delivery", id)
		s.writeJSON(c, http.StatusOK, map[string]string{"replayed": id})
	}
}
