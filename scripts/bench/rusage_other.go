//go:build !linux

package main

// watchRSS is not measured on this system: it returns -1.
func watchRSS(int) func() int64 { return func() int64 { return -1 } }
