// Package cputime measures the CPU time the process has used, for
// benchmarks on a shared machine, where it measures work far better than
// the wall clock. It imports only the standard library, so every package's
// benchmarks may use it.
package cputime
