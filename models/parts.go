package models

import (
	"fmt"
	"math"
	"sort"

	"github.com/leadscore/leadscore/features"
	"github.com/leadscore/leadscore/models/rules"
)

// Part is one axis of a score: the sum of the champion's contributions of
// the features on that axis (log-odds for logistic and gbm, points for the
// rule sheet), and where that sum ranks among the training leads (0-100).
type Part struct {
	Value      float64 `json:"value"`
	Percentile float64 `json:"percentile"`
}

// PartsPopulation is what a bundle keeps of one model's fit and engagement
// parts on its training leads: the quantiles a lead's parts are ranked
// against, and the fit-engagement matrix of the held-out leads.
type PartsPopulation struct {
	// Fit and Engagement hold 1001 quantiles (0, 0.1%, ..., 100%) of the
	// parts of the training rows (or of a seeded sample of Rows of them).
	Fit        []float64 `json:"fit"`
	Engagement []float64 `json:"engagement"`
	// Rows is the number of training rows the quantiles come from.
	Rows int `json:"rows"`
	// Matrix counts the held-out leads per fit-engagement grade and how
	// many of them converted.
	Matrix *GradeMatrix `json:"matrix,omitempty"`
}

// GradeMatrix counts leads per cell of the fit-engagement matrix: row i is
// the fit letter "ABCD"[i], column j the engagement digit j+1.
type GradeMatrix struct {
	Leads     [4][3]int `json:"leads"`
	Converted [4][3]int `json:"converted"`
}

// Add counts one lead of the given grade ("A1".."D3"); converted adds it
// to the converted count too. Other grades are ignored.
func (m *GradeMatrix) Add(grade string, converted bool) {
	i, j, ok := gradeCell(grade)
	if !ok {
		return
	}
	m.Leads[i][j]++
	if converted {
		m.Converted[i][j]++
	}
}

// gradeCell returns the matrix cell of a grade "A1".."D3".
func gradeCell(g string) (i, j int, ok bool) {
	if len(g) != 2 || g[0] < 'A' || g[0] > 'D' || g[1] < '1' || g[1] > '3' {
		return 0, 0, false
	}
	return int(g[0] - 'A'), int(g[1] - '1'), true
}

// Grade bands of the fit-engagement grade, in percentiles of the training
// leads: fit letter A from the 75th percentile, B from the 50th, C from the
// 25th, D below; engagement digit 1 from the 66.7th, 2 from the 33.3rd, 3
// below. They mirror the rule sheet's default bands (fit 75/50/25% of the
// cap, engagement two and one thirds).
var (
	fitGradeBands        = [3]float64{75, 50, 25}
	engagementGradeBands = [2]float64{200.0 / 3, 100.0 / 3}
)

// gradeTable holds the twelve grades, letter-major, two bytes each.
const gradeTable = "A1A2A3B1B2B3C1C2C3D1D2D3"

// FitEngagementGrade returns the grade "A1".."D3" of a lead whose fit and
// engagement parts rank at the given percentiles (0-100) of the training
// leads: the letter from fit, the digit from engagement, on the rule
// sheet's matrix (A1 the best fit and the most engaged).
func FitEngagementGrade(fitPct, engPct float64) string {
	i := 3
	for k, lo := range fitGradeBands {
		if fitPct >= lo {
			i = k
			break
		}
	}
	j := 2
	for k, lo := range engagementGradeBands {
		if engPct >= lo {
			j = k
			break
		}
	}
	k := 2 * (3*i + j)
	return gradeTable[k : k+2]
}

// percentileIn returns where x ranks (0-100) in a population given by its
// 1001 quantiles q: the share at or below x, interpolated between
// quantiles; a value tied with quantiles (a part that is the same for many
// leads, such as an engagement of 0 for leads without events) ranks at the
// middle of the tie. NaN without a population.
func percentileIn(q []float64, x float64) float64 {
	if len(q) < 2 {
		return math.NaN()
	}
	last := float64(len(q) - 1)
	i := sort.SearchFloat64s(q, x) // first quantile >= x
	j := i
	for j < len(q) && q[j] == x {
		j++
	}
	if j > i { // tied with q[i:j]
		return float64(i+j-1) / 2 / last * 100
	}
	if i == 0 {
		return 0
	}
	if i == len(q) {
		return 100
	}
	a, b := q[i-1], q[i]
	return (float64(i-1) + (x-a)/(b-a)) / last * 100
}

