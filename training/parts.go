package training

import (
	"math/rand/v2"
	"slices"

	"github.com/leadscore/leadscore/features"
	"github.com/leadscore/leadscore/models"
	"github.com/leadscore/leadscore/models/rules"
)

// partsSample caps the rows whose fit and engagement parts a bundle's
// population and held-out matrix are computed from: TreeSHAP costs about a
// tenth of a millisecond per row, and 5,000 rows place a percentile within
// about one point.
const partsSample = 5000

// partsPopulations computes, for every model of b, the quantiles of the fit
// and engagement parts of the training rows (a seeded sample of at most
// partsSample) and the fit-engagement matrix of the held-out rows (the same
// cap), graded against those quantiles.
func partsPopulations(b *models.Bundle, prep *Prepared, lin, tree *features.Matrix, split Split, opt Options) (map[string]*models.PartsPopulation, error) {
	ds := prep.Dataset
	sheet := func(i int) rules.Result {
		if prep.ruleResults != nil {
			return prep.ruleResults[ds.SourceRow(i)] // evaluated while the events streamed
		}
		return b.Rules.Evaluate(ds.Lead(i))
	}
	train := sampleRows(split.Train, partsSample, uint64(opt.Seed), 1)
	test := sampleRows(split.Test, partsSample, uint64(opt.Seed), 2)
	out := map[string]*models.PartsPopulation{}
	for _, name := range b.Models() {
		fit, eng, _, err := b.Parts(name, lin, tree, train, sheet, opt.Threads)
		if err != nil {
			return nil, err
		}
		pop := &models.PartsPopulation{Fit: models.Quantiles(fit), Engagement: models.Quantiles(eng), Rows: len(train)}
		if len(test) > 0 {
			tf, te, _, err := b.Parts(name, lin, tree, test, sheet, opt.Threads)
			if err != nil {
				return nil, err
			}
			scoring := models.Scoring{Parts: map[string]*models.PartsPopulation{name: pop}}
			m := &models.GradeMatrix{}
			for k, i := range test {
				fp, ep := scoring.PartPercentiles(name, tf[k], te[k])
				m.Add(models.FitEngagementGrade(fp, ep), ds.Labels[i] == 1)
			}
			pop.Matrix = m
		}
		out[name] = pop
	}
	return out, nil
}

// sampleRows returns at most n of rows, drawn without replacement with the
// seed (stream picks one of several independent draws), in their order.
func sampleRows(rows []int, n int, seed, stream uint64) []int {
	if len(rows) <= n {
		return rows
	}
	rng := rand.New(rand.NewPCG(seed, 0x9a7750+stream))
	idx := rng.Perm(len(rows))[:n]
	slices.Sort(idx)
	out := make([]int, n)
	for k, j := range idx {
		out[k] = rows[j]
	}
	return out
}
