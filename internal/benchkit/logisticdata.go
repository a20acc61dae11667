package benchkit

import (
	"bufio"
	"encoding/binary"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"os"

	"github.com/leadscore/leadscore/features"
)

// logisticMagic starts a logistic data file.
const logisticMagic = "LSBENCH1"

// LogisticMatrix returns the seeded problem of the logistic comparison with
// scikit-learn (bench/logistic): rows x cols correlated Gaussian features
// (each column mixes its own draw with a factor shared by the row),
// standardised exactly (mean 0, population sd 1) as the linear encoding of
// features.Matrix is, and labels from a logistic model with coefficients
// beta_j = (-1)^j * 1.5/(1+j/4) / sqrt(cols/4) and intercept -1.5.
func LogisticMatrix(rows, cols int, seed uint64) (*features.Matrix, []float64) {
	rng := rand.New(rand.NewPCG(seed, 42))
	n, p := rows, cols
	X := features.NewMatrix(n, logisticColumns(p))
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

func logisticColumns(p int) []features.ColumnInfo {
	cols := make([]features.ColumnInfo, p)
	for j := range cols {
		cols[j] = features.ColumnInfo{Name: fmt.Sprintf("x%d", j), Source: fmt.Sprintf("x%d", j)}
	}
	return cols
}

// WriteLogistic writes X and y in the file format bench/logistic and
// sklearn_ref.py read: the 8-byte magic "LSBENCH1", int64 rows, int64 cols,
// then rows*cols float64 features (row-major) and rows float64 labels, all
// little-endian.
func WriteLogistic(w io.Writer, X *features.Matrix, y []float64) error {
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
	return bw.Flush()
}

// ReadLogistic reads a file written by WriteLogistic.
func ReadLogistic(path string) (*features.Matrix, []float64, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, nil, err
	}
	defer f.Close()
	r := bufio.NewReaderSize(f, 1<<20)
	head := make([]byte, 24)
	if _, err := io.ReadFull(r, head); err != nil || string(head[:8]) != logisticMagic {
		return nil, nil, fmt.Errorf("%s is not a logistic-bench data file", path)
	}
	n := int(binary.LittleEndian.Uint64(head[8:]))
	p := int(binary.LittleEndian.Uint64(head[16:]))
	X := features.NewMatrix(n, logisticColumns(p))
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
