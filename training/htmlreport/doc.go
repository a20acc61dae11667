// Package htmlreport renders a report document as the three files of a
// report directory: report.html (one self-contained page: inline CSS and
// inline SVG charts drawn with gonum.org/v1/plot, no scripts, fonts, images
// or links to anything outside the file, so it reads the same offline and in
// an e-mail), report.json (every figure of the page, machine-readable) and
// report.md (the same prose and tables as Markdown).
//
// A report is a Doc: a title, a few summary sentences saying in words what
// the report shows, and sections of text, tables, charts and heat tables.
// The package knows nothing about lead scoring; callers build the Doc from
// their results and pass the JSON value alongside it, so the JSON and the
// page come from the same numbers.
package htmlreport

import (
	"encoding/json"
	"math"
	"strconv"
)

// Doc is one report.
type Doc struct {
	// Title heads the page.
	Title string
	// Subtitle is a line under the title (data, date, settings).
	Subtitle string
	// Summary holds the sentences that say what the report shows, shown
	// first.
	Summary []string
	// Sections follow the summary in order.
	Sections []Section
}

// Section is a titled part of a report.
type Section struct {
	Title  string
	Blocks []Block
}

// Block is one element of a section: exactly one field is set.
type Block struct {
	// Text is a paragraph.
	Text string
	// List is a bulleted list.
	List []string
	// Table is a table of preformatted cells.
	Table *Table
	// Chart is a line chart drawn as inline SVG.
	Chart *Chart
	// Heat is a cross-tab whose cells are shaded by value.
	Heat *Heat
}

// Table is a table of text cells. Cells that parse as numbers (after
// removing a trailing "%") are right-aligned.
type Table struct {
	Caption string
	Header  []string
	Rows    [][]string
	// Note is a line of small print under the table.
	Note string
}

// Chart is a line chart: one or more series over shared axes.
type Chart struct {
	Title, XLabel, YLabel string
	Series                []Series
	// Diagonal draws the reference line y = x (ROC curves, reliability
	// diagrams, cumulative gains).
	Diagonal bool
	// XRange and YRange fix the axes when their two values differ;
	// otherwise the axes fit the data.
	XRange, YRange [2]float64
	// XTicks labels x = 0, 1, ..., len-1 (periods); long lists are thinned.
	XTicks []string
	// Caption is a sentence under the chart saying how to read it.
	Caption string
	// Legend places the legend: "top-left", "bottom-right" or, by default,
	// top right.
	Legend string
}

// Series is one line of a Chart. Points where Y is NaN break the line.
// Lo and Hi, when set (same length as Y), are drawn as error bars.
type Series struct {
	Name   string
	X, Y   []float64
	Lo, Hi []float64
	// Points marks each point with a dot.
	Points bool
	// Dashed draws a dashed line.
	Dashed bool
}

// Heat is a cross-tab: Counts[i][j] leads in row i and column j and, when
// Rates is set, their conversion rate (NaN: unknown). Cells are shaded by
// rate when rates are given, else by count.
type Heat struct {
	Caption            string
	RowTitle, ColTitle string
	Rows, Cols         []string
	Counts             [][]int
	Rates              [][]float64
	Note               string
}

// Float is a float64 that encodes NaN and infinities as JSON null (which
// encoding/json refuses for float64) and decodes null as NaN.
type Float float64

// MarshalJSON encodes f as a number, or null when it is not finite.
func (f Float) MarshalJSON() ([]byte, error) {
	v := float64(f)
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return []byte("null"), nil
	}
	return strconv.AppendFloat(nil, v, 'g', -1, 64), nil
}

// UnmarshalJSON decodes a number, or null as NaN.
func (f *Float) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		*f = Float(math.NaN())
		return nil
	}
	var v float64
	if err := json.Unmarshal(b, &v); err != nil {
		return err
	}
	*f = Float(v)
	return nil
}

// Floats converts xs to Floats.
func Floats(xs []float64) []Float {
	out := make([]Float, len(xs))
	for i, x := range xs {
		out[i] = Float(x)
	}
	return out
}
