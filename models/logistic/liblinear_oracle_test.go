//go:build cgo

// The oracle test builds liblinear (C++, through golearn's cgo bindings), so
// it only exists when cgo is on; the package itself and its other tests
// build with CGO_ENABLED=0.

package logistic

import (
	"bufio"
	"io"
	"log"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"testing"
	"unsafe"

	"github.com/sjwhitworth/golearn/base"
	linear "github.com/sjwhitworth/golearn/linear_models"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gonum.org/v1/gonum/mat"

	"github.com/leadscore/leadscore/features"
)

// liblinearL2 fits liblinear's L2R_LR solver (trust-region Newton) on the
// rows of X without a bias term, minimising
//
//	0.5 ||w||^2 + C sum_i log(1 + exp(-s_i w.x_i)),   s_i = +1 for y_i = 1, -1 for y_i = 0,
//
// and returns w for the positive class. golearn has no accessor for the
// weights, so they are read back from liblinear's save_model file (through
// golearn's Export); the file's "label" line says which class w scores.
func liblinearL2(t *testing.T, X *features.Matrix, y []float64, C, eps float64) []float64 {
	t.Helper()
	rows := make([][]float64, X.Rows)
	for i := range rows {
		rows[i] = X.Row(i)
	}
	// bias 0: golearn then sets liblinear's bias to -1 (none) and the
	// problem's n to cols+1, so the file has one extra, always-zero weight.
	// liblinear reports every TRON iteration through golearn's logger.
	base.Logger = log.New(io.Discard, "", 0)
	prob := linear.NewProblem(rows, y, 0)
	var pin runtime.Pinner
	defer pin.Unpin()
	pinProblem(t, prob, &pin)
	model := linear.Train(prob, linear.NewParameter(linear.L2R_LR, C, eps))
	path := filepath.Join(t.TempDir(), "model.txt")
	require.NoError(t, linear.Export(model, path))

	f, err := os.Open(path)
	require.NoError(t, err)
	defer f.Close()
	var labels []string
	var w []float64
	inW := false
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		switch {
		case inW:
			v, err := strconv.ParseFloat(line, 64)
			require.NoError(t, err, "weight line %q", line)
			w = append(w, v)
		case line == "w":
			inW = true
		case strings.HasPrefix(line, "label "):
			labels = strings.Fields(line)[1:]
		case strings.HasPrefix(line, "bias "):
			require.Equal(t, "bias -1", line, "liblinear must fit without its own bias")
		}
	}
	require.NoError(t, sc.Err())
	require.Len(t, labels, 2)
	require.Len(t, w, X.Cols+1)
	assert.Zero(t, w[X.Cols], "the padding feature never occurs")
	w = w[:X.Cols]
	// The decision value w.x > 0 predicts labels[0].
	if labels[0] == "0" {
		for j := range w {
			w[j] = -w[j]
		}
	}
	return w
}

// pinProblem pins the Go memory that golearn's Problem hands to C.
//
// golearn stores Go pointers (the row index and label arrays it allocates)
// inside the C struct problem that Train passes to liblinear; since Go 1.21
// the runtime's cgo check rejects that ("Go pointer to unpinned Go
// pointer") unless those objects are pinned. The struct's fields are
// unexported, so they are reached through reflect; pinning changes nothing
// in the data, it only makes the call legal under the cgo pointer rules.
func pinProblem(t *testing.T, prob *linear.Problem, pin *runtime.Pinner) {
	t.Helper()
	cprob := reflect.ValueOf(prob).Elem().FieldByName("c_prob")
	require.True(t, cprob.IsValid(), "golearn's Problem has no c_prob field")
	cprob = reflect.NewAt(cprob.Type(), unsafe.Pointer(cprob.UnsafeAddr())).Elem()
	for _, name := range []string{"x", "y"} {
		f := cprob.FieldByName(name)
		require.True(t, f.IsValid(), "C struct problem has no field %s", name)
		require.Equal(t, reflect.Pointer, f.Kind())
		pin.Pin(f.UnsafePointer())
	}
}

// mirrored returns X and y with every row (x, y) followed by (-x, 1-y).
// The objective of Fit is then invariant under (b, beta) -> (-b, beta) and
// strictly convex, so its minimiser has intercept exactly 0.
func mirrored(X *features.Matrix, y []float64) (*features.Matrix, []float64) {
	out := features.NewMatrix(2*X.Rows, X.Columns)
	oy := make([]float64, 2*X.Rows)
	for i := range X.Rows {
		copy(out.Row(2*i), X.Row(i))
		for j, v := range X.Row(i) {
			out.Row(2*i + 1)[j] = -v
		}
		oy[2*i], oy[2*i+1] = y[i], 1-y[i]
	}
	return out, oy
}

// hessianAt returns the Hessian of Fit's smooth objective (L2 only) at the
// model m: (1/n) sum_i p_i(1-p_i) [1,x_i][1,x_i]' + lambda I', I' without
// the intercept.
func hessianAt(X *features.Matrix, m *Model, lambda float64) *mat.SymDense {
	P := X.Cols + 1
	H := mat.NewSymDense(P, nil)
	z := make([]float64, P)
	for i := range X.Rows {
		p := 1 / (1 + math.Exp(-m.Margin(X.Row(i))))
		z[0] = 1
		copy(z[1:], X.Row(i))
		for a := range P {
			for b := a; b < P; b++ {
				H.SetSym(a, b, H.At(a, b)+p*(1-p)*z[a]*z[b]/float64(X.Rows))
			}
		}
	}
	for a := 1; a < P; a++ {
		H.SetSym(a, a, H.At(a, a)+lambda)
	}
	return H
}

