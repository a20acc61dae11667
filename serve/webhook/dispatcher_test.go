package webhook

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// clock is a settable clock for the dispatcher.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// received is one request the test receiver got.
type received struct {
	Delivery string
	Event    string
	Payload  Payload
	Valid    bool // the signature verified with the receiver's secret
}

// receiver is a local webhook receiver that verifies signatures and
// answers the status fail returns (200 when fail is nil).
type receiver struct {
	secret []byte
	mu     sync.Mutex
	got    []received
	fail   func(n int, p Payload) int // n: requests so far
	srv    *httptest.Server
}

func newReceiver(t *testing.T, secret string) *receiver {
	r := &receiver{secret: []byte(secret)}
	r.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		body, err := io.ReadAll(req.Body)
		if err != nil {
			w.WriteHeader(http.StatusBadRequest)
			return
		}
		var p Payload
		if err := json.Unmarshal(body, &p); err != nil {
			w.WriteHeader(http.StatusBadRequest)
			return
		}
		r.mu.Lock()
		n := len(r.got)
		r.got = append(r.got, received{Delivery: req.Header.Get(HeaderDelivery), Event: req.Header.Get(HeaderEvent), Payload: p,
			Valid: Verify(r.secret, body, req.Header.Get(HeaderSignature))})
		fail := r.fail
		r.mu.Unlock()
		if req.Header.Get("Content-Type") != "application/json" {
			w.WriteHeader(http.StatusUnsupportedMediaType)
			return
		}
		if fail != nil {
			if code := fail(n, p); code != 0 {
				w.WriteHeader(code)
				return
			}
		}
		w.WriteHeader(http.StatusNoContent)
	}))
	t.Cleanup(r.srv.Close)
	return r
}

func (r *receiver) requests() []received {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]received(nil), r.got...)
}

func payloads(lead string, n int, at time.Time) []Payload {
	tiers := []string{"cold", "warm", "hot"}
	var out []Payload
	for i := range n {
		out = append(out, Payload{Event: KindTierChanged, LeadID: lead, OldTier: tiers[i%3], NewTier: tiers[(i+1)%3],
			Score: i + 1, OccurredAt: at.Add(time.Duration(i) * time.Second)})
	}
	return out
}

func newDispatcher(t *testing.T, clk *clock, out Outbox, targets ...Target) *Dispatcher {
	t.Helper()
	d, err := New(Options{Targets: targets, Outbox: out, Now: clk.Now, Seed: 7, BaseDelay: time.Minute, MaxDelay: 30 * time.Minute, MaxAttempts: 4})
	require.NoError(t, err)
	return d
}

// TestDeliverSignedOnceInOrder publishes interleaved changes of many leads
// and checks that each reaches the receiver once, signed, and in order per
// lead, although leads are sent concurrently.
func TestDeliverSignedOnceInOrder(t *testing.T) {
	ctx := context.Background()
	clk := &clock{t: time.Date(2026, 1, 5, 9, 0, 0, 0, time.UTC)}
	rcv := newReceiver(t, "s3cret-of-the-crm")
	d := newDispatcher(t, clk, &MemoryOutbox{}, Target{URL: rcv.srv.URL + "/hooks", Secret: []byte("s3cret-of-the-crm")})
	const leads, each = 20, 5
	var all []Payload
	for i := range each {
		for l := range leads {
			all = append(all, payloads(fmt.Sprintf("L-%02d", l), each, clk.Now())[i])
		}
	}
	// Publish in three calls, the sender running in between.
	require.NoError(t, d.Publish(ctx, all[:30]))
	_, err := d.RunOnce(ctx)
	require.NoError(t, err)
	require.NoError(t, d.Publish(ctx, all[30:]))
	_, err = d.RunOnce(ctx)
	require.NoError(t, err)

	got := rcv.requests()
	require.Len(t, got, leads*each)
	seen := map[string]bool{}
	last := map[string]int{}
	for _, r := range got {
		assert.True(t, r.Valid, "signature of %s", r.Delivery)
		assert.Regexp(t, `^dlv_[0-9a-f]{24}$`, r.Delivery)
		assert.False(t, seen[r.Delivery], "delivery %s received twice", r.Delivery)
		seen[r.Delivery] = true
		assert.Equal(t, KindTierChanged, r.Event)
		assert.Greater(t, r.Payload.Score, last[r.Payload.LeadID], "lead %s out of order", r.Payload.LeadID)
		last[r.Payload.LeadID] = r.Payload.Score
	}
	dl, err := d.Outbox().List(ctx, StateDelivered, 0)
	require.NoError(t, err)
	assert.Len(t, dl, leads*each)
	n, err := d.RunOnce(ctx)
	require.NoError(t, err)
	assert.Zero(t, n, "nothing is sent twice")
}

