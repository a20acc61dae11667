package main

import (
	"fmt"
	"io"
	"os"

	"github.com/schollz/progressbar/v3"
	"golang.org/x/term"
)

// progress reports long work on stderr when stderr is a terminal and --quiet
// is off; otherwise it is silent.
type progress struct {
	bar *progressbar.ProgressBar
}

func (g *globals) newProgress(total int, what string) *progress {
	if g.quiet || !isTerminal(g.stderr) {
		return &progress{}
	}
	bar := progressbar.NewOptions(total,
		progressbar.OptionSetWriter(g.stderr),
		progressbar.OptionSetDescription(what),
		progressbar.OptionShowCount(),
		progressbar.OptionSetWidth(30),
		progressbar.OptionThrottle(100_000_000),
		progressbar.OptionClearOnFinish(),
	)
	return &progress{bar: bar}
}

// Set moves the bar to done out of its total.
func (p *progress) Set(done int) {
	if p.bar != nil {
		_ = p.bar.Set(done)
	}
}

// Done clears the bar.
func (p *progress) Done() {
	if p.bar != nil {
		_ = p.bar.Finish()
	}
}

func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

// infof prints a status line on stderr unless --quiet.
func (g *globals) infof(format string, args ...any) {
	if !g.quiet {
		_, _ = io.WriteString(g.stderr, fmt.Sprintf(format, args...))
	}
}
