package features

import (
	"cmp"
	"fmt"
	"math/rand/v2"
	"slices"
)

// Folds assigns each row a cross-validation fold in [0, k), stratified by
// label and, when groups is non-nil, keeping all rows of a group (the
// snapshots of one lead) in one fold. It returns fold[i] for every row i.
//
// A row is positive when y[i] > 0.5. The rows form units: one per distinct
// value of groups (rows with equal groups[i] belong together), or one per
// row when groups is nil. The units, in order of first appearance, are
// shuffled by a PCG generator seeded with seed, stably sorted by size
// (largest first) and then by positive rows (most first), and placed one at
// a time into the fold f with the least
//
//	cost(f) = p_u P_f / P² + n_u N_f / N²
//
// where p_u and n_u are the unit's positive and negative rows, P_f and N_f
// the fold's so far, and P and N the totals (a term whose total is 0 is
// left out). Ties go to the fold with fewer rows, then to the lower index.
// Placing the unit in f raises sum_f (P_f/P)² + (N_f/N)² by 2 cost(f) plus
// a constant, so each step keeps every fold's share of the positives and of
// the negatives as near 1/k as a greedy step can.
//
// Consequences: with at least k units every fold holds at least one unit
// (an empty fold costs 0 and has the fewest rows). Without groups the
// positives are placed first, round-robin, then the negatives continue the
// round, so every fold has floor(P/k) or ceil(P/k) positives, floor(N/k) or
// ceil(N/k) negatives and floor(n/k) or ceil(n/k) rows. With groups the
// balance is approximate: a fold's positives and negatives can be off the
// even shares P/k and N/k by about the size of the largest group.
// The same y, groups, k and seed always give the same folds.
//
// It fails when k < 1 or groups is non-nil with a length other than y's.
func Folds(y []float64, groups []int, k int, seed uint64) ([]int, error) {
	if k < 1 {
		return nil, fmt.Errorf("folds: k is %d; need at least 1 fold", k)
	}
	if groups != nil && len(groups) != len(y) {
		return nil, fmt.Errorf("folds: %d group ids for %d rows; give one per row, or none", len(groups), len(y))
	}
	type unit struct {
		rows     []int
		pos, neg int
	}
	var units []unit
	if groups == nil {
		units = make([]unit, len(y))
		for i := range y {
			units[i].rows = []int{i}
		}
	} else {
		at := make(map[int]int, len(y)/2+1)
		for i, g := range groups {
			u, ok := at[g]
			if !ok {
				u = len(units)
				at[g] = u
				units = append(units, unit{})
			}
			units[u].rows = append(units[u].rows, i)
		}
	}
	var totPos, totNeg int
	for u := range units {
		for _, i := range units[u].rows {
			if y[i] > 0.5 {
				units[u].pos++
			} else {
				units[u].neg++
			}
		}
		totPos += units[u].pos
		totNeg += units[u].neg
	}
	rng := rand.New(rand.NewPCG(seed, 0x666f6c6473)) // "folds"
	rng.Shuffle(len(units), func(a, b int) { units[a], units[b] = units[b], units[a] })
	slices.SortStableFunc(units, func(a, b unit) int {
		if c := cmp.Compare(len(b.rows), len(a.rows)); c != 0 {
			return c
		}
		return cmp.Compare(b.pos, a.pos)
	})
	var wPos, wNeg float64 // 1/P² and 1/N², or 0 for an absent class
	if totPos > 0 {
		wPos = 1 / (float64(totPos) * float64(totPos))
	}
	if totNeg > 0 {
		wNeg = 1 / (float64(totNeg) * float64(totNeg))
	}
	foldPos := make([]int, k)
	foldNeg := make([]int, k)
	fold := make([]int, len(y))
	for _, u := range units {
		best, bestCost := 0, 0.0
		for f := range k {
			c := float64(u.pos)*float64(foldPos[f])*wPos + float64(u.neg)*float64(foldNeg[f])*wNeg
			if f == 0 || c < bestCost || c == bestCost && foldPos[f]+foldNeg[f] < foldPos[best]+foldNeg[best] {
				best, bestCost = f, c
			}
		}
		foldPos[best] += u.pos
		foldNeg[best] += u.neg
		for _, i := range u.rows {
			fold[i] = best
		}
	}
	return fold, nil
}
