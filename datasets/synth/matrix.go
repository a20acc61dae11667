package synth

import (
	"bufio"
	"encoding/binary"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"os"
	"strconv"
)

// Matrix is a generated dense matrix of numbers: row i is
// Data[i*Cols : (i+1)*Cols], Names[j] names column j and, when Categories
// is set, Categories[j] > 0 marks column j as categorical with that many
// categories (its values are the integer codes 0..Categories[j]-1, or NaN
// when missing). It is a plain value: callers wrap it in their own matrix
// type (features.Matrix) without copying Data.
type Matrix struct {
	Rows, Cols int
	Data       []float64
	Names      []string
	Categories []int
}

// Row returns row i as a slice that aliases the matrix.
func (m *Matrix) Row(i int) []float64 { return m.Data[i*m.Cols : (i+1)*m.Cols] }

// GBMCols is the number of feature columns of the gbm comparison data.
// Columns 35, 36 and 37 are categorical codes with 20, 50 and 5 categories.
const GBMCols = 40

// gbmCategories lists the categorical columns of the gbm data with their
// number of categories, in the order the generator draws their effects.
var gbmCategories = []struct{ col, n int }{{35, 20}, {36, 50}, {37, 5}}

// GenerateGBM produces rows rows of a seeded logistic problem and calls
// emit with each: GBMCols features followed by the 0/1 label. The margin is
// -1 plus ten informative columns (linear, tanh(2x) and |x| - 0.8 terms with
// weights 0.6/(1 + j mod 4)), the interactions 0.5 x10 x11, 0.4 [x12 > 0
// and x13 > 0.5] and -0.3 x14 x0, columns 30-34 each missing with
// probability 1/5 (+0.15 when missing, else 0.2 x), a Gaussian effect (sd
// 0.6) per category of columns 35-37, a noisy copy of column 0 (column 38)
// and column 1 rounded to quarters (column 39); the label is 1 with
// probability 1/(1 + exp(-margin)). emit must not keep the slice. This is
// the data of bench/gbm and its XGBoost reference (bench/gbm/xgb_ref.py).
func GenerateGBM(rows int, seed uint64, emit func(row []float64) error) error {
	rng := rand.New(rand.NewPCG(seed, 42))
	catEff := map[int][]float64{}
	for _, c := range gbmCategories {
		e := make([]float64, c.n)
		for i := range e {
			e[i] = rng.NormFloat64() * 0.6
		}
		catEff[c.col] = e
	}
	row := make([]float64, GBMCols+1)
	for range rows {
		for j := range GBMCols {
			row[j] = rng.NormFloat64()
		}
		m := -1.0
		for j := range 10 { // informative, some nonlinear
			c := 0.6 / float64(1+j%4)
			switch j % 3 {
			case 0:
				m += c * row[j]
			case 1:
				m += c * math.Tanh(2*row[j])
			default:
				m += c * (math.Abs(row[j]) - 0.8)
			}
		}
		m += 0.5*row[10]*row[11] + 0.4*float64(btoi(row[12] > 0 && row[13] > 0.5)) - 0.3*row[14]*row[0]
		for j := 30; j < 35; j++ { // partly missing; missingness carries signal
			if rng.IntN(5) == 0 {
				row[j] = math.NaN()
				m += 0.15
			} else {
				m += 0.2 * row[j]
			}
		}
		for _, c := range gbmCategories {
			code := rng.IntN(c.n)
			row[c.col] = float64(code)
			m += catEff[c.col][code]
		}
		row[38] = row[0] + 0.5*rng.NormFloat64()
		row[39] = math.Round(row[1]*4) / 4 // few distinct values
		row[GBMCols] = 0
		if rng.Float64() < 1/(1+math.Exp(-m)) {
			row[GBMCols] = 1
		}
		if err := emit(row); err != nil {
			return err
		}
	}
	return nil
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}

// WriteGBM writes GenerateGBM's rows to w: per row GBMCols float64 features
// then the label, little-endian, no header (the file bench/gbm and
// xgb_ref.py read).
func WriteGBM(w io.Writer, rows int, seed uint64) error {
	bw := bufio.NewWriterSize(w, 1<<20)
	buf := make([]byte, 8*(GBMCols+1))
	err := GenerateGBM(rows, seed, func(row []float64) error {
		for j, v := range row {
			binary.LittleEndian.PutUint64(buf[8*j:], math.Float64bits(v))
		}
		_, err := bw.Write(buf)
		return err
	})
	if err != nil {
		return fmt.Errorf("write gbm data: %w", err)
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("write gbm data: %w", err)
	}
	return nil
}

// GBMMatrix returns GenerateGBM's rows as a matrix (columns f0..f39, the
// categorical ones marked) and their labels, without a file in between: the
// same numbers ReadGBM returns for a file WriteGBM wrote with the same
// arguments.
func GBMMatrix(rows int, seed uint64) (*Matrix, []float64) {
	X := newGBMMatrix(rows)
	y := make([]float64, rows)
	i := 0
	// emit never fails, so neither does GenerateGBM.
	_ = GenerateGBM(rows, seed, func(row []float64) error {
		copy(X.Data[i*GBMCols:(i+1)*GBMCols], row[:GBMCols])
		y[i] = row[GBMCols]
		i++
		return nil
	})
	return X, y
}

