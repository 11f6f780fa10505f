package main

import (
	"bytes"
	"fmt"
	"os"
	"strconv"
	"time"
)

// watchRSS follows the peak resident memory of process pid (VmHWM in its
// /proc status) until the returned function is called, which returns it
// in bytes (-1 if it could not be read). The kernel's ru_maxrss cannot
// serve: a child started by a Go program counts the parent's resident
// memory from before its exec (os/exec starts it with vfork).
func watchRSS(pid int) func() int64 {
	name := fmt.Sprintf("/proc/%d/status", pid)
	var peak int64 = -1
	done, stopped := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(stopped)
		t := time.NewTicker(time.Millisecond)
		defer t.Stop()
		for {
			if v := vmHWM(name); v > peak {
				peak = v
			}
			select {
			case <-done:
				return
			case <-t.C:
			}
		}
	}()
	return func() int64 {
		close(done)
		<-stopped
		return peak
	}
}

// vmHWM reads the VmHWM line of a /proc status file, in bytes; -1 once the
// process has gone.
func vmHWM(name string) int64 {
	data, err := os.ReadFile(name)
	if err != nil {
		return -1
	}
	_, rest, ok := bytes.Cut(data, []byte("VmHWM:"))
	if !ok {
		return -1
	}
	line, _, _ := bytes.Cut(rest, []byte("\n"))
	kb, err := strconv.ParseInt(string(bytes.TrimSpace(bytes.TrimSuffix(bytes.TrimSpace(line), []byte("kB")))), 10, 64)
	if err != nil {
		return -1
	}
	return kb << 10
}
