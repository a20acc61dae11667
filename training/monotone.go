package training

import (
	"fmt"
	"path"
	"strings"

	"github.com/leadscore/leadscore/features"
)

// MonotoneRule constrains the gradient-boosted model in the features whose
// names match Pattern (path.Match syntax: * matches any run of characters,
// ? one; the names are those of spec.json and the bundle's gbm.json, such
// as event:page_view:pricing:count_30d): Sign +1 means a larger value never
// lowers the score, -1 that it never raises it. The logistic model is not
// constrained.
type MonotoneRule struct {
	Pattern string `json:"pattern"`
	Sign    int8   `json:"sign"`
}

// ParseMonotone reads a rule written PATTERN=SIGN, SIGN one of +1, 1,
// increasing, -1 or decreasing.
func ParseMonotone(s string) (MonotoneRule, error) {
	pat, sign, ok := strings.Cut(s, "=")
	pat, sign = strings.TrimSpace(pat), strings.TrimSpace(sign)
	if !ok || pat == "" {
		return MonotoneRule{}, fmt.Errorf("monotone constraint %q: expected FEATURE=+1 or FEATURE=-1", s)
	}
	if _, err := path.Match(pat, ""); err != nil {
		return MonotoneRule{}, fmt.Errorf("monotone constraint %q: bad pattern %q: %v", s, pat, err)
	}
	r := MonotoneRule{Pattern: pat}
	switch strings.ToLower(sign) {
	case "+1", "1", "increasing":
		r.Sign = 1
	case "-1", "decreasing":
		r.Sign = -1
	default:
		return MonotoneRule{}, fmt.Errorf("monotone constraint %q: sign %q: expected +1 (increasing) or -1 (decreasing)", s, sign)
	}
	return r, nil
}

// resolveMonotone turns rules into one constraint per column of cols (nil
// when there are no rules) and the constrained columns by name. A rule
// that names a categorical feature exactly, or matches no numeric feature,
// and two rules that give one feature opposite signs are errors; a pattern
// passes over the categorical features it matches, which have no order.
func resolveMonotone(rules []MonotoneRule, cols []features.ColumnInfo) ([]int8, map[string]int8, error) {
	if len(rules) == 0 {
		return nil, nil, nil
	}
	out := make([]int8, len(cols))
	byName := make(map[string]int8)
	from := make([]string, len(cols))
	for _, r := range rules {
		n := 0
		for j, c := range cols {
			if ok, _ := path.Match(r.Pattern, c.Name); !ok {
				continue
			}
			if c.Categorical {
				if r.Pattern == c.Name {
					return nil, nil, fmt.Errorf("monotone constraint %s=%+d: feature %q is categorical, and categories have no order", r.Pattern, r.Sign, c.Name)
				}
				continue
			}
			if out[j] != 0 && out[j] != r.Sign {
				return nil, nil, fmt.Errorf("monotone constraints %s=%+d and %s=%+d disagree on feature %q", from[j], out[j], r.Pattern, r.Sign, c.Name)
			}
			out[j], from[j] = r.Sign, r.Pattern
			byName[c.Name] = r.Sign
			n++
		}
		if n == 0 {
			return nil, nil, fmt.Errorf("monotone constraint %s=%+d matches no numeric feature of this data (for example %s; a trained bundle's spec.json lists them all)", r.Pattern, r.Sign, exampleNames(cols))
		}
	}
	return out, byName, nil
}

// exampleNames lists a few numeric feature names of cols for a message.
func exampleNames(cols []features.ColumnInfo) string {
	var names []string
	for _, c := range cols {
		if !c.Categorical && len(names) < 4 {
			names = append(names, c.Name)
		}
	}
	return strings.Join(names, ", ")
}
