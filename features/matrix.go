package features

// ColumnInfo describes one encoded column of a Matrix.
//
// Source is the name of the field a marketer recognises ("Lead Source",
// "pricing page visits in 30 days"); several encoded columns (the one-hot
// columns of a category, a number and its missing indicator) share a Source,
// so contributions can be summed back to it. Categorical columns (tree
// encoding only) hold integer category codes 0..Categories-1 as float64, with
// NaN for missing.
//
// Group is the axis of the score the column belongs to: GroupFit (who the
// lead is: lead fields) or GroupEngagement (what the lead does: events,
// the lead's age and dates), so that contributions split into a fit and an
// engagement part.
type ColumnInfo struct {
	Name        string `json:"name"`
	Source      string `json:"source"`
	Group       string `json:"group,omitempty"`
	Categorical bool   `json:"categorical,omitempty"`
	Categories  int    `json:"categories,omitempty"`
}

// Matrix is a dense row-major matrix of encoded features: row i is
// Data[i*Cols : (i+1)*Cols]. NaN marks a missing value (tree encoding only;
// the linear encoding is always imputed).
type Matrix struct {
	Rows    int
	Cols    int
	Data    []float64
	Columns []ColumnInfo
}

// NewMatrix returns a zeroed rows x len(cols) matrix.
func NewMatrix(rows int, cols []ColumnInfo) *Matrix {
	return &Matrix{Rows: rows, Cols: len(cols), Data: make([]float64, rows*len(cols)), Columns: cols}
}

// Row returns row i as a slice that aliases the matrix.
func (m *Matrix) Row(i int) []float64 { return m.Data[i*m.Cols : (i+1)*m.Cols] }

// At returns element (i, j).
func (m *Matrix) At(i, j int) float64 { return m.Data[i*m.Cols+j] }
