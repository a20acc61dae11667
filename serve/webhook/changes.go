package webhook

import (
	"time"

	"github.com/leadscore/leadscore/models"
	"github.com/leadscore/leadscore/models/rules"
)

// Event kinds: the payload's "event" and the X-Leadscore-Event header.
const (
	// KindTierChanged: the model's tier moved between cold, warm and hot.
	KindTierChanged = "tier_changed"
	// KindMQLChanged: the rule sheet's MQL status changed.
	KindMQLChanged = "mql_changed"
	// KindDisqualificationChanged: a disqualify rule started or stopped
	// firing.
	KindDisqualificationChanged = "disqualification_changed"
	// KindRescoredAfterOutcome: the lead was rescored after an outcome was
	// recorded.
	KindRescoredAfterOutcome = "rescored_after_outcome"
)

// Kinds lists every event kind, in the order Changes emits them.
var Kinds = []string{KindTierChanged, KindMQLChanged, KindDisqualificationChanged, KindRescoredAfterOutcome}

// Payload is the JSON body of one delivery.
type Payload struct {
	// Event is one of the Kinds.
	Event  string `json:"event"`
	LeadID string `json:"lead_id"`
	// OldTier is the model tier before the change ("" for a lead's first
	// score); NewTier the tier now.
	OldTier string `json:"old_tier"`
	NewTier string `json:"new_tier"`
	// Score is the new 1-99 score and Probability its calibrated
	// probability.
	Score       int     `json:"score"`
	Probability float64 `json:"probability"`
	Grade       string  `json:"grade,omitempty"`
	// Model is the model and bundle version that scored the lead.
	Model models.ModelRef `json:"model"`
	// Rules is the rule sheet's view, before and after, when the bundle
	// has a rule sheet.
	Rules *RulesChange `json:"rules,omitempty"`
	// TopReasons are the fields that moved the score most, largest first.
	TopReasons []models.Contribution `json:"top_reasons"`
	// OccurredAt is when the change happened (the rescore's time).
	OccurredAt time.Time `json:"occurred_at"`
}

// RulesChange is the rule sheet's result before and after a rescore.
type RulesChange struct {
	OldTier         string  `json:"old_tier"`
	NewTier         string  `json:"new_tier"`
	OldMQL          bool    `json:"old_mql"`
	NewMQL          bool    `json:"new_mql"`
	OldDisqualified bool    `json:"old_disqualified"`
	NewDisqualified bool    `json:"new_disqualified"`
	Points          float64 `json:"points"`
}

// Cause says why a lead was rescored.
type Cause int

const (
	// CauseActivity is a rescore after new fields or events, or by the
	// sweep.
	CauseActivity Cause = iota
	// CauseOutcome is the rescore after an outcome of the lead was
	// recorded.
	CauseOutcome
)

// DefaultTopReasons is how many reasons a payload carries by default.
const DefaultTopReasons = 3

// IsMQL reports whether a rule sheet result is a marketing-qualified lead:
// at or above the sheet's MQL threshold (rule tier warm or hot) and not
// disqualified. A nil result is not.
func IsMQL(r *rules.Result) bool {
	return r != nil && !r.Disqualified && (r.Tier == rules.TierHot || r.Tier == rules.TierWarm)
}

// Changes returns the events a rescore fires: old is the lead's previous
// result (nil for its first score), cur the new one, at the rescore's time.
// Each event carries the same payload apart from its kind, with the topK
// contributions of cur's explanation by absolute size (0:
// DefaultTopReasons, negative: none). The order is that of Kinds.
func Changes(old, cur *models.Result, cause Cause, at time.Time, topK int) []Payload {
	if cur == nil {
		return nil
	}
	var oldTier string
	var oldRules *rules.Result
	if old != nil {
		oldTier, oldRules = old.Tier, old.Rules
	}
	var kinds []string
	if old == nil {
		if cur.Tier == rules.TierHot || cur.Tier == rules.TierWarm {
			kinds = append(kinds, KindTierChanged)
		}
	} else if old.Tier != cur.Tier {
		kinds = append(kinds, KindTierChanged)
	}
	if cur.Rules != nil || oldRules != nil {
		if IsMQL(oldRules) != IsMQL(cur.Rules) {
			kinds = append(kinds, KindMQLChanged)
		}
		if disqualified(oldRules) != disqualified(cur.Rules) {
			kinds = append(kinds, KindDisqualificationChanged)
		}
	}
	if cause == CauseOutcome {
		kinds = append(kinds, KindRescoredAfterOutcome)
	}
	if len(kinds) == 0 {
		return nil
	}
	base := Payload{
		LeadID: cur.LeadID, OldTier: oldTier, NewTier: cur.Tier,
		Score: cur.Score, Probability: cur.Probability, Grade: cur.Grade, Model: cur.Model,
		TopReasons: topReasons(cur.Explanation, topK), OccurredAt: at.UTC(),
	}
	if cur.Rules != nil || oldRules != nil {
		rc := &RulesChange{OldMQL: IsMQL(oldRules), NewMQL: IsMQL(cur.Rules),
			OldDisqualified: disqualified(oldRules), NewDisqualified: disqualified(cur.Rules)}
		if oldRules != nil {
			rc.OldTier = oldRules.Tier
		}
		if cur.Rules != nil {
			rc.NewTier, rc.Points = cur.Rules.Tier, cur.Rules.Points
		}
		base.Rules = rc
	}
	out := make([]Payload, len(kinds))
	for i, k := range kinds {
		out[i] = base
		out[i].Event = k
	}
	return out
}

func disqualified(r *rules.Result) bool { return r != nil && r.Disqualified }

// topReasons returns the k contributions of e largest in absolute value,
// largest first (ties by feature name), as a new slice.
func topReasons(e *models.Explanation, k int) []models.Contribution {
	if k == 0 {
		k = DefaultTopReasons
	}
	out := []models.Contribution{}
	if e == nil || k < 0 {
		return out
	}
	for _, c := range e.Contributions {
		out = append(out, c)
	}
	// Insertion sort: explanations hold a handful of contributions.
	for i := 1; i < len(out); i++ {
		for j := i; j > 0 && larger(out[j], out[j-1]); j-- {
			out[j], out[j-1] = out[j-1], out[j]
		}
	}
	if len(out) > k {
		out = out[:k]
	}
	return out
}

func larger(a, b models.Contribution) bool {
	x, y := abs(a.Contribution), abs(b.Contribution)
	if x != y {
		return x > y
	}
	return a.Feature < b.Feature
}

func abs(x float64) float64 {
	if x < 0 {
		return -x
	}
	return x
}
