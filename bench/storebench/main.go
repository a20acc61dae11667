// Command storebench drives the lead store's API for bench/storebench/run.sh.
//
//	storebench ingest -url http://127.0.0.1:18090 -events 400000 -batch 500 -clients 4
//
// first stores the -leads leads the events belong to (POST /v1/leads, before
// the clock starts, so the server's rescorer scores them as their events
// arrive, as it would in production), then posts batches of events (each
// with a unique event_id) from concurrent clients and prints the events
// committed per second and the request latencies. Bodies are built before
// the clock starts.
//
//	storebench lead -url http://127.0.0.1:18090 -events 200 -out DIR
//
// stores one lead (id bench-lead) with that many events through POST
// /v1/leads and /v1/events, and writes DIR/lead.json, the same lead with
// the same fields and events as a POST /v1/score body, and
// DIR/batch.json, -batch copies of it under other ids, for wrk.
package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log"
	"math/rand/v2"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// settle and serverPID are the -settle and -server-pid flags.
var (
	settle    time.Duration
	serverPID int
)

// cpuSeconds is process pid's user + system CPU time so far (0 for pid 0),
// from /proc/PID/stat (in clock ticks of 1/100 s on Linux).
func cpuSeconds(pid int) (float64, error) {
	if pid == 0 {
		return 0, nil
	}
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, err
	}
	// The fields after the command name (which may hold spaces) in ")".
	f := strings.Fields(string(b[bytes.LastIndexByte(b, ')')+1:]))
	if len(f) < 13 {
		return 0, fmt.Errorf("/proc/%d/stat: too few fields", pid)
	}
	utime, err1 := strconv.ParseFloat(f[11], 64)
	stime, err2 := strconv.ParseFloat(f[12], 64)
	if err1 != nil || err2 != nil {
		return 0, fmt.Errorf("/proc/%d/stat: utime %q, stime %q", pid, f[11], f[12])
	}
	return (utime + stime) / 100, nil
}

var (
	types = []string{"page_view", "email_sent", "email_open", "social_interaction", "content_download", "form_submit", "email_click", "live_chat"}
	pages = []string{"pricing", "home", "blog", "docs", "features", "case_studies"}
	chans = []string{"email", "web", "social", "paid"}
)

func main() {
	if len(os.Args) < 2 {
		log.Fatal("usage: storebench ingest|lead [flags]")
	}
	fs := flag.NewFlagSet(os.Args[1], flag.ExitOnError)
	url := fs.String("url", "http://127.0.0.1:18090", "leadscore API")
	events := fs.Int("events", 400000, "events to send (ingest) or to store for the lead (lead)")
	batch := fs.Int("batch", 500, "events per request (ingest) or leads in batch.json (lead)")
	clients := fs.Int("clients", 4, "concurrent clients (ingest)")
	leads := fs.Int("leads", 10000, "distinct lead ids the events belong to (ingest)")
	seed := fs.Uint64("seed", 1, "random seed")
	prefix := fs.String("prefix", "ev", "event id prefix, so runs against one store do not collide (ingest)")
	out := fs.String("out", ".", "directory for lead.json and batch.json (lead)")
	fs.IntVar(&serverPID, "server-pid", 0, "the server's process id: its CPU time (user + system, from /proc) during the timed part is printed (ingest)")
	fs.DurationVar(&settle, "settle", 3*time.Second, "wait after storing the leads, before the clock starts (ingest)")
	fs.Parse(os.Args[2:])
	rng := rand.New(rand.NewPCG(*seed, 16))
	var err error
	switch os.Args[1] {
	case "ingest":
		err = ingest(*url, *events, *batch, *clients, *leads, *prefix, rng)
	case "lead":
		err = lead(*url, *events, *batch, *out, rng)
	default:
		err = fmt.Errorf("unknown mode %q: expected ingest or lead", os.Args[1])
	}
	if err != nil {
		log.Fatal(err)
	}
}

func event(rng *rand.Rand, leadID, id string, t time.Time) map[string]any {
	e := map[string]any{"lead_id": leadID, "type": types[rng.IntN(len(types))], "timestamp": t.Format(time.RFC3339),
		"channel": chans[rng.IntN(len(chans))]}
	if id != "" {
		e["event_id"] = id
	}
	if e["type"] == "page_view" {
		e["page"] = pages[rng.IntN(len(pages))]
	}
	return e
}

func post(c *http.Client, url string, body []byte) error {
	resp, err := c.Post(url, "application/json", bytes.NewReader(body))
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("POST %s: %s: %s", url, resp.Status, b)
	}
	return nil
}

// leadFields are the fields of a stored lead: the b2b profile's columns,
// varied by lead.
func leadFields(rng *rand.Rand) map[string]any {
	return map[string]any{"industry": industries[rng.IntN(len(industries))], "employees": 10 + rng.IntN(5000),
		"annual_revenue": 100000 + rng.IntN(50000000), "job_title": titles[rng.IntN(len(titles))],
		"seniority": seniorities[rng.IntN(len(seniorities))], "country": countries[rng.IntN(len(countries))],
		"lead_source": sources[rng.IntN(len(sources))]}
}

var (
	industries  = []string{"software", "finance", "healthcare", "manufacturing", "retail", "education"}
	titles      = []string{"VP Marketing", "CTO", "Marketing Manager", "Engineer", "CEO", "Analyst"}
	seniorities = []string{"vp", "c_level", "manager", "individual"}
	countries   = []string{"Germany", "United States", "France", "United Kingdom", "India"}
	sources     = []string{"webinar", "organic", "paid_search", "referral", "event"}
)

