package suite

import (
	"os"
	"runtime"
	"strconv"
	"strings"
	"time"
)

// Machine describes where a figure was measured.
type Machine struct {
	// Date is when the description was taken (UTC, RFC 3339).
	Date       string `json:"date"`
	Hostname   string `json:"hostname,omitempty"`
	OS         string `json:"os"`
	Arch       string `json:"arch"`
	CPU        string `json:"cpu,omitempty"` // model name from /proc/cpuinfo
	Cores      int    `json:"cores"`         // logical CPUs usable by the process
	GOMAXPROCS int    `json:"gomaxprocs"`
	// MemoryBytes is MemTotal from /proc/meminfo (0 when unknown).
	MemoryBytes int64  `json:"memory_bytes"`
	GoVersion   string `json:"go_version"`
	// LoadAverage is the 1, 5 and 15 minute load average (nil when
	// unknown): other processes' work inflates wall times.
	LoadAverage []float64 `json:"load_average,omitempty"`
}

// Describe returns the current machine's description.
func Describe() Machine {
	m := Machine{
		Date: time.Now().UTC().Format(time.RFC3339), OS: runtime.GOOS, Arch: runtime.GOARCH,
		Cores: runtime.NumCPU(), GOMAXPROCS: runtime.GOMAXPROCS(0), GoVersion: runtime.Version(),
		MemoryBytes: memTotal(), CPU: cpuModel(), LoadAverage: LoadAverage(),
	}
	m.Hostname, _ = os.Hostname()
	return m
}

// memTotal reads MemTotal from /proc/meminfo in bytes.
func memTotal() int64 {
	b, err := os.ReadFile("/proc/meminfo")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if f := strings.Fields(line); len(f) >= 2 && f[0] == "MemTotal:" {
			kb, _ := strconv.ParseInt(f[1], 10, 64)
			return kb << 10
		}
	}
	return 0
}

func cpuModel() string {
	b, err := os.ReadFile("/proc/cpuinfo")
	if err != nil {
		return ""
	}
	for _, line := range strings.Split(string(b), "\n") {
		if k, v, ok := strings.Cut(line, ":"); ok && strings.TrimSpace(k) == "model name" {
			return strings.TrimSpace(v)
		}
	}
	return ""
}

// LoadAverage returns the 1, 5 and 15 minute load averages from
// /proc/loadavg, or nil when they are unknown.
func LoadAverage() []float64 {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return nil
	}
	f := strings.Fields(string(b))
	if len(f) < 3 {
		return nil
	}
	out := make([]float64, 3)
	for i := range out {
		v, err := strconv.ParseFloat(f[i], 64)
		if err != nil {
			return nil
		}
		out[i] = v
	}
	return out
}

// PeakRSS returns the process's peak resident set size (VmHWM) in bytes
// since it started or since the last ResetPeakRSS, or -1 when unknown.
func PeakRSS() int64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return -1
	}
	for _, line := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(line, "VmHWM:") {
			f := strings.Fields(line)
			if len(f) < 2 {
				return -1
			}
			kb, _ := strconv.ParseInt(f[1], 10, 64)
			return kb << 10
		}
	}
	return -1
}

// ResetPeakRSS sets the peak resident set size back to the current one
// (Linux: "5" to /proc/self/clear_refs), so that PeakRSS measures what
// follows. It reports whether that worked.
func ResetPeakRSS() bool {
	return os.WriteFile("/proc/self/clear_refs", []byte("5"), 0) == nil
}
