package main

import (
	"encoding/json"

	"github.com/spf13/cobra"

	"github.com/leadscore/leadscore/datasets"
)

func newInspect(g *globals) *cobra.Command {
	var rf readFlags
	var target string
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "inspect FILE",
		Short: "Profile a table: rows, column types, missing rates, distinct and top values",
		Example: `  leadscore inspect leads.csv
  leadscore inspect Leads.csv --missing-values Select --target Converted --json
  leadscore inspect 'sqlite:crm.db?table=leads'`,
		Args: exactArgs(1, "one FILE"),
		RunE: func(cmd *cobra.Command, args []string) error {
			opt, err := rf.options()
			if err != nil {
				return err
			}
			p, err := datasets.Inspect(args[0], opt, target)
			if err != nil {
				return err
			}
			if asJSON {
				enc := json.NewEncoder(g.stdout)
				enc.SetIndent("", "  ")
				return enc.Encode(p)
			}
			return p.WriteText(g.stdout)
		},
	}
	rf.register(cmd)
	cmd.Flags().StringVar(&target, "target", "", "a 0/1 (or yes/no) outcome column whose positive rate to report")
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the profile as JSON")
	return cmd
}
