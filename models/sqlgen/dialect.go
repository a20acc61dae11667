package sqlgen

import (
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"
)

// Dialect is everything that differs between the SQL engines the compiler
// writes for: quoting, literals, date arithmetic, a few function names,
// integer division, JSON and how stages are chained. Everything else in the
// generated query is common SQL, written once.
type Dialect struct {
	// Name is the --dialect value.
	Name string
	// quote is the identifier quote character.
	quote byte
	// backslash: string literals treat \ as an escape, so it is doubled.
	backslash bool
	// double, text and integer are the type names of CAST(x AS ...).
	double, text, integer string
	// toDouble and toText, when set, replace CAST(%s AS double/text)
	// (ClickHouse's CAST refuses NULLs).
	toDouble, toText string
	// floatSuffix / floatCast make a literal a double rather than an
	// exact decimal: "" for engines that read 1.5 as a double.
	floatCast string
	// epochMicros turns a timestamp column into microseconds since the Unix
	// epoch (an integer); %s is the column.
	epochMicros string
	// intDiv is integer division of two non-negative integers (%s, %s).
	intDiv string
	// pow, exp and ln are the function names of x^y, e^x and the natural
	// logarithm.
	pow, exp, ln string
	// greatest and least of two values.
	greatest, least string
	// lower lower-cases the ASCII letters of text (%s), and only them.
	lower string
	// trimChars removes the characters of a string (%[2]s) from both ends
	// of text (%[1]s).
	trimChars string
	// textStyle is how text is folded and split (text.go): "" with
	// TRANSLATE and regexpReplace, "array" with ClickHouse's arrays of
	// characters, "walk" with a recursive CTE over the characters
	// (SQLite).
	textStyle string
	// regexpReplace replaces every match of a regular expression (%[2]s)
	// in text (%[1]s) by %[3]s; regexEsc is how a rune is written in a
	// bracket expression: "u" (\uXXXX), "x" (\x{X}), "" itself.
	regexpReplace, regexEsc string
	// asciiTest is true when text (%[1]s) is ASCII (empty: no test).
	asciiTest string
	// contains is true when needle (%[2]s) occurs in hay (%[1]s).
	contains string
	// cte: the engine takes WITH name AS (...); otherwise stages nest as
	// subqueries. materialized is the keyword that makes the engine compute
	// a stage once instead of inlining its expressions into the next, which
	// refers to them many times (the percentile's binary search reads the
	// probability a thousand times).
	cte          bool
	materialized string
	// leftJoin is the keyword of a left join of the leads with an
	// aggregate of the events (USING lead_id).
	leftJoin string
	// reasons aggregates the kept contributions of a lead into a JSON
	// array text; %[1]s is the feature, %[2]s the contribution, %[3]s the
	// order key, %[4]s the condition of a kept row. Empty: --explain is not
	// available.
	reasons string
	// reasonsArray: --explain builds the JSON array from arrays of
	// tuples, for an engine without window functions (reasons is empty).
	reasonsArray bool
	// tryNum reads text (%s) as a double, NULL when it is not a number.
	tryNum string
}

// asciiLower lower-cases the ASCII letters only, as features classifies
// event types (the engines' LOWER() also lower-cases other letters,
// differently from Go and from each other). SQLite's lower() and
// ClickHouse's lower() are ASCII only.
const asciiLower = "TRANSLATE(%s, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ', 'abcdefghijklmnopqrstuvwxyz')"