// TestOracleLiblinearSymmetric compares with liblinear where the two
// objectives coincide exactly. Dividing Fit's objective by lambda gives
//
//	0.5 ||beta||^2 + (1/(lambda n)) sum_i logloss_i    (plus the free intercept),
//
// which is liblinear's with C = 1/(lambda n), except that liblinear has no
// intercept. On mirrored data our optimal intercept is exactly 0, so both
// minimise the same strictly convex function and the only difference left
// is where each solver stopped. For a convex function whose Hessian near
// the optimum is at least mu*I, ||theta - theta*|| <= ||grad F(theta)||/mu,
// so the tolerance is computed, not guessed:
//
//	tol = 2 (||grad F(ours)|| + ||grad F(liblinear's w)||) / mu,
//
// with both gradients measured in our objective's scale (ours stops at a
// KKT residual <= 1e-12; liblinear's TRON stops at eps = 1e-10 relative, or
// earlier where its sums lose precision, "actred and prered too small") and
// mu the smallest eigenvalue of our Hessian at the optimum (>= lambda). The
// factor 2 covers the Hessian's variation over the ~1e-8 distance. The test
// also requires tol < 1e-6, so a lax liblinear stop cannot pass silently.
func TestOracleLiblinearSymmetric(t *testing.T) {
	X0, y0 := simulate(2000, 0, []float64{1.2, -0.8, 0.4, 0, 2, -0.3}, 21)
	X, y := mirrored(X0, y0)
	for _, lambda := range []float64{1, 0.01, 1e-4} {
		m, err := Fit(X, y, nil, Options{Lambda: lambda, Tol: 1e-12})
		require.NoError(t, err)
		require.True(t, m.Converged)
		assert.InDelta(t, 0, m.Intercept, 1e-12, "mirrored data: the optimal intercept is 0")

		C := 1 / (lambda * float64(X.Rows))
		w := liblinearL2(t, X, y, C, 1e-10)

		gradNorm := func(mm *Model) float64 {
			var s float64
			for _, v := range objectiveGradient(X, y, nil, mm) {
				s += v * v
			}
			return math.Sqrt(s)
		}
		gOurs := gradNorm(m)
		gLib := gradNorm(&Model{Weights: w, Lambda: lambda})
		var eig mat.EigenSym
		require.True(t, eig.Factorize(hessianAt(X, m, lambda), false))
		mu := slices.Min(eig.Values(nil))
		tol := 2 * (gOurs + gLib) / mu
		var diff float64
		for j := range w {
			diff = math.Max(diff, math.Abs(w[j]-m.Weights[j]))
		}
		t.Logf("lambda %g: |grad| ours %.2g, liblinear %.2g; mu %.3g; max |diff| %.2g <= tol %.2g",
			lambda, gOurs, gLib, mu, diff, tol)
		require.Less(t, tol, 1e-6, "liblinear stopped too early for a meaningful comparison")
		assert.LessOrEqual(t, diff, tol, "lambda %g", lambda)
	}
}

// TestOracleLiblinearBias compares on ordinary data with a real intercept,
// using the large-bias trick: liblinear gets an extra constant column of
// value B, so its intercept b = B*v is penalised by 0.5 v^2 = b^2/(2B^2).
// In our scaling that adds (lambda/B^2) b^2/2 to Fit's objective, i.e. an
// intercept ridge of strength eta = lambda/B^2. At our optimum theta* the
// perturbed problem's gradient is eta*b*e_0, so to first order liblinear's
// solution is theta* - eta*b*H^{-1}e_0, H our Hessian at theta*. The test
// compares against that corrected point; what is left is second order in
// eta (here eta = 1e-6) plus solver tolerance, so 1e-8 would do; 1e-7 is
// used. It also checks that the uncorrected difference is indeed of the
// predicted size, so the bias penalty is understood, not hidden.
func TestOracleLiblinearBias(t *testing.T) {
	X, y := simulate(4000, -1.3, []float64{0.9, -0.5, 0.2, 0, 1.4}, 22)
	const lambda, B = 0.01, 100.0
	m, err := Fit(X, y, nil, Options{Lambda: lambda, Tol: 1e-12})
	require.NoError(t, err)

	aug := features.NewMatrix(X.Rows, append(append([]features.ColumnInfo(nil), X.Columns...), features.ColumnInfo{Name: "bias"}))
	for i := range X.Rows {
		copy(aug.Row(i), X.Row(i))
		aug.Row(i)[X.Cols] = B
	}
	C := 1 / (lambda * float64(X.Rows))
	w := liblinearL2(t, aug, y, C, 1e-10)
	libIntercept, libWeights := B*w[X.Cols], w[:X.Cols]

	P := X.Cols + 1
	var ch mat.Cholesky
	require.True(t, ch.Factorize(hessianAt(X, m, lambda)))
	e0 := mat.NewVecDense(P, nil)
	e0.SetVec(0, 1)
	var shift mat.VecDense
	require.NoError(t, ch.SolveVecTo(&shift, e0))
	eta := lambda / (B * B)
	shift.ScaleVec(-eta*m.Intercept, &shift)

	want := append([]float64{m.Intercept}, m.Weights...)
	got := append([]float64{libIntercept}, libWeights...)
	var raw float64
	for j := range want {
		raw = math.Max(raw, math.Abs(got[j]-want[j]))
		want[j] += shift.AtVec(j)
	}
	var corrected float64
	for j := range want {
		corrected = math.Max(corrected, math.Abs(got[j]-want[j]))
	}
	t.Logf("max |diff| uncorrected %.3g (predicted shift %.3g), corrected %.3g", raw, math.Abs(shift.AtVec(0)), corrected)
	assert.InDeltaSlice(t, want, got, 1e-7)
	assert.InDelta(t, math.Abs(shift.AtVec(0)), raw, 0.05*raw+1e-7, "the raw difference is the bias penalty's shift")
}
