package htmlreport

import (
	"bytes"
	"fmt"
	"image/color"
	"math"
	"regexp"
	"strings"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgsvg"
)

// Chart size in points.
const (
	chartWidth  = 6.4 * vg.Inch
	chartHeight = 3.6 * vg.Inch
)

// palette is a colour-blind-safe set (Okabe-Ito) for the series.
var palette = [...]color.RGBA{
	{0, 114, 178, 255},   // blue
	{213, 94, 0, 255},    // vermillion
	{0, 158, 115, 255},   // green
	{204, 121, 167, 255}, // purple
	{230, 159, 0, 255},   // orange
	{86, 180, 233, 255},  // sky
	{0, 0, 0, 255},       // black
}

// chartFont is the font of every text of a chart: Liberation Sans has the
// metrics of Arial, so the page can name widely installed fonts instead of
// embedding one.
func chartFont(size vg.Length) font.Font {
	return font.Font{Typeface: "Liberation", Variant: "Sans", Size: size}
}

// SVG draws c as an SVG fragment for inline use in HTML: no XML prolog, no
// namespace URLs, no embedded fonts, only generic font families.
func SVG(c *Chart) (string, error) {
	p := plot.New()
	p.Title.Text = c.Title
	p.Title.TextStyle.Font = chartFont(11)
	p.X.Label.Text, p.Y.Label.Text = c.XLabel, c.YLabel
	for _, ax := range []*plot.Axis{&p.X, &p.Y} {
		ax.Label.TextStyle.Font = chartFont(10)
		ax.Tick.Label.Font = chartFont(8)
	}
	p.Legend.TextStyle.Font = chartFont(9)
	p.Legend.Top, p.Legend.Left = true, false
	switch c.Legend {
	case "top-left":
		p.Legend.Left = true
	case "bottom-right":
		p.Legend.Top = false
	}
	p.Legend.XOffs, p.Legend.YOffs = -vg.Points(4), 0
	if c.Legend == "top-left" {
		p.Legend.XOffs = vg.Points(4)
	}
	p.Add(plotter.NewGrid())

	if c.Diagonal {
		lo, hi := 0.0, 1.0
		if c.XRange[0] != c.XRange[1] {
			lo, hi = c.XRange[0], c.XRange[1]
		}
		l, err := plotter.NewLine(plotter.XYs{{X: lo, Y: lo}, {X: hi, Y: hi}})
		if err != nil {
			return "", fmt.Errorf("chart %q: diagonal: %w", c.Title, err)
		}
		l.LineStyle.Color = color.Gray{Y: 150}
		l.LineStyle.Dashes = []vg.Length{vg.Points(3), vg.Points(3)}
		p.Add(l)
	}
	for k, s := range c.Series {
		if err := addSeries(p, s, palette[k%len(palette)]); err != nil {
			return "", fmt.Errorf("chart %q: series %q: %w", c.Title, s.Name, err)
		}
	}
	if c.XRange[0] != c.XRange[1] {
		p.X.Min, p.X.Max = c.XRange[0], c.XRange[1]
	}
	if c.YRange[0] != c.YRange[1] {
		p.Y.Min, p.Y.Max = c.YRange[0], c.YRange[1]
	}
	if len(c.XTicks) > 0 {
		step := (len(c.XTicks) + 11) / 12
		ticks := make([]plot.Tick, 0, len(c.XTicks))
		for i, lab := range c.XTicks {
			t := plot.Tick{Value: float64(i)}
			if i%step == 0 {
				t.Label = lab
			}
			ticks = append(ticks, t)
		}
		p.X.Tick.Marker = plot.ConstantTicks(ticks)
		p.X.Min, p.X.Max = -0.5, float64(len(c.XTicks))-0.5
	}
	canvas := vgsvg.New(chartWidth, chartHeight)
	p.Draw(draw.New(canvas))
	var buf bytes.Buffer
	if _, err := canvas.WriteTo(&buf); err != nil {
		return "", fmt.Errorf("chart %q: render svg: %w", c.Title, err)
	}
	return sanitizeSVG(buf.String()), nil
}

