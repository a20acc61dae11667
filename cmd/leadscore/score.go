package main

import (
	"fmt"
	"strconv"
	"time"

	"github.com/spf13/cobra"

	"github.com/leadscore/leadscore/datasets"
	"github.com/leadscore/leadscore/features"
	"github.com/leadscore/leadscore/models"
)

type scoreFlags struct {
	rf                 readFlags
	model, in, events  string
	out, asOf, explain string
	allModels          bool
	threads            int
	storeURL, ids      string
}

func newScore(g *globals) *cobra.Command {
	var s scoreFlags
	cmd := &cobra.Command{
		Use:   "score --model DIR (--in FILE | --store URL) --out FILE",
		Short: "Score a file of leads with a model bundle",
		Long: `score writes one output row per input row, in input order, with lead_id,
probability, score, percentile, grade, tier and model; rules_points and
rules_tier when the bundle has a rule sheet; probability_<model> per model with
--all-models; the top contributions as JSON in a reasons column with
--explain K. A row that cannot be scored keeps its place with an error.
The output format follows the --out extension: .csv, .parquet or .jsonl.
With --store it scores the leads of a lead store instead (every stored lead,
in the order they arrived, or those listed in --ids), each from its stored
fields and events as of --as-of exactly as GET /v1/leads/{id} scores it, and
appends every score to the store's prediction log.`,
		Example: `  leadscore score --model ./leadscore-models/v1 --in new_leads.csv --events events.csv --out scores.csv --explain 3
  leadscore score --model ./leadscore-models/v1 --store sqlite:leadscore-store.db --out scores.csv`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if s.storeURL != "" {
				if s.in != "" || s.events != "" {
					return usagef("--store scores the stored leads: drop --in and --events (or drop --store to score files)")
				}
				if err := requireFlags(cmd, "model", "out"); err != nil {
					return err
				}
				return runScoreStore(g, s)
			}
			if s.ids != "" {
				return usagef("--ids picks stored leads: it needs --store URL")
			}
			if err := requireFlags(cmd, "model", "in", "out"); err != nil {
				return err
			}
			return runScore(g, s)
		},
	}
	s.rf.register(cmd)
	f := cmd.Flags()
	f.StringVar(&s.model, "model", "", "model bundle directory (written by 'leadscore train --out')")
	f.StringVar(&s.in, "in", "", "leads to score: a file or a database table (sqlite:PATH?table=NAME, postgres://...?query=SELECT...)")
	f.StringVar(&s.events, "events", "", "their activity events (three-table shape)")
	f.StringVar(&s.out, "out", "", "output file: .csv, .parquet or .jsonl")
	f.StringVar(&s.asOf, "as-of", "", "score as of this time (RFC 3339 or 2006-01-02; default: now)")
	f.StringVar(&s.explain, "explain", "0", "add the top K positive and K negative contributions as JSON ('all' for every field)")
	f.BoolVar(&s.allModels, "all-models", false, "add probability_<model> for every model in the bundle")
	f.IntVar(&s.threads, "threads", 0, "worker threads (default: all cores)")
	f.StringVar(&s.storeURL, "store", "", "score the leads of this lead store (sqlite:PATH or a postgres:// URL) instead of --in")
	f.StringVar(&s.ids, "ids", "", "with --store: a file of lead ids to score, one per line (default: every stored lead)")
	return cmd
}

func parseExplain(s string) (int, error) {
	if s == "all" {
		return models.ExplainAll, nil
	}
	k, err := strconv.Atoi(s)
	if err != nil || k < 0 {
		return 0, usagef("--explain %q: expected a number >= 0 or 'all'", s)
	}
	return k, nil
}

func parseAsOf(s string) (time.Time, error) {
	if s == "" {
		return time.Now().UTC(), nil
	}
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05", "2006-01-02"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t.UTC(), nil
		}
	}
	return time.Time{}, usagef("--as-of %q: expected RFC 3339 (2006-01-02T15:04:05Z) or 2006-01-02", s)
}

func runScore(g *globals, s scoreFlags) error {
	k, err := parseExplain(s.explain)
	if err != nil {
		return err
	}
	asOf, err := parseAsOf(s.asOf)
	if err != nil {
		return err
	}
	read, err := s.rf.options()
	if err != nil {
		return err
	}
	for _, f := range []struct{ flag, path string }{{"--in", s.in}, {"--events", s.events}} {
		if f.path != "" {
			if err := checkInFile(f.flag, f.path); err != nil {
				return err
			}
		}
	}
	if err := checkOutFile("--out", s.out); err != nil {
		return err
	}
	b, err := models.Load(s.model)
	if err != nil {
		return err
	}
	read.MissingValues = append(read.MissingValues, b.Spec.Config.MissingValues...)
	var in features.Inputs
	if in.Leads, _, err = datasets.ReadFile(s.in, read); err != nil {
		return err
	}
	if s.events != "" {
		if in.Events, _, err = datasets.ReadFile(s.events, read); err != nil {
			return err
		}
	}
	if err := b.Spec.CheckTable(in.Leads); err != nil {
		return err // before the warning about optional columns
	}
	if absent := b.Spec.AbsentColumns(in.Leads); len(absent) > 0 {
		// Not an error (the API imputes these fields too), but every row's
		// score moves, so say so once, with the count.
		fmt.Fprintf(g.stderr, "leadscore: warning: %s lacks %d column(s) the model was trained with, %q: imputed as missing for all %d rows (each row's warnings say so); add them to score as trained\n",
			s.in, len(absent), absent, in.Leads.Rows())
	}
	opt := models.ScoreOptions{Explain: k, AllModels: s.allModels}
	start := time.Now()
	scored, err := b.ScoreInputs(in, asOf, opt, s.threads)
	if err != nil {
		return err
	}
	n, failed, err := b.NewScoreFile(opt).Write(s.out, scored)
	if err != nil {
		return err
	}
	g.infof("scored %d leads (%d errors) with %s %s in %.2fs -> %s\n", n, failed, b.Scoring.Champion, b.Manifest.Version, time.Since(start).Seconds(), s.out)
	return nil
}
