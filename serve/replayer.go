package serve

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/leadscore/leadscore/datasets/store"
)

// ReplayClock is a simulated clock for a Server (Config.Now): it stands
// where Set puts it while a history is replayed, and after Run it moves on
// with the wall clock from there. Rescoring, sweeps, webhook deliveries
// and monitoring all read it. It is safe for concurrent use.
type ReplayClock struct {
	mu   sync.Mutex
	at   time.Time
	wall time.Time // when Run started it; zero while it stands
}

// NewReplayClock returns a clock standing at at.
func NewReplayClock(at time.Time) *ReplayClock { return &ReplayClock{at: at.UTC()} }

// Now is the simulated time.
func (c *ReplayClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.wall.IsZero() {
		return c.at
	}
	return c.at.Add(time.Since(c.wall))
}

// Set stops the clock at t.
func (c *ReplayClock) Set(t time.Time) {
	c.mu.Lock()
	c.at, c.wall = t.UTC(), time.Time{}
	c.mu.Unlock()
}

// Run lets the clock move on with the wall clock from where it stands.
func (c *ReplayClock) Run() {
	c.mu.Lock()
	if c.wall.IsZero() {
		c.wall = time.Now()
	}
	c.mu.Unlock()
}

// ReplayOptions configure Replay.
type ReplayOptions struct {
	// URL is the base URL of the server's API (http://HOST:PORT), Key an
	// API key of scope score ("" without keys).
	URL, Key string
	// Client sends the requests (nil: http.DefaultClient).
	Client *http.Client
	// Step is the simulated time between two rounds (default an hour):
	// the items of a step are posted together, one request per kind and
	// per Batch items.
	Step time.Duration
	// Batch is the most items in one request (default 1000).
	Batch int
	// SweepEvery is how often, in simulated time, the active leads are
	// swept (default a day; negative: never).
	SweepEvery time.Duration
	// Progress, when set, is called after every step with the items
	// posted so far and their total.
	Progress func(done, total int)
}

// ReplayResult counts what a replay did.
type ReplayResult struct {
	Items, Requests int
	// Rescored counts the rescores after changes; Swept those of the
	// sweeps.
	Rescored, Swept int
	// Attempts counts the webhook delivery attempts.
	Attempts int
}

// Replay replays items (in time order, all in [start, end)) through s's
// HTTP API at opt.URL on the simulated clock, which must be s's
// Config.Now: step by step, the clock is set to the step's end and its
// leads, events and outcomes are posted as they happened; a debounce
// later the changed leads are rescored (Server.RescoreDue), the active
// leads are swept every SweepEvery, and the webhooks deliver what the
// rescores published. At the end the clock stands at end plus a debounce,
// every change is rescored and delivered, and the monitoring figures are
// computed. The server's own background loops need not run.
func Replay(ctx context.Context, s *Server, clock *ReplayClock, items []store.Item, start, end time.Time, opt ReplayOptions) (*ReplayResult, error) {
	if opt.Client == nil {
		opt.Client = http.DefaultClient
	}
	if opt.Step <= 0 {
		opt.Step = time.Hour
	}
	if opt.Batch <= 0 {
		opt.Batch = 1000
	}
	if opt.SweepEvery == 0 {
		opt.SweepEvery = 24 * time.Hour
	}
	res := &ReplayResult{}
	nextSweep := start.Add(opt.SweepEvery)
	i := 0
	for t := start; t.Before(end); {
		next := t.Add(opt.Step)
		if next.After(end) {
			next = end
		}
		clock.Set(next)
		j := i
		for j < len(items) && items[j].At().Before(next) {
			j++
		}
		if err := res.post(ctx, opt, items[i:j]); err != nil {
			return res, err
		}
		i = j
		clock.Set(next.Add(s.debounce()))
		if err := res.settle(ctx, s); err != nil {
			return res, err
		}
		if opt.SweepEvery > 0 && !next.Before(nextSweep) {
			n, err := s.Sweep(ctx, true)
			res.Swept += n
			if err != nil {
				return res, fmt.Errorf("replay: sweep at %s: %w", next.Format(time.RFC3339), err)
			}
			nextSweep = nextSweep.Add(opt.SweepEvery)
			if err := res.settle(ctx, s); err != nil {
				return res, err
			}
		}
		if opt.Progress != nil {
			opt.Progress(i, len(items))
		}
		t = next
	}
	if i < len(items) {
		return res, fmt.Errorf("replay: %d items are not before the end %s", len(items)-i, end.Format(time.RFC3339))
	}
	if err := s.RefreshMonitoring(ctx); err != nil {
		return res, fmt.Errorf("replay: monitoring: %w", err)
	}
	return res, nil
}

