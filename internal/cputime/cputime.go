// Package cputime tells the CPU time this process has used, for benchmarks
// that report a cost other load on the machine does not inflate.
package cputime

import "time"

// Self returns the CPU time (user and system) this process has used, or 0
// where the system does not tell.
func Self() time.Duration { return self() }
