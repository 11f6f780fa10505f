package main

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite testdata/summary.golden")

// fakeEnv makes the test binary, run as the command, print its value to
// stdout and exit with the status in fakeExitEnv.
const (
	fakeEnv     = "TESTSUMMARY_FAKE_OUTPUT"
	fakeExitEnv = "TESTSUMMARY_FAKE_EXIT"
)

func TestMain(m *testing.M) {
	if out, ok := os.LookupEnv(fakeEnv); ok {
		fmt.Print(out)
		code := 0
		fmt.Sscan(os.Getenv(fakeExitEnv), &code)
		os.Exit(code)
	}
	os.Exit(m.Run())
}

// The events of a real "go test -json" run (testdata/events.json: a build
// failure, a package with passing, failing and skipped tests and subtests,
// and a package that timed out) give what plain "go test" prints, the
// failures' output included, then one line per skipped test or subtest
// with its reason: testdata/summary.golden.
func TestSummaryOfARealRun(t *testing.T) {
	in, err := os.ReadFile("testdata/events.json")
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	s := newSummary(&out)
	if err := s.read(bytes.NewReader(in)); err != nil {
		t.Fatal(err)
	}
	s.finish()
	if !s.failed {
		t.Error("failures not noticed")
	}
	if *update {
		if err := os.WriteFile("testdata/summary.golden", out.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile("testdata/summary.golden")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(out.Bytes(), want) {
		t.Errorf("summary:\n%s\nwant (testdata/summary.golden):\n%s", out.Bytes(), want)
	}
	for _, w := range []string{
		"skipped: probe/a TestSkip: no widget here second line (a_test.go:4)",
		"skipped: probe/a TestSkipNow: no reason given",
		"skipped: probe/a TestSub/one: sub reason (a_test.go:8)",
	} {
		if !strings.Contains(out.String(), w+"\n") {
			t.Errorf("summary lacks %q", w)
		}
	}
	for _, quiet := range []string{"=== RUN", "hello", "--- PASS", "--- SKIP", "PASS\n"} {
		if strings.Contains(out.String(), quiet) {
			t.Errorf("summary shows %q, which plain go test does not", quiet)
		}
	}
}

// A run with nothing skipped says so.
func TestNothingSkipped(t *testing.T) {
	var out bytes.Buffer
	s := newSummary(&out)
	s.read(strings.NewReader(`{"Action":"start","Package":"p"}
{"Action":"run","Package":"p","Test":"TestA"}
{"Action":"output","Package":"p","Test":"TestA","Output":"--- PASS: TestA (0.00s)\n"}
{"Action":"pass","Package":"p","Test":"TestA"}
{"Action":"output","Package":"p","Output":"PASS\n"}
{"Action":"output","Package":"p","Output":"ok  \tp\t0.01s\n"}
{"Action":"pass","Package":"p"}
`))
	s.finish()
	if got, want := out.String(), "ok  \tp\t0.01s\nskipped: none\n"; got != want || s.failed {
		t.Errorf("summary %q (failed %v), want %q", got, s.failed, want)
	}
}

// run passes the command's exit status on, and fails a run whose events
// report a failure even if the command exited 0.
func TestExitStatus(t *testing.T) {
	pass := `{"Action":"start","Package":"p"}
{"Action":"output","Package":"p","Output":"ok  \tp\t0.01s\n"}
{"Action":"pass","Package":"p"}
`
	fail := `{"Action":"start","Package":"p"}
{"Action":"fail","Package":"p"}
`
	for _, c := range []struct {
		out  string
		exit int
		want int
	}{
		{pass, 0, 0},
		{pass, 3, 3}, // e.g. go vet failed: the command's status wins
		{fail, 1, 1},
		{fail, 0, 1},
	} {
		t.Setenv(fakeEnv, c.out)
		t.Setenv(fakeExitEnv, fmt.Sprint(c.exit))
		var stdout, stderr bytes.Buffer
		if got := run([]string{os.Args[0]}, &stdout, &stderr); got != c.want {
			t.Errorf("command exiting %d with %q: testsummary exited %d, want %d\n%s%s", c.exit, c.out, got, c.want, stdout.String(), stderr.String())
		}
	}
	var stderr bytes.Buffer
	if got := run([]string{"/nonexistent/go"}, &bytes.Buffer{}, &stderr); got != 2 || !strings.Contains(stderr.String(), "testsummary:") {
		t.Errorf("a command that cannot start: exit %d, stderr %q", got, stderr.String())
	}
}