// settle rescores the leads whose debounce is over and delivers the
// webhooks due.
func (r *ReplayResult) settle(ctx context.Context, s *Server) error {
	n, err := s.RescoreDue(ctx)
	r.Rescored += n
	if err != nil {
		return fmt.Errorf("replay: %w", err)
	}
	if h := s.Webhooks(); h != nil {
		n, err := h.RunOnce(ctx)
		r.Attempts += n
		if err != nil {
			return fmt.Errorf("replay: %w", err)
		}
	}
	return nil
}

// post sends items to the API: leads, then events, then outcomes, at
// most opt.Batch to a request.
func (r *ReplayResult) post(ctx context.Context, opt ReplayOptions, items []store.Item) error {
	var leads, events, outs []any
	for _, it := range items {
		switch {
		case it.Lead != nil:
			l := it.Lead
			leads = append(leads, map[string]any{"lead_id": l.ID, "created_at": l.Created, "fields": l.Fields})
		case it.Event != nil:
			e := it.Event
			m := make(map[string]any, len(e.Attrs)+4)
			for k, v := range e.Attrs {
				m[k] = v
			}
			m["lead_id"], m["type"], m["timestamp"] = e.LeadID, e.Type, e.Time
			if e.EventID != "" {
				m["event_id"] = e.EventID
			}
			events = append(events, m)
		case it.Outcome != nil:
			o := it.Outcome
			m := map[string]any{"lead_id": o.LeadID, "converted_at": o.ConvertedAt}
			if !math.IsNaN(o.Amount) {
				m["amount"] = o.Amount
			}
			if o.Status != "" {
				m["status"] = o.Status
			}
			outs = append(outs, m)
		}
	}
	for _, k := range []struct {
		path string
		list []any
	}{{"/v1/leads", leads}, {"/v1/events", events}, {"/v1/outcomes", outs}} {
		for lo := 0; lo < len(k.list); lo += opt.Batch {
			part := k.list[lo:min(lo+opt.Batch, len(k.list))]
			if err := r.send(ctx, opt, k.path, part); err != nil {
				return err
			}
			r.Items += len(part)
		}
	}
	return nil
}

func (r *ReplayResult) send(ctx context.Context, opt ReplayOptions, path string, body []any) error {
	b, err := json.Marshal(body)
	if err != nil {
		return fmt.Errorf("replay: %w", err)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, strings.TrimSuffix(opt.URL, "/")+path, bytes.NewReader(b))
	if err != nil {
		return fmt.Errorf("replay: %w", err)
	}
	req.Header.Set("Content-Type", "application/json")
	if opt.Key != "" {
		req.Header.Set("Authorization", "Bearer "+opt.Key)
	}
	resp, err := opt.Client.Do(req)
	if err != nil {
		return fmt.Errorf("replay: POST %s: %w", path, err)
	}
	defer resp.Body.Close()
	answer, _ := io.ReadAll(io.LimitReader(resp.Body, 4096))
	r.Requests++
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("replay: POST %s of %d items: %s: %s", path, len(body), resp.Status, bytes.TrimSpace(answer))
	}
	return nil
}
