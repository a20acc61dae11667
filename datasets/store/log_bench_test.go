package store_test

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/leadscore/leadscore/datasets/store"
)

// BenchmarkLogScores writes the prediction log in batches of 1,000 scores
// (what the server gathers in 50 ms at 20,000 scores/s) into SQLite; one
// op is one score. distinct: every score another lead's (rescores, POSTs);
// repeated: one lead's answer issued again (scoring by id's cached answer),
// which LogScores folds into one row per batch.
func BenchmarkLogScores(b *testing.B) {
	for _, mode := range []string{"distinct", "repeated"} {
		b.Run(mode, func(b *testing.B) {
			ctx := context.Background()
			s, err := store.Open(ctx, "sqlite:"+filepath.Join(b.TempDir(), "store.db"))
			require.NoError(b, err)
			b.Cleanup(func() { s.Close() })
			reasons := json.RawMessage(`[` + strings.TrimSuffix(strings.Repeat(`{"feature":"days since last page view","value":"3.5","contribution":-0.25},`, 5), ",") + `]`)
			batch := make([]store.Score, 1000)
			for i := range batch {
				batch[i] = store.Score{LeadID: "bench-lead", AsOf: t0, Source: store.SourceLead, ModelName: "logistic", ModelVersion: "v1",
					Probability: 0.25, Score: 40, Grade: "B", Tier: "warm", RulesPoints: 30, RulesTier: "warm", RulesProbability: math.NaN(), Reasons: reasons}
				if mode == "distinct" {
					batch[i].LeadID = fmt.Sprintf("bench-lead-%d", i)
				}
			}
			b.ResetTimer()
			for n := 0; n < b.N; n += len(batch) {
				now := time.Now()
				for i := range batch {
					batch[i].ScoredAt = now
				}
				require.NoError(b, s.LogScores(ctx, batch[:min(len(batch), b.N-n)]))
			}
		})
	}
}