// TestRetryBackoffDeadLetterReplay: a receiver answering 500 gets the
// delivery again after each backoff, and the lead's next delivery waits
// behind it; after the last attempt it is dead-lettered, the next one
// goes, and a replay delivers the dead one with its id and body.
func TestRetryBackoffDeadLetterReplay(t *testing.T) {
	ctx := context.Background()
	clk := &clock{t: time.Date(2026, 1, 5, 9, 0, 0, 0, time.UTC)}
	rcv := newReceiver(t, "k")
	failing := true
	rcv.fail = func(_ int, p Payload) int {
		if failing && p.Score == 1 {
			return http.StatusInternalServerError
		}
		return 0
	}
	d := newDispatcher(t, clk, &MemoryOutbox{}, Target{Name: "crm", URL: rcv.srv.URL, Secret: []byte("k")})
	require.NoError(t, d.Publish(ctx, payloads("L-1", 2, clk.Now())))
	_, err := d.RunOnce(ctx)
	require.NoError(t, err)
	require.Len(t, rcv.requests(), 1, "the second waits behind the first")

	pend, err := d.Outbox().List(ctx, StatePending, 0)
	require.NoError(t, err)
	require.Len(t, pend, 2)
	first := pend[1]
	require.Equal(t, 1, first.Attempts)
	assert.Equal(t, 500, first.LastStatus)
	assert.Equal(t, "HTTP 500", first.LastError)
	wait := first.NextAttempt.Sub(clk.Now())
	assert.Equal(t, d.Backoff(first.ID, 1), wait)
	assert.GreaterOrEqual(t, wait, 30*time.Second)
	assert.Less(t, wait, time.Minute)

	// Not due yet: nothing is sent.
	clk.Advance(wait - time.Second)
	n, err := d.RunOnce(ctx)
	require.NoError(t, err)
	assert.Zero(t, n)
	// Attempts 2, 3 and 4 (the last) at their backoffs.
	for attempt := 2; attempt <= 4; attempt++ {
		got, err := d.Outbox().Get(ctx, first.ID)
		require.NoError(t, err)
		clk.t = got.NextAttempt
		_, err = d.RunOnce(ctx)
		require.NoError(t, err)
		if attempt < 4 {
			require.Len(t, rcv.requests(), attempt)
			got, err = d.Outbox().Get(ctx, first.ID)
			require.NoError(t, err)
			c := time.Minute << (attempt - 1)
			assert.Equal(t, d.Backoff(first.ID, attempt), got.NextAttempt.Sub(clk.Now()))
			assert.GreaterOrEqual(t, got.NextAttempt.Sub(clk.Now()), c/2)
			assert.Less(t, got.NextAttempt.Sub(clk.Now()), c)
		}
	}
	// The fourth attempt was the last: dead, and the next delivery went.
	got := rcv.requests()
	require.Len(t, got, 5)
	assert.Equal(t, 2, got[4].Payload.Score)
	dead, err := d.Outbox().List(ctx, StateDead, 0)
	require.NoError(t, err)
	require.Len(t, dead, 1)
	assert.Equal(t, first.ID, dead[0].ID)
	assert.Equal(t, 4, dead[0].Attempts)
	for _, r := range got[:4] {
		assert.Equal(t, first.ID, r.Delivery, "every retry carries the same delivery id")
	}

	// Replay: delivered once more, same id and body.
	failing = false
	require.ErrorIs(t, d.Replay(ctx, "dlv_nope"), ErrNotFound)
	require.ErrorIs(t, d.Replay(ctx, got[4].Delivery), ErrNotDead)
	require.NoError(t, d.Replay(ctx, first.ID))
	_, err = d.RunOnce(ctx)
	require.NoError(t, err)
	got = rcv.requests()
	require.Len(t, got, 6)
	assert.Equal(t, first.ID, got[5].Delivery)
	assert.Equal(t, got[0].Payload, got[5].Payload)
	assert.True(t, got[5].Valid)
	final, err := d.Outbox().Get(ctx, first.ID)
	require.NoError(t, err)
	assert.Equal(t, StateDelivered, final.State)
	dead, err = d.Outbox().List(ctx, StateDead, 0)
	require.NoError(t, err)
	assert.Empty(t, dead)
}

