package main

import (
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/leadscore/leadscore/internal/atomicfile"
)

func newGC(g *globals) *cobra.Command {
	var modelsDir string
	var olderThan time.Duration
	cmd := &cobra.Command{
		Use:   "gc [--models DIR] [--older-than 1h] [DIR...]",
		Short: "Remove temporary files and directories left by crashed writes",
		Long: `gc removes the temporary files and directories that an interrupted write
leaves behind (".NAME.tmp-*", and ".NAME.old-*" once NAME exists again)
in --models and in any other DIR given, and one level below them, when
they were last modified more than --older-than ago. 'leadscore serve' does
the same for --models when it starts.`,
		Example: `  leadscore gc --models ./models
  leadscore gc --models ./models --older-than 10m ./reports`,
		RunE: func(cmd *cobra.Command, args []string) error {
			if olderThan < 0 {
				return usagef("--older-than %s: expected a positive duration such as 1h", olderThan)
			}
			removed, err := atomicfile.RemoveStale(olderThan, append([]string{modelsDir}, args...)...)
			for _, p := range removed {
				fmt.Fprintln(g.stdout, "removed", p)
			}
			return err
		},
	}
	cmd.Flags().StringVar(&modelsDir, "models", "models", "models directory to clean")
	cmd.Flags().DurationVar(&olderThan, "older-than", atomicfile.DefaultStaleAge, "only remove temporary files last modified longer ago than this (a younger one may be a write in progress)")
	return cmd
}
