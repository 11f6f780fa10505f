// Testsummary runs "go test -json" and prints what plain "go test" prints
// (a line per package, the output of the tests that failed), then lists every
// test that was skipped with its reason, so that a skip is never silent: the
// Makefile's unit and race targets run the tests through it.
//
// Usage:
//
//	testsummary go test -json [flags] [packages]
//
// The command's standard error passes straight through. Testsummary exits
// with the command's exit status; if the command exits 0 but a test or a
// package is reported failed, it exits 1. A line of the command's output
// that is not a test2json event is printed as it is.
//
// The list at the end has one line per skipped test or subtest:
//
//	skipped: PACKAGE TEST: REASON (FILE:LINE)
//
// where REASON is the message the test gave t.Skip (the last thing it
// logged), or "no reason given".
package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
)

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: testsummary go test -json [flags] [packages]")
		os.Exit(2)
	}
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// run runs the command args, summarises its standard output on stdout and
// returns the exit status.
func run(args []string, stdout, stderr io.Writer) int {
	cmd := exec.Command(args[0], args[1:]...)
	cmd.Stdin = os.Stdin
	cmd.Stderr = stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		fmt.Fprintln(stderr, "testsummary:", err)
		return 2
	}
	if err := cmd.Start(); err != nil {
		fmt.Fprintln(stderr, "testsummary:", err)
		return 2
	}
	s := newSummary(stdout)
	readErr := s.read(out)
	io.Copy(io.Discard, out) // never leave the command blocked on a full pipe
	err = cmd.Wait()
	s.finish()
	code := 0
	var exit *exec.ExitError
	switch {
	case errors.As(err, &exit):
		code = exit.ExitCode()
		if code < 0 { // killed by a signal
			code = 1
		}
	case err != nil:
		fmt.Fprintln(stderr, "testsummary:", err)
		code = 2
	}
	if readErr != nil {
		fmt.Fprintln(stderr, "testsummary: reading the test output:", readErr)
		code = max(code, 2)
	}
	if code == 0 && s.failed {
		code = 1
	}
	return code
}
