package htmlreport

import (
	"bytes"
	"fmt"
	"html/template"
	"math"
	"strconv"
	"strings"
)

// style is the page's only stylesheet, inline.
const style = `
body{font-family:Arial,Helvetica,sans-serif;color:#222;max-width:1000px;margin:24px auto;padding:0 16px;line-height:1.45}
h1{font-size:1.6em;margin-bottom:4px}h2{font-size:1.25em;margin-top:32px;border-bottom:1px solid #ddd;padding-bottom:4px}
.sub{color:#666;margin-top:0}
.summary{background:#f3f7fb;border-left:4px solid #0072b2;padding:10px 16px;margin:16px 0}
.summary p{margin:6px 0;font-size:1.05em}
table{border-collapse:collapse;margin:12px 0;font-size:.9em}
caption{text-align:left;font-weight:bold;padding:4px 0}
th,td{border:1px solid #ccc;padding:4px 8px;vertical-align:top}
th{background:#f4f4f4;text-align:left}
td.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
td.iv{white-space:nowrap;font-variant-numeric:tabular-nums}
.scroll{overflow-x:auto;max-width:100%}
.note{color:#666;font-size:.85em;margin-top:-6px}
figure{margin:16px 0}figcaption{color:#555;font-size:.9em}
figure svg{max-width:100%;height:auto}
.heat td{text-align:center;min-width:90px}
`

var page = template.Must(template.New("page").Parse(`<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{.Title}}</title>
<style>{{.Style}}</style>
</head><body>
<h1>{{.Title}}</h1>
{{if .Subtitle}}<p class="sub">{{.Subtitle}}</p>{{end}}
{{if .Summary}}<div class="summary">{{range .Summary}}<p>{{.}}</p>{{end}}</div>{{end}}
{{range .Sections}}<section>
<h2>{{.Title}}</h2>
{{range .Blocks}}{{.}}
{{end}}</section>
{{end}}</body></html>
`))

type pageData struct {
	Title, Subtitle string
	Style           template.CSS
	Summary         []string
	Sections        []pageSection
}

type pageSection struct {
	Title  string
	Blocks []template.HTML
}

// HTML renders d as one self-contained HTML page.
func HTML(d *Doc) ([]byte, error) {
	pd := pageData{Title: d.Title, Subtitle: d.Subtitle, Style: template.CSS(style), Summary: d.Summary}
	for _, s := range d.Sections {
		ps := pageSection{Title: s.Title}
		for _, b := range s.Blocks {
			h, err := blockHTML(b)
			if err != nil {
				return nil, fmt.Errorf("section %q: %w", s.Title, err)
			}
			ps.Blocks = append(ps.Blocks, h)
		}
		pd.Sections = append(pd.Sections, ps)
	}
	var buf bytes.Buffer
	if err := page.Execute(&buf, pd); err != nil {
		return nil, fmt.Errorf("render report.html: %w", err)
	}
	return buf.Bytes(), nil
}

func esc(s string) string { return template.HTMLEscapeString(s) }

func blockHTML(b Block) (template.HTML, error) {
	var w strings.Builder
	switch {
	case b.Text != "":
		fmt.Fprintf(&w, "<p>%s</p>", esc(b.Text))
	case len(b.List) > 0:
		w.WriteString("<ul>")
		for _, it := range b.List {
			fmt.Fprintf(&w, "<li>%s</li>", esc(it))
		}
		w.WriteString("</ul>")
	case b.Table != nil:
		tableHTML(&w, b.Table)
	case b.Chart != nil:
		svg, err := SVG(b.Chart)
		if err != nil {
			return "", err
		}
		fmt.Fprintf(&w, "<figure>%s", svg)
		if b.Chart.Caption != "" {
			fmt.Fprintf(&w, "<figcaption>%s</figcaption>", esc(b.Chart.Caption))
		}
		w.WriteString("</figure>")
	case b.Heat != nil:
		heatHTML(&w, b.Heat)
	}
	return template.HTML(w.String()), nil
}

// IsNumeric reports whether a table cell reads as a number: digits with an
// optional sign, decimal point, exponent or trailing "%".
func IsNumeric(s string) bool {
	s = strings.TrimSuffix(strings.TrimSpace(s), "%")
	_, err := strconv.ParseFloat(s, 64)
	return err == nil && s != ""
}

