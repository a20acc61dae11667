package dashboard

import (
	"fmt"

	"github.com/leadscore/leadscore/models"
)

// matrixView is the fit-engagement matrix on the overview: per grade A1-D3,
// the held-out leads the bundle recorded and how many of them converted,
// and the leads of the last scored batch.
type matrixView struct {
	Model   string
	Rows    []matrixRow
	HeldOut int
	Batch   bool // the last batch was scored by this bundle
}

type matrixRow struct {
	Letter string
	Cells  []matrixCell
}

// matrixCell is one grade's figures; Rate is the held-out conversion rate
// as text ("–" without leads) and Heat a 0-4 shade of that rate relative
// to the best cell.
type matrixCell struct {
	Grade      string
	Leads      int
	Converted  int
	Rate       string
	RateValue  float64
	BatchLeads int
	ShowBatch  bool
	Heat       int
}

// newMatrixView builds the matrix of bundle b's champion, with the leads of
// bt when b scored it; nil when b records no fit-engagement parts.
func newMatrixView(b *models.Bundle, bt *batch) *matrixView {
	champ := b.Scoring.Champion
	pop := b.Scoring.Parts[champ]
	if pop == nil || pop.Matrix == nil {
		return nil
	}
	m := pop.Matrix
	var batchCells models.GradeMatrix
	v := &matrixView{Model: champ}
	if bt != nil && bt.bundle == b {
		v.Batch = true
		for _, s := range bt.Rows {
			if s.Result != nil {
				batchCells.Add(s.Result.FitEngagementGrade, false)
			}
		}
	}
	best := 0.0
	for i := range m.Leads {
		for j := range m.Leads[i] {
			if n := m.Leads[i][j]; n > 0 {
				best = max(best, float64(m.Converted[i][j])/float64(n))
			}
		}
	}
	for i, letter := range []string{"A", "B", "C", "D"} {
		row := matrixRow{Letter: letter}
		for j := range 3 {
			c := matrixCell{Grade: fmt.Sprintf("%s%d", letter, j+1), Leads: m.Leads[i][j], Converted: m.Converted[i][j], Rate: "–", BatchLeads: batchCells.Leads[i][j], ShowBatch: v.Batch}
			v.HeldOut += c.Leads
			if c.Leads > 0 {
				c.RateValue = float64(c.Converted) / float64(c.Leads)
				c.Rate = pctText(c.RateValue)
				if best > 0 {
					c.Heat = min(4, int(c.RateValue/best*4.999))
				}
			}
			row.Cells = append(row.Cells, c)
		}
		v.Rows = append(v.Rows, row)
	}
	return v
}
