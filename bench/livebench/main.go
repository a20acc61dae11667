// Command livebench drives issue 17's benchmarks for bench/livebench/run.sh.
//
//	livebench latency -url http://127.0.0.1:18095 -hook 127.0.0.1:18096 -data leads.csv -leads 20000 -rate 10000 -duration 60s
//
// runs a webhook receiver on -hook (verifying each signature with the
// secret in -secret), stores -pool leads from -data through POST
// /v1/leads and waits until each is scored, picks the -leads of them
// closest to the next tier up, then posts events open loop: every 10 ms a
// batch of rate/100 events of random leads among those, each request on
// its own goroutine, whatever the server's answers take. Afterwards it
// reads the prediction log (GET /v1/scores) and prints, per event, the
// time from its request being accepted (200) to the first rescore of its
// lead that covers it (the log's scored_at) and, for the events whose
// rescore changed a tier (a delivery), to the delivery reaching the
// receiver. It also prints, per rescore, the time from the last event it
// covers to its scored_at: the delay after a lead's burst of events ends,
// the debounce included. Client and server share one clock (one machine).
//
//	livebench history -data leads.csv -leads 1000000 -events 3 -out DIR
//
// writes DIR/leads.csv and DIR/events.csv: -leads leads whose fields
// cycle through -data's under new ids, each with -events events, for
// 'leadscore import' and the sweep benchmark.
package main

import (
	"bufio"
	"bytes"
	"cmp"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/csv"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"math/rand/v2"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

var types = []string{"page_view", "email_open", "email_click", "content_download", "form_submit", "live_chat", "social_interaction"}

func main() {
	if len(os.Args) < 2 {
		log.Fatal("usage: livebench latency|history [flags]")
	}
	fs := flag.NewFlagSet(os.Args[1], flag.ExitOnError)
	url := fs.String("url", "http://127.0.0.1:18095", "leadscore API (latency)")
	hook := fs.String("hook", "127.0.0.1:18096", "address the webhook receiver listens on (latency)")
	secretFile := fs.String("secret", "", "webhook secret file (latency)")
	data := fs.String("data", "", "leads.csv (lead_id, created_at, fields...) the leads' fields come from")
	leads := fs.Int("leads", 20000, "leads the events belong to (latency), or leads to write (history)")
	pool := fs.Int("pool", 20000, "leads stored before the run; the events go to the -leads of them closest to the next tier (latency)")
	rate := fs.Int("rate", 10000, "events per second (latency)")
	dur := fs.Duration("duration", 60*time.Second, "how long events are posted (latency)")
	perLead := fs.Int("events", 3, "events per lead (history)")
	out := fs.String("out", ".", "output directory (history)")
	seed := fs.Uint64("seed", 1, "random seed")
	fs.Parse(os.Args[2:])
	rng := rand.New(rand.NewPCG(*seed, 17))
	var err error
	switch os.Args[1] {
	case "latency":
		err = latency(*url, *hook, *secretFile, *data, *pool, *leads, *rate, *dur, rng)
	case "history":
		err = history(*data, *leads, *perLead, *out, rng)
	default:
		err = fmt.Errorf("unknown subcommand %q: expected latency or history", os.Args[1])
	}
	if err != nil {
		log.Fatal(err)
	}
}

// readLeads reads up to n rows of a leads.csv as ingestion bodies.
func readLeads(path string, n int) ([]map[string]any, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	r := csv.NewReader(bufio.NewReader(f))
	head, err := r.Read()
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if len(head) < 2 || head[0] != "lead_id" || head[1] != "created_at" {
		return nil, fmt.Errorf("%s: expected the columns lead_id, created_at first, got %v", path, head[:min(2, len(head))])
	}
	var out []map[string]any
	for len(out) < n {
		row, err := r.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		fields := map[string]any{}
		for i := 2; i < len(head); i++ {
			if row[i] != "" {
				fields[head[i]] = row[i]
			}
		}
		out = append(out, map[string]any{"lead_id": row[0], "created_at": row[1], "fields": fields})
	}
	return out, nil
}

// post sends body as JSON and fails unless the answer is 200.
func post(client *http.Client, url string, body []byte) error {
	resp, err := client.Post(url, "application/json", bytes.NewReader(body))
	if err != nil {
		return err
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("POST %s: %s: %s", url, resp.Status, b)
	}
	return nil
}

// delivery is a webhook as received.
type delivery struct {
	lead string
	at   time.Time // the payload's occurred_at: the rescore's as_of
	got  time.Time
}

// receiver collects signed deliveries.
type receiver struct {
	secret []byte
	mu     sync.Mutex
	got    []delivery
	bad    atomic.Int64
	last   atomic.Int64 // unix ns of the latest delivery
}

func (rc *receiver) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(r.Body)
	now := time.Now()
	if err != nil {
		w.WriteHeader(http.StatusBadRequest)
		return
	}
	mac := hmac.New(sha256.New, rc.secret)
	mac.Write(body)
	if !hmac.Equal([]byte(r.Header.Get("X-Leadscore-Signature")), []byte("sha256="+hex.EncodeToString(mac.Sum(nil)))) {
		rc.bad.Add(1)
		w.WriteHeader(http.StatusUnauthorized)
		return
	}
	var p struct {
		LeadID     string    `json:"lead_id"`
		OccurredAt time.Time `json:"occurred_at"`
	}
	if json.Unmarshal(body, &p) != nil {
		w.WriteHeader(http.StatusBadRequest)
		return
	}
	rc.mu.Lock()
	rc.got = append(rc.got, delivery{lead: p.LeadID, at: p.OccurredAt, got: now})
	rc.mu.Unlock()
	rc.last.Store(now.UnixNano())
}

