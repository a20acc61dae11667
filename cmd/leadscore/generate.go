package main

import (
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/leadscore/leadscore/datasets/synth"
)

func newGenerate(g *globals) *cobra.Command {
	var cfg synth.Config
	var out string
	cmd := &cobra.Command{
		Use:   "generate --out DIR",
		Short: "Write a synthetic lead history (leads, events, outcomes, ground truth)",
		Long: `generate writes realistic synthetic leads with their activity events and
closed-won outcomes, drawn from a documented latent model whose parameters and
per-lead true conversion probabilities are written to truth.json and
truth_probabilities.*. The same --seed always gives the same files.`,
		Example: "  leadscore generate --profile b2b --leads 20000 --seed 1 --out ./sample",
		Args:    noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := requireFlags(cmd, "out"); err != nil {
				return err
			}
			if cfg.Profile != "b2b" && cfg.Profile != "b2c" {
				return usagef("--profile %q: expected b2b or b2c", cfg.Profile)
			}
			if cfg.Format != "csv" && cfg.Format != "parquet" {
				return usagef("--format %q: expected csv or parquet", cfg.Format)
			}
			if cfg.Leads <= 0 {
				return usagef("--leads must be positive, got %d", cfg.Leads)
			}
			if err := generate(g, cfg, out, out); err != nil {
				return err
			}
			fmt.Fprintln(g.stdout, out)
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&cfg.Profile, "profile", "b2b", "b2b or b2c")
	f.IntVar(&cfg.Leads, "leads", 20000, "number of leads")
	f.Int64Var(&cfg.Seed, "seed", 1, "random seed")
	f.StringVar(&out, "out", "", "output directory (created)")
	f.StringVar(&cfg.Format, "format", "csv", "csv or parquet")
	f.BoolVar(&cfg.Flat, "flat", false, "also write leads_flat.* (one row per lead with a 0/1 converted column)")
	f.Float64Var(&cfg.ConversionRate, "conversion-rate", 0.10, "target share of leads that convert")
	f.IntVar(&cfg.Months, "months", 12, "months over which leads are created")
	return cmd
}

// generate writes the sample into out; shown is the directory named in
// messages (out itself, or where quickstart will move it).
func generate(g *globals, cfg synth.Config, out, shown string) error {
	bar := g.newProgress(cfg.Leads, "generating leads")
	start := time.Now()
	sum, err := synth.Generate(cfg, out, func(done, _ int) { bar.Set(done) })
	bar.Done()
	if err != nil {
		return err
	}
	g.infof("wrote %d leads, %d events, %d conversions to %s in %.1fs\n",
		sum.Leads, sum.Events, sum.Conversions, shown, time.Since(start).Seconds())
	return nil
}