// splitParts sums contributions by score axis: group[j] is 0 for a fit
// column, 1 for an engagement column.
func splitParts(contrib []float64, group []int8) (fit, eng float64) {
	for j, v := range contrib {
		if group[j] == 0 {
			fit += v
		} else {
			eng += v
		}
	}
	return fit, eng
}

// columnGroups returns 0 (fit) or 1 (engagement) per column.
func columnGroups(cols []features.ColumnInfo) []int8 {
	out := make([]int8, len(cols))
	for j, c := range cols {
		if c.Group != features.GroupFit {
			out[j] = 1
		}
	}
	return out
}

// rulesParts splits a rule sheet's points: fit and engagement points, and
// the points of ungrouped rules as the base (so base + fit + engagement =
// points).
func rulesParts(rr *rules.Result) (fit, eng, base float64) {
	if rr == nil {
		return 0, 0, math.NaN()
	}
	return rr.FitPoints, rr.EngagementPoints, rr.Points - rr.FitPoints - rr.EngagementPoints
}

// Parts returns the fit and engagement parts and the base value of the named
// model for rows of the encoded matrices (lin for logistic, tree for gbm;
// the other may be nil): base + fit + engagement is the model's raw score of
// each row, exactly as Score splits it (logistic: its contributions; gbm:
// TreeSHAP values, computed on threads goroutines). The rule sheet's parts
// come from its result per row, which sheet gives for row i (b.Rules
// evaluated on row i's lead).
func (b *Bundle) Parts(model string, lin, tree *features.Matrix, rows []int, sheet func(i int) rules.Result, threads int) (fit, eng []float64, base float64, err error) {
	fit, eng = make([]float64, len(rows)), make([]float64, len(rows))
	switch model {
	case Logistic:
		if b.Logistic == nil || lin == nil {
			return nil, nil, 0, fmt.Errorf("parts: no logistic model or linear encoding")
		}
		group := columnGroups(lin.Columns)
		out := make([]float64, lin.Cols)
		for k, i := range rows {
			base = b.Logistic.Contributions(lin.Row(i), out)
			fit[k], eng[k] = splitParts(out, group)
		}
	case GBM:
		if b.GBM == nil || tree == nil {
			return nil, nil, 0, fmt.Errorf("parts: no gbm model or tree encoding")
		}
		group := columnGroups(tree.Columns)
		X := features.NewMatrix(len(rows), tree.Columns)
		for k, i := range rows {
			copy(X.Row(k), tree.Row(i))
		}
		phi := make([]float64, len(X.Data))
		base = b.GBM.SHAPMatrix(X, phi, threads)
		for k := range rows {
			fit[k], eng[k] = splitParts(phi[k*X.Cols:(k+1)*X.Cols], group)
		}
	case Rules:
		if b.Rules == nil || sheet == nil {
			return nil, nil, 0, fmt.Errorf("parts: no rule sheet")
		}
		for k, i := range rows {
			// Ungrouped rules' points are the base, which then differs by lead.
			rr := sheet(i)
			fit[k], eng[k], _ = rulesParts(&rr)
		}
	default:
		return nil, nil, 0, fmt.Errorf("parts: unknown model %q", model)
	}
	return fit, eng, base, nil
}

// PartPercentiles returns where a lead's fit and engagement parts under
// model rank among the training leads (0-100, rounded to hundredths as
// Score returns them); NaN when the bundle records no population.
func (s *Scoring) PartPercentiles(model string, fit, eng float64) (fitPct, engPct float64) {
	pop := s.Parts[model]
	if pop == nil {
		return math.NaN(), math.NaN()
	}
	return round2(percentileIn(pop.Fit, fit)), round2(percentileIn(pop.Engagement, eng))
}