// ReadGBM reads a file written by WriteGBM.
func ReadGBM(path string) (*Matrix, []float64, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, nil, err
	}
	const rowBytes = 8 * (GBMCols + 1)
	if len(b)%rowBytes != 0 {
		return nil, nil, fmt.Errorf("%s: %d bytes is not a whole number of %d-byte rows; write it with bench/gbm gen", path, len(b), rowBytes)
	}
	rows := len(b) / rowBytes
	X := newGBMMatrix(rows)
	y := make([]float64, rows)
	for i := range rows {
		for j := range GBMCols + 1 {
			v := math.Float64frombits(binary.LittleEndian.Uint64(b[8*(i*(GBMCols+1)+j):]))
			if j == GBMCols {
				y[i] = v
			} else {
				X.Data[i*GBMCols+j] = v
			}
		}
	}
	return X, y, nil
}

// newGBMMatrix returns a zeroed rows x GBMCols matrix with the gbm data's
// column names and categories.
func newGBMMatrix(rows int) *Matrix {
	X := &Matrix{Rows: rows, Cols: GBMCols, Data: make([]float64, rows*GBMCols),
		Names: make([]string, GBMCols), Categories: make([]int, GBMCols)}
	for j := range GBMCols {
		X.Names[j] = "f" + strconv.Itoa(j)
	}
	for _, c := range gbmCategories {
		X.Categories[c.col] = c.n
	}
	return X
}

// logisticMagic starts a logistic data file.
const logisticMagic = "LSBENCH1"

// LogisticMatrix returns the seeded problem of the logistic comparison with
// scikit-learn (bench/logistic): rows x cols correlated Gaussian features
// (each column mixes its own draw with a factor shared by the row, x_ij =
// 0.5 s_i + e_ij), standardised exactly (mean 0, population sd 1) as the
// linear encoding of features.Matrix is, columns x0..x{cols-1}, and labels
// drawn from a logistic model with coefficients beta_j = (-1)^j *
// 1.5/(1+j/4) / sqrt(cols/4) and intercept -1.5.
func LogisticMatrix(rows, cols int, seed uint64) (*Matrix, []float64) {
	rng := rand.New(rand.NewPCG(seed, 42))
	n, p := rows, cols
	X := newLogisticMatrix(n, p)
	x := X.Data
	for i := range n {
		shared := rng.NormFloat64()
		for j := range p {
			x[i*p+j] = 0.5*shared + rng.NormFloat64()
		}
	}
	for j := range p {
		var mean, ss float64
		for i := range n {
			mean += x[i*p+j]
		}
		mean /= float64(n)
		for i := range n {
			d := x[i*p+j] - mean
			ss += d * d
		}
		sd := math.Sqrt(ss / float64(n))
		for i := range n {
			x[i*p+j] = (x[i*p+j] - mean) / sd
		}
	}
	y := make([]float64, n)
	for i := range n {
		m := -1.5
		for j := range p {
			b := 1.5 / (1 + float64(j)/4)
			if j%2 == 1 {
				b = -b
			}
			m += b * x[i*p+j] / math.Sqrt(float64(p)/4)
		}
		if rng.Float64() < 1/(1+math.Exp(-m)) {
			y[i] = 1
		}
	}
	return X, y
}

// newLogisticMatrix returns a zeroed n x p matrix with columns x0..x{p-1}.
func newLogisticMatrix(n, p int) *Matrix {
	X := &Matrix{Rows: n, Cols: p, Data: make([]float64, n*p), Names: make([]string, p)}
	for j := range p {
		X.Names[j] = fmt.Sprintf("x%d", j)
	}
	return X
}

// WriteLogistic writes X and y in the file format bench/logistic and
// sklearn_ref.py read: the 8-byte magic "LSBENCH1", int64 rows, int64 cols,
// then rows*cols float64 features (row-major) and rows float64 labels, all
// little-endian.
func WriteLogistic(w io.Writer, X *Matrix, y []float64) error {
	bw := bufio.NewWriterSize(w, 1<<20)
	bw.WriteString(logisticMagic)
	binary.Write(bw, binary.LittleEndian, int64(X.Rows))
	binary.Write(bw, binary.LittleEndian, int64(X.Cols))
	buf := make([]byte, 8)
	for _, vs := range [][]float64{X.Data, y} {
		for _, v := range vs {
			binary.LittleEndian.PutUint64(buf, math.Float64bits(v))
			bw.Write(buf)
		}
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("write logistic data: %w", err)
	}
	return nil
}

// ReadLogistic reads a file written by WriteLogistic.
func ReadLogistic(path string) (*Matrix, []float64, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, nil, err
	}
	defer f.Close()
	r := bufio.NewReaderSize(f, 1<<20)
	head := make([]byte, 24)
	if _, err := io.ReadFull(r, head); err != nil || string(head[:8]) != logisticMagic {
		return nil, nil, fmt.Errorf("%s is not a logistic-bench data file; write it with bench/logistic gen", path)
	}
	n := int(binary.LittleEndian.Uint64(head[8:]))
	p := int(binary.LittleEndian.Uint64(head[16:]))
	X := newLogisticMatrix(n, p)
	y := make([]float64, n)
	buf := make([]byte, 8)
	for _, vs := range [][]float64{X.Data, y} {
		for i := range vs {
			if _, err := io.ReadFull(r, buf); err != nil {
				return nil, nil, fmt.Errorf("%s: truncated: %w", path, err)
			}
			vs[i] = math.Float64frombits(binary.LittleEndian.Uint64(buf))
		}
	}
	return X, y, nil
}