// addSeries adds one series: a line per run of finite points, dots, error
// bars and a legend entry.
func addSeries(p *plot.Plot, s Series, col color.RGBA) error {
	if len(s.X) != len(s.Y) {
		return fmt.Errorf("%d x values and %d y values", len(s.X), len(s.Y))
	}
	var thumbs []plot.Thumbnailer
	var seg plotter.XYs
	flush := func() error {
		if len(seg) == 0 {
			return nil
		}
		l, err := plotter.NewLine(seg)
		if err != nil {
			return err
		}
		l.LineStyle.Color = col
		l.LineStyle.Width = vg.Points(1.5)
		if s.Dashed {
			l.LineStyle.Dashes = []vg.Length{vg.Points(5), vg.Points(3)}
		}
		p.Add(l)
		if thumbs == nil {
			thumbs = append(thumbs, l)
		}
		if s.Points || len(seg) == 1 {
			sc, err := plotter.NewScatter(seg)
			if err != nil {
				return err
			}
			sc.GlyphStyle.Color = col
			sc.GlyphStyle.Shape = draw.CircleGlyph{}
			sc.GlyphStyle.Radius = vg.Points(2)
			p.Add(sc)
		}
		seg = nil
		return nil
	}
	for i := range s.X {
		if finite(s.X[i]) && finite(s.Y[i]) {
			seg = append(seg, plotter.XY{X: s.X[i], Y: s.Y[i]})
			continue
		}
		if err := flush(); err != nil {
			return err
		}
	}
	if err := flush(); err != nil {
		return err
	}
	if len(s.Lo) == len(s.Y) && len(s.Hi) == len(s.Y) {
		var eb errorBars
		for i := range s.Y {
			if finite(s.X[i]) && finite(s.Y[i]) && finite(s.Lo[i]) && finite(s.Hi[i]) {
				eb.xys = append(eb.xys, plotter.XY{X: s.X[i], Y: s.Y[i]})
				eb.errs = append(eb.errs, [2]float64{s.Y[i] - s.Lo[i], s.Hi[i] - s.Y[i]})
			}
		}
		if len(eb.xys) > 0 {
			bars, err := plotter.NewYErrorBars(eb)
			if err != nil {
				return err
			}
			bars.LineStyle.Color = col
			bars.LineStyle.Width = vg.Points(0.8)
			p.Add(bars)
		}
	}
	if thumbs != nil && s.Name != "" {
		p.Legend.Add(s.Name, thumbs...)
	}
	return nil
}

// errorBars feeds plotter.NewYErrorBars.
type errorBars struct {
	xys  plotter.XYs
	errs [][2]float64
}

func (e errorBars) Len() int                    { return len(e.xys) }
func (e errorBars) XY(i int) (float64, float64) { return e.xys[i].X, e.xys[i].Y }
func (e errorBars) YError(i int) (float64, float64) {
	return math.Max(0, e.errs[i][0]), math.Max(0, e.errs[i][1])
}

func finite(x float64) bool { return !math.IsNaN(x) && !math.IsInf(x, 0) }

var (
	svgProlog     = regexp.MustCompile(`(?s)<\?xml.*?\?>\s*`)
	svgComment    = regexp.MustCompile(`(?s)<!--.*?-->\s*`)
	svgNamespaces = regexp.MustCompile(`\s+xmlns(:\w+)?="[^"]*"`)
	svgFamily     = regexp.MustCompile(`font-family:[^;"]*`)
)

// sanitizeSVG makes vgsvg output safe to inline in a self-contained page:
// the XML prolog and comments go, the namespace declarations (URLs that an
// HTML parser does not need) go, and the font family becomes a list of
// common families ending in a generic one, so no font has to be fetched.
func sanitizeSVG(s string) string {
	s = svgProlog.ReplaceAllString(s, "")
	s = svgComment.ReplaceAllString(s, "")
	s = svgNamespaces.ReplaceAllString(s, "")
	s = svgFamily.ReplaceAllString(s, "font-family:Arial,Helvetica,sans-serif")
	s = strings.Replace(s, "<svg ", `<svg role="img" `, 1)
	return strings.TrimSpace(s)
}
