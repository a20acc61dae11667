package main

import (
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/leadscore/leadscore/features"
	"github.com/leadscore/leadscore/internal/atomicfile"
	"github.com/leadscore/leadscore/models"
	"github.com/leadscore/leadscore/models/sqlgen"
)

type sqlFlags struct {
	model, dialect, leads, events string
	asOf, asOfColumn, modelName   string
	config, out                   string
	explain                       int
}

func newSQL(g *globals) *cobra.Command {
	var s sqlFlags
	cmd := &cobra.Command{
		Use:   "sql --model DIR --dialect D --leads TABLE [--events TABLE] (--as-of TIME | --as-of-column COL)",
		Short: "Compile a model bundle's scoring path to one SQL query for a warehouse",
		Long: `sql writes one SQL query that scores every lead of the leads table inside the
database: the bundle's point-in-time features from the raw leads and events
tables, the model, calibration, score, percentile, grade and tier, the rule
sheet's points and tier and, with --explain K, the top K positive and K
negative contributions as a JSON array in a reasons column (logistic and
rules; gbm contributions are TreeSHAP values, which SQL cannot express).
Columns: lead_id, probability, score, percentile, grade, tier, model,
rules_points, rules_tier, reasons, named as leadscore score names them.
Dialects: ` + strings.Join(sqlgen.Dialects(), ", ") + `.`,
		Example: "  leadscore sql --model ./leadscore-models/v1 --dialect postgres --leads crm.leads --events crm.events --as-of 2025-11-01 --out score.sql",
		Args:    noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := requireFlags(cmd, "model", "dialect", "leads"); err != nil {
				return err
			}
			return runSQL(g, s)
		},
	}
	f := cmd.Flags()
	f.StringVar(&s.model, "model", "", "model bundle directory (written by 'leadscore train --out')")
	f.StringVar(&s.dialect, "dialect", "", "SQL dialect: "+strings.Join(sqlgen.Dialects(), ", "))
	f.StringVar(&s.leads, "leads", "", "leads table (schema.table allowed)")
	f.StringVar(&s.events, "events", "", "events table (needed when the bundle reads events)")
	f.StringVar(&s.asOf, "as-of", "", "score every lead as of this time (RFC 3339 or 2006-01-02)")
	f.StringVar(&s.asOfColumn, "as-of-column", "", "leads column holding each lead's own scoring time (instead of --as-of)")
	f.StringVar(&s.modelName, "model-name", "", "model to score with: logistic, gbm or rules (default: the bundle's champion)")
	f.IntVar(&s.explain, "explain", 0, "add the top K positive and K negative contributions as a JSON array in a reasons column")
	f.StringVar(&s.config, "config", "", "leadscore.yaml naming the warehouse's columns (id, created, events.lead_id, events.timestamp, events.type)")
	f.StringVar(&s.out, "out", "", "write the query to this file (default: stdout)")
	return cmd
}

func runSQL(g *globals, s sqlFlags) error {
	if _, err := sqlgen.LookupDialect(s.dialect); err != nil {
		return usagef("%v", err)
	}
	if s.explain < 0 {
		return usagef("--explain %d: expected a number >= 0", s.explain)
	}
	if (s.asOf == "") == (s.asOfColumn == "") {
		return usagef("--as-of or --as-of-column: expected exactly one (a time such as 2025-11-01, or the leads column holding each lead's scoring time)")
	}
	opt := sqlgen.Options{Dialect: s.dialect, Leads: s.leads, Events: s.events, AsOfColumn: s.asOfColumn, Model: s.modelName, Explain: s.explain}
	if s.asOf != "" {
		t, err := parseAsOf(s.asOf)
		if err != nil {
			return err
		}
		opt.AsOf = t
	}
	if s.config != "" {
		cfg, err := features.LoadConfig(s.config)
		if err != nil {
			return err
		}
		opt.Columns = &sqlgen.Columns{ID: cfg.ID, Created: cfg.Created, EventLeadID: cfg.Events.LeadID, EventTimestamp: cfg.Events.Timestamp, EventType: cfg.Events.Type}
	}
	if s.out != "" {
		if err := checkOutFile("--out", s.out); err != nil {
			return err
		}
	}
	b, err := models.Load(s.model)
	if err != nil {
		return err
	}
	q, err := sqlgen.Compile(b, opt)
	if err != nil {
		return err
	}
	if s.out == "" {
		_, err := fmt.Fprint(g.stdout, q)
		return err
	}
	if err := atomicfile.WriteFile(s.out, []byte(q), 0o644); err != nil {
		return err
	}
	g.infof("wrote the %s query (%d bytes) scoring with %s %s to %s\n", s.dialect, len(q), opt.Model, b.Manifest.Version, s.out)
	return nil
}
