package suite

import (
	"fmt"
	"io"
	"math"
	"strings"
	"text/tabwriter"
)

func loadText(l []float64) string {
	if len(l) < 3 {
		return "unknown"
	}
	return fmt.Sprintf("%.2f %.2f %.2f", l[0], l[1], l[2])
}

// writeTable prints the machine line and one aligned row per result.
func writeTable(w io.Writer, rep *Report) error {
	m := rep.Machine
	fmt.Fprintf(w, "leadscore bench --size %s  %s  %s\n", rep.Size, rep.Started, rep.Version)
	fmt.Fprintf(w, "machine: %s, %d cores, GOMAXPROCS %d, %.1f GiB, %s/%s, %s; load average %s at start, %s at end\n\n",
		orUnknown(m.CPU), m.Cores, rep.Threads, float64(m.MemoryBytes)/(1<<30), m.OS, m.Arch, m.GoVersion,
		loadText(m.LoadAverage), loadText(rep.LoadEnd))
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "SUITE\tBENCHMARK\tWORKLOAD\tWALL\tCPU\tFIGURE\tBY CPU TIME\tNOTES")
	for _, res := range rep.Results {
		cpuFig := ""
		if res.CPUUnit != "" {
			cpuFig = formatNumber(res.CPUValue) + " " + res.CPUUnit
		}
		note := res.Note
		if res.PeakRSSBytes > 0 {
			note = strings.TrimPrefix(note+fmt.Sprintf("; peak RSS %s", formatBytes(res.PeakRSSBytes)), "; ")
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", res.Suite, res.Name, res.Workload,
			formatSeconds(res.WallSeconds), formatSeconds(res.CPUSeconds), formatNumber(res.Value)+" "+res.Unit, cpuFig, note)
	}
	return tw.Flush()
}

func orUnknown(s string) string {
	if s == "" {
		return "unknown CPU"
	}
	return s
}

// figureText is a result's figures on one line.
func figureText(res Result) string {
	s := formatNumber(res.Value) + " " + res.Unit
	if res.CPUUnit != "" {
		s += ", " + formatNumber(res.CPUValue) + " " + res.CPUUnit
	}
	s += fmt.Sprintf(" (%s wall, %s CPU)", formatSeconds(res.WallSeconds), formatSeconds(res.CPUSeconds))
	if res.Note != "" {
		s += "; " + res.Note
	}
	return s
}

func formatSeconds(s float64) string {
	switch {
	case s == 0:
		return "-"
	case s < 10:
		return fmt.Sprintf("%.2fs", s)
	default:
		return fmt.Sprintf("%.1fs", s)
	}
}

// formatNumber prints v with 4 significant digits and thousands
// separators: 906,728, 4.123, 0.8112.
func formatNumber(v float64) string {
	a := math.Abs(v)
	switch {
	case math.IsNaN(v) || math.IsInf(v, 0):
		return fmt.Sprint(v)
	case a >= 10000:
		return thousands(int64(math.Round(v)))
	case a >= 1000:
		return thousands(int64(math.Round(v)))
	case a >= 100:
		return fmt.Sprintf("%.1f", v)
	case a >= 1:
		return fmt.Sprintf("%.3g", v)
	case a == 0:
		return "0"
	default:
		return fmt.Sprintf("%.4g", v)
	}
}

func thousands(n int64) string {
	s := fmt.Sprint(n)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	if neg {
		return "-" + b.String()
	}
	return b.String()
}

func formatBytes(n int64) string {
	switch {
	case n >= 1<<30:
		return fmt.Sprintf("%.2f GiB", float64(n)/(1<<30))
	default:
		return fmt.Sprintf("%.0f MiB", float64(n)/(1<<20))
	}
}
