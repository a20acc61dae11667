package sqlgen

import (
	"fmt"
	"strings"
	"sync"
	"unicode"

	"github.com/leadscore/leadscore/features"
)

// Text in the query is trimmed, split, joined and case folded exactly as
// the Go scoring path does it, rune by rune, from tables written out of
// Go's own Unicode tables: features.FoldRune (case folding),
// features.WordRune (the characters of words) and unicode.IsSpace (white
// space, as strings.TrimSpace and features.FoldCategory see it). Engines'
// lower() and their regular expressions' \s or \w differ from Go and from
// each other beyond ASCII, so none of them is used on text that is not
// ASCII.

// textTables are the rune tables, built once.
var textTables = sync.OnceValue(func() *runeTables {
	t := &runeTables{}
	var from, to strings.Builder
	inWord := false
	for r := rune(0); r <= unicode.MaxRune; r++ {
		if r >= 0xD800 && r <= 0xDFFF {
			inWord = false // surrogates are no text
			continue
		}
		if f := features.FoldRune(r); f != r {
			from.WriteRune(r)
			to.WriteRune(f)
			t.foldFrom = append(t.foldFrom, r)
			t.foldTo = append(t.foldTo, f)
		}
		if unicode.IsSpace(r) {
			t.space = append(t.space, r)
		}
		if features.WordRune(r) {
			if !inWord {
				t.word = append(t.word, [2]rune{r, r})
			}
			t.word[len(t.word)-1][1] = r
			inWord = true
		} else {
			inWord = false
		}
	}
	t.from, t.to = from.String(), to.String()
	return t
})

type runeTables struct {
	// foldFrom[i] folds to foldTo[i]: every rune FoldRune changes; from
	// and to are the same as strings.
	foldFrom, foldTo []rune
	from, to         string
	// space lists the white-space runes; word the ranges of word runes.
	space []rune
	word  [][2]rune
}

// Text normalisations of Normalize.
const (
	// spaceRuns: runs of white space separate the parts
	// (features.FoldCategory).
	spaceRuns = iota
	// nonWordRuns: runs of runes that are not word runes separate the
	// words (features.TokenText).
	nonWordRuns
)

// classRune writes rune r for a bracket expression of the dialect's
// regular expressions.
func (d *Dialect) classRune(b *strings.Builder, r rune) {
	switch d.regexEsc {
	case "u": // PostgreSQL's ARE
		if r <= 0xFFFF {
			fmt.Fprintf(b, `\u%04X`, r)
		} else {
			fmt.Fprintf(b, `\U%08X`, r)
		}
	case "x": // RE2 and Java
		fmt.Fprintf(b, `\x{%X}`, r)
	default: // the rune itself (none of the runes written is special in a class)
		b.WriteRune(r)
	}
}

// runeClass is a bracket expression of the dialect's regular expressions
// (or of SQLite's GLOB) matching the runes of ranges, or with negate every
// other rune.
func (d *Dialect) runeClass(ranges [][2]rune, negate bool) string {
	var b strings.Builder
	b.WriteByte('[')
	if negate {
		b.WriteByte('^')
	}
	for _, r := range ranges {
		d.classRune(&b, r[0])
		if r[1] != r[0] {
			if r[1] > r[0]+1 {
				b.WriteByte('-')
			}
			d.classRune(&b, r[1])
		}
	}
	b.WriteByte(']')
	return b.String()
}

func singles(rs []rune) [][2]rune {
	out := make([][2]rune, len(rs))
	for i, r := range rs {
		out[i] = [2]rune{r, r}
	}
	return out
}

// Trim removes surrounding white space (unicode.IsSpace, as
// strings.TrimSpace).
func (d *Dialect) Trim(x string) string {
	t := textTables()
	if d.textStyle == "array" {
		cls := d.runeClass(singles(t.space), false)
		return fmt.Sprintf("replaceRegexpAll(%s, %s, '')", x, d.Str("^"+cls+"+|"+cls+"+$"))
	}
	return fmt.Sprintf(d.trimChars, x, d.Str(string(t.space)))
}

// Fold case folds every rune of x (features.FoldText).
func (d *Dialect) Fold(x string) string { return d.foldOf(x, x) }

// FoldTrim is Fold(Trim(x)): the rule sheet's key of text x.
func (d *Dialect) FoldTrim(x string) string { return d.foldOf(x, d.Trim(x)) }

