//go:build !linux

package main

import "os"

// maxRSS is not measured on this system (ru_maxrss's unit differs).
func maxRSS(*os.ProcessState) int64 { return -1 }
