package features

import (
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"
)

// maxVariants caps the spellings a Spec records per merged category level.
const maxVariants = 20

// FoldCategory returns the key category values are compared by: the text
// with leading and trailing white space trimmed, runs of inner white space
// made one space, and every letter Unicode case folded (to the lower-case
// form of the smallest rune of its case-folding orbit, so "VP Marketing",
// " vp  marketing " and "VP MARKETING" give "vp marketing", and "ß" and
// "ẞ" agree). Text already in that form is returned as is, without
// allocating.
func FoldCategory(s string) string {
	if folded(s) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	space := false
	for _, r := range strings.TrimSpace(s) {
		if unicode.IsSpace(r) {
			space = true
			continue
		}
		if space {
			b.WriteByte(' ')
			space = false
		}
		b.WriteRune(FoldRune(r))
	}
	return b.String()
}

// FoldText returns s with every rune case folded (FoldRune) and nothing
// else changed: the key the rule sheet compares text by. Two texts have
// the same FoldText exactly when they are equal ignoring case as
// FoldCategory ignores it. ASCII text without upper-case letters is
// returned as is, without allocating.
func FoldText(s string) string {
	i := 0
	for ; i < len(s); i++ {
		if c := s[i]; c >= utf8.RuneSelf || c >= 'A' && c <= 'Z' {
			break
		}
	}
	if i == len(s) {
		return s
	}
	b := make([]byte, 0, len(s))
	b = append(b, s[:i]...)
	for _, r := range s[i:] {
		b = utf8.AppendRune(b, FoldRune(r))
	}
	return string(b)
}

// folded reports whether s is already its own FoldCategory key: checked
// byte by byte for ASCII text, the common case on the scoring path.
func folded(s string) bool {
	if s == "" {
		return true
	}
	prevSpace := true // no leading space
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= utf8.RuneSelf || c >= 'A' && c <= 'Z' {
			return false
		}
		sp := c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f'
		if sp && (prevSpace || c != ' ') {
			return false
		}
		prevSpace = sp
	}
	return !prevSpace
}

// FoldRune returns the lower-case form of the smallest rune that r case
// folds with (unicode.SimpleFold's orbit, then unicode.ToLower): "A" and
// "a" give "a", "ẞ" and "ß" give "ß", the Kelvin sign gives "k" and the
// Turkish dotted "İ" gives "i". It is the one rule of case folding for
// category levels, word features and the rule sheet's text, and the SQL
// compiler writes its table from it. FoldRune(FoldRune(r)) ==
// FoldRune(r).
func FoldRune(r rune) rune {
	m := r
	for f := unicode.SimpleFold(r); f != r; f = unicode.SimpleFold(f) {
		m = min(m, f)
	}
	return unicode.ToLower(m)
}

// MergedCategory lists the spellings of one category level that compare
// equal after case folding and white-space trimming (FoldCategory) and were
// merged into one level: Level is the spelling the Spec keeps (the most
// frequent in training).
type MergedCategory struct {
	Field    string   `json:"field"`
	Level    string   `json:"level"`
	Variants []string `json:"variants"`
}

// MergedCategories returns every category level that merged several
// spellings in training, by field and level.
func (s *Spec) MergedCategories() []MergedCategory {
	var out []MergedCategory
	for _, f := range s.Features {
		for _, lv := range f.Levels {
			if v := s.Variants[f.Name][lv]; len(v) > 1 {
				out = append(out, MergedCategory{Field: f.Field, Level: lv, Variants: v})
			}
		}
	}
	return out
}

// foldCounts merges the category values names (with their training row
// counts) that share a FoldCategory key. It returns one name per key, the
// most frequent spelling (ties: white space already tidy, then by text), with the summed counts, and
// records in s.Variants the spellings of every merged value counted at
// least minRows times.
func foldCounts(s *Spec, f *Feature, names []string, counts []int, minRows int) ([]string, []int) {
	type group struct {
		variants []int // indexes into names
		total    int
	}
	groups := map[string]*group{}
	var keys []string
	for c, n := range counts {
		if n == 0 {
			continue
		}
		k := FoldCategory(names[c])
		g, ok := groups[k]
		if !ok {
			g = &group{}
			groups[k] = g
			keys = append(keys, k)
		}
		g.variants = append(g.variants, c)
		g.total += n
	}
	outNames := make([]string, 0, len(keys))
	outCounts := make([]int, 0, len(keys))
	for _, k := range keys {
		g := groups[k]
		sort.Slice(g.variants, func(a, b int) bool {
			ca, cb := counts[g.variants[a]], counts[g.variants[b]]
			if ca != cb {
				return ca > cb
			}
			na, nb := names[g.variants[a]], names[g.variants[b]]
			if sa, sb := spaced(na), spaced(nb); sa != sb {
				return sb
			}
			return na < nb
		})
		rep := names[g.variants[0]]
		outNames = append(outNames, rep)
		outCounts = append(outCounts, g.total)
		if len(g.variants) > 1 && g.total >= minRows {
			vs := make([]string, 0, min(len(g.variants), maxVariants))
			for _, c := range g.variants[:min(len(g.variants), maxVariants)] {
				vs = append(vs, names[c])
			}
			if s.Variants == nil {
				s.Variants = map[string]map[string][]string{}
			}
			if s.Variants[f.Name] == nil {
				s.Variants[f.Name] = map[string][]string{}
			}
			s.Variants[f.Name][rep] = vs
		}
	}
	return outNames, outCounts
}

// spaced reports white space FoldCategory would remove or change.
func spaced(s string) bool {
	return strings.Join(strings.Fields(s), " ") != s
}
