package webhook

import (
	"bytes"
	"context"
	crand "crypto/rand"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"hash/fnv"
	"io"
	"log/slog"
	"math"
	"math/rand/v2"
	"net/http"
	"net/url"
	"strconv"
	"sync"
	"time"

	"github.com/leadscore/leadscore/internal/version"
)

// Defaults of Options.
const (
	DefaultMaxAttempts = 8
	DefaultBaseDelay   = 30 * time.Second
	DefaultMaxDelay    = time.Hour
	DefaultTimeout     = 10 * time.Second
	DefaultBatch       = 500
	DefaultWorkers     = 16
)

// Target is one receiver of deliveries.
type Target struct {
	// Name identifies the target in the outbox, logs and metrics (default:
	// the URL's host and path).
	Name string
	URL  string
	// Secret keys the HMAC-SHA256 signature of every body.
	Secret []byte
	// Events, when not empty, limits the kinds sent to this target.
	Events []string
}

// wants reports whether t receives events of kind k.
func (t Target) wants(k string) bool {
	if len(t.Events) == 0 {
		return true
	}
	for _, e := range t.Events {
		if e == k {
			return true
		}
	}
	return false
}

// Options configure a Dispatcher. Zero values take the defaults.
type Options struct {
	Targets []Target
	// Outbox stores deliveries (nil: a new MemoryOutbox).
	Outbox Outbox
	// Client sends the POSTs (nil: an http.Client with Timeout).
	Client *http.Client
	// Timeout bounds one attempt (DefaultTimeout).
	Timeout time.Duration
	// MaxAttempts is the number of attempts before a delivery is
	// dead-lettered (DefaultMaxAttempts).
	MaxAttempts int
	// BaseDelay and MaxDelay shape the backoff: attempt n waits
	// min(MaxDelay, BaseDelay*2^(n-1)), its second half drawn at random.
	BaseDelay, MaxDelay time.Duration
	// Seed seeds the jitter (with each delivery's id and attempt).
	Seed uint64
	// Batch is how many due deliveries one pass claims (DefaultBatch) and
	// Workers how many are sent at once (DefaultWorkers).
	Batch, Workers int
	// Now is the clock (nil: time.Now).
	Now func() time.Time
	// Logger receives one line per failed attempt and dead letter (nil:
	// discarded). Lines name the delivery, lead id and target, never a
	// lead's fields.
	Logger *slog.Logger
	// Observe, when set, is told the result of every attempt: target,
	// "delivered", "retry" or "dead".
	Observe func(target, result string)
}

// Dispatcher queues events in an outbox and delivers them.
type Dispatcher struct {
	opt     Options
	targets map[string]Target
	order   []string
	wake    chan struct{}
	mu      sync.Mutex // one pass at a time
}

// New checks opt and returns a Dispatcher. Every target needs a URL
// (http or https) and a non-empty secret, and names must be unique.
func New(opt Options) (*Dispatcher, error) {
	if opt.Outbox == nil {
		opt.Outbox = &MemoryOutbox{}
	}
	if opt.Timeout <= 0 {
		opt.Timeout = DefaultTimeout
	}
	if opt.Client == nil {
		opt.Client = &http.Client{Timeout: opt.Timeout}
	}
	if opt.MaxAttempts <= 0 {
		opt.MaxAttempts = DefaultMaxAttempts
	}
	if opt.BaseDelay <= 0 {
		opt.BaseDelay = DefaultBaseDelay
	}
	if opt.MaxDelay <= 0 {
		opt.MaxDelay = DefaultMaxDelay
	}
	if opt.Batch <= 0 {
		opt.Batch = DefaultBatch
	}
	if opt.Workers <= 0 {
		opt.Workers = DefaultWorkers
	}
	if opt.Now == nil {
		opt.Now = time.Now
	}
	if opt.Logger == nil {
		opt.Logger = slog.New(slog.DiscardHandler)
	}
	d := &Dispatcher{opt: opt, targets: map[string]Target{}, wake: make(chan struct{}, 1)}
	for i, t := range opt.Targets {
		if err := checkTarget(&t); err != nil {
			return nil, fmt.Errorf("webhook %d: %w", i+1, err)
		}
		if _, dup := d.targets[t.Name]; dup {
			return nil, fmt.Errorf("webhook %d: a second webhook named %q; give each its own name or URL", i+1, t.Name)
		}
		d.targets[t.Name] = t
		d.order = append(d.order, t.Name)
	}
	return d, nil
}

func checkTarget(t *Target) error {
	u, err := url.Parse(t.URL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("url %q: expected an http:// or https:// URL with a host", t.URL)
	}
	if len(t.Secret) == 0 {
		return fmt.Errorf("url %s: the secret is empty; every webhook needs one (--webhook-secret-file)", t.URL)
	}
	for _, e := range t.Events {
		if !validKind(e) {
			return fmt.Errorf("url %s: events: unknown event %q; expected any of %v", t.URL, e, Kinds)
		}
	}
	if t.Name == "" {
		t.Name = u.Host + u.EscapedPath()
	}
	return nil
}

