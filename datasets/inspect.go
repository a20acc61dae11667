package datasets

import (
	"errors"
	"fmt"
	"io"
	"math"
	"sort"
	"strings"
	"text/tabwriter"
	"time"
)

// maxDistinct is the largest distinct count Inspect counts exactly.
const maxDistinct = 100000

// topValues is how many most frequent values a column profile lists.
const topValues = 5

// Profile summarises a table file: its size, each column's kind, missing
// values, distinct values and range, and optionally the target's positive
// rate.
type Profile struct {
	// File is the path as given.
	File string `json:"file"`
	// Format is "csv", "parquet", "arrow" or "jsonl".
	Format string `json:"format"`
	// Rows is the number of data rows.
	Rows int `json:"rows"`
	// Columns profiles every column in file order.
	Columns []ColumnProfile `json:"columns"`
	// Target is the outcome column's summary, when one was named.
	Target *TargetProfile `json:"target,omitempty"`
	// Report is the reader's report (delimiter, missing and invalid counts).
	Report *ReadReport `json:"report"`
}

// ColumnProfile summarises one column.
type ColumnProfile struct {
	// Name is the column's name.
	Name string `json:"name"`
	// Kind is the inferred or declared kind.
	Kind Kind `json:"kind"`
	// Missing is the number of missing values.
	Missing int `json:"missing"`
	// MissingRate is Missing / rows (0 for an empty file).
	MissingRate float64 `json:"missing_rate"`
	// Distinct is the number of distinct non-missing values, exact up to
	// 100000; DistinctOver is set when there are more.
	Distinct int `json:"distinct"`
	// DistinctOver reports that there are more than Distinct (100000)
	// distinct values.
	DistinctOver bool `json:"distinct_over,omitempty"`
	// Top lists the most frequent values of a category or boolean column,
	// at most 5, most frequent first.
	Top []ValueCount `json:"top,omitempty"`
	// Min is the smallest value of a number column.
	Min *float64 `json:"min,omitempty"`
	// Mean is the arithmetic mean of a number column's values.
	Mean *float64 `json:"mean,omitempty"`
	// Max is the largest value of a number column.
	Max *float64 `json:"max,omitempty"`
	// MinTime is the earliest value of a timestamp column (UTC).
	MinTime *time.Time `json:"min_time,omitempty"`
	// MeanTime is the mean instant of a timestamp column (UTC).
	MeanTime *time.Time `json:"mean_time,omitempty"`
	// MaxTime is the latest value of a timestamp column (UTC).
	MaxTime *time.Time `json:"max_time,omitempty"`
}

// ValueCount is a value and how many rows hold it.
type ValueCount struct {
	// Value is the value as text.
	Value string `json:"value"`
	// Count is the number of rows holding it.
	Count int `json:"count"`
}

// TargetProfile summarises a binary outcome column.
type TargetProfile struct {
	// Column is the target column's name.
	Column string `json:"column"`
	// Positives counts rows with a positive outcome (1, yes, true, converted).
	Positives int `json:"positives"`
	// Negatives counts rows with a negative outcome.
	Negatives int `json:"negatives"`
	// Missing counts rows without an outcome.
	Missing int `json:"missing"`
	// PositiveRate is Positives / (Positives + Negatives).
	PositiveRate float64 `json:"positive_rate"`
}

// colStats accumulates one column's profile over batches.
type colStats struct {
	distinctOver  bool
	strSet        map[string]struct{}
	numSet        map[float64]struct{}
	timeSet       map[int64]struct{}
	counts        []int // per dictionary code, for category columns
	trues, falses int
	n             int
	sum           float64
	min, max      float64
	tmin, tmax    int64
}

// Inspect streams over a table file and profiles every column. With target
// set it also reports the target's positive rate; the target must hold 0/1,
// yes/no, true/false or converted/not converted. Like ReadFile, when some
// values do not parse it returns the profile together with a *ValueErrors.
func Inspect(path string, opt ReadOptions, target string) (*Profile, error) {
	r, err := Open(path, opt)
	if err != nil {
		return nil, err
	}
	defer r.Close()
	fields := r.Schema()
	tcol := -1
	if target != "" {
		names := make([]string, len(fields))
		for i, f := range fields {
			names[i] = f.Name
			if f.Name == target {
				tcol = i
			}
		}
		if tcol < 0 {
			return nil, fmt.Errorf("inspect %s: target column %q does not exist; the file has columns %q", path, target, names)
		}
		if fields[tcol].Kind == KindTime {
			return nil, fmt.Errorf("inspect %s: target column %q holds timestamps: expected 0/1, yes/no, true/false or converted/not converted", path, target)
		}
	}
	stats := make([]colStats, len(fields))
	for i := range stats {
		stats[i] = colStats{min: math.Inf(1), max: math.Inf(-1), tmin: math.MaxInt64, tmax: math.MinInt64}
	}
	var tp *TargetProfile
	if tcol >= 0 {
		tp = &TargetProfile{Column: target}
	}
	var readErr error
	for {
		t, err := r.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		var ve *ValueErrors
		if errors.As(err, &ve) {
			readErr = err
			break
		}
		if err != nil {
			return nil, err
		}
		for i, c := range t.Columns {
			stats[i].add(c)
		}
		if tp != nil {
			if err := tp.add(path, t, t.Columns[tcol]); err != nil {
				return nil, err
			}
		}
	}
	rep := r.Report()
	p := &Profile{File: path, Format: rep.Format, Rows: rep.Rows, Report: rep, Target: tp}
	if tp != nil && tp.Positives+tp.Negatives > 0 {
		tp.PositiveRate = float64(tp.Positives) / float64(tp.Positives+tp.Negatives)
	}
	for i, f := range fields {
		p.Columns = append(p.Columns, stats[i].profile(f, rep, r.dicts[i]))
	}
	return p, readErr
}