// TestBackoffSeeded: the schedule is reproducible by seed and delivery,
// grows exponentially up to MaxDelay, and differs between deliveries.
func TestBackoffSeeded(t *testing.T) {
	mk := func(seed uint64) *Dispatcher {
		d, err := New(Options{Seed: seed, BaseDelay: time.Second, MaxDelay: time.Minute})
		require.NoError(t, err)
		return d
	}
	a, b, c := mk(1), mk(1), mk(2)
	for n := 1; n <= 10; n++ {
		assert.Equal(t, a.Backoff("dlv_x", n), b.Backoff("dlv_x", n))
		cap := min(time.Second<<(n-1), time.Minute)
		assert.GreaterOrEqual(t, a.Backoff("dlv_x", n), cap/2, "attempt %d", n)
		assert.Less(t, a.Backoff("dlv_x", n), cap, "attempt %d", n)
	}
	assert.NotEqual(t, a.Backoff("dlv_x", 3), c.Backoff("dlv_x", 3))
	assert.NotEqual(t, a.Backoff("dlv_x", 3), a.Backoff("dlv_y", 3))
}

// TestRestartKeepsOutbox: deliveries queued by one dispatcher that never
// sent them (a process that stopped) are sent by the next one over the
// same outbox, and a lease left by a crash mid-send expires.
func TestRestartKeepsOutbox(t *testing.T) {
	ctx := context.Background()
	clk := &clock{t: time.Date(2026, 1, 5, 9, 0, 0, 0, time.UTC)}
	rcv := newReceiver(t, "k")
	out := &MemoryOutbox{}
	target := Target{Name: "crm", URL: rcv.srv.URL, Secret: []byte("k")}
	first := newDispatcher(t, clk, out, target)
	require.NoError(t, first.Publish(ctx, payloads("L-1", 3, clk.Now())))
	// The first process claims the head and dies before sending it.
	claimed, err := out.Claim(ctx, clk.Now(), 10, time.Minute)
	require.NoError(t, err)
	require.Len(t, claimed, 1)

	second := newDispatcher(t, clk, out, target)
	n, err := second.RunOnce(ctx)
	require.NoError(t, err)
	assert.Zero(t, n, "the lease holds")
	clk.Advance(time.Minute)
	_, err = second.RunOnce(ctx)
	require.NoError(t, err)
	got := rcv.requests()
	require.Len(t, got, 3)
	for i, r := range got {
		assert.Equal(t, i+1, r.Payload.Score)
	}
}

// TestTargetsAndEvents: each target gets its own delivery of the kinds it
// asked for, signed with its own secret.
func TestTargetsAndEvents(t *testing.T) {
	ctx := context.Background()
	clk := &clock{t: time.Date(2026, 1, 5, 9, 0, 0, 0, time.UTC)}
	a, b := newReceiver(t, "secret-a"), newReceiver(t, "secret-b")
	d := newDispatcher(t, clk, &MemoryOutbox{},
		Target{URL: a.srv.URL, Secret: []byte("secret-a")},
		Target{URL: b.srv.URL, Secret: []byte("secret-b"), Events: []string{KindMQLChanged}})
	ps := []Payload{{Event: KindTierChanged, LeadID: "L-1"}, {Event: KindMQLChanged, LeadID: "L-1"}}
	require.NoError(t, d.Publish(ctx, ps))
	_, err := d.RunOnce(ctx)
	require.NoError(t, err)
	ga, gb := a.requests(), b.requests()
	require.Len(t, ga, 2)
	require.Len(t, gb, 1)
	assert.Equal(t, KindMQLChanged, gb[0].Event)
	assert.True(t, ga[0].Valid)
	assert.True(t, gb[0].Valid)
	assert.NotEqual(t, ga[1].Delivery, gb[0].Delivery)
}

