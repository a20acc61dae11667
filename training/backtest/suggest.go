package backtest

import (
	"bytes"
	"errors"
	"fmt"
	"math"
	"strconv"

	"gopkg.in/yaml.v3"

	"github.com/leadscore/leadscore/features"
	"github.com/leadscore/leadscore/models/logistic"
)

// sheetRule is what the suggestion needs of one rule of a sheet's YAML.
type sheetRule struct {
	Name       string
	Group      string
	Points     float64
	Disqualify bool
	points     *yaml.Node // the points value, replaced by SuggestSheet
}

// sheetRules reads the rules of a sheet's YAML, keeping the nodes so the
// points can be replaced without touching anything else.
func sheetRules(doc *yaml.Node) ([]sheetRule, error) {
	root := doc
	if root.Kind == yaml.DocumentNode && len(root.Content) > 0 {
		root = root.Content[0]
	}
	if root.Kind != yaml.MappingNode {
		return nil, errors.New("rule sheet: expected a mapping at the top")
	}
	var seq *yaml.Node
	for i := 0; i+1 < len(root.Content); i += 2 {
		if root.Content[i].Value == "rules" {
			seq = root.Content[i+1]
		}
	}
	if seq == nil || seq.Kind != yaml.SequenceNode {
		return nil, errors.New("rule sheet: no rules list")
	}
	var out []sheetRule
	for _, r := range seq.Content {
		if r.Kind != yaml.MappingNode {
			return nil, fmt.Errorf("rule sheet line %d: a rule must be a mapping", r.Line)
		}
		var sr sheetRule
		for i := 0; i+1 < len(r.Content); i += 2 {
			k, v := r.Content[i].Value, r.Content[i+1]
			switch k {
			case "name":
				sr.Name = v.Value
			case "group":
				sr.Group = v.Value
			case "points":
				x, err := strconv.ParseFloat(v.Value, 64)
				if err != nil {
					return nil, fmt.Errorf("rule sheet line %d: points %q is not a number", v.Line, v.Value)
				}
				sr.Points, sr.points = x, v
			case "disqualify":
				sr.Disqualify = v.Value == "true" || v.Value == "yes"
			}
		}
		out = append(out, sr)
	}
	return out, nil
}

// suggestion is the fitted effect of each rule.
type suggestion struct {
	// Weight is the rule's fitted log-odds effect (NaN when not fitted).
	Weight []float64
	// Points are the suggested points (the sheet's points when not fitted).
	Points []float64
	// Fitted marks rules the fit could use.
	Fitted []bool
	// Scale is the points per unit of log-odds.
	Scale float64
}

// suggestPoints fits a logistic regression of y on the 0/1 indicators of
// the rules (fired[i][r]: rule r fired for lead i) and scales the fitted
// log-odds to the sheet's point scale: the suggested points keep the total
// absolute points of the fitted rules, with their ratios following the
// fitted effects, rounded to whole points. Rules that never or always fire,
// and disqualify rules, keep their points.
func suggestPoints(fired [][]bool, y []float64, rules []sheetRule) (suggestion, error) {
	nr := len(rules)
	s := suggestion{Weight: make([]float64, nr), Points: make([]float64, nr), Fitted: make([]bool, nr)}
	var cols []int
	for r := range rules {
		s.Weight[r] = math.NaN()
		s.Points[r] = rules[r].Points
		if rules[r].Disqualify {
			continue
		}
		var n int
		for i := range fired {
			if fired[i][r] {
				n++
			}
		}
		if n >= 5 && n <= len(fired)-5 {
			cols = append(cols, r)
		}
	}
	if len(cols) == 0 {
		return s, errors.New("no rule fires often enough (at least 5 leads, and not all) to estimate its effect")
	}
	info := make([]features.ColumnInfo, len(cols))
	for j, r := range cols {
		info[j] = features.ColumnInfo{Name: rules[r].Name, Source: rules[r].Name}
	}
	X := features.NewMatrix(len(fired), info)
	for i := range fired {
		row := X.Row(i)
		for j, r := range cols {
			if fired[i][r] {
				row[j] = 1
			}
		}
	}
	m, err := logistic.Fit(X, y, nil, logistic.Options{Lambda: 1e-3, Threads: 1})
	if err != nil {
		return s, fmt.Errorf("fit rule effects: %w", err)
	}
	var sumPts, sumW float64
	for j, r := range cols {
		s.Weight[r] = m.Weights[j]
		s.Fitted[r] = true
		sumPts += math.Abs(rules[r].Points)
		sumW += math.Abs(m.Weights[j])
	}
	if sumW == 0 || sumPts == 0 {
		s.Scale = math.NaN()
		return s, nil
	}
	s.Scale = sumPts / sumW
	for _, r := range cols {
		s.Points[r] = math.Round(s.Weight[r] * s.Scale)
	}
	return s, nil
}

// parseSheetDoc parses a sheet's YAML into a node tree.
func parseSheetDoc(sheetYAML []byte) (*yaml.Node, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal(sheetYAML, &doc); err != nil {
		return nil, fmt.Errorf("rule sheet: %w", err)
	}
	return &doc, nil
}

// SuggestSheet returns the sheet's YAML with the points of the named rules
// replaced (comments, layout and every other key are kept).
func SuggestSheet(sheetYAML []byte, points map[string]float64) ([]byte, error) {
	doc, err := parseSheetDoc(sheetYAML)
	if err != nil {
		return nil, err
	}
	rs, err := sheetRules(doc)
	if err != nil {
		return nil, err
	}
	for _, r := range rs {
		p, ok := points[r.Name]
		if !ok || r.points == nil {
			continue
		}
		r.points.Value = strconv.FormatFloat(p, 'f', -1, 64)
		r.points.Tag = "!!int"
		if p != math.Trunc(p) {
			r.points.Tag = "!!float"
		}
	}
	var buf bytes.Buffer
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	if err := enc.Encode(doc); err != nil {
		return nil, fmt.Errorf("rule sheet: encode: %w", err)
	}
	if err := enc.Close(); err != nil {
		return nil, fmt.Errorf("rule sheet: encode: %w", err)
	}
	return buf.Bytes(), nil
}
