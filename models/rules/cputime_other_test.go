//go:build !unix

package rules

import "time"

// processCPU is not measured on this platform; benchmarks then report a CPU
// time of 0.
func processCPU() time.Duration { return 0 }
