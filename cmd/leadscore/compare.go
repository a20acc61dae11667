package main

import (
	"context"
	"fmt"
	"path/filepath"
	"time"

	"github.com/spf13/cobra"

	"github.com/leadscore/leadscore/training/backtest"
	"github.com/leadscore/leadscore/training/htmlreport"
)

type compareFlags struct {
	rf                          readFlags
	model, in, events, outcomes string
	target, rules, report       string
	suggest, asOf               string
	capacity, precision         float64
	top, threads                int
	seed                        int64
}

func newCompare(g *globals) *cobra.Command {
	var t compareFlags
	cmd := &cobra.Command{
		Use:   "compare --model DIR --in FILE [--events FILE] [--outcomes FILE | --target COL] --report DIR",
		Short: "Set the rule sheet and the predictive model side by side on the same leads",
		Long: `compare scores the same leads with the bundle's rule sheet and its champion
model and writes a report: the tier cross-tab (with conversion rates where
outcomes are known), the leads the two disagree on most with the reasons from
both sides, per-rule firing and conversion rates with the points the data
suggests, and threshold advice for a sales capacity (--capacity leads per
week) or a target conversion rate (--precision). With --outcomes leads are
taken at their first snapshot and labelled by the bundle's horizon; with
--target the flat file's column is the outcome; with neither, leads are scored
as of --as-of and only counted.`,
		Example: `  leadscore compare --model ./leadscore-models/v1 --in leads.csv --events events.csv --outcomes outcomes.csv --report reports/compare --capacity 50
  leadscore compare --model ./leadscore-models/v1 --in Leads.csv --target Converted --report reports/compare --suggest-rules rules.suggested.yaml --precision 0.3`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := requireFlags(cmd, "model", "in", "report"); err != nil {
				return err
			}
			if t.outcomes != "" && t.target != "" {
				return usagef("give --outcomes or --target, not both")
			}
			if t.capacity < 0 {
				return usagef("--capacity %g: expected a number of leads per week > 0", t.capacity)
			}
			if t.precision < 0 || t.precision >= 1 {
				return usagef("--precision %g: expected a conversion rate between 0 and 1, e.g. 0.3", t.precision)
			}
			return runCompare(g, t)
		},
	}
	t.rf.register(cmd)
	f := cmd.Flags()
	f.StringVar(&t.model, "model", "", "model bundle directory (written by 'leadscore train --out')")
	f.StringVar(&t.in, "in", "", "leads file")
	f.StringVar(&t.events, "events", "", "their activity events (three-table shape)")
	f.StringVar(&t.outcomes, "outcomes", "", "closed-won outcomes: conversion rates, metrics and suggested points")
	f.StringVar(&t.target, "target", "", "0/1 outcome column of flat leads (instead of --outcomes)")
	f.StringVar(&t.rules, "rules", "", "rule sheet to compare instead of the bundle's")
	f.StringVar(&t.report, "report", "", "report directory to write (replaced atomically if it exists)")
	f.StringVar(&t.suggest, "suggest-rules", "", "write the rule sheet with the suggested points to this YAML file")
	f.StringVar(&t.asOf, "as-of", "", "score unlabelled leads as of this time (RFC 3339 or 2006-01-02; default: now)")
	f.Float64Var(&t.capacity, "capacity", 0, "sales capacity in leads per week: advise the threshold that fills it")
	f.Float64Var(&t.precision, "precision", 0, "target conversion rate of the leads passed to sales, e.g. 0.3")
	f.IntVar(&t.top, "top", 10, "disagreeing leads to list each way")
	f.Int64Var(&t.seed, "seed", 1, "bootstrap seed")
	f.IntVar(&t.threads, "threads", 0, "worker threads (default: all cores)")
	return cmd
}

func runCompare(g *globals, t compareFlags) error {
	read, err := t.rf.options()
	if err != nil {
		return err
	}
	// Every input, and the output file's directory, before the scoring.
	for _, f := range []struct{ flag, path string }{{"--in", t.in}, {"--events", t.events}, {"--outcomes", t.outcomes}, {"--rules", t.rules}} {
		if f.path != "" {
			if err := checkInFile(f.flag, f.path); err != nil {
				return err
			}
		}
	}
	if t.suggest != "" {
		if err := checkOutFile("--suggest-rules", t.suggest); err != nil {
			return err
		}
	}
	var asOf time.Time
	if t.asOf != "" {
		if asOf, err = parseAsOf(t.asOf); err != nil {
			return err
		}
	}
	opt := backtest.CompareOptions{
		Model: t.model, In: t.in, Events: t.events, Outcomes: t.outcomes, Target: t.target, Read: read,
		RulesFile: t.rules, AsOf: asOf, Capacity: t.capacity, Precision: t.precision, Top: t.top,
		Seed: t.seed, Threads: t.threads,
	}
	c, err := backtest.Compare(context.Background(), opt)
	if err != nil {
		return err
	}
	if err := backtest.WriteCompareReport(t.report, c); err != nil {
		return err
	}
	printComparison(g, c, t.report)
	if t.suggest != "" {
		if err := c.WriteSuggestedSheet(t.suggest); err != nil {
			return err
		}
		fmt.Fprintf(g.stdout, "suggested rule sheet written to %s\n", t.suggest)
	}
	return nil
}

// printComparison prints where the report went and its summary, and on
// stderr how many leads could not be scored.
func printComparison(g *globals, c *backtest.Comparison, report string) {
	fmt.Fprintf(g.stdout, "comparison of %d leads written to %s\n", c.Leads, filepath.Join(report, htmlreport.HTMLFile))
	for _, s := range c.Summary {
		fmt.Fprintf(g.stdout, "  %s\n", s)
	}
	if c.Errors > 0 {
		g.infof("%d leads could not be scored\n", c.Errors)
	}
}