// foldOf is Fold(x), for x derived from text src that is ASCII when src
// is (the engine tests src, a column, rather than x).
func (d *Dialect) foldOf(src, x string) string {
	t := textTables()
	switch d.textStyle {
	case "array":
		return d.notNull(x, func(x string) string {
			return fmt.Sprintf("arrayStringConcat(arrayMap(c -> transform(c, %s, %s, c), extractAll(%s, '(?s).')), '')", d.runeArray(t.foldFrom), d.runeArray(t.foldTo), x)
		})
	case "walk":
		// ASCII text (as many characters as bytes) folds with lower();
		// other text rune by rune.
		return fmt.Sprintf("CASE WHEN length(%[1]s) = length(CAST(%[1]s AS BLOB)) THEN lower(%[2]s) ELSE %[3]s END", src, x, d.walk(x, ""))
	}
	full := fmt.Sprintf("TRANSLATE(%s, %s, %s)", x, d.Str(t.from), d.Str(t.to))
	if d.asciiTest == "" {
		return full
	}
	// TRANSLATE looks each character up in the table: ASCII text (as
	// many characters as bytes) takes the 26 letters' table instead.
	return fmt.Sprintf("CASE WHEN %s THEN %s ELSE %s END", fmt.Sprintf(d.asciiTest, src), d.Lower(x), full)
}

// notNull is f(x) with NULL kept NULL, x read as not NULL inside f
// (ClickHouse has no arrays of a Nullable type).
func (d *Dialect) notNull(x string, f func(string) string) string {
	return fmt.Sprintf("CASE WHEN %s IS NULL THEN NULL ELSE %s END", x, f("assumeNotNull("+x+")"))
}

// runeArray is a ClickHouse array literal of one-rune strings.
func (d *Dialect) runeArray(rs []rune) string {
	var b strings.Builder
	b.WriteByte('[')
	for i, r := range rs {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(d.Str(string(r)))
	}
	b.WriteByte(']')
	return b.String()
}

// Normalize is x split at runs of separators (white space for spaceRuns,
// non-word runes for nonWordRuns), without empty parts, case folded and
// joined by single spaces: features.FoldCategory(x) for spaceRuns and
// features.TokenText(x) for nonWordRuns. NULL stays NULL.
func (d *Dialect) Normalize(x string, sep int) string {
	t := textTables()
	var keep, split string // a class of the runes kept, and of the separators
	switch sep {
	case spaceRuns:
		keep = d.runeClass(singles(t.space), true)
		split = d.runeClass(singles(t.space), false)
	default:
		keep = d.runeClass(t.word, false)
		split = d.runeClass(t.word, true)
	}
	switch d.textStyle {
	case "array":
		return d.notNull(x, func(x string) string {
			return d.Fold(fmt.Sprintf("arrayStringConcat(extractAll(%s, %s), ' ')", x, d.Str(keep+"+")))
		})
	case "walk":
		test := "instr(" + strings.ReplaceAll(d.Str(string(t.space)), "%", "%%") + ", %[1]s) > 0"
		if sep == nonWordRuns {
			test = "NOT (%[1]s GLOB " + strings.ReplaceAll(d.Str(keep), "%", "%%") + ")"
		}
		return d.walk(x, test)
	}
	joined := fmt.Sprintf(d.regexpReplace, x, d.Str(split+"+"), "' '")
	return d.foldOf(x, fmt.Sprintf(d.trimChars, joined, "' '"))
}

// walk is SQLite's rune-by-rune rewrite of x (SQLite has neither
// translate nor regular expressions): a recursive CTE over its characters
// that drops the separators (sepTest true of the character %[1]s; ""
// none), puts one space between the parts it keeps, and folds each kept
// character through the fold table.
func (d *Dialect) walk(x, sepTest string) string {
	t := textTables()
	const c = "substr(r, 1, 1)"
	from := d.Str(t.from)
	fold := fmt.Sprintf("CASE WHEN instr(%[1]s, %[3]s) > 0 THEN substr(%[2]s, instr(%[1]s, %[3]s), 1) ELSE %[3]s END", from, d.Str(t.to), c)
	sep := "0"
	if sepTest != "" {
		sep = fmt.Sprintf(sepTest, c)
	}
	return fmt.Sprintf("(WITH RECURSIVE w(r, o, s) AS (SELECT %[1]s, '', 0 UNION ALL "+
		"SELECT substr(r, 2), CASE WHEN %[2]s THEN o ELSE o || CASE WHEN s = 1 AND o <> '' THEN ' ' ELSE '' END || %[3]s END, CASE WHEN %[2]s THEN 1 ELSE 0 END "+
		"FROM w WHERE r <> '') SELECT o FROM w WHERE r = '')", x, sep, fold)
}
