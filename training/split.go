package training

import (
	"fmt"
	"math/rand/v2"
	"sort"
	"time"
)

// Split holds the row indices of a train/test split. Rows of one lead (its
// snapshots) always fall on the same side, so a lead seen in training is never
// used to measure the model.
type Split struct {
	Method string `json:"method"`
	// TestFrac is the share of leads held out.
	TestFrac float64 `json:"test_frac"`
	// TimeCutoff is set for out-of-time splits: leads created at or after it
	// are held out.
	TimeCutoff *time.Time `json:"time_cutoff,omitempty"`
	Train      []int      `json:"-"`
	Test       []int      `json:"-"`
	TrainRows  int        `json:"train_rows"`
	TestRows   int        `json:"test_rows"`
	TrainLeads int        `json:"train_leads"`
	TestLeads  int        `json:"test_leads"`
}

// AddLead puts one lead's rows on the test side or the training side.
func (s *Split) AddLead(rows []int, test bool) {
	if test {
		s.Test = append(s.Test, rows...)
		s.TestLeads++
		return
	}
	s.Train = append(s.Train, rows...)
	s.TrainLeads++
}

// Finish sorts both sides' rows and counts them, after the last AddLead.
func (s *Split) Finish() {
	sort.Ints(s.Train)
	sort.Ints(s.Test)
	s.TrainRows, s.TestRows = len(s.Train), len(s.Test)
}

// leadGroups groups row indices by lead id, in order of first appearance.
func leadGroups(ids []string) [][]int {
	idx := make(map[string]int, len(ids))
	var groups [][]int
	for i, id := range ids {
		g, ok := idx[id]
		if !ok {
			g = len(groups)
			idx[id] = g
			groups = append(groups, nil)
		}
		groups[g] = append(groups[g], i)
	}
	return groups
}

// stratifiedSplit holds out about frac of the leads at random, separately
// among leads with a positive row and leads without, so both sides keep the
// conversion rate. Deterministic for a seed.
func stratifiedSplit(ids []string, labels []float64, frac float64, seed uint64) (Split, error) {
	if frac <= 0 || frac >= 1 {
		return Split{}, fmt.Errorf("test fraction %v: expected a number between 0 and 1", frac)
	}
	groups := leadGroups(ids)
	var pos, neg []int
	for g, rows := range groups {
		isPos := false
		for _, r := range rows {
			if labels[r] == 1 {
				isPos = true
				break
			}
		}
		if isPos {
			pos = append(pos, g)
		} else {
			neg = append(neg, g)
		}
	}
	rng := rand.New(rand.NewPCG(seed, 0x5eed))
	s := Split{Method: "random, stratified by outcome, grouped by lead", TestFrac: frac}
	for _, set := range [][]int{pos, neg} {
		rng.Shuffle(len(set), func(i, j int) { set[i], set[j] = set[j], set[i] })
		nTest := int(float64(len(set))*frac + 0.5)
		for k, g := range set {
			s.AddLead(groups[g], k < nTest)
		}
	}
	s.Finish()
	if len(s.Train) == 0 || len(s.Test) == 0 {
		return s, fmt.Errorf("too few leads (%d) to hold out %.0f%% for testing", len(groups), frac*100)
	}
	return s, nil
}

// timeSplit holds out the leads created last: the latest frac of leads by
// creation time form the test set (out-of-time evaluation).
func timeSplit(ids []string, created []time.Time, frac float64) (Split, error) {
	if frac <= 0 || frac >= 1 {
		return Split{}, fmt.Errorf("test fraction %v: expected a number between 0 and 1", frac)
	}
	groups := leadGroups(ids)
	first := make([]time.Time, len(groups))
	for g, rows := range groups {
		first[g] = created[rows[0]]
		if first[g].IsZero() {
			return Split{}, fmt.Errorf("lead %s has no time: an out-of-time split needs a time for every lead", ids[rows[0]])
		}
	}
	order := make([]int, len(groups))
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(a, b int) bool { return first[order[a]].Before(first[order[b]]) })
	nTrain := len(groups) - int(float64(len(groups))*frac+0.5)
	if nTrain <= 0 || nTrain >= len(groups) {
		return Split{}, fmt.Errorf("too few leads (%d) to hold out %.0f%% for testing", len(groups), frac*100)
	}
	cut := first[order[nTrain]]
	// Leads created at the cutoff instant all go to the test side.
	for nTrain > 0 && first[order[nTrain-1]].Equal(cut) {
		nTrain--
	}
	s := Split{Method: "out-of-time: the latest leads by creation time are held out", TestFrac: frac, TimeCutoff: &cut}
	for k, g := range order {
		s.AddLead(groups[g], k >= nTrain)
	}
	s.Finish()
	if len(s.Train) == 0 || len(s.Test) == 0 {
		return s, fmt.Errorf("all leads share one creation time: cannot split out of time")
	}
	return s, nil
}