// logged is a prediction-log entry as GET /v1/scores lists it.
type logged struct {
	ID          int64     `json:"id"`
	LeadID      string    `json:"lead_id"`
	ScoredAt    time.Time `json:"scored_at"`
	AsOf        time.Time `json:"as_of"`
	Tier        string    `json:"tier"`
	Probability float64   `json:"probability"`
}

// readLog pages through the prediction log from after on.
func readLog(client *http.Client, url string, after int64) ([]logged, error) {
	var out []logged
	for {
		resp, err := client.Get(fmt.Sprintf("%s/v1/scores?limit=1000&after=%d", url, after))
		if err != nil {
			return nil, err
		}
		var page struct {
			Scores []logged `json:"scores"`
			Next   *int64   `json:"next"`
		}
		err = json.NewDecoder(resp.Body).Decode(&page)
		resp.Body.Close()
		if err != nil {
			return nil, fmt.Errorf("GET /v1/scores: %w", err)
		}
		out = append(out, page.Scores...)
		if page.Next == nil {
			return out, nil
		}
		after = *page.Next
	}
}

// sent is one posted event of a lead.
type sent struct {
	lead     int32
	accepted time.Time // when its request was answered 200
}

func latency(url, hook, secretFile, data string, poolSize, nLeads, rate int, dur time.Duration, rng *rand.Rand) error {
	secret, err := os.ReadFile(secretFile)
	if err != nil {
		return fmt.Errorf("-secret: %w", err)
	}
	rc := &receiver{secret: bytes.TrimSpace(secret)}
	ln, err := net.Listen("tcp", hook)
	if err != nil {
		return err
	}
	go http.Serve(ln, rc)
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 256, MaxConnsPerHost: 256}, Timeout: 2 * time.Minute}

	// The leads, stored and scored before the clock starts.
	bodies, err := readLeads(data, poolSize)
	if err != nil {
		return err
	}
	if len(bodies) < poolSize || nLeads > poolSize {
		return fmt.Errorf("%s holds %d leads: -pool %d needs as many and at least -leads %d", data, len(bodies), poolSize, nLeads)
	}
	for lo := 0; lo < len(bodies); lo += 500 {
		b, _ := json.Marshal(bodies[lo:min(lo+500, len(bodies))])
		if err := post(client, url+"/v1/leads", b); err != nil {
			return err
		}
	}
	var lastID int64
	scored := map[string]logged{}
	for deadline := time.Now().Add(10 * time.Minute); len(scored) < len(bodies); {
		if time.Now().After(deadline) {
			return fmt.Errorf("only %d of %d leads were scored after 10 minutes", len(scored), len(bodies))
		}
		time.Sleep(time.Second)
		page, err := readLog(client, url, lastID)
		if err != nil {
			return err
		}
		for _, l := range page {
			scored[l.LeadID] = l
			lastID = l.ID
		}
	}
	// The events go to the nLeads leads of the pool closest to the next
	// tier up (not hot, highest probability first), so that many of
	// their rescores change a tier and reach the receiver.
	pool := make([]logged, 0, len(scored))
	for _, l := range scored {
		if l.Tier != "hot" {
			pool = append(pool, l)
		}
	}
	if len(pool) < nLeads {
		return fmt.Errorf("only %d of the %d stored leads are not hot; raise -pool", len(pool), len(bodies))
	}
	slices.SortFunc(pool, func(a, b logged) int {
		if c := cmp.Compare(b.Probability, a.Probability); c != 0 {
			return c
		}
		return strings.Compare(a.LeadID, b.LeadID)
	})
	ids := make([]string, nLeads)
	index := make(map[string]int32, nLeads)
	tiers := map[string]int{}
	for i, l := range pool[:nLeads] {
		ids[i] = l.LeadID
		index[ids[i]] = int32(i)
		tiers[l.Tier]++
	}
	// Deliveries of the first scores: wait until they stop.
	for time.Since(time.Unix(0, rc.last.Load())) < 3*time.Second {
		time.Sleep(500 * time.Millisecond)
	}
	rc.mu.Lock()
	setupDeliveries := len(rc.got)
	rc.got = nil
	rc.mu.Unlock()
	fmt.Printf("setup: %d leads stored and scored, %d first deliveries; the events go to %d of them (%v)\n", len(bodies), setupDeliveries, nLeads, tiers)

	// Open loop: every 10 ms a batch of the events due by then (rate x
	// time since the start, so a late tick sends more), each request on
	// its own goroutine.
	const tick = 10 * time.Millisecond
	perTick := rate / int(time.Second/tick)
	if perTick < 1 {
		return fmt.Errorf("-rate %d: expected at least 100 events/s", rate)
	}
	due := 0
	var mu sync.Mutex
	var events []sent
	var failed, inflight, maxInflight atomic.Int64
	var reqLat []time.Duration
	var wg sync.WaitGroup
	seq := 0
	start := time.Now()
	t := time.NewTicker(tick)
	for now := start; now.Sub(start) < dur; now = <-t.C {
		n := int(float64(rate)*now.Sub(start).Seconds()) + perTick - due
		if n <= 0 {
			continue
		}
		due += n
		batch := make([]map[string]any, n)
		leadsOf := make([]int32, n)
		for i := range batch {
			l := int32(rng.IntN(nLeads))
			leadsOf[i] = l
			seq++
			batch[i] = map[string]any{"lead_id": ids[l], "event_id": fmt.Sprintf("lb%d", seq), "type": types[rng.IntN(len(types))],
				"timestamp": now.UTC().Format(time.RFC3339Nano)}
		}
		body, _ := json.Marshal(batch)
		wg.Add(1)
		go func() {
			defer wg.Done()
			if n := inflight.Add(1); n > maxInflight.Load() {
				maxInflight.Store(n)
			}
			t0 := time.Now()
			err := post(client, url+"/v1/events", body)
			acc := time.Now()
			inflight.Add(-1)
			if err != nil {
				failed.Add(int64(len(leadsOf)))
				log.Print(err)
				return
			}
			mu.Lock()
			for _, l := range leadsOf {
				events = append(events, sent{lead: l, accepted: acc})
			}
			reqLat = append(reqLat, acc.Sub(t0))
			mu.Unlock()
		}()
	}
	t.Stop()
	posted := time.Since(start)
	wg.Wait()
	allIn := time.Since(start)
	fmt.Printf("ingestion: %d events in %.1f s of posting (%.0f events/s offered at %d/s); all answered after %.1f s: %.0f events/s accepted; %d failed; up to %d requests in flight\n",
		len(events), posted.Seconds(), float64(len(events))/posted.Seconds(), rate, allIn.Seconds(), float64(len(events))/allIn.Seconds(), failed.Load(), maxInflight.Load())
	fmt.Printf("RESULT request latency (%d events each on time): p50 %s p99 %s\n", perTick, pct(reqLat, 0.5), pct(reqLat, 0.99))

	// Wait until every lead with events has a rescore after its last
	// event and the deliveries stop, then match.
	lastAcc := make([]time.Time, nLeads)
	for _, e := range events {
		if e.accepted.After(lastAcc[e.lead]) {
			lastAcc[e.lead] = e.accepted
		}
	}
	var scores []logged
	covered := make([]time.Time, nLeads) // latest rescore as_of per lead
	lastNew := time.Now()
	for deadline := time.Now().Add(10 * time.Minute); ; {
		page, err := readLog(client, url, lastID)
		if err != nil {
			return err
		}
		for _, l := range page {
			lastID = l.ID
			i, ok := index[l.LeadID]
			if !ok {
				continue
			}
			scores = append(scores, l)
			if l.AsOf.After(covered[i]) {
				covered[i] = l.AsOf
			}
		}
		waiting := 0
		for i := range lastAcc {
			if !lastAcc[i].IsZero() && covered[i].Before(lastAcc[i]) {
				waiting++
			}
		}
		if waiting == 0 && time.Since(time.Unix(0, rc.last.Load())) > 5*time.Second {
			break
		}
		// A rescore can start between an event's commit and its 200
		// reaching the client (its as_of is then just before the
		// acceptance, yet it holds the event): once nothing new is
		// logged for 30 s, those count as covered by their lead's last
		// rescore (see "not covered" below).
		if len(page) == 0 && time.Since(lastNew) > 30*time.Second && time.Since(time.Unix(0, rc.last.Load())) > 5*time.Second {
			fmt.Printf("%d leads' last rescore is as of just before their last event's acceptance\n", waiting)
			break
		}
		if len(page) > 0 {
			lastNew = time.Now()
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("%d leads still not rescored after their last event 10 minutes after the run", waiting)
		}
		time.Sleep(time.Second)
	}
	fmt.Printf("drained %.1f s after the last event was accepted\n", time.Since(start.Add(allIn)).Seconds())

	// Each event is covered by its lead's first rescore as of its
	// acceptance or later.
	byLead := make([][]logged, nLeads)
	for _, l := range scores {
		i := index[l.LeadID]
		byLead[i] = append(byLead[i], l)
	}
	for i := range byLead {
		slices.SortFunc(byLead[i], func(a, b logged) int { return a.AsOf.Compare(b.AsOf) })
	}
	type key struct {
		lead int32
		asOf int64
	}
	coveredBy := map[key][]time.Time{} // a rescore's events' acceptance times
	var toScore []time.Duration
	uncovered := 0
	for _, e := range events {
		scs := byLead[e.lead]
		k, _ := slices.BinarySearchFunc(scs, e.accepted, func(l logged, at time.Time) int { return l.AsOf.Compare(at) })
		if k == len(scs) {
			uncovered++
			continue
		}
		sc := scs[k]
		toScore = append(toScore, sc.ScoredAt.Sub(e.accepted))
		kk := key{e.lead, sc.AsOf.UnixNano()}
		coveredBy[kk] = append(coveredBy[kk], e.accepted)
	}
	// A rescore's delay after the last event it covers: the time from the
	// end of a lead's burst to its new score, the debounce included.
	scoredAt := map[key]time.Time{}
	for i, scs := range byLead {
		for _, sc := range scs {
			scoredAt[key{int32(i), sc.AsOf.UnixNano()}] = sc.ScoredAt
		}
	}
	var afterLast []time.Duration
	for k, accs := range coveredBy {
		afterLast = append(afterLast, scoredAt[k].Sub(slices.MaxFunc(accs, time.Time.Compare)))
	}
	rc.mu.Lock()
	got := rc.got
	rc.mu.Unlock()
	var toHook []time.Duration
	matched := 0
	for _, d := range got {
		i, ok := index[d.lead]
		if !ok {
			continue
		}
		accs := coveredBy[key{i, d.at.UnixNano()}]
		if len(accs) > 0 {
			matched++
		}
		for _, a := range accs {
			toHook = append(toHook, d.got.Sub(a))
		}
	}
	fmt.Printf("%d rescores logged for %d events (%d not covered); %d deliveries (%d after the events' rescores, %d bad signatures)\n",
		len(scores), len(events), uncovered, len(got), matched, rc.bad.Load())
	fmt.Printf("RESULT event to score logged: n %d p50 %s p99 %s max %s\n", len(toScore), pct(toScore, 0.5), pct(toScore, 0.99), pct(toScore, 1))
	fmt.Printf("RESULT last event of a rescore to its score logged (debounce included): n %d p50 %s p99 %s max %s\n", len(afterLast), pct(afterLast, 0.5), pct(afterLast, 0.99), pct(afterLast, 1))
	fmt.Printf("RESULT event to webhook received: n %d p50 %s p99 %s max %s\n", len(toHook), pct(toHook, 0.5), pct(toHook, 0.99), pct(toHook, 1))
	return nil
}

