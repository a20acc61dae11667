package backtest

import (
	"context"
	"fmt"
	"slices"

	"github.com/leadscore/leadscore/models"
	"github.com/leadscore/leadscore/training"
)

// TrainWithBacktest is `leadscore train --backtest`: it reads and builds
// the examples once, trains the bundle with the default split and runs a
// backtest of the same models with the same options (period: Month unless
// period is set), and lets the backtest's pooled out-of-time result decide
// the champion (Result.ChampionChoice) unless opt.Champion names one. The
// bundle is not saved.
func TrainWithBacktest(ctx context.Context, opt training.Options, period string) (*training.Result, *Result, error) {
	prep, err := training.Prepare(ctx, opt)
	if err != nil {
		return nil, nil, err
	}
	split, err := training.DefaultSplit(opt, prep.Dataset)
	if err != nil {
		return nil, nil, err
	}
	res, err := training.Fit(ctx, opt, prep, split)
	if err != nil {
		return nil, nil, err
	}
	if period == "" {
		period = Month
	}
	bopt := opt
	bopt.Logger, bopt.Progress = nil, nil
	ms := res.Bundle.Models()
	cfg := Config{
		Data: opt.Data, Events: opt.Events, Outcomes: opt.Outcomes, Store: opt.Store, Rules: opt.RulesFile,
		Period: period, Seed: opt.Seed, Threads: opt.Threads, Prepared: prep, Training: &bopt,
		Models: slices.DeleteFunc(slices.Clone(ms), func(m string) bool { return m == models.Rules }),
		Logger: opt.Logger,
	}
	if cfg.Rules == "" && opt.RulesYAML != nil {
		cfg.Rules = "rules.yaml"
	}
	bt, err := Run(ctx, cfg)
	if err != nil {
		return nil, nil, fmt.Errorf("train --backtest: %w", err)
	}
	if opt.Champion == "" {
		if name, why, ok := bt.ChampionChoice(ms); ok {
			if err := res.Rechampion(opt, name, why); err != nil {
				return nil, nil, err
			}
		}
	}
	return res, bt, nil
}
