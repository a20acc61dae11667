package gbm

import (
	"fmt"
	"math"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// exhaustiveBest is the split search without the gain bound: every
// numeric bin is evaluated exactly, features in order, one scan.
func exhaustiveBest(s *splitter, hist []int64, total stats, feats []int, lo, hi float64) splitInfo {
	best := splitInfo{feature: -1, gain: math.Inf(-1)}
	parentScore := total.G * total.G / (total.H + s.p.Lambda)
	for _, j := range feats {
		fb := &s.bm.feats[j]
		h := make([]histBin, fb.numBins)
		for b, v := range hist[s.bm.offset[j] : s.bm.offset[j]+fb.numBins] {
			h[b] = s.qz.decode(v)
		}
		if fb.categorical {
			s.bestCategorical(&best, j, fb, h, total, lo, hi, parentScore)
			continue
		}
		var mono int8
		if s.p.Monotone != nil {
			mono = s.p.Monotone[j]
		}
		miss := h[fb.missingBin()]
		noMissing := childStats(total, miss).N == 0
		for pass := 0; pass < 2; pass++ {
			missLeft := pass == 1
			if missLeft && noMissing {
				break
			}
			var acc histBin
			if missLeft {
				acc = miss
			}
			for b := 0; b+2 < fb.numBins; b++ {
				acc = acc.add(h[b])
				if h[b].H == 0 && b > 0 {
					continue
				}
				l, r, gain, lv, rv, ok := s.consider(&best, total, acc, mono, lo, hi, parentScore)
				if !ok {
					continue
				}
				dl := missLeft
				if noMissing {
					dl = l.H >= r.H
				}
				best = splitInfo{gain: gain, feature: j, bin: b, defaultLeft: dl, l: l, r: r, lv: lv, rv: rv}
				best.left.addRange(0, b)
				if dl {
					best.left.add(fb.missingBin())
				}
			}
		}
	}
	if best.feature < 0 {
		best.gain = 0
	}
	return best
}

// TestBestSplitMatchesExhaustiveSearch checks that the bounded search
// (and its division among threads) chooses exactly the split that the
// exact evaluation of every bin chooses, on leaves of many sizes.
func TestBestSplitMatchesExhaustiveSearch(t *testing.T) {
	X, y := wideData(6000, 5)
	cases := []struct {
		name string
		mod  func(*Params)
	}{
		{"default", func(*Params) {}},
		{"lambda 0", func(p *Params) { p.Lambda = 0; p.MinChildWeight = 0 }},
		{"min split gain", func(p *Params) { p.MinSplitGain = 2 }},
		{"monotone", func(p *Params) {
			p.Monotone = make([]int8, 40)
			for j := range 10 {
				p.Monotone[j] = int8(1 - 2*(j%2))
			}
		}},
		{"few bins", func(p *Params) { p.Bins = 7 }},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p := DefaultParams()
			c.mod(&p)
			bm := binMatrix(X, p.Bins, p.Seed, 1)
			gr := newGrower(p, bm, 2)
			gr.gh = make([]gradPair, X.Rows)
			margin := make([]float64, X.Rows)
			for i := range margin {
				margin[i] = 0.3 * float64(i%5-2)
			}
			logLossGradients(margin, y, rowWeights(y, nil, 1), gr.gh)
			qz := newQuantizer(gr.gh)
			feats := []int{0, 1, 2, 3, 5, 8, 13, 21, 30, 31, 35, 36, 37, 39}
			for _, every := range []int{1, 3, 17, 101, 997} {
				var rows []int32
				for i := 0; i < X.Rows; i += every {
					rows = append(rows, int32(i))
				}
				n := len(rows)
				gr.beginTree(rows, feats, qz, 7)
				h := gr.histogram(0, n)
				total := gr.sps[0].nodeTotals(h, int64(n), feats)
				for _, bounds := range [][2]float64{{math.Inf(-1), math.Inf(1)}, {-0.05, 0.02}} {
					want := exhaustiveBest(&gr.sps[0], h, total, feats, bounds[0], bounds[1])
					got := gr.sps[0].best(h, total, feats, bounds[0], bounds[1])
					assert.Equal(t, want, got, "every %d rows, bounds %v", every, bounds)
					l := &growLeaf{hist: h, sum: total, lo: bounds[0], hi: bounds[1]}
					gr.findSplits([]*growLeaf{l}, feats)
					assert.Equal(t, want, l.split, "every %d rows, bounds %v, chunked", every, bounds)
				}
				gr.putHist(h)
			}
		})
	}
}

// TestMergeTiesToLowerFeature checks merge's tie rule, the one a single
// scan in feature order applies.
func TestMergeTiesToLowerFeature(t *testing.T) {
	none := splitInfo{feature: -1}
	a := splitInfo{feature: 3, gain: 2}
	b := splitInfo{feature: 7, gain: 2}
	c := splitInfo{feature: 9, gain: 2.5}
	for _, tc := range []struct {
		x, y, want splitInfo
	}{
		{a, b, a}, {b, a, a}, {a, c, c}, {c, a, c}, {none, a, a}, {a, none, a}, {none, none, none},
	} {
		require.Equal(t, tc.want, merge(tc.x, tc.y), fmt.Sprintf("%+v %+v", tc.x, tc.y))
	}
}

// TestMayBeatNeverRejectsAWinner checks the gain bound bin by bin: with
// the threshold just below a bin's exact gain, mayBeat must let the bin
// through.
func TestMayBeatNeverRejectsAWinner(t *testing.T) {
	X, y := wideData(4000, 6)
	for _, lam := range []float64{0, 1, 30} {
		p := DefaultParams()
		p.Lambda, p.MinChildWeight, p.MinDataInLeaf = lam, 0, 1
		bm := binMatrix(X, p.Bins, p.Seed, 1)
		gr := newGrower(p, bm, 1)
		gr.gh = make([]gradPair, X.Rows)
		logLossGradients(make([]float64, X.Rows), y, rowWeights(y, nil, 1), gr.gh)
		qz := newQuantizer(gr.gh)
		for _, every := range []int{1, 7, 61} {
			var rows []int32
			for i := 0; i < X.Rows; i += every {
				rows = append(rows, int32(i))
			}
			n := len(rows)
			feats := []int{0, 4, 10, 30, 39}
			gr.beginTree(rows, feats, qz, 3)
			h := gr.histogram(0, n)
			s := gr.sps[0]
			s.p.MinSplitGain = math.Inf(-1) // let consider report every gain
			total := s.nodeTotals(h, int64(n), feats)
			P := total.G * total.G / (total.H + lam)
			checked := 0
			for _, j := range feats {
				var acc histBin
				for _, v := range h[bm.offset[j] : bm.offset[j]+bm.feats[j].numBins-2] {
					acc = acc.add(qz.decode(v))
					for _, bounds := range [][2]float64{{math.Inf(-1), math.Inf(1)}, {-0.01, 0.01}} {
						none := splitInfo{feature: -1, gain: math.Inf(-1)}
						_, _, gain, _, _, ok := s.consider(&none, total, acc, 0, bounds[0], bounds[1], P)
						if !ok {
							continue
						}
						thr := math.Nextafter(gain, math.Inf(-1))
						lim := thr + P - gainSlack*math.Abs(P)
						require.True(t, mayBeat(acc, total, lam, 1+gainSlack, lim), "λ %v feature %d gain %v", lam, j, gain)
						checked++
					}
				}
			}
			require.Greater(t, checked, 100)
			gr.putHist(h)
		}
	}
}
