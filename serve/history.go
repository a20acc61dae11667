package serve

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"slices"
	"time"

	"github.com/leadscore/leadscore/datasets"
	"github.com/leadscore/leadscore/datasets/store"
	"github.com/leadscore/leadscore/internal/atomicfile"
	"github.com/leadscore/leadscore/models"
	"github.com/leadscore/leadscore/serve/webhook"
)

// HistoryOptions name the files of a lead history (leads, events and
// outcomes with the store's default columns, as `leadscore generate`
// writes them) and how much of its end is kept for a replay.
type HistoryOptions struct {
	Leads, Events, Outcomes string
	// Replay is how much of the history's end is held back to be
	// replayed through the API (positive).
	Replay time.Duration
	// End is when the history ends: nothing after it has happened yet.
	// Zero takes the last lead's creation, rounded up to the hour (the
	// moment the last lead arrived).
	End time.Time
}

// History is a lead history loaded into a store up to Start; its items
// from Start until End wait to be replayed (Replay).
type History struct {
	Start, End time.Time
	// Loaded is what the store got: everything that happened before
	// Start.
	Loaded *store.ImportReport
	// Items happened in [Start, End), in time order (a lead before its
	// events of the same instant, outcomes last).
	Items []store.Item
	// Later counts the rows after End, which are not replayed.
	Later int
	// leads are the loaded leads' ids and creation times, oldest first.
	leads []createdLead
}

type createdLead struct {
	id string
	at time.Time
}

// LoadHistory writes the history of opt's files that happened before
// End-Replay into st (store.Import, each version of a lead's fields valid
// from its creation) and returns the rest up to End, to be replayed.
func LoadHistory(ctx context.Context, st *store.Store, opt HistoryOptions) (*History, error) {
	if opt.Replay <= 0 {
		return nil, fmt.Errorf("history: the replayed span must be positive, got %s", opt.Replay)
	}
	leads, err := readCreated(opt.Leads)
	if err != nil {
		return nil, err
	}
	if len(leads) == 0 {
		return nil, fmt.Errorf("history: %s has no lead with a %s", opt.Leads, store.ColCreated)
	}
	h := &History{End: opt.End}
	if h.End.IsZero() {
		h.End = leads[len(leads)-1].at.Truncate(time.Hour).Add(time.Hour)
	}
	h.Start = h.End.Add(-opt.Replay)
	for _, l := range leads {
		if l.at.Before(h.Start) {
			h.leads = append(h.leads, l)
		}
	}
	h.Loaded, err = st.Import(ctx, store.ImportOptions{Leads: opt.Leads, Events: opt.Events, Outcomes: opt.Outcomes,
		Now: h.Start, Until: h.Start, Later: func(it store.Item) {
			if it.At().Before(h.End) {
				h.Items = append(h.Items, it)
			} else {
				h.Later++
			}
		}})
	if err != nil {
		return nil, fmt.Errorf("history: %w", err)
	}
	slices.SortStableFunc(h.Items, func(a, b store.Item) int {
		if c := a.At().Compare(b.At()); c != 0 {
			return c
		}
		return cmp.Compare(itemOrder(a), itemOrder(b))
	})
	return h, nil
}

// itemOrder orders items of one instant: a lead, its events, outcomes.
func itemOrder(it store.Item) int {
	switch {
	case it.Lead != nil:
		return 0
	case it.Event != nil:
		return 1
	}
	return 2
}