// isInterval reports whether a cell reads as an interval "LO to HI" of two
// numbers, kept on one line.
func isInterval(s string) bool {
	lo, hi, ok := strings.Cut(s, " to ")
	return ok && IsNumeric(lo) && IsNumeric(hi)
}

func tableHTML(w *strings.Builder, t *Table) {
	// Wide tables scroll sideways rather than wrap every cell.
	w.WriteString(`<div class="scroll"><table>`)
	if t.Caption != "" {
		fmt.Fprintf(w, "<caption>%s</caption>", esc(t.Caption))
	}
	w.WriteString("<thead><tr>")
	for _, h := range t.Header {
		fmt.Fprintf(w, "<th>%s</th>", esc(h))
	}
	w.WriteString("</tr></thead><tbody>")
	for _, r := range t.Rows {
		w.WriteString("<tr>")
		for _, c := range r {
			switch {
			case IsNumeric(c):
				fmt.Fprintf(w, `<td class="num">%s</td>`, esc(c))
			case isInterval(c):
				fmt.Fprintf(w, `<td class="iv">%s</td>`, esc(c))
			default:
				fmt.Fprintf(w, "<td>%s</td>", esc(c))
			}
		}
		w.WriteString("</tr>")
	}
	w.WriteString("</tbody></table></div>")
	if t.Note != "" {
		fmt.Fprintf(w, `<p class="note">%s</p>`, esc(t.Note))
	}
}

// heatColor shades v in [0, 1] from white to blue.
func heatColor(v float64) string {
	if !finite(v) {
		return "#ffffff"
	}
	v = math.Max(0, math.Min(1, v))
	r := int(255 - v*(255-0))
	g := int(255 - v*(255-114))
	b := int(255 - v*(255-178))
	return fmt.Sprintf("#%02x%02x%02x", r, g, b)
}

// HeatCell formats one cell of a Heat the way the page and the Markdown show
// it: the count, and the conversion rate in percent when known.
func HeatCell(count int, rate float64, withRates bool) string {
	if !withRates || !finite(rate) {
		return strconv.Itoa(count)
	}
	return fmt.Sprintf("%d (%s)", count, Percent(rate))
}

func heatHTML(w *strings.Builder, h *Heat) {
	withRates := h.Rates != nil
	maxCount, maxRate := 0, 0.0
	for i := range h.Counts {
		for j, c := range h.Counts[i] {
			maxCount = max(maxCount, c)
			if withRates && finite(h.Rates[i][j]) {
				maxRate = math.Max(maxRate, h.Rates[i][j])
			}
		}
	}
	w.WriteString(`<table class="heat">`)
	if h.Caption != "" {
		fmt.Fprintf(w, "<caption>%s</caption>", esc(h.Caption))
	}
	fmt.Fprintf(w, "<thead><tr><th>%s \\ %s</th>", esc(h.RowTitle), esc(h.ColTitle))
	for _, c := range h.Cols {
		fmt.Fprintf(w, "<th>%s</th>", esc(c))
	}
	w.WriteString("</tr></thead><tbody>")
	for i, r := range h.Rows {
		fmt.Fprintf(w, "<tr><th>%s</th>", esc(r))
		for j := range h.Cols {
			c := h.Counts[i][j]
			shade := 0.0
			rate := math.NaN()
			if withRates {
				rate = h.Rates[i][j]
				if maxRate > 0 && finite(rate) {
					shade = rate / maxRate
				}
			} else if maxCount > 0 {
				shade = float64(c) / float64(maxCount)
			}
			fg := "#222"
			if shade > 0.6 {
				fg = "#fff"
			}
			fmt.Fprintf(w, `<td style="background:%s;color:%s">%s</td>`, heatColor(shade*0.9), fg, esc(HeatCell(c, rate, withRates)))
		}
		w.WriteString("</tr>")
	}
	w.WriteString("</tbody></table>")
	if h.Note != "" {
		fmt.Fprintf(w, `<p class="note">%s</p>`, esc(h.Note))
	}
}