func validKind(k string) bool {
	for _, x := range Kinds {
		if x == k {
			return true
		}
	}
	return false
}

// Targets returns the targets' names in configuration order.
func (d *Dispatcher) Targets() []string { return append([]string(nil), d.order...) }

// Outbox returns the dispatcher's outbox.
func (d *Dispatcher) Outbox() Outbox { return d.opt.Outbox }

// MaxAttempts is the number of attempts before a dead letter.
func (d *Dispatcher) MaxAttempts() int { return d.opt.MaxAttempts }

// Publish queues every payload for every target that wants its kind, due
// now, and wakes the sender. Payloads of one lead are delivered in the
// order given.
func (d *Dispatcher) Publish(ctx context.Context, ps []Payload) error {
	ds, err := d.Deliveries(ps)
	if err != nil || len(ds) == 0 {
		return err
	}
	if err := d.opt.Outbox.Enqueue(ctx, ds); err != nil {
		return fmt.Errorf("webhook: %w", err)
	}
	d.Wake()
	return nil
}

// Deliveries are the new pending deliveries of ps, one per payload and
// target that wants its event, due now: what Publish enqueues. A caller
// that writes them into the outbox itself (in the transaction of the
// change they announce) calls Wake after its commit.
func (d *Dispatcher) Deliveries(ps []Payload) ([]Delivery, error) {
	now := d.opt.Now()
	var ds []Delivery
	for _, p := range ps {
		body, err := json.Marshal(p)
		if err != nil {
			return nil, fmt.Errorf("webhook: encode payload of lead %s: %w", p.LeadID, err)
		}
		for _, name := range d.order {
			if !d.targets[name].wants(p.Event) {
				continue
			}
			ds = append(ds, Delivery{ID: newID(), Target: name, LeadID: p.LeadID, Event: p.Event,
				Body: body, NextAttempt: now, CreatedAt: now})
		}
	}
	return ds, nil
}

// newID returns a random delivery id: "dlv_" and 24 hex digits.
func newID() string {
	var b [12]byte
	crand.Read(b[:]) // never fails (crypto/rand)
	return "dlv_" + hex.EncodeToString(b[:])
}

// Wake asks Run for a pass now.
func (d *Dispatcher) Wake() {
	select {
	case d.wake <- struct{}{}:
	default:
	}
}

