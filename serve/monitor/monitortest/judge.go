// Package monitortest is the offline oracle of live monitoring for tests:
// which logged scores are judged, and with what label, computed directly
// from the prediction log and the conversions, apart from serve/monitor's
// own code, so tests can compare its figures with package metrics on the
// same scores.
package monitortest

import (
	"sort"
	"time"

	"github.com/leadscore/leadscore/datasets/store"
)

// Judged are the scores of a log judged at a moment, in as-of order, with
// their labels: Y is 1 when the lead converted within the horizon after
// the score's as-of, P the model's probability, RulesP and RulesPoints
// the rule sheet's calibrated probability and points.
type Judged struct {
	Y, P, RulesP, RulesPoints []float64
}

// Judge takes the scores of log whose horizon is over at judgeAt and that
// were issued before their lead's conversion (conv: conversion time by
// lead), one per lead and UTC day (the first by as-of), as monitoring
// judges them. log is sorted by as-of in place.
func Judge(log []store.Score, conv map[string]time.Time, judgeAt time.Time, horizon time.Duration) Judged {
	sort.SliceStable(log, func(a, b int) bool { return log[a].AsOf.Before(log[b].AsOf) })
	var j Judged
	seen := map[string]bool{}
	for _, sc := range log {
		c, won := conv[sc.LeadID]
		if sc.AsOf.Add(horizon).After(judgeAt) || won && !c.After(sc.AsOf) {
			continue
		}
		key := sc.LeadID + sc.AsOf.UTC().Format("2006-01-02")
		if seen[key] {
			continue
		}
		seen[key] = true
		label := 0.0
		if won && !c.After(sc.AsOf.Add(horizon)) {
			label = 1
		}
		j.Y, j.P = append(j.Y, label), append(j.P, sc.Probability)
		j.RulesP, j.RulesPoints = append(j.RulesP, sc.RulesProbability), append(j.RulesPoints, sc.RulesPoints)
	}
	return j
}