// readCreated reads the lead ids and creation times of a leads file,
// oldest first.
func readCreated(path string) ([]createdLead, error) {
	r, err := datasets.Open(path, datasets.ReadOptions{Required: []string{store.ColLeadID, store.ColCreated}, BatchSize: 20000})
	if err != nil {
		return nil, fmt.Errorf("history: %w", err)
	}
	defer r.Close()
	var out []createdLead
	for {
		t, err := r.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("history: %w", err)
		}
		ids, cs := t.Col(store.ColLeadID), t.Col(store.ColCreated)
		for i := range t.Rows() {
			if cs.IsMissing(i) || ids.IsMissing(i) {
				continue
			}
			var at time.Time
			if cs.Kind == datasets.KindTime {
				at = time.Unix(0, cs.Time[i]).UTC()
			} else if at, err = time.Parse(time.RFC3339Nano, cs.String(i)); err != nil {
				return nil, fmt.Errorf("history: %s line %d: column %s: %q is not an RFC 3339 time", path, t.Line[i], store.ColCreated, cs.String(i))
			}
			out = append(out, createdLead{ids.String(i), at})
		}
	}
	slices.SortStableFunc(out, func(a, b createdLead) int { return a.at.Compare(b.at) })
	return out, nil
}

// Backfill scores the loaded leads as the service would have scored them
// had it run through the history, so that they have score histories and
// monitoring has judged scores from the start: at every multiple of every
// after the first lead's creation, up to Start, the leads created within
// young before that moment are rescored as of it through the scoring path
// (Rescore, threads at once) and logged with that moment as their time. It
// returns how many scores it logged.
func (h *History) Backfill(ctx context.Context, st *store.Store, m Model, every, young time.Duration, threads int) (int, error) {
	if every <= 0 || young <= 0 || len(h.leads) == 0 {
		return 0, nil
	}
	n := 0
	lo := 0
	for at := h.leads[0].at.Truncate(24 * time.Hour).Add(every); at.Before(h.Start); at = at.Add(every) {
		for lo < len(h.leads) && !h.leads[lo].at.After(at.Add(-young)) {
			lo++
		}
		var ids []string
		for _, l := range h.leads[lo:] {
			if !l.at.Before(at) {
				break
			}
			ids = append(ids, l.id)
		}
		if len(ids) == 0 {
			continue
		}
		err := Rescore(ctx, st, m, RescoreOptions{IDs: ids, AsOf: at, ScoredAt: at, Log: true, Threads: threads,
			Score: models.ScoreOptions{Explain: webhook.DefaultTopReasons}}, func(sc *models.Scored) error {
			if sc.Result != nil {
				n++
			}
			return nil
		})
		if err != nil {
			return n, fmt.Errorf("history: score the leads as of %s: %w", at.Format(time.RFC3339), err)
		}
	}
	return n, nil
}

// StoreReplayOptions configure BuildReplayedStore.
type StoreReplayOptions struct {
	// ModelsDir holds the bundle that scores (its champion).
	ModelsDir string
	// StoreFile is the SQLite file to write; an existing one is replaced
	// once the new one is complete.
	StoreFile string
	History   HistoryOptions
	// BackfillEvery and BackfillYoung shape History.Backfill (a week and
	// four weeks when zero; negative BackfillEvery: no backfill).
	BackfillEvery, BackfillYoung time.Duration
	// Webhooks receive the replay's changes; without any receiver the
	// built-in test receiver gets them.
	Webhooks WebhookConfig
	// Replay configures the replay (its URL is the replaying server's).
	Replay ReplayOptions
	// Threads score the backfill (0: GOMAXPROCS).
	Threads int
	Logger  *slog.Logger
}

// ReplayedStore is what BuildReplayedStore wrote.
type ReplayedStore struct {
	StoreFile string
	History   *History
	// Backfilled counts the backfill's scores.
	Backfilled int
	Replay     *ReplayResult
	// Received is what the built-in test receiver accepted (zero when
	// receivers were configured).
	Received ReceivedList
	// Counts are the store's rows at the end; Delivered and Dead the
	// webhook deliveries acknowledged and dead-lettered.
	Counts          store.Counts
	Delivered, Dead int
	// Monitoring are the figures at the end of the replay.
	Monitoring Monitoring
	// Clock is the replay's clock, standing at the end of the replay: a
	// server that goes on from there runs it (ReplayClock.Run).
	Clock *ReplayClock
}

