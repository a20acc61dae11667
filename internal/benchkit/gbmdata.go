package benchkit

import (
	"bufio"
	"encoding/binary"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"os"
	"strconv"

	"github.com/leadscore/leadscore/features"
	"github.com/leadscore/leadscore/models/gbm"
)

// GBMCols is the number of feature columns of the gbm comparison data.
// Columns 35, 36 and 37 are categorical codes (GBMCategories).
const GBMCols = 40

// GBMCategories maps each categorical column of the gbm data to its number
// of categories.
var GBMCategories = map[int]int{35: 20, 36: 50, 37: 5}

// gbmCatOrder lists GBMCategories' keys in order, so generation is
// deterministic.
var gbmCatOrder = []int{35, 36, 37}

// GenerateGBM produces rows rows of a seeded logistic problem (informative,
// nonlinear, interacting, noisy, 20% missing and categorical columns) and
// calls emit with each: GBMCols features followed by the 0/1 label. emit
// must not keep the slice. This is the data of bench/gbm and its XGBoost
// reference (bench/gbm/xgb_ref.py).
func GenerateGBM(rows int, seed uint64, emit func(row []float64) error) error {
	rng := rand.New(rand.NewPCG(seed, 42))
	catEff := map[int][]float64{}
	for _, c := range gbmCatOrder {
		e := make([]float64, GBMCategories[c])
		for i := range e {
			e[i] = rng.NormFloat64() * 0.6
		}
		catEff[c] = e
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
		for _, c := range gbmCatOrder {
			code := rng.IntN(GBMCategories[c])
			row[c] = float64(code)
			m += catEff[c][code]
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
		return err
	}
	return bw.Flush()
}

// GBMMatrix returns GenerateGBM's rows as a matrix (categorical columns
// marked) and labels, without a file in between: the same numbers
// ReadGBM returns for a file WriteGBM wrote with the same arguments.
func GBMMatrix(rows int, seed uint64) (*features.Matrix, []float64) {
	X := features.NewMatrix(rows, gbmColumns())
	y := make([]float64, rows)
	i := 0
	_ = GenerateGBM(rows, seed, func(row []float64) error {
		copy(X.Data[i*GBMCols:(i+1)*GBMCols], row[:GBMCols])
		y[i] = row[GBMCols]
		i++
		return nil
	})
	return X, y
}

// ReadGBM reads a file written by WriteGBM.
func ReadGBM(path string) (*features.Matrix, []float64, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, nil, err
	}
	const rowBytes = 8 * (GBMCols + 1)
	if len(b)%rowBytes != 0 {
		return nil, nil, fmt.Errorf("%s: %d bytes is not a whole number of %d-byte rows; write it with bench/gbm gen", path, len(b), rowBytes)
	}
	rows := len(b) / rowBytes
	X := features.NewMatrix(rows, gbmColumns())
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

func gbmColumns() []features.ColumnInfo {
	cols := make([]features.ColumnInfo, GBMCols)
	for j := range cols {
		cols[j] = features.ColumnInfo{Name: "f" + strconv.Itoa(j), Source: "f" + strconv.Itoa(j)}
		if k, ok := GBMCategories[j]; ok {
			cols[j].Categorical, cols[j].Categories = true, k
		}
	}
	return cols
}

// GBMParams returns the settings of the gbm comparison with XGBoost
// (bench/gbm/run.sh, xgb_ref.py): trees trees of at most leaves leaves,
// learning rate 0.1, 255 bins, λ = 1, Σh >= 1 and 20 rows per leaf, no
// early stopping and no row or column sampling (XGBoost samples neither).
func GBMParams(trees, leaves, threads int) gbm.Params {
	p := gbm.DefaultParams()
	p.Trees, p.Leaves, p.LearningRate, p.Bins, p.Threads = trees, leaves, 0.1, 255, threads
	p.EarlyStopping, p.MinChildWeight, p.MinDataInLeaf, p.Lambda = 0, 1, 20, 1
	p.Subsample, p.ColSample = 1, 1
	return p
}

// Rows returns rows [lo, hi) of X as a matrix sharing X's storage.
func Rows(X *features.Matrix, lo, hi int) *features.Matrix {
	return &features.Matrix{Rows: hi - lo, Cols: X.Cols, Data: X.Data[lo*X.Cols : hi*X.Cols], Columns: X.Columns}
}
