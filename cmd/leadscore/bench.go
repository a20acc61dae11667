package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/leadscore/leadscore/bench/suite"
)

func newBench(g *globals) *cobra.Command {
	var opt suite.Options
	long := `bench reproduces leadscore's side of every figure in BENCHMARKS.md, in this
process, with no other tools: it generates the same seeded data as the
scripts under bench/ and the Go benchmarks, measures wall and CPU time
(getrusage: on a shared machine CPU time is the steadier figure) and prints a
table; --json also writes every result with a description of the machine.

Suites (default: all, in this order):
`
	for _, s := range suite.Suites() {
		long += fmt.Sprintf("  %-9s %s\n", s.Name, s.What)
	}
	long += `
--size tiny is a smoke test (seconds), small a quick run (about a minute),
full the sizes of BENCHMARKS.md (1M-row tables and matrices, 1M generated
leads, 10 s per load test; several minutes and a few GB of memory and disk).
Generated inputs go to --dir (kept and reused by the next run) or to a
temporary directory that is removed at the end; the generate suite's output
is always removed.

The reference sides (XGBoost, scikit-learn, wrk) are not run: the scripts
bench/gbm/run.sh, bench/logistic/run.sh and bench/serve/run.sh run them on
the same data. The serve suite's load generator is a Go HTTP client in this
process, so it shares the CPU with the server as wrk did.`
	cmd := &cobra.Command{
		Use:   "bench [SUITE...]",
		Short: "Measure the figures of BENCHMARKS.md (read, generate, features, rules, logistic, gbm, score, serve)",
		Long:  long,
		Example: `  leadscore bench                          # every suite, small sizes
  leadscore bench gbm --size full --json gbm.json
  leadscore bench read features --dir /tmp/leadscore-bench`,
		ValidArgs: suite.Names(),
		RunE: func(cmd *cobra.Command, args []string) error {
			opt.Suites = args
			if err := opt.Validate(); err != nil {
				return usageError{err}
			}
			line := append([]string{"leadscore", "bench"}, args...)
			cmd.Flags().Visit(func(f *pflag.Flag) { line = append(line, "--"+f.Name+"="+f.Value.String()) })
			opt.Command, opt.Version, opt.Out = strings.Join(line, " "), version, g.stdout
			if !g.quiet {
				opt.Log = g.stderr
			}
			parent := cmd.Context()
			if parent == nil {
				parent = context.Background()
			}
			ctx, stop := signal.NotifyContext(parent, os.Interrupt, syscall.SIGTERM)
			defer stop()
			_, err := suite.Run(ctx, opt)
			if ctx.Err() != nil && parent.Err() == nil {
				// Interrupted: Run has removed its generated data; exit at
				// once with the shell's status for an interrupt.
				fmt.Fprintln(g.stderr, "leadscore: bench interrupted")
				os.Exit(130)
			}
			return err
		},
	}
	f := cmd.Flags()
	f.StringVar(&opt.Size, "size", "small", "tiny, small or full (the sizes of BENCHMARKS.md)")
	f.StringVar(&opt.JSONPath, "json", "", "also write every result and the machine description to this JSON file")
	f.StringVar(&opt.Dir, "dir", "", "working directory for generated inputs, kept for the next run (default: a temporary directory, removed)")
	f.IntVar(&opt.Threads, "threads", 0, "goroutines for fits, predictions and the API (sets GOMAXPROCS; 0: all cores)")
	f.Float64Var(&opt.ServeSeconds, "serve-seconds", 0, "seconds per load-test run of the serve suite (0: 0.5, 2 or 10 by --size)")
	return cmd
}
