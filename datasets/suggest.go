package datasets

import (
	"strings"
	"unicode"
)

// Suggest returns the candidate closest to s when it is close enough to be a
// likely typo, else "". Names are compared ignoring case, spaces, '_' and
// '-'; a candidate that starts with s so compared ("halflife" for
// "half_life_days") is a match, otherwise the edit distance decides.
func Suggest(s string, candidates []string) string {
	best, bestD := "", -1
	ls := squash(s)
	for _, c := range candidates {
		lc := squash(c)
		if ls != "" && strings.HasPrefix(lc, ls) {
			return c
		}
		d := editDistance(ls, lc)
		if bestD < 0 || d < bestD {
			best, bestD = c, d
		}
	}
	limit := len([]rune(s)) / 3
	if limit < 2 {
		limit = 2
	}
	if bestD < 0 || bestD > limit {
		return ""
	}
	return best
}

// editDistance is the Levenshtein distance between a and b in runes.
func editDistance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(rb)]
}

// squash lower-cases s and drops spaces, '_' and '-'.
func squash(s string) string {
	return strings.Map(func(r rune) rune {
		switch r {
		case ' ', '_', '-':
			return -1
		}
		return unicode.ToLower(r)
	}, s)
}