// dialects is the one table of per-engine differences.
var dialects = map[string]*Dialect{
	"postgres": {
		Name: "postgres", materialized: "MATERIALIZED ", integer: "BIGINT", quote: '"', double: "DOUBLE PRECISION", text: "TEXT", floatCast: "::float8",
		epochMicros: "CAST(EXTRACT(EPOCH FROM %s) * 1000000 AS BIGINT)",
		intDiv:      "(%s) / (%s)", pow: "POWER", exp: "EXP", ln: "LN", greatest: "GREATEST", least: "LEAST",
		trimChars: "BTRIM(%s, %s)", regexpReplace: "REGEXP_REPLACE(%s, %s, %s, 'g')", asciiTest: "octet_length(%[1]s) = length(%[1]s)", regexEsc: "u", lower: asciiLower, contains: "(STRPOS(%s, %s) > 0)", cte: true, leftJoin: "LEFT JOIN",
		tryNum:  "CASE WHEN %[1]s ~ '^[+-]?([0-9]+[.]?[0-9]*|[.][0-9]+)([eE][+-]?[0-9]+)?$' THEN CAST(%[1]s AS DOUBLE PRECISION) END",
		reasons: "COALESCE(json_agg(json_build_object('feature', %[1]s, 'contribution', %[2]s) ORDER BY %[3]s) FILTER (WHERE %[4]s), '[]'::json)::text",
	},
	"sqlite": {
		Name: "sqlite", materialized: "MATERIALIZED ", integer: "INTEGER", quote: '"', double: "REAL", text: "TEXT",
		epochMicros: "(CAST(ROUND((julianday(%s) - 2440587.5) * 86400000.0) AS INTEGER) * 1000)",
		intDiv:      "(%s) / (%s)", pow: "pow", exp: "exp", ln: "ln", greatest: "MAX", least: "MIN",
		trimChars: "TRIM(%s, %s)", textStyle: "walk", lower: "LOWER(%s)", contains: "(INSTR(%s, %s) > 0)", cte: true, leftJoin: "LEFT JOIN",
		tryNum:  "CASE WHEN %[1]s <> '' AND %[1]s NOT GLOB '*[^0-9.eE+-]*' THEN CAST(%[1]s AS REAL) END",
		reasons: "json_group_array(json_object('feature', %[1]s, 'contribution', %[2]s) ORDER BY %[3]s) FILTER (WHERE %[4]s)",
	},
	"duckdb": {
		Name: "duckdb", materialized: "MATERIALIZED ", integer: "BIGINT", quote: '"', double: "DOUBLE", text: "VARCHAR", floatCast: "::DOUBLE",
		epochMicros: "epoch_us(%s)",
		intDiv:      "(%s) // (%s)", pow: "POWER", exp: "EXP", ln: "LN", greatest: "GREATEST", least: "LEAST",
		trimChars: "TRIM(%s, %s)", regexpReplace: "REGEXP_REPLACE(%s, %s, %s, 'g')", asciiTest: "strlen(%[1]s) = length(%[1]s)", regexEsc: "x", lower: asciiLower, contains: "(STRPOS(%s, %s) > 0)", cte: true, leftJoin: "LEFT JOIN",
		tryNum:  "TRY_CAST(%s AS DOUBLE)",
		reasons: "COALESCE(CAST(to_json(list(json_object('feature', %[1]s, 'contribution', %[2]s) ORDER BY %[3]s) FILTER (WHERE %[4]s)) AS VARCHAR), '[]')",
	},
	"bigquery": {
		Name: "bigquery", integer: "INT64", quote: '`', backslash: true, double: "FLOAT64", text: "STRING",
		epochMicros: "UNIX_MICROS(%s)",
		intDiv:      "DIV(%s, %s)", pow: "POW", exp: "EXP", ln: "LN", greatest: "GREATEST", least: "LEAST",
		trimChars: "TRIM(%s, %s)", regexpReplace: "REGEXP_REPLACE(%s, %s, %s)", asciiTest: "BYTE_LENGTH(%[1]s) = LENGTH(%[1]s)", regexEsc: "x", lower: asciiLower, contains: "(STRPOS(%s, %s) > 0)", cte: true, leftJoin: "LEFT JOIN",
		tryNum:  "SAFE_CAST(%s AS FLOAT64)",
		reasons: "TO_JSON_STRING(ARRAY_AGG(IF(%[4]s, STRUCT(%[1]s AS feature, %[2]s AS contribution), NULL) IGNORE NULLS ORDER BY %[3]s))",
	},
	"snowflake": {
		Name: "snowflake", integer: "INTEGER", quote: '"', backslash: true, double: "DOUBLE", text: "VARCHAR", floatCast: "::DOUBLE",
		epochMicros: "DATE_PART(epoch_microsecond, %s)",
		intDiv:      "FLOOR((%s) / (%s))", pow: "POWER", exp: "EXP", ln: "LN", greatest: "GREATEST", least: "LEAST",
		trimChars: "TRIM(%s, %s)", regexpReplace: "REGEXP_REPLACE(%s, %s, %s)", lower: asciiLower, contains: "(POSITION(%[2]s, %[1]s) > 0)", cte: true, leftJoin: "LEFT JOIN",
		tryNum:  "TRY_TO_DOUBLE(%s)",
		reasons: "TO_JSON(ARRAY_AGG(CASE WHEN %[4]s THEN OBJECT_CONSTRUCT('feature', %[1]s, 'contribution', %[2]s) END) WITHIN GROUP (ORDER BY %[3]s))",
	},
	"spark": {
		Name: "spark", integer: "BIGINT", quote: '`', backslash: true, double: "DOUBLE", text: "STRING", floatCast: "D",
		epochMicros: "unix_micros(%s)",
		intDiv:      "(%s) DIV (%s)", pow: "POWER", exp: "EXP", ln: "LN", greatest: "GREATEST", least: "LEAST",
		trimChars: "TRIM(BOTH %[2]s FROM %[1]s)", regexpReplace: "regexp_replace(%s, %s, %s)", asciiTest: "octet_length(%[1]s) = length(%[1]s)", regexEsc: "x", lower: asciiLower, contains: "(INSTR(%s, %s) > 0)", cte: true, leftJoin: "LEFT JOIN",
		tryNum:  "TRY_CAST(%s AS DOUBLE)",
		reasons: "to_json(transform(array_sort(collect_list(CASE WHEN %[4]s THEN named_struct('o', %[3]s, 'feature', %[1]s, 'contribution', %[2]s) END)), x -> named_struct('feature', x.feature, 'contribution', x.contribution)))",
	},
	"clickhouse": {
		Name: "clickhouse", toDouble: "toFloat64(%s)", toText: "toString(%s)", integer: "Int64", quote: '`', backslash: true, double: "Float64", text: "String",
		epochMicros: "(toInt64(toUnixTimestamp(%s)) * 1000000)",
		intDiv:      "intDiv(%s, %s)", pow: "pow", exp: "exp", ln: "log", greatest: "greatest", least: "least",
		textStyle: "array", regexEsc: "x", lower: "lower(%s)", contains: "(position(%s, %s) > 0)", cte: false,
		leftJoin: "GLOBAL ANY LEFT JOIN", tryNum: "toFloat64OrNull(%s)", reasonsArray: true,
	},
}

