// Package quickstart sets up leadscore end to end on a generated sample, as
// `leadscore quickstart` does: it generates a B2B lead history, profiles
// it, writes the default B2B rule sheet, trains the rule sheet, logistic
// regression and gradient-boosted trees into a bundle, runs a monthly
// backtest and a rules-versus-model comparison, and returns where
// everything went and what each step found. Serving the result is the
// caller's part.
package quickstart

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/leadscore/leadscore/datasets"
	"github.com/leadscore/leadscore/datasets/synth"
	"github.com/leadscore/leadscore/features"
	"github.com/leadscore/leadscore/internal/atomicfile"
	"github.com/leadscore/leadscore/models"
	"github.com/leadscore/leadscore/models/rules"
	"github.com/leadscore/leadscore/training"
	"github.com/leadscore/leadscore/training/backtest"
)

// Name is the bundle's version and name, and what the champion file
// names.
const Name = "quickstart"

// Options says where and how big the sample is.
type Options struct {
	// Dir is the working directory: data/, rules.yaml and models/ go in it.
	Dir string
	// Leads is the number of generated leads (positive).
	Leads int
	// Seed seeds the generator, the training and the backtest.
	Seed int64
	// Command is the command line recorded in the bundle's manifest.
	Command []string
	// Log receives a progress line per step and the time it took, and the
	// training's and the backtest's progress, each line prefixed with its
	// step ("[3/5] "), since the two run side by side (nil: none).
	Log io.Writer
	// GenerateProgress, when set, is called as leads are generated with the
	// number done and the total.
	GenerateProgress func(done, total int)
}

// Result says where each part went and what each step found.
type Result struct {
	// Data holds leads.csv, events.csv, outcomes.csv and truth.json.
	Data string
	// Rules is the rule sheet the bundle was trained with.
	Rules string
	// Models is the models directory to serve: the bundle, the champion
	// file and reports/.
	Models string
	// Bundle is the bundle directory, Models/quickstart.
	Bundle string
	// BacktestReport and CompareReport are the report directories under
	// Models/reports.
	BacktestReport, CompareReport string

	// Generated counts what was generated (its Files are in Data).
	Generated *synth.Summary
	// Profile is the profile of the leads table.
	Profile *datasets.Profile
	// Train is the training's result (the bundle saved in Bundle and its
	// report).
	Train *training.Result
	// Backtest is the monthly backtest's result.
	Backtest *backtest.Result
	// Compare is the rules-versus-model comparison on the sample.
	Compare *backtest.Comparison
	// Elapsed is the whole setup's wall time.
	Elapsed time.Duration
}

