package serve

import (
	"context"
	"math"
	"time"

	"github.com/leadscore/leadscore/datasets/store"
	"github.com/leadscore/leadscore/serve/monitor"
)

// judgedStore is what outcome monitoring reads from the lead store: the
// prediction log and the won outcomes.
type judgedStore interface {
	Scores(ctx context.Context, since time.Time, after int64, limit int) ([]store.Score, error)
	Conversions(ctx context.Context) (map[string]time.Time, error)
}

// Defaults of the store's judged source.
const (
	// DefaultHorizon is the horizon of a score when the served bundle does
	// not say (features' default, 90 days).
	DefaultHorizon = 90 * 24 * time.Hour
	// JudgedLookback is how far before its horizon closed a score may have
	// been issued and still be judged: the figures are of the last year's
	// scores, so the log's older entries are not read again and again.
	JudgedLookback = 365 * 24 * time.Hour
	// judgedPage is how many log entries one query reads.
	judgedPage = 5000
)

// storeJudged is the JudgedSource of a lead store: the prediction log,
// each score labelled by the store's won outcomes (monitor.Judge). The
// horizon is the served bundle's (features.Config.HorizonDays).
type storeJudged struct {
	st      judgedStore
	horizon func() time.Duration
}

// Judged implements JudgedSource.
func (j storeJudged) Judged(ctx context.Context, now time.Time) ([]monitor.Judged, error) {
	h := j.horizon()
	conv, err := j.st.Conversions(ctx)
	if err != nil {
		return nil, err
	}
	since := now.Add(-h - JudgedLookback)
	var issued []monitor.Issued
	var after int64
	for {
		page, err := j.st.Scores(ctx, since, after, judgedPage)
		if err != nil {
			return nil, err
		}
		for _, sc := range page {
			if sc.AsOf.Add(h).After(now) {
				continue // not judged yet
			}
			issued = append(issued, monitor.Issued{
				LeadID: sc.LeadID, Version: sc.ModelVersion, Model: sc.ModelName, At: sc.AsOf,
				Probability: sc.Probability, Tier: sc.Tier,
				HasRules: !math.IsNaN(sc.RulesPoints), RulesPoints: sc.RulesPoints, RulesTier: sc.RulesTier,
				// NaN for scores logged before the store kept it: a
				// version with any such score has no rule calibration.
				RulesProbability: sc.RulesProbability,
			})
		}
		if len(page) < judgedPage {
			break
		}
		after = page[len(page)-1].ID
	}
	return monitor.Judge(issued, conv, h, now), nil
}

// servedHorizon is the served bundle's label horizon, DefaultHorizon when
// nothing serves or the model is not a bundle.
func (s *Server) servedHorizon() time.Duration {
	if m := s.Current(); m != nil {
		if b := m.Bundle(); b != nil && b.Spec != nil && b.Spec.Config.HorizonDays > 0 {
			return time.Duration(b.Spec.Config.HorizonDays) * 24 * time.Hour
		}
	}
	return DefaultHorizon
}
