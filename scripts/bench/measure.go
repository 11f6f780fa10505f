package main

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"sync"
	"time"
)

// usage is what one run of a program cost, as the kernel counted it for the
// child process.
type usage struct {
	wall time.Duration
	cpu  time.Duration // user + system
	rss  int64         // peak resident set size in bytes; -1 where unknown
}

// run starts name with args in dir, waits for it and returns its cost. The
// program's stdout and stderr are returned; a non-zero exit is an error that
// quotes the end of its stderr.
func run(dir, name string, args []string, stdin string) (u usage, stdout, stderr []byte, err error) {
	cmd := exec.Command(name, args...)
	cmd.Dir = dir
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	if stdin != "" {
		cmd.Stdin = strings.NewReader(stdin)
	}
	start := time.Now()
	rss, err := runChild(cmd)
	wall := time.Since(start)
	if err != nil {
		return usage{}, out.Bytes(), errOut.Bytes(), fmt.Errorf("%s: %w%s", name, err, quote(errOut.String()))
	}
	st := cmd.ProcessState
	return usage{wall: wall, cpu: st.UserTime() + st.SystemTime(), rss: rss}, out.Bytes(), errOut.Bytes(), nil
}

// child is the program running now (one at a time), for stopChild.
var child struct {
	sync.Mutex
	p       *os.Process
	stopped bool
}

// runChild runs cmd as the current child and returns its peak resident
// memory (-1 where unknown).
func runChild(cmd *exec.Cmd) (int64, error) {
	child.Lock()
	if child.stopped {
		child.Unlock()
		select {} // as below
	}
	err := cmd.Start()
	if err == nil {
		child.p = cmd.Process
	}
	child.Unlock()
	if err != nil {
		return -1, err
	}
	peak := watchRSS(cmd.Process.Pid)
	err = cmd.Wait()
	rss := peak()
	child.Lock()
	child.p = nil
	stopped := child.stopped
	child.Unlock()
	if stopped {
		select {} // stopChild's caller ends the process; report nothing on the way
	}
	return rss, err
}

// stopChild kills the running child, if any, and lets no other start: the
// goroutine that ran it blocks, for the caller to end the process.
func stopChild() {
	child.Lock()
	defer child.Unlock()
	child.stopped = true
	if child.p != nil {
		child.p.Kill()
	}
}

// quote returns the last lines of a program's error output, indented, to
// follow an error message.
func quote(s string) string {
	s = strings.TrimSpace(s)
	if s == "" {
		return ""
	}
	lines := strings.Split(s, "\n")
	if len(lines) > 8 {
		lines = lines[len(lines)-8:]
	}
	return "\n    " + strings.Join(lines, "\n    ")
}

// best returns the least of each figure over runs: the run least disturbed
// by whatever else the machine was doing, figure by figure.
func best(runs []usage) usage {
	if len(runs) == 0 {
		return usage{rss: -1}
	}
	b := runs[0]
	for _, u := range runs[1:] {
		b.wall = min(b.wall, u.wall)
		b.cpu = min(b.cpu, u.cpu)
		if u.rss >= 0 && (b.rss < 0 || u.rss < b.rss) {
			b.rss = u.rss
		}
	}
	return b
}

// mib formats a byte count in MiB.
func mib(n int64) string {
	if n < 0 {
		return "?"
	}
	return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
}

// exitCode returns the exit status of a program that ran and failed.
func exitCode(err error) (int, bool) {
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		return ee.ExitCode(), true
	}
	return 0, false
}