// storeLeads stores the leads prefix-L0000000 ... (leads of them) in
// batches of 500, created at base.
func storeLeads(url string, leads int, prefix string, base time.Time, rng *rand.Rand) error {
	c := &http.Client{Timeout: time.Minute}
	for lo := 0; lo < leads; lo += 500 {
		ls := make([]map[string]any, 0, 500)
		for i := lo; i < min(lo+500, leads); i++ {
			ls = append(ls, map[string]any{"lead_id": leadID(prefix, i), "created_at": base.Format(time.RFC3339), "fields": leadFields(rng)})
		}
		b, err := json.Marshal(ls)
		if err != nil {
			return err
		}
		if err := post(c, url+"/v1/leads", b); err != nil {
			return err
		}
	}
	return nil
}

func leadID(prefix string, i int) string { return fmt.Sprintf("%s-L%07d", prefix, i) }

func ingest(url string, n, batch, clients, leads int, prefix string, rng *rand.Rand) error {
	base := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	t0 := time.Now()
	if err := storeLeads(url, leads, prefix, base, rng); err != nil {
		return err
	}
	fmt.Printf("stored %d leads in %.1f s\n", leads, time.Since(t0).Seconds())
	// The rescorer scores the new leads a debounce later: let it finish
	// before the clock starts.
	time.Sleep(settle)
	var bodies [][]byte
	for lo := 0; lo < n; lo += batch {
		evs := make([]map[string]any, 0, batch)
		for i := lo; i < min(lo+batch, n); i++ {
			lead := leadID(prefix, rng.IntN(leads))
			evs = append(evs, event(rng, lead, fmt.Sprintf("%s-%d", prefix, i), base.Add(time.Duration(rng.IntN(180*24*3600))*time.Second)))
		}
		b, err := json.Marshal(evs)
		if err != nil {
			return err
		}
		bodies = append(bodies, b)
	}
	cpu0, err := cpuSeconds(serverPID)
	if err != nil {
		return err
	}
	var next atomic.Int64
	var mu sync.Mutex
	var lat []time.Duration
	var firstErr error
	var wg sync.WaitGroup
	start := time.Now()
	for range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c := &http.Client{Timeout: time.Minute}
			for {
				i := int(next.Add(1)) - 1
				if i >= len(bodies) {
					return
				}
				t0 := time.Now()
				err := post(c, url+"/v1/events", bodies[i])
				d := time.Since(t0)
				mu.Lock()
				lat = append(lat, d)
				if err != nil && firstErr == nil {
					firstErr = err
				}
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	el := time.Since(start)
	cpu1, err := cpuSeconds(serverPID)
	if err != nil {
		return err
	}
	if firstErr != nil {
		return firstErr
	}
	slices.Sort(lat)
	fmt.Printf("RESULT ingest events %d batch %d clients %d: %.0f events/s, %.1f requests/s, p50 %.1f ms, p99 %.1f ms, %.1f s\n",
		n, batch, clients, float64(n)/el.Seconds(), float64(len(bodies))/el.Seconds(),
		ms(lat[len(lat)/2]), ms(lat[len(lat)*99/100]), el.Seconds())
	if serverPID != 0 {
		fmt.Printf("RESULT server CPU %.1f s: %.0f events per CPU-second\n", cpu1-cpu0, float64(n)/(cpu1-cpu0))
	}
	return nil
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

func lead(url string, n, batch int, out string, rng *rand.Rand) error {
	created := time.Date(2025, 3, 1, 9, 0, 0, 0, time.UTC)
	fields := map[string]any{"industry": "software", "employees": 250, "annual_revenue": 12000000, "job_title": "VP Marketing",
		"seniority": "vp", "country": "Germany", "lead_source": "webinar"}
	c := &http.Client{Timeout: time.Minute}
	lb, _ := json.Marshal(map[string]any{"lead_id": "bench-lead", "created_at": created.Format(time.RFC3339), "fields": fields})
	if err := post(c, url+"/v1/leads", lb); err != nil {
		return err
	}
	evs := make([]map[string]any, n)
	for i := range evs {
		evs[i] = event(rng, "bench-lead", fmt.Sprintf("bench-lead-%d", i), created.Add(time.Duration(i)*3*time.Hour))
	}
	eb, _ := json.Marshal(evs)
	if err := post(c, url+"/v1/events", eb); err != nil {
		return err
	}
	// The same lead as a POST /v1/score body: the creation time is a field
	// there, and the events carry no lead_id or event_id.
	scoreFields := map[string]any{"created_at": created.Format(time.RFC3339)}
	for k, v := range fields {
		scoreFields[k] = v
	}
	plain := make([]map[string]any, n)
	for i, e := range evs {
		p := map[string]any{}
		for k, v := range e {
			if k != "lead_id" && k != "event_id" {
				p[k] = v
			}
		}
		plain[i] = p
	}
	one := map[string]any{"lead_id": "bench-lead", "fields": scoreFields, "events": plain}
	b, _ := json.Marshal(one)
	if err := os.WriteFile(filepath.Join(out, "lead.json"), b, 0o644); err != nil {
		return err
	}
	many := make([]map[string]any, batch)
	for i := range many {
		many[i] = map[string]any{"lead_id": fmt.Sprintf("bench-%d", i), "fields": scoreFields, "events": plain}
	}
	b, _ = json.Marshal(many)
	return os.WriteFile(filepath.Join(out, "batch.json"), b, 0o644)
}
