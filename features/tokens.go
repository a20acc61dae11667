package features

import (
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/leadscore/leadscore/datasets"
)

// Token features: a free-text lead field (a job title, a company
// description) holds many distinct values of several words each, so its
// one-hot levels are rare and "VP Marketing" and "Marketing Manager" share
// nothing. Its words and two-word phrases (bigrams), in lower case, become
// 0/1 features of their own, so a model can learn what a rule such as
// "title contains marketing" says. Their contributions count under the
// field's name (Source), so explanations name "job_title".
const (
	// textMinDistinct is the fewest distinct values among the training
	// leads that make a field free text.
	textMinDistinct = 20
	// textMinWords is the least mean number of words per distinct value.
	textMinWords = 1.5
	// maxTokens caps the token features of one field: the most frequent
	// words and bigrams present in at least MinCategoryCount training rows.
	maxTokens = 50
)

// TokenText returns text as its words, lower case (FoldCategory's case
// folding) and joined by single spaces: every run of characters that are
// neither letters nor digits separates two words. "VP, Marketing" gives
// "vp marketing".
func TokenText(text string) string { return string(appendTokenText(nil, text)) }

// appendTokenText appends TokenText(text) to dst.
func appendTokenText(dst []byte, text string) []byte {
	start := len(dst)
	inWord := false
	for _, r := range text {
		if WordRune(r) {
			if !inWord && len(dst) > start {
				dst = append(dst, ' ')
			}
			inWord = true
			dst = utf8.AppendRune(dst, FoldRune(r))
			continue
		}
		inWord = false
	}
	return dst
}

// WordRune reports whether r belongs to a word of TokenText: a Unicode
// letter (unicode.IsLetter) or decimal digit (unicode.IsDigit). Every
// other rune separates words. The SQL compiler writes its character class
// from it.
func WordRune(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }

// Tokens returns the distinct words and bigrams ("vp marketing") of
// TokenText(text), in order of first appearance.
func Tokens(text string) []string {
	words := strings.Fields(TokenText(text))
	seen := make(map[string]bool, 2*len(words))
	var out []string
	add := func(t string) {
		if !seen[t] {
			seen[t] = true
			out = append(out, t)
		}
	}
	for i, w := range words {
		add(w)
		if i > 0 {
			add(words[i-1] + " " + w)
		}
	}
	return out
}

// hasToken reports whether tok (a word or bigram) is among the words of
// norm, a TokenText.
func hasToken[T string | []byte](norm T, tok string) bool {
	n := len(tok)
	for i := 0; i+n <= len(norm); i++ {
		if (i == 0 || norm[i-1] == ' ') && (i+n == len(norm) || norm[i+n] == ' ') && string(norm[i:i+n]) == tok {
			return true
		}
	}
	return false
}

// freeText reports whether lead column c is free text on the training
// rows' leads: at least textMinDistinct distinct values with at least
// textMinWords words each on average.
func freeText(c *datasets.Column, leadRows []int) bool {
	if c == nil || c.Codes == nil || (c.Kind != datasets.KindCategory && c.Kind != datasets.KindText) {
		return false
	}
	seen := map[int32]bool{}
	words := 0
	for _, r := range leadRows {
		code := c.Codes[r]
		if code < 0 || seen[code] {
			continue
		}
		seen[code] = true
		words += len(strings.Fields(TokenText(c.Dict.Value(code))))
	}
	return len(seen) >= textMinDistinct && float64(words) >= textMinWords*float64(len(seen))
}

// fitTokens adds the token features of every free-text lead field among
// fields: per field the words and bigrams present in at least minRows
// training rows, the maxTokens most frequent (ties by text).
func fitTokens(s *Spec, d *Dataset, train []int, fields []string, minRows int) {
	leadRows := distinctLeadRows(d, train)
	for _, name := range fields {
		c := d.Leads.Col(name)
		if !freeText(c, leadRows) {
			continue
		}
		// Tokens per dictionary value, then rows per token.
		byCode := map[int32][]string{}
		count := map[string]int{}
		for _, i := range train {
			code := c.Codes[d.LeadRows[i]]
			if code < 0 {
				continue
			}
			toks, ok := byCode[code]
			if !ok {
				toks = Tokens(c.Dict.Value(code))
				byCode[code] = toks
			}
			for _, t := range toks {
				count[t]++
			}
		}
		var toks []string
		for t, n := range count {
			if n >= max(minRows, 1) && n < len(train) {
				toks = append(toks, t)
			}
		}
		sort.Slice(toks, func(a, b int) bool {
			if count[toks[a]] != count[toks[b]] {
				return count[toks[a]] > count[toks[b]]
			}
			return toks[a] < toks[b]
		})
		toks = toks[:min(len(toks), maxTokens)]
		sort.Strings(toks)
		for _, t := range toks {
			f := Feature{Name: name + ":token:" + t, Source: name, Origin: originToken, Field: name, Key: t, Kind: datasets.KindBool}
			if fitNumber(&f, d, train, false, false) {
				s.Features = append(s.Features, f)
			}
		}
	}
}

// tokenGetter returns the 0/1 getter of token feature f over d's rows.
func (d *Dataset) tokenGetter(f *Feature) numGetter {
	c := d.Leads.Col(f.Field)
	if c == nil {
		return nil
	}
	if c.Codes == nil {
		// A column read with another kind: its text, row by row.
		return func(i int) float64 {
			str, ok := cellString(c, d.LeadRows[i])
			return b2f(ok && hasToken(TokenText(str), f.Key))
		}
	}
	has := make([]float64, c.Dict.Len())
	for code, v := range c.Dict.Values() {
		if hasToken(TokenText(v), f.Key) {
			has[code] = 1
		}
	}
	return func(i int) float64 {
		code := c.Codes[d.LeadRows[i]]
		if code < 0 {
			return 0
		}
		return has[code]
	}
}
