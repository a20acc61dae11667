package backtest

import (
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// testSheet scores the generated leads: seniority and demo requests.
const testSheet = `name: test
tiers: {hot: 40, warm: 20}
groups:
  fit: {cap: 40}
  engagement: {cap: 60}
rules:
  - {name: senior, group: fit, when: {field: seniority, in: [vp, c_level]}, points: 20}
  - {name: big company, group: fit, when: {field: employees, gte: 200}, points: 10}
  - {name: demo request, group: engagement, when: {event: demo_request}, points: 25}
  - {name: page view, group: engagement, when: {event: page_view, within_days: 30}, points: 2, per_event: true, max_points: 10}
  - {name: student, when: {field: seniority, equals: student}, disqualify: true}
`

// genData writes leads.csv, events.csv and outcomes.csv of n leads created
// evenly over months months from 2024-01-01, and returns their paths and
// the time of the last record. A lead converts with a probability driven by
// its seniority and demo requests, 3 to 40 days after creation.
func genData(t *testing.T, n, months int, seed uint64) (dir string, last time.Time) {
	t.Helper()
	dir = t.TempDir()
	rng := rand.New(rand.NewPCG(seed, 11))
	start := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	span := start.AddDate(0, months, 0).Sub(start)
	var leads, events, outcomes strings.Builder
	leads.WriteString("lead_id,created_at,seniority,employees,source\n")
	events.WriteString("lead_id,timestamp,type\n")
	outcomes.WriteString("lead_id,converted_at\n")
	seniorities := []string{"staff", "manager", "vp", "c_level", "student"}
	sources := []string{"web", "ads", "referral"}
	for i := 0; i < n; i++ {
		id := fmt.Sprintf("L%05d", i)
		created := start.Add(time.Duration(float64(span) * float64(i) / float64(n))).Truncate(time.Hour)
		sen := seniorities[rng.IntN(len(seniorities))]
		emp := int(math.Exp(rng.Float64()*7)) + 1
		src := sources[rng.IntN(len(sources))]
		fmt.Fprintf(&leads, "%s,%s,%s,%d,%s\n", id, created.Format(time.RFC3339), sen, emp, src)
		logit := -2.5
		if sen == "vp" || sen == "c_level" {
			logit += 1.5
		}
		if src == "referral" {
			logit += 0.8
		}
		demo := rng.Float64() < 0.2
		if demo {
			logit += 1.5
			ts := created.Add(time.Duration(rng.IntN(20)) * time.Hour)
			fmt.Fprintf(&events, "%s,%s,demo_request\n", id, ts.Format(time.RFC3339))
		}
		for k := rng.IntN(4); k > 0; k-- {
			ts := created.Add(time.Duration(rng.IntN(20*24)) * time.Hour)
			fmt.Fprintf(&events, "%s,%s,page_view\n", id, ts.Format(time.RFC3339))
		}
		if rng.Float64() < 1/(1+math.Exp(-logit)) {
			conv := created.Add(time.Duration(3*24+rng.IntN(37*24)) * time.Hour)
			fmt.Fprintf(&outcomes, "%s,%s\n", id, conv.Format(time.RFC3339))
			if conv.After(last) {
				last = conv
			}
		}
		if created.After(last) {
			last = created
		}
	}
	for name, b := range map[string]*strings.Builder{"leads.csv": &leads, "events.csv": &events, "outcomes.csv": &outcomes} {
		require.NoError(t, os.WriteFile(filepath.Join(dir, name), []byte(b.String()), 0o644))
	}
	require.NoError(t, os.WriteFile(filepath.Join(dir, "rules.yaml"), []byte(testSheet), 0o644))
	return dir, last
}

// testConfig is a small, fast backtest of genData's files.
func testConfig(dir string) Config {
	return Config{
		Data: filepath.Join(dir, "leads.csv"), Events: filepath.Join(dir, "events.csv"), Outcomes: filepath.Join(dir, "outcomes.csv"),
		Rules: filepath.Join(dir, "rules.yaml"), Period: Month, MinTrain: 200, HorizonDays: 45, SnapshotDays: []int{1, 7},
		Seed: 3, Resamples: 200, GBMTrees: 30, Threads: 2,
	}
}