// pct is the q-quantile of ds (nearest rank), rounded to milliseconds.
func pct(ds []time.Duration, q float64) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	s := slices.Clone(ds)
	slices.Sort(s)
	i := int(q*float64(len(s))+0.5) - 1
	return s[max(0, min(i, len(s)-1))].Round(time.Millisecond)
}

// history writes n leads cycling through data's fields and perLead events
// of each, in time order over the 30 days before now.
func history(data string, n, perLead int, out string, rng *rand.Rand) error {
	src, err := readLeads(data, 100000)
	if err != nil {
		return err
	}
	if len(src) == 0 {
		return fmt.Errorf("%s holds no leads", data)
	}
	if err := os.MkdirAll(out, 0o755); err != nil {
		return err
	}
	var names []string
	for k := range src[0]["fields"].(map[string]any) {
		names = append(names, k)
	}
	for _, l := range src {
		for k := range l["fields"].(map[string]any) {
			if !slices.Contains(names, k) {
				names = append(names, k)
			}
		}
	}
	slices.Sort(names)
	end := time.Now().UTC().Truncate(time.Hour)
	begin := end.Add(-30 * 24 * time.Hour)
	span := int64(end.Sub(begin))
	write := func(name string, rows func(w *csv.Writer) error) error {
		tmp, err := os.CreateTemp(out, name+".*.tmp")
		if err != nil {
			return err
		}
		defer os.Remove(tmp.Name())
		bw := bufio.NewWriterSize(tmp, 1<<20)
		w := csv.NewWriter(bw)
		if err := rows(w); err != nil {
			tmp.Close()
			return err
		}
		w.Flush()
		if err := errors.Join(w.Error(), bw.Flush(), tmp.Close()); err != nil {
			return err
		}
		return os.Rename(tmp.Name(), filepath.Join(out, name))
	}
	created := make([]time.Time, n)
	err = write("leads.csv", func(w *csv.Writer) error {
		w.Write(append([]string{"lead_id", "created_at"}, names...))
		row := make([]string, 2+len(names))
		for i := range n {
			f := src[i%len(src)]["fields"].(map[string]any)
			created[i] = begin.Add(time.Duration(rng.Int64N(span / 2)))
			row[0], row[1] = fmt.Sprintf("H-%07d", i), created[i].Format(time.RFC3339)
			for k, name := range names {
				v, _ := f[name].(string)
				row[2+k] = v
			}
			if err := w.Write(row); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	err = write("events.csv", func(w *csv.Writer) error {
		w.Write([]string{"lead_id", "timestamp", "type"})
		for i := range n {
			for range perLead {
				at := created[i].Add(time.Duration(rng.Int64N(int64(end.Sub(created[i])))))
				if err := w.Write([]string{fmt.Sprintf("H-%07d", i), at.Format(time.RFC3339), types[rng.IntN(len(types))]}); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	fmt.Printf("wrote %d leads and %d events to %s\n", n, n*perLead, out)
	return nil
}