func TestNewRefusesBadTargets(t *testing.T) {
	for _, tc := range []struct {
		t    Target
		want string
	}{
		{Target{URL: "ftp://x", Secret: []byte("k")}, "expected an http:// or https:// URL"},
		{Target{URL: "http://", Secret: []byte("k")}, "with a host"},
		{Target{URL: "http://x"}, "secret is empty"},
		{Target{URL: "http://x", Secret: []byte("k"), Events: []string{"tier"}}, `unknown event "tier"`},
	} {
		_, err := New(Options{Targets: []Target{tc.t}})
		require.Error(t, err)
		assert.Contains(t, err.Error(), tc.want)
	}
	_, err := New(Options{Targets: []Target{{URL: "http://x/a", Secret: []byte("k")}, {URL: "http://x/a", Secret: []byte("j")}}})
	require.ErrorContains(t, err, "a second webhook named")
}

func TestSignVerify(t *testing.T) {
	body := []byte(`{"event":"tier_changed"}`)
	// echo -n '{"event":"tier_changed"}' | openssl dgst -sha256 -hmac k
	sig := Sign([]byte("k"), body)
	assert.Equal(t, "sha256=90128930561a49946a06ce72f0e4d5db7add1bfea0407393c5d1cb34f25f1db1", sig)
	assert.True(t, Verify([]byte("k"), body, sig))
	assert.False(t, Verify([]byte("j"), body, sig))
	assert.False(t, Verify([]byte("k"), append(body, ' '), sig))
	assert.False(t, Verify([]byte("k"), body, sig[len("sha256="):]))
	assert.False(t, Verify([]byte("k"), body, "sha256=zz"))
}

func TestLoadTargets(t *testing.T) {
	dir := t.TempDir()
	write := func(name, data string, mode os.FileMode) string {
		p := filepath.Join(dir, name)
		require.NoError(t, os.WriteFile(p, []byte(data), mode))
		require.NoError(t, os.Chmod(p, mode))
		return p
	}
	good := write("good.secret", "topsecret \n# ignored\n", 0o600)
	open := write("open.secret", "topsecret\n", 0o644)
	empty := write("empty.secret", "\n", 0o600)
	cfg := write("hooks.yaml", "webhooks:\n  - url: https://crm.example.com/h\n    secret_file: "+good+"\n    events: [mql_changed]\n  - name: two\n    url: http://127.0.0.1:9/x\n    secret_file: "+good+"\n", 0o644)

	ts, err := LoadTargets([]string{"https://a.example.com/hook"}, []string{good}, cfg)
	require.NoError(t, err)
	require.Len(t, ts, 3)
	assert.Equal(t, []byte("topsecret"), ts[0].Secret)
	assert.Equal(t, "a.example.com/hook", ts[0].Name)
	assert.Equal(t, []string{KindMQLChanged}, ts[1].Events)
	assert.Equal(t, "two", ts[2].Name)

	for _, tc := range []struct {
		urls, secrets []string
		cfg, want     string
	}{
		{[]string{"http://a/h"}, nil, "", "--webhook-url given 1 times and --webhook-secret-file 0 times"},
		{[]string{"http://a/h"}, []string{open}, "", "chmod 600"},
		{[]string{"http://a/h"}, []string{empty}, "", "the secret is empty"},
		{[]string{"http://a/h"}, []string{filepath.Join(dir, "none")}, "", "--webhook-secret-file"},
		{[]string{"a/h"}, []string{good}, "", "--webhook-url: url \"a/h\""},
		{nil, nil, write("bad.yaml", "webhooks:\n  - url: http://a/h\n    secret: x\n", 0o644), "field secret not found"},
		{nil, nil, write("nourl.yaml", "webhooks:\n  - secret_file: "+good+"\n", 0o644), "webhooks[0]: url is missing"},
		{nil, nil, write("none.yaml", "webhooks: []\n", 0o644), "no webhooks"},
		{nil, nil, write("ev.yaml", "webhooks:\n  - url: http://a/h\n    secret_file: "+good+"\n    events: [hot]\n", 0o644), `unknown event "hot"`},
	} {
		_, err := LoadTargets(tc.urls, tc.secrets, tc.cfg)
		require.Error(t, err, tc.want)
		assert.Contains(t, err.Error(), tc.want)
	}
}