// Run rebuilds opt.Dir from scratch, step by step. Every part is written
// next to what it replaces and swapped in at the end (atomicfile), so an
// interrupted run never leaves a half-written sample, bundle or report.
// The training (step 3) and the backtest (step 4) only read the sample, so
// they run side by side on one read of it.
func Run(ctx context.Context, opt Options) (*Result, error) {
	if opt.Leads <= 0 {
		return nil, fmt.Errorf("quickstart: --leads must be positive, got %d", opt.Leads)
	}
	if err := os.MkdirAll(opt.Dir, 0o755); err != nil {
		return nil, fmt.Errorf("quickstart: %w", err)
	}
	p := newProgress(opt.Log)
	t0 := time.Now()
	step := t0
	done := func(n int) {
		p.printf("[%d/5] done in %.1fs\n", n, time.Since(step).Seconds())
		step = time.Now()
	}
	res := &Result{
		Data: filepath.Join(opt.Dir, "data"), Rules: filepath.Join(opt.Dir, "rules.yaml"),
		Models: filepath.Join(opt.Dir, "models"),
	}
	res.Bundle = filepath.Join(res.Models, Name)
	reports := filepath.Join(res.Models, "reports")
	res.BacktestReport = filepath.Join(reports, "quickstart-backtest")
	res.CompareReport = filepath.Join(reports, "quickstart-compare")

	p.printf("[1/5] generating %d B2B leads with their events and closed-won outcomes\n", opt.Leads)
	err := atomicfile.ReplaceDir(res.Data, false, func(tmp string) error {
		start := time.Now()
		sum, err := synth.Generate(synth.Config{Profile: synth.ProfileB2B, Leads: opt.Leads, Seed: opt.Seed, Format: "csv"}, tmp, opt.GenerateProgress)
		if err != nil {
			return err
		}
		for i, f := range sum.Files {
			if rel, err := filepath.Rel(tmp, f); err == nil {
				sum.Files[i] = filepath.Join(res.Data, rel)
			}
		}
		res.Generated = sum
		p.printf("wrote %d leads, %d events, %d conversions to %s in %.1fs\n",
			sum.Leads, sum.Events, sum.Conversions, res.Data, time.Since(start).Seconds())
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("quickstart: generate %s: %w", res.Data, err)
	}
	done(1)

	leads := filepath.Join(res.Data, "leads.csv")
	p.printf("[2/5] profiling %s\n", leads)
	if res.Profile, err = datasets.Inspect(leads, datasets.ReadOptions{}, ""); err != nil {
		return nil, err
	}
	if err := atomicfile.WriteFile(res.Rules, rules.Default(synth.ProfileB2B), 0o644); err != nil {
		return nil, err
	}
	done(2)

	topt := training.Options{
		Data: leads, Events: filepath.Join(res.Data, "events.csv"),
		Outcomes: filepath.Join(res.Data, "outcomes.csv"), Config: features.DefaultConfig(),
		RulesFile: res.Rules, Seed: opt.Seed, Name: Name, Command: opt.Command,
	}
	bt := backtest.Config{
		Data: topt.Data, Events: topt.Events, Outcomes: topt.Outcomes, Rules: res.Rules,
		Period: backtest.Month, Models: []string{models.GBM}, GBMTrees: 150, Seed: opt.Seed,
	}
	p.printf("[3/5] training rules, logistic and gbm\n")
	p3 := p.step("[3/5]")
	t3 := time.Now()
	// The training and the backtest share the read, feature-built sample.
	popt := topt
	popt.Progress = p3.stage
	prep, err := training.Prepare(ctx, popt)
	if err != nil {
		return nil, err
	}
	bt.Prepared = prep
	p.printf("[4/5] monthly backtest: predictive model against the rule sheet, out of time (alongside step 3)\n")
	p4 := p.step("[4/5]")
	var wg sync.WaitGroup
	var err3, err4 error
	wg.Add(2)
	go func() {
		defer wg.Done()
		res.Train, err3 = train(ctx, topt, prep, res.Bundle, p3)
		if err3 == nil {
			err3 = atomicfile.WriteFile(filepath.Join(res.Models, "champion"), []byte(Name+"\n"), 0o644)
		}
		p3.printf("done in %.1fs\n", time.Since(t3).Seconds())
	}()
	go func() {
		defer wg.Done()
		t := time.Now()
		if p4.w != nil {
			// Warnings only: per-period INFO records would interleave, in
			// another format, with the steps' progress lines.
			bt.Logger = slog.New(slog.NewTextHandler(p4.w, &slog.HandlerOptions{Level: slog.LevelWarn}))
		}
		res.Backtest, err4 = backtest.Run(ctx, bt)
		if err4 == nil {
			// The report writer replaces an old report only once the new
			// one is complete.
			err4 = backtest.WriteReport(res.BacktestReport, res.Backtest)
		}
		p4.printf("done in %.1fs\n", time.Since(t).Seconds())
	}()
	wg.Wait()
	step = time.Now()
	if err3 != nil {
		return nil, err3
	}
	if err4 != nil {
		return nil, err4
	}

	p.printf("[5/5] rules versus model, lead by lead\n")
	res.Compare, err = backtest.Compare(ctx, backtest.CompareOptions{
		Model: res.Bundle, In: topt.Data, Events: topt.Events, Outcomes: topt.Outcomes,
		Capacity: 100, Seed: opt.Seed,
	})
	if err != nil {
		return nil, err
	}
	if err := backtest.WriteCompareReport(res.CompareReport, res.Compare); err != nil {
		return nil, err
	}
	done(5)
	res.Elapsed = time.Since(t0)
	return res, nil
}

// train fits the bundle on the prepared sample with the default split and
// saves it to dir, replacing the bundle there once the new one is
// complete.
func train(ctx context.Context, opt training.Options, prep *training.Prepared, dir string, p *progress) (*training.Result, error) {
	if p.w != nil {
		opt.Logger = slog.New(slog.NewTextHandler(p.w, &slog.HandlerOptions{Level: slog.LevelWarn}))
		opt.Progress = p.stage
	}
	split, err := training.DefaultSplit(opt, prep.Dataset)
	if err != nil {
		return nil, err
	}
	res, err := training.Fit(ctx, opt, prep, split)
	if err != nil {
		return nil, err
	}
	err = atomicfile.ReplaceDir(dir, false, func(tmp string) error {
		os.Remove(tmp) // Save creates the directory itself.
		return res.Bundle.Save(tmp)
	})
	if err != nil {
		return nil, fmt.Errorf("quickstart: save the bundle %s: %w", dir, err)
	}
	return res, nil
}

// progress writes progress lines, or nothing when w is nil. A progress and
// the steps made from it write whole lines to one writer under one mutex,
// so lines of steps that run side by side never interleave mid-line.
type progress struct {
	w    io.Writer // a prefixWriter on base
	base io.Writer
	mu   *sync.Mutex
}

func newProgress(w io.Writer) *progress {
	if w == nil {
		return &progress{}
	}
	mu := new(sync.Mutex)
	return &progress{w: &prefixWriter{w: w, mu: mu}, base: w, mu: mu}
}

func (p *progress) printf(format string, args ...any) {
	if p.w != nil {
		fmt.Fprintf(p.w, format, args...)
	}
}

// stage prints a training stage's name as an indented line.
func (p *progress) stage(name string) {
	p.printf("  %s\n", strings.ReplaceAll(name, "_", " "))
}

// step returns the progress of a step run alongside another: each of its
// lines starts with prefix and a space.
func (p *progress) step(prefix string) *progress {
	if p.w == nil {
		return p
	}
	return &progress{w: &prefixWriter{w: p.base, prefix: prefix + " ", mu: p.mu}, base: p.base, mu: p.mu}
}

// prefixWriter writes whole lines to w, each starting with prefix, holding
// mu. It is safe for concurrent use, and writers sharing mu do not
// interleave lines.
type prefixWriter struct {
	w      io.Writer
	prefix string
	mu     *sync.Mutex
	part   []byte
}

func (p *prefixWriter) Write(b []byte) (int, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.part = append(p.part, b...)
	for {
		i := bytes.IndexByte(p.part, '\n')
		if i < 0 {
			return len(b), nil
		}
		line := append([]byte(p.prefix), p.part[:i+1]...)
		p.part = p.part[i+1:]
		if _, err := p.w.Write(line); err != nil {
			return len(b), err
		}
	}
}