func (s *colStats) add(c *Column) {
	switch c.Kind {
	case KindNumber:
		for _, v := range c.Num {
			if math.IsNaN(v) {
				continue
			}
			s.n++
			s.sum += v
			s.min = math.Min(s.min, v)
			s.max = math.Max(s.max, v)
			if !s.distinctOver {
				if s.numSet == nil {
					s.numSet = make(map[float64]struct{})
				}
				s.numSet[v] = struct{}{}
				if len(s.numSet) > maxDistinct {
					s.distinctOver, s.numSet = true, nil
				}
			}
		}
	case KindBool:
		for _, v := range c.Num {
			switch {
			case math.IsNaN(v):
			case v != 0:
				s.trues++
			default:
				s.falses++
			}
		}
	case KindTime:
		for _, v := range c.Time {
			if v == MissingTime {
				continue
			}
			s.n++
			s.sum += float64(v) / 1e9
			s.tmin = min(s.tmin, v)
			s.tmax = max(s.tmax, v)
			if !s.distinctOver {
				if s.timeSet == nil {
					s.timeSet = make(map[int64]struct{})
				}
				s.timeSet[v] = struct{}{}
				if len(s.timeSet) > maxDistinct {
					s.distinctOver, s.timeSet = true, nil
				}
			}
		}
	case KindCategory:
		for _, code := range c.Codes {
			if code == MissingCode {
				continue
			}
			for int(code) >= len(s.counts) {
				s.counts = append(s.counts, 0)
			}
			s.counts[code]++
		}
	case KindText:
		if s.distinctOver {
			return
		}
		if s.strSet == nil {
			s.strSet = make(map[string]struct{})
		}
		for _, code := range c.Codes {
			if code == MissingCode {
				continue
			}
			v := c.Dict.Value(code)
			if _, ok := s.strSet[v]; ok {
				continue
			}
			if len(s.strSet) == maxDistinct {
				s.distinctOver, s.strSet = true, nil
				return
			}
			s.strSet[v] = struct{}{}
		}
	}
}

func (s *colStats) profile(f Field, rep *ReadReport, dict *Dict) ColumnProfile {
	p := ColumnProfile{Name: f.Name, Kind: f.Kind, Missing: rep.Missing[f.Name] + rep.Invalid[f.Name]}
	if rep.Rows > 0 {
		p.MissingRate = float64(p.Missing) / float64(rep.Rows)
	}
	switch f.Kind {
	case KindNumber:
		p.Distinct = len(s.numSet)
		if s.n > 0 {
			mean := s.sum / float64(s.n)
			p.Min, p.Mean, p.Max = &s.min, &mean, &s.max
		}
	case KindBool:
		if s.trues > 0 {
			p.Distinct++
		}
		if s.falses > 0 {
			p.Distinct++
		}
		for _, vc := range []ValueCount{{"true", s.trues}, {"false", s.falses}} {
			if vc.Count > 0 {
				p.Top = append(p.Top, vc)
			}
		}
		sort.SliceStable(p.Top, func(i, j int) bool { return p.Top[i].Count > p.Top[j].Count })
	case KindTime:
		p.Distinct = len(s.timeSet)
		if s.n > 0 {
			lo := time.Unix(0, s.tmin).UTC()
			hi := time.Unix(0, s.tmax).UTC()
			mean := s.sum / float64(s.n)
			sec, frac := math.Modf(mean)
			mid := time.Unix(int64(sec), int64(frac*1e9)).UTC()
			p.MinTime, p.MeanTime, p.MaxTime = &lo, &mid, &hi
		}
	case KindCategory:
		for _, n := range s.counts {
			if n > 0 {
				p.Distinct++
			}
		}
		idx := make([]int, 0, len(s.counts))
		for code, n := range s.counts {
			if n > 0 {
				idx = append(idx, code)
			}
		}
		sort.SliceStable(idx, func(i, j int) bool { return s.counts[idx[i]] > s.counts[idx[j]] })
		for _, code := range idx[:min(topValues, len(idx))] {
			p.Top = append(p.Top, ValueCount{Value: dict.Value(int32(code)), Count: s.counts[code]})
		}
	case KindText:
		p.Distinct = len(s.strSet)
	}
	if p.Distinct > maxDistinct {
		p.Distinct, s.distinctOver = maxDistinct, true
	}
	if s.distinctOver {
		p.Distinct, p.DistinctOver = maxDistinct, true
	}
	return p
}

