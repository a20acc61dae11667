package suite

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/leadscore/leadscore/datasets/synth"
	"github.com/leadscore/leadscore/features"
	"github.com/leadscore/leadscore/models"
	"github.com/leadscore/leadscore/models/rules"
	"github.com/leadscore/leadscore/training"
)

// ServeBundle is the name (version directory) of the scoring benchmarks'
// bundle under its models directory.
const ServeBundle = "bench-v1"

// ServeOptions says how the scoring benchmarks' bundle is trained.
type ServeOptions struct {
	// Leads is the number of generated b2b leads (seed 1) to train on;
	// bench/serve uses 5,000.
	Leads int
	// LogisticLambda, when > 0, fixes the logistic model's L2 strength
	// instead of choosing it by cross-validation (quicker; the scoring cost
	// does not depend on it).
	LogisticLambda float64
	// Threads bounds training's goroutines (0: GOMAXPROCS).
	Threads int
}

// PrepareServe generates the history into dataDir and trains the bundle
// ServeBundle (every model, GBM champion, default settings otherwise) into
// modelsDir, unless modelsDir already holds it.
func PrepareServe(ctx context.Context, dataDir, modelsDir string, opt ServeOptions) error {
	if _, err := os.Stat(filepath.Join(modelsDir, ServeBundle, models.ManifestFile)); err == nil {
		if _, err := os.Stat(filepath.Join(dataDir, "leads.csv")); err == nil {
			return nil
		}
	}
	if err := os.MkdirAll(dataDir, 0o755); err != nil {
		return err
	}
	if _, err := synth.Generate(synth.Config{Profile: "b2b", Leads: opt.Leads, Seed: 1, Format: "csv"}, dataDir, nil); err != nil {
		return err
	}
	res, err := training.Train(ctx, ServeTrainOptions(dataDir, opt))
	if err != nil {
		return err
	}
	dst := filepath.Join(modelsDir, ServeBundle)
	if err := os.RemoveAll(dst); err != nil {
		return err
	}
	return res.Bundle.Save(dst)
}

// ServeTrainOptions are the training options of PrepareServe for the
// history in dataDir.
func ServeTrainOptions(dataDir string, opt ServeOptions) training.Options {
	return training.Options{
		Data: filepath.Join(dataDir, "leads.csv"), Events: filepath.Join(dataDir, "events.csv"), Outcomes: filepath.Join(dataDir, "outcomes.csv"),
		Config: features.DefaultConfig(), RulesYAML: rules.Default("b2b"), Champion: models.GBM, Seed: 1, Name: ServeBundle,
		LogisticLambda: opt.LogisticLambda, Threads: opt.Threads,
	}
}

// Bodies describes the request bodies WriteServeBodies wrote.
type Bodies struct {
	// LeadFields and LeadEvents size the single-lead body.
	LeadFields, LeadEvents int
	// BatchLeads is the number of leads of the batch body and
	// EventsPerLead their average number of events.
	BatchLeads    int
	EventsPerLead float64
}

func (b Bodies) String() string {
	return fmt.Sprintf("lead.json: %d fields, %d events\nbatch.json: %d leads, %.1f events per lead on average\n",
		b.LeadFields, b.LeadEvents, b.BatchLeads, b.EventsPerLead)
}

// WriteServeBodies writes lead.json and batch.json into out from the
// generated history in data: lead.json is one lead with 5 to 20 events,
// batch.json a JSON array of batch leads. Each lead is scored as the API
// usually sees it: 14 days after its creation (the middle of the training
// snapshots), with the events it had by then. bodies.txt records the sizes.
func WriteServeBodies(data, out string, batch int) (Bodies, error) {
	var info Bodies
	lh, lrows, err := readCSV(filepath.Join(data, "leads.csv"))
	if err != nil {
		return info, err
	}
	eh, erows, err := readCSV(filepath.Join(data, "events.csv"))
	if err != nil {
		return info, err
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
		return info, fmt.Errorf("no leads in %s", data)
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
		return info, err
	}
	var arr []map[string]any
	for i := 0; i < batch; i++ {
		arr = append(arr, leads[i%len(leads)])
	}
	if err := writeJSON(filepath.Join(out, "batch.json"), arr); err != nil {
		return info, err
	}
	oneEv, _ := one["events"].([]map[string]string)
	info = Bodies{LeadFields: len(one["fields"].(map[string]string)), LeadEvents: len(oneEv),
		BatchLeads: len(arr), EventsPerLead: float64(nEvents) / float64(min(batch, len(leads)))}
	return info, os.WriteFile(filepath.Join(out, "bodies.txt"), []byte(info.String()), 0o644)
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
