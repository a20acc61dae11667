package dashboard

import (
	"fmt"
	"html/template"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/leadscore/leadscore/models"
)

// leadView is one scored lead as the score and lead pages show it.
type leadView struct {
	R         *models.Result
	Waterfall *waterfallView
	Up, Down  []reason
	Others    []kv
}

// reason is one contribution in words.
type reason struct {
	Feature string
	Value   string
	Amount  float64
}

// waterfallTop is how many contributions the waterfall draws; the rest
// are summed into one step so the steps still add up to the raw score.
const waterfallTop = 10

// waterfallStep is one row of the waterfall (viewBox units).
type waterfallStep struct {
	Label      string
	Amount     string
	Class      string
	Y, TextY   float64
	X, W       float64
	ValueX     float64
	ValueRight bool
}

// waterfallView is the contribution waterfall: from the average training
// lead (base value) through each field's contribution to this lead's raw
// score.
type waterfallView struct {
	Width, Height  float64
	Steps          []waterfallStep
	BaseX, RawX    float64
	AxisY          float64
	Unit           string
	LoText, HiText string
	LoX, HiX       float64
}

func newLeadView(r *models.Result) *leadView {
	v := &leadView{R: r}
	if r.Explanation != nil {
		v.Waterfall = waterfall(r.Explanation, r.Model.Name)
		for _, c := range r.Explanation.Contributions {
			rc := reason{Feature: c.Feature, Value: c.Value, Amount: c.Contribution}
			switch {
			case c.Contribution > 0 && len(v.Up) < 5:
				v.Up = append(v.Up, rc)
			case c.Contribution < 0:
				v.Down = append(v.Down, rc)
			}
		}
		slices.SortFunc(v.Down, func(a, b reason) int { return cmpFloat(a.Amount, b.Amount) })
		v.Down = v.Down[:min(len(v.Down), 5)]
	}
	for _, m := range []string{models.Rules, models.Logistic, models.GBM} {
		if p, ok := r.Probabilities[m]; ok {
			v.Others = append(v.Others, kv{m, pctText(p)})
		}
	}
	return v
}

func cmpFloat(a, b float64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// waterfall lays out the explanation's steps, largest contribution first.
func waterfall(ex *models.Explanation, champion string) *waterfallView {
	cs := slices.Clone(ex.Contributions)
	slices.SortStableFunc(cs, func(a, b models.Contribution) int {
		return cmpFloat(math.Abs(b.Contribution), math.Abs(a.Contribution))
	})
	var rest float64
	nRest := 0
	if len(cs) > waterfallTop {
		for _, c := range cs[waterfallTop:] {
			rest += c.Contribution
			nRest++
		}
		cs = cs[:waterfallTop]
	}
	type step struct {
		label    string
		from, to float64
	}
	var steps []step
	cum := ex.BaseValue
	for _, c := range cs {
		label := c.Feature
		if c.Value != "" {
			label += " = " + c.Value
		}
		steps = append(steps, step{label, cum, cum + c.Contribution})
		cum += c.Contribution
	}
	if nRest > 0 {
		steps = append(steps, step{fmt.Sprintf("%d other fields", nRest), cum, cum + rest})
	}
	lo, hi := min(ex.BaseValue, ex.Raw), max(ex.BaseValue, ex.Raw)
	for _, s := range steps {
		lo, hi = min(lo, s.from, s.to), max(hi, s.from, s.to)
	}
	if hi-lo < 1e-9 {
		lo, hi = lo-1, hi+1
	}
	pad := (hi - lo) * 0.05
	lo, hi = lo-pad, hi+pad
	const chartX, chartW, rowH = 260.0, 380.0, 24.0
	x := func(v float64) float64 { return chartX + (v-lo)/(hi-lo)*chartW }
	w := &waterfallView{Width: chartX + chartW + 20, Unit: "log-odds"}
	if champion == models.Rules {
		w.Unit = "points"
	}
	y := 34.0
	for _, s := range steps {
		a, b := x(s.from), x(s.to)
		st := waterfallStep{Label: truncate(s.label, 38), Amount: signed(s.to - s.from), Class: "up", Y: y, TextY: y + 12,
			X: min(a, b), W: max(math.Abs(b-a), 1)}
		if s.to < s.from {
			st.Class = "down"
		}
		// The amount goes right of the bar, or left of it near the edge.
		st.ValueX = max(a, b) + 4
		if st.ValueX > chartX+chartW-40 {
			st.ValueX, st.ValueRight = min(a, b)-4, true
		}
		w.Steps = append(w.Steps, st)
		y += rowH
	}
	w.BaseX, w.RawX = x(ex.BaseValue), x(ex.Raw)
	w.AxisY = y + 4
	w.Height = y + 24
	w.LoX, w.HiX = chartX, chartX+chartW
	w.LoText, w.HiText = strconv.FormatFloat(lo, 'f', 2, 64), strconv.FormatFloat(hi, 'f', 2, 64)
	return w
}

func truncate(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}

func signed(x float64) string {
	if x >= 0 {
		return "+" + strconv.FormatFloat(x, 'f', 2, 64)
	}
	return strconv.FormatFloat(x, 'f', 2, 64)
}

// pointsText shows rule points to one decimal, whole points without one.
func pointsText(x float64) string {
	return strings.TrimSuffix(strconv.FormatFloat(x, 'f', 1, 64), ".0")
}

func pctText(p float64) string { return strconv.FormatFloat(p*100, 'f', 1, 64) + "%" }

// funcs are the template helpers.
var funcs = template.FuncMap{
	"pct":    pctText,
	"signed": signed,
	"f2":     func(x float64) string { return strconv.FormatFloat(x, 'f', 2, 64) },
	"f1":     func(x float64) string { return strconv.FormatFloat(x, 'f', 1, 64) },
	"points": pointsText,
	"add":    func(a, b int) int { return a + b },
	"sub":    func(a, b float64) float64 { return a - b },
	// optPct and optPoints show a figure a report may leave out (null).
	"optPct": func(p *float64) string {
		if p == nil {
			return ""
		}
		return pctText(*p)
	},
	"optPoints": func(p *float64) string {
		if p == nil {
			return ""
		}
		return strconv.FormatFloat(*p, 'f', 0, 64)
	},
}
