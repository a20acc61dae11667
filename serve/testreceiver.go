package serve

import (
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/leadscore/leadscore/serve/webhook"
)

// The built-in test receiver (--webhook-test-receiver): a webhook target
// inside the server itself, so that tier changes can be seen end to end
// before sales has a receiver of its own. The dispatcher delivers to it
// over HTTP like to any receiver, signed with a random secret the server
// keeps in memory; the receiver verifies each signature (401 when it does
// not match, so a bad delivery is retried and dead-lettered as it would be
// elsewhere) and keeps the last deliveries it accepted, which
// GET /v1/admin/webhooks/received lists.

// TestReceiverPath is the route of the built-in test receiver.
const TestReceiverPath = "/v1/webhooks/test-receiver"

// TestReceiverName is the test receiver's target name in the outbox, the
// same whatever address the server listens on, so deliveries queued by an
// earlier run reach the receiver of the next.
const TestReceiverName = "test-receiver"

// maxReceived bounds the deliveries the test receiver keeps (the oldest
// go first).
const maxReceived = 1000

// Received is one delivery the test receiver accepted.
type Received struct {
	// Delivery is the X-Leadscore-Delivery id.
	Delivery   string    `json:"delivery"`
	ReceivedAt time.Time `json:"received_at"`
	Event      string    `json:"event"`
	LeadID     string    `json:"lead_id"`
	OldTier    string    `json:"old_tier"`
	NewTier    string    `json:"new_tier"`
	Score      int       `json:"score"`
}

// ReceivedList is the answer of GET /v1/admin/webhooks/received.
type ReceivedList struct {
	// Accepted counts every delivery whose signature verified since the
	// server started; Rejected those whose signature did not.
	Accepted int `json:"accepted"`
	Rejected int `json:"rejected"`
	// Received are the newest accepted deliveries (at most 1000), oldest
	// first.
	Received []Received `json:"received"`
}

// testReceiver is the state of the built-in receiver.
type testReceiver struct {
	secret []byte
	mu     sync.Mutex
	list   ReceivedList
}

// testReceiverTarget returns the webhook target of the built-in receiver
// on cfg's address, with a new random secret.
func testReceiverTarget(cfg Config) (*testReceiver, webhook.Target, error) {
	addr := cfg.Addr
	if addr == "" {
		addr = DefaultAddr
	}
	host, port, err := net.SplitHostPort(addr)
	if err != nil || port == "0" || port == "" {
		return nil, webhook.Target{}, fmt.Errorf("--webhook-test-receiver: the receiver is reached at --addr, which needs a fixed HOST:PORT, got %q", addr)
	}
	if host == "" || host == "0.0.0.0" || host == "::" {
		host = "127.0.0.1"
	}
	r := &testReceiver{secret: make([]byte, 32)}
	rand.Read(r.secret) // never fails (crypto/rand)
	return r, webhook.Target{Name: TestReceiverName, URL: "http://" + net.JoinHostPort(host, port) + TestReceiverPath, Secret: r.secret}, nil
}

// handleTestReceiver answers POST /v1/webhooks/test-receiver: 204 for a
// delivery whose signature verifies, 401 for one whose does not, 404 when
// the receiver is off.
func (s *Server) handleTestReceiver(c *gin.Context) {
	r := s.received
	if r == nil {
		s.writeError(c, &APIError{Status: http.StatusNotFound, Code: CodeNotFound, Message: "the test receiver is off; start serve with --webhook-test-receiver"})
		return
	}
	body, err := io.ReadAll(http.MaxBytesReader(c.Writer, c.Request.Body, s.cfg.MaxBodyBytes))
	if mbe := (*http.MaxBytesError)(nil); errors.As(err, &mbe) {
		s.writeError(c, &APIError{Status: http.StatusRequestEntityTooLarge, Code: CodeBodyTooLarge, Message: fmt.Sprintf("a delivery larger than --max-body (%d bytes)", mbe.Limit)})
		return
	}
	if err != nil {
		s.writeError(c, badRequest(CodeMalformedJSON, "", "the delivery's body could not be read: %v", err))
		return
	}
	if !webhook.Verify(r.secret, body, c.GetHeader(webhook.HeaderSignature)) {
		r.mu.Lock()
		r.list.Rejected++
		r.mu.Unlock()
		s.writeError(c, &APIError{Status: http.StatusUnauthorized, Code: CodeUnauthorized, Message: "the " + webhook.HeaderSignature + " header is not the HMAC-SHA256 of the body with the test receiver's secret"})
		return
	}
	var p webhook.Payload
	if err := json.Unmarshal(body, &p); err != nil {
		s.writeError(c, badRequest(CodeMalformedJSON, "", "the delivery is not a webhook payload: %v", err))
		return
	}
	got := Received{Delivery: c.GetHeader(webhook.HeaderDelivery), ReceivedAt: s.cfg.Now().UTC(), Event: p.Event, LeadID: p.LeadID,
		OldTier: p.OldTier, NewTier: p.NewTier, Score: p.Score}
	r.mu.Lock()
	r.list.Accepted++
	if len(r.list.Received) == maxReceived {
		r.list.Received = append(r.list.Received[:0], r.list.Received[1:]...)
	}
	r.list.Received = append(r.list.Received, got)
	r.mu.Unlock()
	c.Status(http.StatusNoContent)
}

// handleReceived answers GET /v1/admin/webhooks/received?limit=: the
// newest deliveries the test receiver accepted (default 100), oldest
// first.
func (s *Server) handleReceived(c *gin.Context) {
	if s.received == nil {
		s.writeError(c, &APIError{Status: http.StatusNotFound, Code: CodeNotFound, Message: "the test receiver is off; start serve with --webhook-test-receiver"})
		return
	}
	limit := 100
	if q := c.Query("limit"); q != "" {
		n, err := strconv.Atoi(q)
		if err != nil || n < 1 || n > maxReceived {
			s.writeError(c, &APIError{Status: http.StatusBadRequest, Code: CodeInvalidParameter, Field: "limit", Message: fmt.Sprintf("expected a whole number from 1 to %d, got %q", maxReceived, q)})
			return
		}
		limit = n
	}
	s.writeJSON(c, http.StatusOK, s.Received(limit))
}

// Received returns the test receiver's counts and its newest accepted
// deliveries (at most limit, oldest first); zero when it is off.
func (s *Server) Received(limit int) ReceivedList {
	r := s.received
	if r == nil {
		return ReceivedList{Received: []Received{}}
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	out := r.list
	from := max(0, len(out.Received)-limit)
	out.Received = append([]Received{}, out.Received[from:]...)
	return out
}
