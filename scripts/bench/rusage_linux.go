package main

import (
	"os"
	"syscall"
)

// maxRSS returns the child's peak resident set size in bytes (getrusage's
// ru_maxrss, which Linux counts in KiB).
func maxRSS(st *os.ProcessState) int64 {
	if ru, ok := st.SysUsage().(*syscall.Rusage); ok {
		return ru.Maxrss * 1024
	}
	return -1
}
