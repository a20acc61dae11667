package monitor

import (
	"fmt"
	"math/rand/v2"
	"testing"
	"time"
)

// BenchmarkJudgeCompute measures a monitoring refresh on 100,000 issued
// scores of 20,000 leads: judging them, then every figure of every series.
func BenchmarkJudgeCompute(b *testing.B) {
	rng := rand.New(rand.NewPCG(1, 1))
	const n = 100000
	issued := make([]Issued, n)
	conv := map[string]time.Time{}
	for i := range issued {
		lead := fmt.Sprint("L-", i%20000)
		at := t0.Add(time.Duration(rng.IntN(200*24)) * time.Hour)
		p := rng.Float64()
		issued[i] = Issued{LeadID: lead, Version: fmt.Sprint("v", i%3), Model: "gbm", At: at, Probability: p, Tier: "warm",
			HasRules: true, RulesPoints: float64(i % 80), RulesTier: "cold", RulesProbability: p / 2}
		if rng.Float64() < 0.02 {
			conv[lead] = at.Add(48 * time.Hour)
		}
	}
	now := t0.Add(400 * 24 * time.Hour)
	b.ResetTimer()
	for b.Loop() {
		figs := Compute(Judge(issued, conv, 90*24*time.Hour, now))
		if len(figs) != 6 {
			b.Fatal(len(figs))
		}
	}
}
