package sqlgentest

import (
	"encoding/csv"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// respellings turn a value into another spelling of it, or into an
// adversarial look-alike: case, white space (tabs, runs, non-breaking and
// ideographic spaces), the Turkish dotted and dotless I, German sharp s
// (small and capital), ligatures, the Kelvin sign, long s, Greek sigma and
// separators words split at.
var respellings = []func(string) string{
	strings.ToUpper,
	func(s string) string { return "  " + strings.ReplaceAll(s, " ", " \t ") + "\t" },
	func(s string) string { return strings.ReplaceAll(strings.ToLower(s), " ", "\u00a0") },
	func(s string) string { return strings.ReplaceAll(strings.ToUpper(s), "I", "\u0130") },
	func(s string) string { return strings.ReplaceAll(strings.ToUpper(s), "I", "\u0131") },
	func(s string) string { return strings.ReplaceAll(s, "ss", "\u00df") + " STRA\u1e9eE" },
	func(s string) string { return strings.ReplaceAll(s, "fi", "\ufb01") },
	func(s string) string { return strings.ReplaceAll(strings.ToUpper(s), "K", "\u212a") },
	func(s string) string { return strings.ReplaceAll(s, "s", "\u017f") },
	func(s string) string { return "\u03a3\u03af\u03c3\u03c5\u03c6\u03bf\u03c2 " + s + "\u3000" },
	func(s string) string { return strings.ReplaceAll(s, " ", "/-") + "!!" },
	func(s string) string { return "\u00c9quipe " + s + " \u2014 2\u0663" },
}

// Respell copies the CSV file src to dst with the columns cols of every
// third row respelled (rows cycle through respellings), and returns dst.
func Respell(t *testing.T, src, dst string, cols []string) string {
	t.Helper()
	f, err := os.Open(src)
	require.NoError(t, err)
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	require.NoError(t, err)
	var idx []int
	for i, h := range recs[0] {
		if slices.Contains(cols, h) {
			idx = append(idx, i)
		}
	}
	require.Len(t, idx, len(cols), "columns %v in %s", cols, src)
	n := 0
	for r := 1; r < len(recs); r++ {
		if r%3 != 0 {
			continue
		}
		for _, i := range idx {
			if v := recs[r][i]; strings.TrimSpace(v) != "" {
				recs[r][i] = respellings[n%len(respellings)](v)
				n++
			}
		}
	}
	out, err := os.Create(dst)
	require.NoError(t, err)
	w := csv.NewWriter(out)
	require.NoError(t, w.WriteAll(recs))
	require.NoError(t, out.Close())
	return dst
}
