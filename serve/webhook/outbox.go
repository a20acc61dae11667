package webhook

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"time"
)

// Delivery states.
const (
	StatePending   = "pending"
	StateDelivered = "delivered"
	StateDead      = "dead"
)

// Delivery is one payload on its way to one target.
type Delivery struct {
	// ID is the X-Leadscore-Delivery header: unique, the same on every
	// attempt and replay.
	ID     string `json:"id"`
	Target string `json:"target"`
	LeadID string `json:"lead_id"`
	Event  string `json:"event"`
	// Seq orders deliveries: the outbox assigns increasing numbers on
	// Enqueue and Replay.
	Seq  int64  `json:"seq"`
	Body []byte `json:"-"`
	// State is pending, delivered or dead.
	State    string `json:"state"`
	Attempts int    `json:"attempts"`
	// NextAttempt is when a pending delivery is due.
	NextAttempt time.Time `json:"next_attempt"`
	CreatedAt   time.Time `json:"created_at"`
	// DoneAt is when it was delivered or dead-lettered.
	DoneAt time.Time `json:"done_at,omitzero"`
	// LastError is the last failed attempt's reason (a status code or a
	// network error), never the receiver's body.
	LastError string `json:"last_error,omitempty"`
	// LastStatus is the HTTP status of the last attempt, 0 when none came.
	LastStatus int `json:"last_status,omitempty"`
}

// ErrNotFound is returned for a delivery id the outbox does not hold.
var ErrNotFound = errors.New("no such delivery")

// ErrNotDead is returned by Replay for a delivery that is not
// dead-lettered.
var ErrNotDead = errors.New("delivery is not dead-lettered")

// Outbox stores deliveries until they are acknowledged. Implementations
// must be safe for concurrent use, and for use by several processes when
// they share storage (Claim leases a delivery so no two workers send it at
// once). Package outboxtest is the suite every implementation passes.
//
// In a SQL store the outbox is one table (times in Unix nanoseconds;
// BIGINT, BYTEA and BIGSERIAL-fed seq on PostgreSQL):
//
//	CREATE TABLE webhook_outbox (
//	    id           TEXT    PRIMARY KEY,  -- X-Leadscore-Delivery
//	    seq          INTEGER NOT NULL,     -- line order: next value on Enqueue and Replay
//	    target       TEXT    NOT NULL,
//	    lead_id      TEXT    NOT NULL,
//	    event        TEXT    NOT NULL,
//	    body         BLOB    NOT NULL,
//	    state        TEXT    NOT NULL,     -- pending, delivered, dead
//	    attempts     INTEGER NOT NULL DEFAULT 0,
//	    next_attempt INTEGER NOT NULL,
//	    lease_until  INTEGER NOT NULL DEFAULT 0,
//	    created_at   INTEGER NOT NULL,
//	    done_at      INTEGER,
//	    last_status  INTEGER,
//	    last_error   TEXT
//	);
//	CREATE UNIQUE INDEX webhook_outbox_seq ON webhook_outbox (seq);
//	CREATE INDEX webhook_outbox_line ON webhook_outbox (target, lead_id, seq) WHERE state = 'pending';
//	CREATE INDEX webhook_outbox_state ON webhook_outbox (state, seq);
//
// Claim is, in one transaction (FOR UPDATE SKIP LOCKED on PostgreSQL, so
// replicas claim different rows):
//
//	SELECT ... FROM webhook_outbox o
//	WHERE o.state = 'pending' AND o.next_attempt <= :now AND o.lease_until <= :now
//	  AND NOT EXISTS (SELECT 1 FROM webhook_outbox p WHERE p.state = 'pending'
//	                  AND p.target = o.target AND p.lead_id = o.lead_id AND p.seq < o.seq)
//	ORDER BY o.seq LIMIT :limit;
//	UPDATE webhook_outbox SET lease_until = :now + :lease WHERE id IN (...);
//
// Ack, Fail and DeadLetter update one pending row (and clear its lease);
// Replay sets a dead row pending with a new seq, attempts 0 and
// next_attempt = now. Delivered rows may be pruned after a retention, as
// the prediction log is.
type Outbox interface {
	// Enqueue stores new pending deliveries, due at their NextAttempt,
	// assigning each the next Seq.
	Enqueue(ctx context.Context, ds []Delivery) error
	// Claim returns up to limit pending deliveries due at now, each the
	// oldest (lowest Seq) pending delivery of its lead and target, none
	// already leased, and leases them until now+lease.
	Claim(ctx context.Context, now time.Time, limit int, lease time.Duration) ([]Delivery, error)
	// Ack marks a delivery delivered at the given time.
	Ack(ctx context.Context, id string, at time.Time, status int) error
	// Fail records a failed attempt: the attempts made, when to retry and
	// why; it ends the lease.
	Fail(ctx context.Context, id string, attempts int, next time.Time, status int, reason string) error
	// DeadLetter records the last failed attempt and moves the delivery
	// to the dead-letter list.
	DeadLetter(ctx context.Context, id string, attempts int, at time.Time, status int, reason string) error
	// Replay makes a dead delivery pending again, due at now, with its
	// attempts reset and a new Seq (it goes to the back of its lead's
	// line). ErrNotFound or ErrNotDead otherwise.
	Replay(ctx context.Context, id string, now time.Time) error
	// List returns up to limit deliveries in the given state ("" any),
	// newest (highest Seq) first.
	List(ctx context.Context, state string, limit int) ([]Delivery, error)
	// Get returns one delivery by id, or ErrNotFound.
	Get(ctx context.Context, id string) (Delivery, error)
}