// Markdown renders d as Markdown: the summary, then each section's text,
// lists, tables and heat tables; charts are named and left to report.html.
func Markdown(d *Doc) []byte {
	var b strings.Builder
	fmt.Fprintf(&b, "# %s\n\n", d.Title)
	if d.Subtitle != "" {
		fmt.Fprintf(&b, "_%s_\n\n", d.Subtitle)
	}
	for _, s := range d.Summary {
		fmt.Fprintf(&b, "%s\n\n", s)
	}
	for _, s := range d.Sections {
		fmt.Fprintf(&b, "## %s\n\n", s.Title)
		for _, bl := range s.Blocks {
			switch {
			case bl.Text != "":
				fmt.Fprintf(&b, "%s\n\n", bl.Text)
			case len(bl.List) > 0:
				for _, it := range bl.List {
					fmt.Fprintf(&b, "- %s\n", it)
				}
				b.WriteString("\n")
			case bl.Table != nil:
				mdTable(&b, bl.Table.Caption, bl.Table.Header, bl.Table.Rows)
				if bl.Table.Note != "" {
					fmt.Fprintf(&b, "_%s_\n\n", bl.Table.Note)
				}
			case bl.Chart != nil:
				fmt.Fprintf(&b, "_Chart: %s (see report.html)._", bl.Chart.Title)
				if bl.Chart.Caption != "" {
					fmt.Fprintf(&b, " %s", bl.Chart.Caption)
				}
				b.WriteString("\n\n")
			case bl.Heat != nil:
				h := bl.Heat
				header := append([]string{h.RowTitle + " \\ " + h.ColTitle}, h.Cols...)
				rows := make([][]string, len(h.Rows))
				for i, r := range h.Rows {
					rows[i] = []string{r}
					for j := range h.Cols {
						rate := math.NaN()
						if h.Rates != nil {
							rate = h.Rates[i][j]
						}
						rows[i] = append(rows[i], HeatCell(h.Counts[i][j], rate, h.Rates != nil))
					}
				}
				mdTable(&b, h.Caption, header, rows)
				if h.Note != "" {
					fmt.Fprintf(&b, "_%s_\n\n", h.Note)
				}
			}
		}
	}
	return []byte(b.String())
}

func mdCell(s string) string {
	return strings.ReplaceAll(strings.ReplaceAll(s, "|", `\|`), "\n", " ")
}

func mdTable(b *strings.Builder, caption string, header []string, rows [][]string) {
	if caption != "" {
		fmt.Fprintf(b, "**%s**\n\n", caption)
	}
	b.WriteString("|")
	for _, h := range header {
		fmt.Fprintf(b, " %s |", mdCell(h))
	}
	b.WriteString("\n|")
	for range header {
		b.WriteString("---|")
	}
	b.WriteString("\n")
	for _, r := range rows {
		b.WriteString("|")
		for _, c := range r {
			fmt.Fprintf(b, " %s |", mdCell(c))
		}
		b.WriteString("\n")
	}
	b.WriteString("\n")
}

// Percent formats a share in [0, 1] as a percentage with one decimal ("41.2%"),
// or "–" when it is not a number.
func Percent(x float64) string {
	if !finite(x) {
		return "–"
	}
	return strconv.FormatFloat(x*100, 'f', 1, 64) + "%"
}

// Signed formats x with a sign and at most the given number of decimals,
// trailing zeros dropped: "+12", "-19.7", "+4.97"; "–" when it is not a
// number.
func Signed(x float64, decimals int) string {
	if !finite(x) {
		return "–"
	}
	s := Num(x, decimals)
	if strings.Contains(s, ".") {
		s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
	}
	if s == "-0" || s == "0" {
		return "0"
	}
	if !strings.HasPrefix(s, "-") {
		s = "+" + s
	}
	return s
}

// Readable rounds a number written as text to at most 3 decimals, trailing
// zeros dropped ("0.660162" reads "0.66", "1" stays "1"); other text is
// returned as is.
func Readable(s string) string {
	x, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
	if err != nil || !finite(x) {
		return s
	}
	dec := 3
	if math.Abs(x) >= 100 {
		dec = 0
	} else if math.Abs(x) >= 1 {
		dec = 2
	}
	out := Num(x, dec)
	if strings.Contains(out, ".") {
		out = strings.TrimRight(strings.TrimRight(out, "0"), ".")
	}
	return out
}

// Num formats x with the given number of decimals, or "–" when it is not a
// number.
func Num(x float64, decimals int) string {
	if !finite(x) {
		return "–"
	}
	return strconv.FormatFloat(x, 'f', decimals, 64)
}
