package backtest

// PairedDifference is the paired bootstrap of one metric of two scorings
// of the same rows: model a minus model b.
type PairedDifference struct {
	// Value is the difference on the rows as they are; Lo and Hi bound
	// its percentile 95% interval over the resamples.
	Value, Lo, Hi float64
	// PValue is the share of resamples where the difference is <= 0 (a
	// one-sided p-value for "a is better than b").
	PValue float64
}

// PairedAUC compares the ROC AUC of two scorings a and b of the same rows
// (labels y) with the backtest's paired bootstrap: every resample draws
// len(y) rows with replacement (seeded by seed and the resample's index)
// and scores both on them, so the interval of the difference is free of
// the rows' shared luck. NaN when a class is missing.
func PairedAUC(y, a, b []float64, resamples int, seed uint64, threads int) PairedDifference {
	auc, _ := PairedAUCECE(y, a, b, resamples, seed, threads)
	return auc
}

// PairedAUCECE is PairedAUC that also returns, from the same resamples, the
// paired difference of the ECE (10 equal-width bins, as metrics.ECE) of
// the probabilities a and b; its PValue is the share of resamples where
// a's ECE is at most b's (a lower ECE is better).
func PairedAUCECE(y, a, b []float64, resamples int, seed uint64, threads int) (auc, ece PairedDifference) {
	ma := &modelScores{rank: newRanking(a), val: a, prob: a}
	mb := &modelScores{rank: newRanking(b), val: b, prob: b}
	br := bootstrap(y, []*modelScores{ma, mb}, resamples, seed, threads)
	auc.Value = aucRanked(ma.rank, y, nil) - aucRanked(mb.rank, y, nil)
	auc.Lo, auc.Hi, auc.PValue = br.paired(0, 1, mAUC)
	ece.Value = weightedECE(y, a, nil, 10) - weightedECE(y, b, nil, 10)
	ece.Lo, ece.Hi, ece.PValue = br.paired(0, 1, mECE)
	return auc, ece
}
