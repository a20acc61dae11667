package main

import (
	"fmt"
	"os"

	"github.com/spf13/cobra"

	"github.com/leadscore/leadscore/datasets"
	"github.com/leadscore/leadscore/models/rules"
)

func newRules(g *globals) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "rules",
		Short: "Check and print rule sheets (marketing's point-based scoring)",
		Args:  noArgs,
		RunE:  func(cmd *cobra.Command, _ []string) error { return cmd.Help() },
	}
	cmd.AddCommand(newRulesLint(g), newRulesDefault(g))
	return cmd
}

func newRulesLint(g *globals) *cobra.Command {
	var rf readFlags
	var data, events string
	cmd := &cobra.Command{
		Use:   "lint FILE",
		Short: "Validate a rule sheet; report every problem with its line and column",
		Long: `lint parses a rule sheet and reports every problem as FILE:LINE:COL. With
--data it also checks that the fields the rules use exist in that leads file
and have the right type; with --events, that the event types exist.
Exit status 1 when there is an error (warnings alone exit 0).`,
		Example: "  leadscore rules lint rules.yaml --data leads.csv --events events.csv",
		Args:    exactArgs(1, "one rule sheet FILE"),
		RunE: func(cmd *cobra.Command, args []string) error {
			src, err := os.ReadFile(args[0])
			if err != nil {
				return err
			}
			opt, err := rf.options()
			if err != nil {
				return err
			}
			var schema []datasets.Field
			var eventTypes []string
			if data != "" {
				r, err := datasets.Open(data, opt)
				if err != nil {
					return err
				}
				schema = r.Schema()
				r.Close()
			}
			if events != "" {
				if eventTypes, err = distinctValues(events, opt, "type"); err != nil {
					return err
				}
			}
			probs := rules.Lint(src, args[0], schema, eventTypes)
			errs := 0
			for _, p := range probs {
				fmt.Fprintln(g.stdout, p.String())
				if p.Severity == "error" {
					errs++
				}
			}
			if errs > 0 {
				return fmt.Errorf("%s: %d error(s), %d warning(s)", args[0], errs, len(probs)-errs)
			}
			g.infof("%s: ok (%d warning(s))\n", args[0], len(probs))
			return nil
		},
	}
	rf.register(cmd)
	cmd.Flags().StringVar(&data, "data", "", "leads file whose columns the field rules must match")
	cmd.Flags().StringVar(&events, "events", "", "events file whose types the event rules must match")
	return cmd
}

// distinctValues streams a column of a file and returns its distinct values.
func distinctValues(path string, opt datasets.ReadOptions, col string) ([]string, error) {
	opt.Required = []string{col}
	r, err := datasets.Open(path, opt)
	if err != nil {
		return nil, err
	}
	defer r.Close()
	var c *datasets.Column
	for {
		t, err := r.Next()
		if t != nil && t.Rows() > 0 {
			c = t.Col(col)
		}
		if err != nil {
			break
		}
	}
	if c == nil || c.Dict == nil {
		return nil, nil
	}
	return append([]string(nil), c.Dict.Values()...), nil
}

func newRulesDefault(g *globals) *cobra.Command {
	var profile string
	cmd := &cobra.Command{
		Use:     "default",
		Short:   "Print a shipped rule sheet (b2b, b2c or xeducation) to start from",
		Example: "  leadscore rules default --profile b2b > rules.yaml",
		Args:    noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			y := rules.Default(profile)
			if y == nil {
				return usagef("--profile %q: expected b2b, b2c or xeducation", profile)
			}
			_, err := g.stdout.Write(y)
			return err
		},
	}
	cmd.Flags().StringVar(&profile, "profile", "b2b", "b2b, b2c or xeducation")
	return cmd
}
