package main

import (
	"strings"

	"github.com/spf13/cobra"

	"github.com/leadscore/leadscore/datasets"
)

// readFlags are the options every command that reads a table accepts.
type readFlags struct {
	format    string
	delimiter string
	missing   []string
	types     []string
}

func (r *readFlags) register(cmd *cobra.Command) {
	f := cmd.Flags()
	f.StringVar(&r.format, "format", "", "input format: csv, parquet, arrow or jsonl (default: by file extension)")
	f.StringVar(&r.delimiter, "delimiter", "", `CSV delimiter: ",", ";", "tab" or "|" (default: sniffed)`)
	f.StringSliceVar(&r.missing, "missing-values", nil, `extra values that mean missing, e.g. "Select" (comma-separated)`)
	f.StringSliceVar(&r.types, "types", nil, "column type overrides COL=number|boolean|category|timestamp|text (comma-separated)")
}

// options turns the flags into datasets.ReadOptions; bad values are usage errors.
func (r *readFlags) options() (datasets.ReadOptions, error) {
	opt := datasets.ReadOptions{Format: r.format, MissingValues: r.missing}
	var err error
	if opt.Delimiter, err = datasets.ParseDelimiter(r.delimiter); err != nil {
		return opt, usagef("--%v", err)
	}
	if r.format != "" {
		if _, err := datasets.ParseFormat(r.format); err != nil {
			return opt, usagef("--format: %v", err)
		}
	}
	if len(r.types) > 0 {
		opt.Types = make(map[string]datasets.Kind, len(r.types))
		for _, t := range r.types {
			col, kind, ok := strings.Cut(t, "=")
			if !ok || col == "" {
				return opt, usagef("--types %q: expected COL=TYPE", t)
			}
			k, err := datasets.ParseKind(kind)
			if err != nil {
				return opt, usagef("--types %q: %v", t, err)
			}
			opt.Types[col] = k
		}
	}
	return opt, nil
}
