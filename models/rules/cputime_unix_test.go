//go:build unix

package rules

import (
	"syscall"
	"time"
)

// processCPU is the CPU time (user + system) the process has used so far.
// Benchmarks report it next to wall time because the machine is shared:
// wall time per op grows with other people's load, CPU time much less.
func processCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
