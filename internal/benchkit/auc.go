package benchkit

import "slices"

// AUC is the area under the ROC curve of scores s for 0/1 labels y, ties
// averaged (the Mann-Whitney statistic, as scikit-learn's roc_auc_score).
func AUC(s, y []float64) float64 {
	idx := make([]int, len(s))
	for i := range idx {
		idx[i] = i
	}
	slices.SortFunc(idx, func(a, b int) int {
		if s[a] < s[b] {
			return -1
		}
		if s[a] > s[b] {
			return 1
		}
		return 0
	})
	var pos, neg, sum float64
	for r := 0; r < len(idx); {
		q := r
		for q < len(idx) && s[idx[q]] == s[idx[r]] {
			q++
		}
		mid := float64(r+q+1) / 2
		for k := r; k < q; k++ {
			if y[idx[k]] == 1 {
				sum += mid
				pos++
			} else {
				neg++
			}
		}
		r = q
	}
	return (sum - pos*(pos+1)/2) / (pos * neg)
}
