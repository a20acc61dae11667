// Command leadscore trains, evaluates and serves predictive lead scores next to
// a marketer's rule sheet. Run `leadscore --help` for the commands.
//
// Exit status: 0 on success, 1 when the input is bad (a one-line error on
// stderr says what and where), 2 on usage errors (unknown command or flag,
// missing argument).
package main

import (
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/spf13/cobra"

	release "github.com/leadscore/leadscore/internal/version"
)

// version is what --version prints: the release version that bundles
// record, with the VCS revision when the build carries one.
var version = release.String()

// usageError marks errors in how the command was called (exit status 2).
type usageError struct{ err error }

func (e usageError) Error() string { return e.err.Error() }
func (e usageError) Unwrap() error { return e.err }

func usagef(format string, args ...any) error { return usageError{fmt.Errorf(format, args...)} }

// globals holds the flags every command shares.
type globals struct {
	quiet  bool
	stdout io.Writer
	stderr io.Writer
}

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// run executes the command line args and returns the exit status.
func run(args []string, stdout, stderr io.Writer) int {
	g := &globals{stdout: stdout, stderr: stderr}
	root := newRoot(g)
	root.SetArgs(args)
	root.SetOut(stdout)
	root.SetErr(stderr)
	err := root.Execute()
	if err == nil {
		return 0
	}
	fmt.Fprintf(stderr, "leadscore: %s\n", oneLine(err.Error()))
	var ue usageError
	if errors.As(err, &ue) {
		fmt.Fprintln(stderr, "Run 'leadscore --help' for usage.")
		return 2
	}
	return 1
}

func oneLine(s string) string {
	out := make([]rune, 0, len(s))
	for _, r := range s {
		if r == '\n' || r == '\r' {
			r = ' '
		}
		out = append(out, r)
	}
	return string(out)
}

func newRoot(g *globals) *cobra.Command {
	root := &cobra.Command{
		Use:   "leadscore",
		Short: "Predictive lead scoring next to your rule sheet",
		Long: `leadscore learns which leads turn into closed-won deals from your CRM history,
scores new leads with a calibrated probability, a 1-99 score, a grade and a
tier, explains every score, and compares it with marketing's rule sheet.`,
		Version:       version,
		SilenceErrors: true,
		SilenceUsage:  true,
		Args:          noArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return cmd.Help()
		},
	}
	root.PersistentFlags().BoolVarP(&g.quiet, "quiet", "q", false, "no progress output on stderr")
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return usageError{err} })
	for _, c := range commands(g) {
		root.AddCommand(c)
	}
	// Unknown subcommands are usage errors too.
	root.SetHelpCommand(&cobra.Command{Use: "help [command]", Short: "Help about any command", Hidden: false,
		RunE: func(c *cobra.Command, args []string) error {
			target, _, err := root.Find(args)
			if err != nil || target == nil {
				return usagef("unknown help topic %q", args)
			}
			return target.Help()
		}})
	return root
}

// noArgs rejects positional arguments with a usage error.
func noArgs(cmd *cobra.Command, args []string) error {
	if len(args) > 0 {
		if cmd.HasSubCommands() {
			return usagef("unknown command %q for %q", args[0], cmd.CommandPath())
		}
		return usagef("%s takes no arguments, got %q", cmd.CommandPath(), args)
	}
	return nil
}

// exactArgs requires n positional arguments, named in the message.
func exactArgs(n int, names string) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if len(args) != n {
			return usagef("%s needs %s (got %d arguments)", cmd.CommandPath(), names, len(args))
		}
		return nil
	}
}

// requireFlags returns a usage error naming the first empty required flag.
func requireFlags(cmd *cobra.Command, names ...string) error {
	for _, n := range names {
		f := cmd.Flags().Lookup(n)
		if f != nil && f.Value.String() == "" {
			return usagef("%s needs --%s", cmd.CommandPath(), n)
		}
	}
	return nil
}