// Dialects returns the dialect names, sorted.
func Dialects() []string {
	out := make([]string, 0, len(dialects))
	for n := range dialects {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

// LookupDialect returns the named dialect, or an error listing the known
// ones.
func LookupDialect(name string) (*Dialect, error) {
	if d, ok := dialects[name]; ok {
		return d, nil
	}
	return nil, fmt.Errorf("--dialect %q: expected one of %s", name, strings.Join(Dialects(), ", "))
}

// Ident quotes an identifier.
func (d *Dialect) Ident(name string) string {
	q := string(d.quote)
	return q + strings.ReplaceAll(name, q, q+q) + q
}

// Str is a string literal.
func (d *Dialect) Str(s string) string {
	if d.backslash {
		// Backslash escapes, and the line breaks and tab some of these
		// engines do not take raw inside a literal.
		s = strings.NewReplacer(`\`, `\\`, "\n", `\n`, "\r", `\r`, "\t", `\t`).Replace(s)
	}
	return "'" + strings.ReplaceAll(s, "'", "''") + "'"
}

// Float is a double literal that reads back as exactly x: the shortest
// decimal that round-trips, always with a decimal point or exponent (an
// integer literal would make integer arithmetic), typed as a double where
// the engine would otherwise read an exact decimal. Negative numbers are
// parenthesised.
func (d *Dialect) Float(x float64) string {
	if math.IsNaN(x) || math.IsInf(x, 0) {
		panic(fmt.Sprintf("sqlgen: non-finite literal %v", x)) // callers check finiteness first
	}
	s := strconv.FormatFloat(x, 'g', -1, 64)
	if !strings.ContainsAny(s, ".e") {
		s += ".0"
	}
	switch d.floatCast {
	case "":
	case "D":
		s += "D"
	default:
		s = "(" + s + d.floatCast + ")"
	}
	if x < 0 || (x == 0 && math.Signbit(x)) {
		if d.floatCast == "" || d.floatCast == "D" {
			s = "(" + s + ")"
		}
	}
	return s
}

// Int is an integer literal.
func (d *Dialect) Int(n int64) string {
	if n < 0 {
		return "(" + strconv.FormatInt(n, 10) + ")"
	}
	return strconv.FormatInt(n, 10)
}

// ToDouble casts x to a double.
func (d *Dialect) ToDouble(x string) string {
	if d.toDouble != "" {
		return fmt.Sprintf(d.toDouble, x)
	}
	return "CAST(" + x + " AS " + d.double + ")"
}

// ToText casts x to text.
func (d *Dialect) ToText(x string) string {
	if d.toText != "" {
		return fmt.Sprintf(d.toText, x)
	}
	return "CAST(" + x + " AS " + d.text + ")"
}

// Micros converts a timestamp column to integer microseconds since the epoch.
func (d *Dialect) Micros(col string) string { return fmt.Sprintf(d.epochMicros, col) }

// IntDiv divides two non-negative integers, truncating.
func (d *Dialect) IntDiv(a, b string) string { return fmt.Sprintf(d.intDiv, a, b) }

// Pow is x^y.
func (d *Dialect) Pow(x, y string) string { return d.pow + "(" + x + ", " + y + ")" }

// Exp is e^x.
func (d *Dialect) Exp(x string) string { return d.exp + "(" + x + ")" }

// Ln is the natural logarithm.
func (d *Dialect) Ln(x string) string { return d.ln + "(" + x + ")" }

// Greatest and Least of two non-NULL values.
func (d *Dialect) Greatest(a, b string) string { return d.greatest + "(" + a + ", " + b + ")" }

// Least of two non-NULL values.
func (d *Dialect) Least(a, b string) string { return d.least + "(" + a + ", " + b + ")" }

// Lower lower-cases (ASCII letters at least).
func (d *Dialect) Lower(x string) string { return fmt.Sprintf(d.lower, x) }

// Contains is true when needle occurs in hay.
func (d *Dialect) Contains(hay, needle string) string { return fmt.Sprintf(d.contains, hay, needle) }

// TryNum reads text as a double, NULL when it is not a number.
func (d *Dialect) TryNum(x string) string { return fmt.Sprintf(d.tryNum, x) }

// Null is a NULL of type typ (one of the dialect's type names).
func (d *Dialect) Null(typ string) string {
	if d.Name == "clickhouse" {
		return "CAST(NULL AS Nullable(" + typ + "))"
	}
	return "CAST(NULL AS " + typ + ")"
}
