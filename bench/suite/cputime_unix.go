//go:build unix

package suite

import (
	"syscall"
	"time"
)

// CPUTime is the user plus system CPU time the process has used so far,
// over all threads (getrusage). On a shared machine it measures work far
// better than the wall clock.
func CPUTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
