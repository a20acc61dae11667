package training

import (
	"encoding/json"
	"fmt"
	"slices"
)

// Rechampion makes name the champion of a trained result: the bundle's
// scoring (tier thresholds, grade bands) is derived again from name's
// probabilities on the training rows, and the report records why. It is
// how a backtest's pooled out-of-time result decides the champion (train
// --backtest, the quickstart) after Fit chose one on the held-out set.
func (r *Result) Rechampion(opt Options, name, reason string) error {
	b := r.Bundle
	if !slices.Contains(b.Models(), name) {
		return fmt.Errorf("champion %q: the bundle holds %v", name, b.Models())
	}
	opt = withDefaults(opt)
	rep := r.Report
	rep.Champion, rep.ChampionReason = name, reason
	b.Scoring = scoring(name, r.Probabilities, rep.Split.Train, opt)
	rep.Tiers = TierInfo{Hot: b.Scoring.HotThreshold, Warm: b.Scoring.WarmThreshold, GradeScores: b.Scoring.GradeScores}
	var err error
	if b.Report, err = json.MarshalIndent(rep, "", "  "); err != nil {
		return err
	}
	b.ReportMD = []byte(rep.Markdown())
	return nil
}