// targetValue reads a category value as an outcome: 1, 0, or false when it
// is none of the accepted spellings.
func targetValue(s string) (float64, bool) {
	s = strings.ToLower(strings.TrimSpace(s))
	switch s {
	case "converted":
		return 1, true
	case "not converted", "not_converted", "not-converted":
		return 0, true
	}
	return parseBool(s)
}

func (tp *TargetProfile) add(path string, t *Table, c *Column) error {
	bad := func(i int, v string) error {
		return fmt.Errorf("inspect %s line %d: target column %q: %q is not an outcome: expected 0/1, yes/no, true/false or converted/not converted",
			path, t.Line[i], c.Name, v)
	}
	for i := 0; i < c.Len(); i++ {
		if c.IsMissing(i) {
			tp.Missing++
			continue
		}
		var y float64
		switch c.Kind {
		case KindBool:
			y = c.Num[i]
		case KindNumber:
			if c.Num[i] != 0 && c.Num[i] != 1 {
				return bad(i, c.String(i))
			}
			y = c.Num[i]
		default:
			v, ok := targetValue(c.String(i))
			if !ok {
				return bad(i, c.String(i))
			}
			y = v
		}
		if y != 0 {
			tp.Positives++
		} else {
			tp.Negatives++
		}
	}
	return nil
}

// WriteText renders the profile as an aligned table for a terminal.
func (p *Profile) WriteText(w io.Writer) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintf(tw, "file\t%s (%s", p.File, p.Format)
	if p.Report != nil && p.Report.Delimiter != "" {
		fmt.Fprintf(tw, ", delimiter %q", p.Report.Delimiter)
	}
	fmt.Fprintf(tw, ")\nrows\t%d\ncolumns\t%d\n", p.Rows, len(p.Columns))
	if tp := p.Target; tp != nil {
		fmt.Fprintf(tw, "target\t%s: %.1f%% positive (%d of %d, %d missing)\n",
			tp.Column, 100*tp.PositiveRate, tp.Positives, tp.Positives+tp.Negatives, tp.Missing)
	}
	if p.Report != nil && len(p.Report.Invalid) > 0 {
		total := 0
		for _, n := range p.Report.Invalid {
			total += n
		}
		fmt.Fprintf(tw, "invalid\t%d values did not parse as their column's type (counted as missing)\n", total)
	}
	fmt.Fprintln(tw)
	fmt.Fprintln(tw, "COLUMN\tKIND\tMISSING\tMISSING %\tDISTINCT\tSUMMARY")
	for _, c := range p.Columns {
		distinct := fmt.Sprint(c.Distinct)
		if c.DistinctOver {
			distinct = fmt.Sprintf(">%d", maxDistinct)
		}
		fmt.Fprintf(tw, "%s\t%s\t%d\t%.1f\t%s\t%s\n", c.Name, c.Kind, c.Missing, 100*c.MissingRate, distinct, c.summary())
	}
	return tw.Flush()
}

// summary is the last column of WriteText: range or most frequent values.
func (c ColumnProfile) summary() string {
	switch {
	case c.Min != nil:
		return fmt.Sprintf("min %s  mean %s  max %s", formatFloat(*c.Min), formatFloat(round4(*c.Mean)), formatFloat(*c.Max))
	case c.MinTime != nil:
		const layout = "2006-01-02 15:04:05"
		return fmt.Sprintf("%s .. %s (mean %s)", c.MinTime.Format(layout), c.MaxTime.Format(layout), c.MeanTime.Format(layout))
	case len(c.Top) > 0:
		parts := make([]string, len(c.Top))
		for i, vc := range c.Top {
			v := vc.Value
			if len(v) > 30 {
				v = v[:27] + "..."
			}
			parts[i] = fmt.Sprintf("%s (%d)", v, vc.Count)
		}
		return strings.Join(parts, ", ")
	}
	return ""
}

// round4 rounds to 4 significant digits for display.
func round4(f float64) float64 {
	if f == 0 || math.IsNaN(f) || math.IsInf(f, 0) {
		return f
	}
	p := math.Pow(10, 3-math.Floor(math.Log10(math.Abs(f))))
	return math.Round(f*p) / p
}