// Ack is one acknowledged delivery: its id, when and the receiver's
// status.
type Ack struct {
	ID     string
	At     time.Time
	Status int
}

// BatchAcker is an Outbox that acknowledges many deliveries in one write.
// With one, the Dispatcher acknowledges a pass's deliveries together once
// they are all sent (one transaction instead of one per delivery); a
// crash before that write sends them again, which at-least-once delivery
// allows.
type BatchAcker interface {
	AckAll(ctx context.Context, acks []Ack) error
}

// MemoryOutbox is an Outbox in memory: for tests, and for serve without a
// store (deliveries are then lost on restart). The zero value is ready.
// Delivered deliveries beyond the newest Keep are forgotten (dead ones are
// kept for replay).
type MemoryOutbox struct {
	// Keep is how many delivered deliveries List still shows (0:
	// DefaultKeep).
	Keep int

	mu     sync.Mutex
	done   []string // delivered ids, oldest first
	seq    int64
	byID   map[string]*memEntry
	byLine map[[2]string][]*memEntry // (target, lead) -> pending, by Seq
}

// DefaultKeep is MemoryOutbox's default Keep.
const DefaultKeep = 10000

type memEntry struct {
	d     Delivery
	lease time.Time
}

// Enqueue implements Outbox.
func (m *MemoryOutbox) Enqueue(_ context.Context, ds []Delivery) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.init()
	for _, d := range ds {
		if d.ID == "" {
			return errors.New("webhook outbox: a delivery needs an id")
		}
		if _, dup := m.byID[d.ID]; dup {
			return fmt.Errorf("webhook outbox: delivery %s is already queued", d.ID)
		}
	}
	for _, d := range ds {
		m.seq++
		d.Seq, d.State = m.seq, StatePending
		e := &memEntry{d: d}
		m.byID[d.ID] = e
		k := [2]string{d.Target, d.LeadID}
		m.byLine[k] = append(m.byLine[k], e)
	}
	return nil
}

func (m *MemoryOutbox) init() {
	if m.byID == nil {
		m.byID = map[string]*memEntry{}
		m.byLine = map[[2]string][]*memEntry{}
	}
}

// Claim implements Outbox.
func (m *MemoryOutbox) Claim(_ context.Context, now time.Time, limit int, lease time.Duration) ([]Delivery, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.init()
	var heads []*memEntry
	for _, line := range m.byLine {
		h := line[0]
		if h.lease.After(now) || h.d.NextAttempt.After(now) {
			continue
		}
		heads = append(heads, h)
	}
	slices.SortFunc(heads, func(a, b *memEntry) int { return cmpInt(a.d.Seq, b.d.Seq) })
	if limit > 0 && len(heads) > limit {
		heads = heads[:limit]
	}
	out := make([]Delivery, len(heads))
	for i, h := range heads {
		h.lease = now.Add(lease)
		out[i] = h.d
		out[i].Body = slices.Clone(h.d.Body)
	}
	return out, nil
}