// BuildReplayedStore makes a lead store that looks as if the service had
// run through a history: it loads the history up to its last
// HistoryOptions.Replay into a new SQLite file (LoadHistory), scores the
// loaded leads as the service would have (History.Backfill), then starts
// a Server on that store, the models directory and a simulated clock,
// listening on a loopback port, and replays the rest through its HTTP API
// in time order (Replay): the leads are rescored as their events and
// outcomes arrive and swept, the tier changes are delivered to the
// webhooks, and monitoring judges the scores whose horizon has passed.
// The file replaces opt.StoreFile only once it is complete.
func BuildReplayedStore(ctx context.Context, opt StoreReplayOptions) (*ReplayedStore, error) {
	if opt.Logger == nil {
		opt.Logger = slog.New(slog.DiscardHandler)
	}
	if opt.BackfillEvery == 0 {
		opt.BackfillEvery = 7 * 24 * time.Hour
	}
	if opt.BackfillYoung <= 0 {
		opt.BackfillYoung = 28 * 24 * time.Hour
	}
	w := opt.Webhooks
	if !w.configured() {
		w.TestReceiver = true
	}
	out := &ReplayedStore{StoreFile: opt.StoreFile}
	err := atomicfile.ReplaceFile(opt.StoreFile, 0o600, func(tmp string) error {
		st, err := store.Open(ctx, "sqlite:"+tmp)
		if err != nil {
			return err
		}
		err = out.build(ctx, st, opt, w)
		if cerr := st.Close(); err == nil {
			err = cerr
		}
		for _, suffix := range []string{"-wal", "-shm"} {
			os.Remove(tmp + suffix)
			// A journal of the store replaced must not be applied to
			// the new one.
			os.Remove(opt.StoreFile + suffix)
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

func (out *ReplayedStore) build(ctx context.Context, st *store.Store, opt StoreReplayOptions, w WebhookConfig) error {
	h, err := LoadHistory(ctx, st, opt.History)
	if err != nil {
		return err
	}
	out.History = h
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return fmt.Errorf("replay: %w", err)
	}
	defer ln.Close()
	out.Clock = NewReplayClock(h.Start)
	s, err := New(Config{ModelsDir: opt.ModelsDir, Addr: ln.Addr().String(), Store: st, Now: out.Clock.Now,
		PollInterval: -1, Webhooks: w, Logger: opt.Logger})
	if err != nil {
		return err
	}
	defer s.Close()
	m := s.Current()
	if m == nil {
		return fmt.Errorf("replay: no model bundle to score with in %s", opt.ModelsDir)
	}
	if opt.BackfillEvery > 0 {
		if out.Backfilled, err = h.Backfill(ctx, st, m, opt.BackfillEvery, opt.BackfillYoung, opt.Threads); err != nil {
			return err
		}
	}
	srv := &http.Server{Handler: s.Handler(), ReadHeaderTimeout: DefaultReadHeaderTimeout}
	go srv.Serve(ln)
	defer srv.Close()
	ro := opt.Replay
	ro.URL = "http://" + ln.Addr().String()
	if out.Replay, err = Replay(ctx, s, out.Clock, h.Items, h.Start, h.End, ro); err != nil {
		return err
	}
	s.scores.flush()
	out.Received = s.Received(maxReceived)
	out.Monitoring = s.Monitoring()
	if out.Counts, err = st.Count(ctx); err != nil {
		return err
	}
	if hooks := s.Webhooks(); hooks != nil {
		for _, k := range []struct {
			state string
			n     *int
		}{{webhook.StateDelivered, &out.Delivered}, {webhook.StateDead, &out.Dead}} {
			ds, err := hooks.Outbox().List(ctx, k.state, 0)
			if err != nil {
				return err
			}
			*k.n = len(ds)
		}
	}
	return nil
}
