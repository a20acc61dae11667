package training

import (
	"math"
	"sort"

	"github.com/leadscore/leadscore/features"
	"github.com/leadscore/leadscore/metrics"
)

// AgeMetrics are the held-out examples of one snapshot age and each
// model's ROC AUC and log loss on them.
type AgeMetrics struct {
	AgeDays   int                `json:"age_days"`
	Examples  int                `json:"examples"`
	Positives int                `json:"positives"`
	ROCAUC    map[string]float64 `json:"roc_auc"`
	LogLoss   map[string]float64 `json:"log_loss"`
}

// metricsByAge groups the test rows of a snapshot dataset by the lead's
// age at the cutoff (whole days) and evaluates every model on each group
// with both outcomes present; nil for other datasets.
func metricsByAge(ds *features.Dataset, test []int, probs map[string][]float64, names []string) []AgeMetrics {
	if ds.Report.Mode != "snapshots" {
		return nil
	}
	byAge := map[int][]int{}
	for _, r := range test {
		if ds.Created[r].IsZero() {
			continue
		}
		age := int(math.Round(ds.Cutoffs[r].Sub(ds.Created[r]).Hours() / 24))
		byAge[age] = append(byAge[age], r)
	}
	ages := make([]int, 0, len(byAge))
	for a := range byAge {
		ages = append(ages, a)
	}
	sort.Ints(ages)
	var out []AgeMetrics
	for _, a := range ages {
		rows := byAge[a]
		y := pick(ds.Labels, rows)
		pos := 0
		for _, v := range y {
			pos += int(v)
		}
		if pos == 0 || pos == len(y) {
			continue
		}
		am := AgeMetrics{AgeDays: a, Examples: len(rows), Positives: pos, ROCAUC: map[string]float64{}, LogLoss: map[string]float64{}}
		for _, n := range names {
			m := metrics.Evaluate(y, pick(probs[n], rows))
			am.ROCAUC[n], am.LogLoss[n] = m.ROCAUC, m.LogLoss
		}
		out = append(out, am)
	}
	return out
}