func cmpInt(a, b int64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// pending returns the pending entry id; m.mu is held.
func (m *MemoryOutbox) pending(id string) (*memEntry, error) {
	m.init()
	e, ok := m.byID[id]
	if !ok {
		return nil, fmt.Errorf("%w: %s", ErrNotFound, id)
	}
	if e.d.State != StatePending {
		return nil, fmt.Errorf("webhook outbox: delivery %s is %s, not pending", id, e.d.State)
	}
	return e, nil
}

// leave removes e from its lead's line; m.mu is held.
func (m *MemoryOutbox) leave(e *memEntry) {
	k := [2]string{e.d.Target, e.d.LeadID}
	line := slices.DeleteFunc(m.byLine[k], func(x *memEntry) bool { return x == e })
	if len(line) == 0 {
		delete(m.byLine, k)
	} else {
		m.byLine[k] = line
	}
	e.lease = time.Time{}
}

// Ack implements Outbox.
func (m *MemoryOutbox) Ack(_ context.Context, id string, at time.Time, status int) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	e, err := m.pending(id)
	if err != nil {
		return err
	}
	m.leave(e)
	e.d.State, e.d.DoneAt, e.d.Attempts, e.d.LastStatus, e.d.LastError = StateDelivered, at, e.d.Attempts+1, status, ""
	m.done = append(m.done, id)
	keep := m.Keep
	if keep <= 0 {
		keep = DefaultKeep
	}
	for len(m.done) > keep {
		delete(m.byID, m.done[0])
		m.done = m.done[1:]
	}
	return nil
}

// Fail implements Outbox.
func (m *MemoryOutbox) Fail(_ context.Context, id string, attempts int, next time.Time, status int, reason string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	e, err := m.pending(id)
	if err != nil {
		return err
	}
	e.d.Attempts, e.d.NextAttempt, e.d.LastStatus, e.d.LastError = attempts, next, status, reason
	e.lease = time.Time{}
	return nil
}

// DeadLetter implements Outbox.
func (m *MemoryOutbox) DeadLetter(_ context.Context, id string, attempts int, at time.Time, status int, reason string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	e, err := m.pending(id)
	if err != nil {
		return err
	}
	m.leave(e)
	e.d.State, e.d.Attempts, e.d.DoneAt, e.d.LastStatus, e.d.LastError = StateDead, attempts, at, status, reason
	return nil
}

// Replay implements Outbox.
func (m *MemoryOutbox) Replay(_ context.Context, id string, now time.Time) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.init()
	e, ok := m.byID[id]
	if !ok {
		return fmt.Errorf("%w: %s", ErrNotFound, id)
	}
	if e.d.State != StateDead {
		return fmt.Errorf("%w: %s is %s", ErrNotDead, id, e.d.State)
	}
	m.seq++
	e.d.Seq, e.d.State, e.d.Attempts, e.d.NextAttempt, e.d.DoneAt = m.seq, StatePending, 0, now, time.Time{}
	k := [2]string{e.d.Target, e.d.LeadID}
	m.byLine[k] = append(m.byLine[k], e)
	return nil
}

// List implements Outbox.
func (m *MemoryOutbox) List(_ context.Context, state string, limit int) ([]Delivery, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []Delivery
	for _, e := range m.byID {
		if state == "" || e.d.State == state {
			out = append(out, e.d)
		}
	}
	slices.SortFunc(out, func(a, b Delivery) int { return cmpInt(b.Seq, a.Seq) })
	if limit > 0 && len(out) > limit {
		out = out[:limit]
	}
	for i := range out {
		out[i].Body = slices.Clone(out[i].Body)
	}
	return out, nil
}

// Get implements Outbox.
func (m *MemoryOutbox) Get(_ context.Context, id string) (Delivery, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.init()
	e, ok := m.byID[id]
	if !ok {
		return Delivery{}, fmt.Errorf("%w: %s", ErrNotFound, id)
	}
	d := e.d
	d.Body = slices.Clone(d.Body)
	return d, nil
}
