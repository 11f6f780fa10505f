package cputime

import (
	"runtime"
	"testing"
	"time"
)

// TestSelfCountsWork: spinning for 50 ms of wall time adds CPU time.
func TestSelfCountsWork(t *testing.T) {
	if runtime.GOOS == "windows" || runtime.GOOS == "plan9" {
		t.Skip("not measured on " + runtime.GOOS)
	}
	before := Self()
	x := 0
	for start := time.Now(); time.Since(start) < 50*time.Millisecond; {
		x++
	}
	if d := Self() - before; d <= 0 {
		t.Fatalf("50 ms of spinning (%d turns) added %v of CPU time", x, d)
	}
}
