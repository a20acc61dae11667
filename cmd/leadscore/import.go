package main

import (
	"context"
	"fmt"
	"io"
	"path/filepath"
	"sort"
	"time"

	"github.com/spf13/cobra"

	"github.com/leadscore/leadscore/datasets/store"
	"github.com/leadscore/leadscore/features"
)

type importFlags struct {
	rf                              readFlags
	storeURL, leads, events, outs   string
	config, id, created, outID, cAt string
	batch                           int
}

func newImport(g *globals) *cobra.Command {
	var f importFlags
	cmd := &cobra.Command{
		Use:   "import --store URL --leads FILE [--events FILE] [--outcomes FILE]",
		Short: "Bulk-load leads, events and outcomes from files into a lead store",
		Long: `import reads leads, activity events and outcomes from any file the readers
accept (CSV, Parquet, Arrow, JSON Lines) and writes them to the lead store,
batch by batch (each batch one transaction), with a progress bar on a
terminal. It prints, per file, the rows read, loaded, skipped (already
stored: a repeated event_id, a lead sent again with the same fields) and
rejected with the reason of each rejection. An events column other than
lead_id, timestamp, type and event_id is an attribute (page, channel, ...);
an outcomes file may carry a status column (won, lost, disqualified).`,
		Example: `  leadscore import --store sqlite:leads.db --leads leads.csv --events events.csv --outcomes outcomes.csv
  PGPASSWORD=... leadscore import --store postgres://leadscore@db:5432/leadscore --leads leads.parquet`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := requireFlags(cmd, "store", "leads"); err != nil {
				return err
			}
			return runImport(g, cmd, f)
		},
	}
	f.rf.register(cmd)
	fl := cmd.Flags()
	fl.StringVar(&f.storeURL, "store", "", "the lead store: sqlite:PATH or a postgres:// URL (password also from PGPASSWORD)")
	fl.StringVar(&f.leads, "leads", "", "leads file: lead_id, created_at and the fields")
	fl.StringVar(&f.events, "events", "", "activity events file: lead_id, timestamp, type, optional event_id, attributes")
	fl.StringVar(&f.outs, "outcomes", "", "outcomes file: lead_id, converted_at, optional amount and status")
	fl.StringVar(&f.config, "config", "", "leadscore.yaml naming the columns (id, created, events:, outcomes:)")
	fl.StringVar(&f.id, "id", "", "lead id column of the leads file (default lead_id)")
	fl.StringVar(&f.created, "created", "", "creation time column of the leads file (default created_at)")
	fl.StringVar(&f.outID, "outcome-id", "", "lead id column of the outcomes file (default lead_id)")
	fl.StringVar(&f.cAt, "converted-at", "", "conversion time column of the outcomes file (default converted_at)")
	fl.IntVar(&f.batch, "batch", 5000, "rows per transaction")
	return cmd
}

func runImport(g *globals, cmd *cobra.Command, f importFlags) error {
	read, err := f.rf.options()
	if err != nil {
		return err
	}
	cfg := features.DefaultConfig()
	if f.config != "" {
		if cfg, err = features.LoadConfig(f.config); err != nil {
			return err
		}
	}
	changed := cmd.Flags().Changed
	override(changed, "id", &cfg.ID, f.id)
	override(changed, "created", &cfg.Created, f.created)
	override(changed, "outcome-id", &cfg.Outcomes.LeadID, f.outID)
	override(changed, "converted-at", &cfg.Outcomes.ConvertedAt, f.cAt)
	if f.batch < 1 {
		return usagef("--batch %d: expected at least 1", f.batch)
	}
	for _, in := range []struct{ flag, path string }{{"--leads", f.leads}, {"--events", f.events}, {"--outcomes", f.outs}} {
		if in.path != "" {
			if err := checkInFile(in.flag, in.path); err != nil {
				return err
			}
		}
	}
	ctx := context.Background()
	st, err := store.Open(ctx, f.storeURL)
	if err != nil {
		return err
	}
	defer st.Close()
	var bar *progress
	var barFile string
	start := time.Now()
	rep, err := st.Import(ctx, store.ImportOptions{
		Leads: f.leads, Events: f.events, Outcomes: f.outs, Read: read,
		ID: cfg.ID, Created: cfg.Created,
		EventLeadID: cfg.Events.LeadID, Timestamp: cfg.Events.Timestamp, Type: cfg.Events.Type,
		OutcomeLeadID: cfg.Outcomes.LeadID, ConvertedAt: cfg.Outcomes.ConvertedAt, Amount: cfg.Outcomes.Amount,
		Batch: f.batch,
		Progress: func(file string, rows int64) {
			if file != barFile {
				if bar != nil {
					bar.Done()
				}
				bar, barFile = g.newProgress(-1, "importing "+filepath.Base(file)), file
			}
			bar.Set(int(rows))
		},
	})
	if bar != nil {
		bar.Done()
	}
	if rep != nil {
		for _, r := range []*store.FileReport{rep.Leads, rep.Events, rep.Outcomes} {
			printFileReport(g.stdout, r)
		}
	}
	if err != nil {
		return err
	}
	g.infof("imported into %s in %.1fs\n", st.Redacted(), time.Since(start).Seconds())
	return nil
}

func printFileReport(w io.Writer, r *store.FileReport) {
	if r == nil {
		return
	}
	fmt.Fprintf(w, "%s: %d rows read, %d loaded, %d skipped (already stored), %d rejected\n", r.File, r.Rows, r.Loaded, r.Skipped, r.Rejected)
	reasons := make([]string, 0, len(r.Reasons))
	for k := range r.Reasons {
		reasons = append(reasons, k)
	}
	sort.Strings(reasons)
	for _, k := range reasons {
		fmt.Fprintf(w, "  rejected %d: %s\n", r.Reasons[k], k)
	}
	if r.Unparsed != "" {
		fmt.Fprintf(w, "  stored as missing: %s\n", r.Unparsed)
	}
}
