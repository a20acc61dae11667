package main

import (
	"errors"
	"fmt"
	"io/fs"
	"os"

	"github.com/spf13/cobra"

	"github.com/leadscore/leadscore/features"
	"github.com/leadscore/leadscore/internal/atomicfile"
)

func newConfig(g *globals) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "config",
		Short: "Write leadscore.yaml, the column names and feature settings train reads with --config",
		Args:  noArgs,
	}
	var out string
	var force bool
	initCmd := &cobra.Command{
		Use:   "init [--out FILE]",
		Short: "Write a commented leadscore.yaml with every key at its default",
		Long: `config init writes leadscore.yaml (--out; "-" for stdout) with every key,
its default and an example, to edit and pass to train with --config.`,
		Example: "  leadscore config init\n  leadscore config init --out my-crm.yaml",
		Args:    noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if out == "-" {
				_, err := fmt.Fprint(g.stdout, features.ConfigTemplate)
				return err
			}
			if _, err := os.Stat(out); err == nil && !force {
				return fmt.Errorf("--out %s: already exists; edit it, or pass --force to replace it", out)
			} else if err != nil && !errors.Is(err, fs.ErrNotExist) {
				return fmt.Errorf("--out %s: %w", out, err)
			}
			if err := checkOutFile("--out", out); err != nil {
				return err
			}
			if err := atomicfile.WriteFile(out, []byte(features.ConfigTemplate), 0o644); err != nil {
				return err
			}
			g.infof("wrote %s; edit it and pass it with --config %s\n", out, out)
			return nil
		},
	}
	initCmd.Flags().StringVar(&out, "out", "leadscore.yaml", `file to write ("-": stdout)`)
	initCmd.Flags().BoolVar(&force, "force", false, "replace the file if it exists")
	cmd.AddCommand(initCmd)
	return cmd
}
