// Command benchserve runs the leadscore scoring API next to a bare gin
// endpoint for the load test in run.sh.
//
// It generates a B2B history (datasets/synth), trains a bundle with every
// model (GBM champion), writes request bodies for wrk into -out (lead.json:
// one lead; batch.json: a JSON array of -batch leads), then serves
//
//	-addr: the leadscore API (serve.New over -out/models), and
//	-bare: POST /echo, a gin handler that decodes the same JSON into a
//	       map and encodes it back: the floor any JSON API pays.
//
// It prints "ready" once both listen and runs until interrupted.
package main

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"flag"
	"fmt"
	"log"
	"log/slog"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/leadscore/leadscore/datasets/synth"
	"github.com/leadscore/leadscore/features"
	"github.com/leadscore/leadscore/models"
	"github.com/leadscore/leadscore/models/rules"
	"github.com/leadscore/leadscore/serve"
	"github.com/leadscore/leadscore/training"
)

func main() {
	out := flag.String("out", "", "working directory for data, bundle and request bodies (required)")
	addr := flag.String("addr", "127.0.0.1:18080", "address of the leadscore API")
	bare := flag.String("bare", "127.0.0.1:18081", "address of the bare gin echo endpoint")
	leads := flag.Int("leads", 5000, "generated leads to train on")
	batch := flag.Int("batch", 1000, "leads per batch request body")
	flag.Parse()
	if *out == "" {
		log.Fatal("benchserve: -out DIR is required")
	}
	if err := run(*out, *addr, *bare, *leads, *batch); err != nil {
		log.Fatal(err)
	}
}

func run(out, addr, bare string, nLeads, batch int) error {
	data := filepath.Join(out, "data")
	modelsDir := filepath.Join(out, "models")
	if _, err := os.Stat(filepath.Join(modelsDir, "bench-v1", models.ManifestFile)); err != nil {
		if err := prepare(data, modelsDir, nLeads); err != nil {
			return err
		}
	}
	if err := writeBodies(data, out, batch); err != nil {
		return err
	}
	gin.SetMode(gin.ReleaseMode)
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	echo := gin.New()
	echo.POST("/echo", func(c *gin.Context) {
		var v any
		if err := c.ShouldBindJSON(&v); err != nil {
			c.JSON(http.StatusBadRequest, gin.H{"error": err.Error()})
			return
		}
		c.JSON(http.StatusOK, v)
	})
	bareSrv := &http.Server{Addr: bare, Handler: echo, ReadHeaderTimeout: 5 * time.Second}
	go bareSrv.ListenAndServe()
	defer bareSrv.Close()
	logger := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	fmt.Println("ready")
	return serve.Run(ctx, serve.Config{ModelsDir: modelsDir, Addr: addr, MaxBatchLeads: 100000, PollInterval: -1}, logger)
}

// prepare generates the history and trains the bundle bench-v1.
func prepare(data, modelsDir string, nLeads int) error {
	if err := os.MkdirAll(data, 0o755); err != nil {
		return err
	}
	fmt.Fprintf(os.Stderr, "generating %d leads and training a bundle...\n", nLeads)
	if _, err := synth.Generate(synth.Config{Profile: "b2b", Leads: nLeads, Seed: 1, Format: "csv"}, data, nil); err != nil {
		return err
	}
	res, err := training.Train(context.Background(), training.Options{
		Data: filepath.Join(data, "leads.csv"), Events: filepath.Join(data, "events.csv"), Outcomes: filepath.Join(data, "outcomes.csv"),
		Config: features.DefaultConfig(), RulesYAML: rules.Default("b2b"), Champion: models.GBM, Seed: 1, Name: "bench-v1",
	})
	if err != nil {
		return err
	}
	return res.Bundle.Save(filepath.Join(modelsDir, "bench-v1"))
}

// writeBodies writes lead.json and batch.json from the generated leads.
// Each lead is scored as the API usually sees it: 14 days after its
// creation (the middle of the training snapshots), with the events it had
// by then. bodies.txt records the sizes.
func writeBodies(data, out string, batch int) error {
	lh, lrows, err := readCSV(filepath.Join(data, "leads.csv"))
	if err != nil {
		return err
	}
	eh, erows, err := readCSV(filepath.Join(data, "events.csv"))
	if err != nil {
		return err
	}
	col := func(h []string, name string) int {
		for i, c := range h {
			if c == name {
				return i
			}
		}
		return -1
	}
	eLead, eTime := col(eh, "lead_id"), col(eh, "timestamp")
	type event struct {
		at    time.Time
		attrs map[string]string
	}
	events := map[string][]event{}
	for _, r := range erows {
		t, err := time.Parse(time.RFC3339, r[eTime])
		if err != nil {
			continue
		}
		ev := map[string]string{}
		for i, c := range eh {
			if i != eLead && r[i] != "" {
				ev[c] = r[i]
			}
		}
		events[r[eLead]] = append(events[r[eLead]], event{t, ev})
	}
	lID, lCreated := col(lh, "lead_id"), col(lh, "created_at")
	var leads []map[string]any
	nEvents := 0
	for _, r := range lrows {
		created, err := time.Parse(time.RFC3339, r[lCreated])
		if err != nil {
			continue
		}
		asOf := created.Add(14 * 24 * time.Hour)
		fields := map[string]string{}
		for i, c := range lh {
			if i != lID && r[i] != "" {
				fields[c] = r[i]
			}
		}
		var evs []map[string]string
		for _, e := range events[r[lID]] {
			if e.at.Before(asOf) {
				evs = append(evs, e.attrs)
			}
		}
		l := map[string]any{"lead_id": r[lID], "as_of": asOf.Format(time.RFC3339), "fields": fields}
		if len(evs) > 0 {
			l["events"] = evs
		}
		if len(leads) < batch {
			nEvents += len(evs)
		}
		leads = append(leads, l)
	}
	if len(leads) == 0 {
		return fmt.Errorf("no leads in %s", data)
	}
	// The single-lead body: a lead with a typical number of events.
	one := leads[0]
	for _, l := range leads {
		if ev, ok := l["events"].([]map[string]string); ok && len(ev) >= 5 && len(ev) <= 20 {
			one = l
			break
		}
	}
	if err := writeJSON(filepath.Join(out, "lead.json"), one); err != nil {
		return err
	}
	var arr []map[string]any
	for i := 0; i < batch; i++ {
		arr = append(arr, leads[i%len(leads)])
	}
	if err := writeJSON(filepath.Join(out, "batch.json"), arr); err != nil {
		return err
	}
	oneEv, _ := one["events"].([]map[string]string)
	info := fmt.Sprintf("lead.json: %d fields, %d events\nbatch.json: %d leads, %.1f events per lead on average\n",
		len(one["fields"].(map[string]string)), len(oneEv), len(arr), float64(nEvents)/float64(min(batch, len(leads))))
	return os.WriteFile(filepath.Join(out, "bodies.txt"), []byte(info), 0o644)
}

func writeJSON(path string, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	return os.WriteFile(path, b, 0o644)
}

func readCSV(path string) ([]string, [][]string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, nil, err
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		return nil, nil, fmt.Errorf("%s: %w", path, err)
	}
	if len(rows) == 0 {
		return nil, nil, fmt.Errorf("%s is empty", path)
	}
	return rows[0], rows[1:], nil
}