// Run delivers until ctx is done: a pass on every tick and whenever
// Publish or Replay wakes it.
func (d *Dispatcher) Run(ctx context.Context, tick <-chan time.Time) {
	for {
		if _, err := d.RunOnce(ctx); err != nil && ctx.Err() == nil {
			d.opt.Logger.Error("webhook pass failed; retrying on the next tick", "error", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-tick:
		case <-d.wake:
		}
	}
}

// RunOnce claims the deliveries due now and sends them, one lead's
// deliveries to one target one after another, different leads at once. It
// repeats while a pass finds deliveries due (the next of a lead becomes
// due once the one before is acknowledged) and returns how many attempts
// it made.
func (d *Dispatcher) RunOnce(ctx context.Context) (int, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	total := 0
	for {
		now := d.opt.Now()
		lease := d.opt.Timeout*2 + time.Minute
		ds, err := d.opt.Outbox.Claim(ctx, now, d.opt.Batch, lease)
		if err != nil {
			return total, fmt.Errorf("webhook: claim: %w", err)
		}
		if len(ds) == 0 {
			return total, nil
		}
		sem := make(chan struct{}, d.opt.Workers)
		var wg sync.WaitGroup
		errs := make([]error, len(ds))
		moved := 0
		var ackMu sync.Mutex
		batch, _ := d.opt.Outbox.(BatchAcker)
		var acks []Ack
		for i, dl := range ds {
			wg.Add(1)
			sem <- struct{}{}
			go func() {
				defer wg.Done()
				defer func() { <-sem }()
				ok, ack, err := d.attempt(ctx, dl, batch != nil)
				errs[i] = err
				if ok {
					ackMu.Lock()
					moved++
					if ack != nil {
						acks = append(acks, *ack)
					}
					ackMu.Unlock()
				}
			}()
		}
		wg.Wait()
		total += len(ds)
		if len(acks) > 0 {
			if err := batch.AckAll(ctx, acks); err != nil {
				errs = append(errs, fmt.Errorf("webhook: ack %d deliveries: %w", len(acks), err))
			}
		}
		if err := errors.Join(errs...); err != nil {
			return total, err
		}
		if moved == 0 || ctx.Err() != nil {
			// Nothing moved a line forward: what is left waits for its
			// backoff.
			return total, ctx.Err()
		}
	}
}

// attempt sends one delivery and records the result; ok is true when it
// left its lead's line (acknowledged or dead-lettered), so the next may go.
// With defer an acknowledgement is returned for the caller to write (a
// BatchAcker's AckAll) instead of being written here.
func (d *Dispatcher) attempt(ctx context.Context, dl Delivery, deferAck bool) (bool, *Ack, error) {
	t, known := d.targets[dl.Target]
	attempts := dl.Attempts + 1
	var status int
	var reason string
	if !known {
		reason = "no webhook named " + strconv.Quote(dl.Target) + " is configured"
	} else {
		status, reason = d.send(ctx, t, dl)
	}
	now := d.opt.Now()
	out := d.opt.Outbox
	switch {
	case reason == "":
		d.observe(dl.Target, "delivered")
		if deferAck {
			return true, &Ack{ID: dl.ID, At: now, Status: status}, nil
		}
		if err := out.Ack(ctx, dl.ID, now, status); err != nil {
			return false, nil, fmt.Errorf("webhook: ack %s: %w", dl.ID, err)
		}
		return true, nil, nil
	case attempts >= d.opt.MaxAttempts || !known:
		d.observe(dl.Target, "dead")
		d.opt.Logger.Error("webhook delivery dead-lettered after its last attempt; replay it from the dashboard or POST /v1/admin/webhooks/deliveries/{id}/replay",
			"delivery", dl.ID, "lead_id", dl.LeadID, "target", dl.Target, "event", dl.Event, "attempts", attempts, "reason", reason)
		if err := out.DeadLetter(ctx, dl.ID, attempts, now, status, reason); err != nil {
			return false, nil, fmt.Errorf("webhook: dead-letter %s: %w", dl.ID, err)
		}
		return true, nil, nil
	default:
		d.observe(dl.Target, "retry")
		next := now.Add(d.Backoff(dl.ID, attempts))
		d.opt.Logger.Warn("webhook delivery failed; retrying", "delivery", dl.ID, "lead_id", dl.LeadID, "target", dl.Target,
			"event", dl.Event, "attempt", attempts, "next_attempt", next, "reason", reason)
		if err := out.Fail(ctx, dl.ID, attempts, next, status, reason); err != nil {
			return false, nil, fmt.Errorf("webhook: record failure of %s: %w", dl.ID, err)
		}
	}
	return false, nil, nil
}

func (d *Dispatcher) observe(target, result string) {
	if d.opt.Observe != nil {
		d.opt.Observe(target, result)
	}
}

// send POSTs the delivery; reason is "" on a 2xx answer.
func (d *Dispatcher) send(ctx context.Context, t Target, dl Delivery) (status int, reason string) {
	ctx, cancel := context.WithTimeout(ctx, d.opt.Timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, t.URL, bytes.NewReader(dl.Body))
	if err != nil {
		return 0, err.Error()
	}
	h := req.Header
	h.Set("Content-Type", "application/json")
	h.Set("User-Agent", "leadscore-webhook/"+version.Release)
	h.Set(HeaderEvent, dl.Event)
	h.Set(HeaderDelivery, dl.ID)
	h.Set(HeaderSignature, Sign(t.Secret, dl.Body))
	resp, err := d.opt.Client.Do(req)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err // the URL is the target's, known already
		}
		return 0, err.Error()
	}
	io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	resp.Body.Close()
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return resp.StatusCode, "HTTP " + strconv.Itoa(resp.StatusCode)
	}
	return resp.StatusCode, ""
}

// Backoff is the wait after failed attempt n (1-based) of delivery id:
// c = min(MaxDelay, BaseDelay*2^(n-1)), then c/2 plus a uniform draw in
// [0, c/2) seeded by (Seed, id, n), so a retry schedule is reproducible
// and deliveries that failed together spread out.
func (d *Dispatcher) Backoff(id string, n int) time.Duration {
	c := float64(d.opt.BaseDelay) * math.Pow(2, float64(max(n, 1)-1))
	c = math.Min(c, float64(d.opt.MaxDelay))
	h := fnv.New64a()
	h.Write([]byte(id))
	var nb [8]byte
	binary.LittleEndian.PutUint64(nb[:], uint64(n))
	h.Write(nb[:])
	rng := rand.New(rand.NewPCG(d.opt.Seed, h.Sum64()))
	return time.Duration(c/2 + rng.Float64()*c/2)
}

// Replay queues a dead-lettered delivery again, due now, and wakes the
// sender.
func (d *Dispatcher) Replay(ctx context.Context, id string) error {
	if err := d.opt.Outbox.Replay(ctx, id, d.opt.Now()); err != nil {
		return err
	}
	d.opt.Logger.Info("webhook delivery replayed", "delivery", id)
	d.Wake()
	return nil
}
