package main

import (
	"encoding/json"
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
}

func newScore(g *globals) *cobra.Command {
	var s scoreFlags
	cmd := &cobra.Command{
		Use:   "score --model DIR --in FILE --out FILE",
		Short: "Score a file of leads with a model bundle",
		Long: `score writes one output row per input row, in input order, with lead_id,
probability, score, percentile, grade, tier and model; rules_points and
rules_tier when the bundle has a rule sheet; probability_<model> per model with
--all-models; the top contributions as JSON in a reasons column with
--explain K. A row that cannot be scored keeps its place with an error.
The output format follows the --out extension: .csv, .parquet or .jsonl.`,
		Example: "  leadscore score --model models/v1 --in new_leads.csv --events events.csv --out scores.csv --explain 3",
		Args:    noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := requireFlags(cmd, "model", "in", "out"); err != nil {
				return err
			}
			return runScore(g, s)
		},
	}
	s.rf.register(cmd)
	f := cmd.Flags()
	f.StringVar(&s.model, "model", "", "model bundle directory (written by 'leadscore train --out')")
	f.StringVar(&s.in, "in", "", "leads to score")
	f.StringVar(&s.events, "events", "", "their activity events (three-table shape)")
	f.StringVar(&s.out, "out", "", "output file: .csv, .parquet or .jsonl")
	f.StringVar(&s.asOf, "as-of", "", "score as of this time (RFC 3339 or 2006-01-02; default: now)")
	f.StringVar(&s.explain, "explain", "0", "add the top K positive and K negative contributions as JSON ('all' for every field)")
	f.BoolVar(&s.allModels, "all-models", false, "add probability_<model> for every model in the bundle")
	f.IntVar(&s.threads, "threads", 0, "worker threads (default: all cores)")
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
	ds, err := features.ScoringDataset(b.Spec.Config, in, asOf)
	if err != nil {
		return err
	}
	opt := models.ScoreOptions{Explain: k, AllModels: s.allModels}
	start := time.Now()
	results, errs := b.ScoreAll(ds, opt, s.threads)
	rowErrs := unscoredReasons(in.Leads, b.Spec.Config.ID, ds)
	n, failed, err := writeScores(s.out, b, rowErrs, results, errs, opt)
	if err != nil {
		return err
	}
	g.infof("scored %d leads (%d errors) with %s %s in %.2fs -> %s\n", n, failed, b.Scoring.Champion, b.Manifest.Version, time.Since(start).Seconds(), s.out)
	return nil
}

// unscoredReasons returns, for every input row of leads, the scoring row that
// holds it, or -1 and the reason it could not be scored.
func unscoredReasons(leads *datasets.Table, idCol string, ds *features.Dataset) []rowRef {
	refs := make([]rowRef, leads.Rows())
	for i := range refs {
		refs[i].ds = -1
	}
	for i, r := range ds.LeadRows {
		refs[r].ds = i
	}
	ids := leads.Col(idCol)
	seen := make(map[string]bool, leads.Rows())
	for r := range refs {
		id := ""
		if ids != nil && !ids.IsMissing(r) {
			id = ids.String(r)
		}
		refs[r].id = id
		if refs[r].ds >= 0 {
			seen[id] = true
			continue
		}
		switch {
		case id == "":
			refs[r].reason = fmt.Sprintf("no lead id in column %q", idCol)
		case seen[id]:
			refs[r].reason = "duplicate lead id: only its first row is scored"
		default:
			refs[r].reason = "created after the scoring time (--as-of)"
		}
		seen[id] = true
	}
	return refs
}

// rowRef ties an input row to its scoring row (ds, -1 when not scored).
type rowRef struct {
	ds     int
	id     string
	reason string
}

// writeScores writes one output row per input row, in input order, to path
// atomically.
func writeScores(path string, b *models.Bundle, refs []rowRef, results []*models.Result, errs []error, opt models.ScoreOptions) (n, failed int, err error) {
	schema := []datasets.Field{
		{Name: "lead_id", Kind: datasets.KindText},
		{Name: "probability", Kind: datasets.KindNumber},
		{Name: "score", Kind: datasets.KindNumber},
		{Name: "percentile", Kind: datasets.KindNumber},
		{Name: "grade", Kind: datasets.KindCategory},
		{Name: "tier", Kind: datasets.KindCategory},
		{Name: "model", Kind: datasets.KindCategory},
	}
	hasRules := b.Rules != nil
	if hasRules {
		schema = append(schema, datasets.Field{Name: "rules_points", Kind: datasets.KindNumber}, datasets.Field{Name: "rules_tier", Kind: datasets.KindCategory})
	}
	names := b.Models()
	if opt.AllModels {
		for _, m := range names {
			schema = append(schema, datasets.Field{Name: "probability_" + m, Kind: datasets.KindNumber})
		}
	}
	if opt.Explain != 0 {
		schema = append(schema, datasets.Field{Name: "reasons", Kind: datasets.KindText})
	}
	schema = append(schema, datasets.Field{Name: "error", Kind: datasets.KindText})
	w, err := datasets.CreateWriter(path, "", schema)
	if err != nil {
		return 0, 0, err
	}
	num := func(x float64) string { return strconv.FormatFloat(x, 'g', -1, 64) }
	row := make([]string, len(schema))
	for _, ref := range refs {
		clear(row)
		row[0] = ref.id
		var r *models.Result
		switch {
		case ref.ds < 0:
			row[len(row)-1] = ref.reason
			failed++
		case errs[ref.ds] != nil:
			row[len(row)-1] = errs[ref.ds].Error()
			failed++
		default:
			r = results[ref.ds]
			row[1], row[2], row[3] = num(r.Probability), strconv.Itoa(r.Score), num(r.Percentile)
			row[4], row[5], row[6] = r.Grade, r.Tier, r.Model.Name
			c := 7
			if hasRules {
				row[c], row[c+1] = num(r.Rules.Points), r.Rules.Tier
				c += 2
			}
			if opt.AllModels {
				for _, m := range names {
					row[c] = num(r.Probabilities[m])
					c++
				}
			}
			if opt.Explain != 0 {
				js, err := json.Marshal(r.Explanation.Contributions)
				if err != nil {
					w.Abort()
					return 0, 0, fmt.Errorf("encode reasons of lead %s: %w", r.LeadID, err)
				}
				row[c] = string(js)
			}
		}
		if err := w.WriteRow(row); err != nil {
			w.Abort()
			return 0, 0, err
		}
		n++
	}
	return n, failed, w.Close()
}
