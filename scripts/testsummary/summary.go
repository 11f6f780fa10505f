package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"regexp"
	"strings"
)

// An event is one line of "go test -json" (cmd/test2json).
type event struct {
	Action     string
	Package    string
	Test       string
	Output     string
	ImportPath string // build-output and build-fail events
}

// A test is one test or subtest of a package.
type test struct {
	name     string
	lines    []string // its output, without the "=== RUN" framing
	children []*test  // subtests, in the order they started
	result   string   // "pass", "fail" or "skip"; "" while it runs
}

// A pkg is a package whose tests are running.
type pkg struct {
	lines []string // output outside any test: "ok  pkg 1.2s", "FAIL", a panic
	tests map[string]*test
	top   []*test // top-level tests, in the order they started
}

// A skip is a skipped test and why.
type skip struct{ pkg, test, reason, where string }

func (s skip) String() string {
	if s.where == "" {
		return fmt.Sprintf("skipped: %s %s: %s", s.pkg, s.test, s.reason)
	}
	return fmt.Sprintf("skipped: %s %s: %s (%s)", s.pkg, s.test, s.reason, s.where)
}

// A summary turns test2json events into plain "go test" output, a package
// at a time as each one ends, and collects the skips.
type summary struct {
	w       io.Writer
	pkgs    map[string]*pkg
	order   []string // packages in the order they started
	skipped []skip
	failed  bool // a test, a package or a build failed
}

func newSummary(w io.Writer) *summary {
	return &summary{w: w, pkgs: map[string]*pkg{}}
}

// read consumes the events in r.
func (s *summary) read(r io.Reader) error {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 16<<20)
	for sc.Scan() {
		line := sc.Bytes()
		var e event
		if len(line) == 0 || line[0] != '{' || json.Unmarshal(line, &e) != nil || e.Action == "" {
			fmt.Fprintf(s.w, "%s\n", line) // not an event: pass it on
			continue
		}
		s.event(e)
	}
	return sc.Err()
}

// framing is test2json's bookkeeping that plain "go test" does not print.
var framing = []string{"=== RUN ", "=== PAUSE ", "=== CONT ", "=== NAME "}

func (s *summary) event(e event) {
	switch e.Action {
	case "build-output":
		fmt.Fprint(s.w, e.Output)
		return
	case "build-fail":
		s.failed = true
		return
	}
	if e.Package == "" {
		return
	}
	p := s.pkgs[e.Package]
	if p == nil {
		p = &pkg{tests: map[string]*test{}}
		s.pkgs[e.Package] = p
		s.order = append(s.order, e.Package)
	}
	if e.Test == "" {
		switch e.Action {
		case "output":
			if e.Output != "PASS\n" {
				p.lines = append(p.lines, e.Output)
			}
		case "pass", "skip":
			s.flush(e.Package, false)
		case "fail":
			s.failed = true
			s.flush(e.Package, true)
		}
		return
	}
	t := p.test(e.Test)
	switch e.Action {
	case "output":
		for _, f := range framing {
			if strings.HasPrefix(e.Output, f) {
				return
			}
		}
		t.lines = append(t.lines, e.Output)
	case "pass":
		t.result = "pass"
	case "fail":
		t.result = "fail"
		s.failed = true
	case "skip":
		t.result = "skip"
		reason, where := skipReason(t.lines)
		s.skipped = append(s.skipped, skip{e.Package, e.Test, reason, where})
	}
}

// test returns the test called name, recording it under its parent.
func (p *pkg) test(name string) *test {
	if t := p.tests[name]; t != nil {
		return t
	}
	t := &test{name: name}
	p.tests[name] = t
	// The parent is the longest started test whose name is a prefix
	// (a subtest's own name may contain a slash).
	for i := strings.LastIndexByte(name, '/'); i > 0; i = strings.LastIndexByte(name[:i], '/') {
		if parent := p.tests[name[:i]]; parent != nil {
			parent.children = append(parent.children, t)
			return t
		}
	}
	p.top = append(p.top, t)
	return t
}

// flush prints what plain "go test" prints for a package that ended: the
// failed tests' output, then the package's own lines. When the package
// failed, the output of tests that never finished (a timeout, a crash) is
// printed too.
func (s *summary) flush(name string, failed bool) {
	p := s.pkgs[name]
	for _, t := range p.top {
		if t.result == "fail" || (failed && t.result == "") {
			s.printTest(t, "")
		}
	}
	for _, l := range p.lines {
		fmt.Fprint(s.w, l)
	}
	delete(s.pkgs, name)
}

// printTest prints the output of a failed (or unfinished) test, its
// "--- FAIL" line first, and then that of its subtests that failed,
// indented one level deeper, as "go test" does.
func (s *summary) printTest(t *test, indent string) {
	var head []string
	var body []string
	for _, l := range t.lines {
		if strings.HasPrefix(l, "--- ") {
			head = append(head, l)
		} else {
			body = append(body, l)
		}
	}
	if t.result == "" {
		head = append(head, fmt.Sprintf("--- UNFINISHED: %s (still running when its package ended)\n", t.name))
	}
	for _, l := range append(head, body...) {
		fmt.Fprint(s.w, indent+l)
	}
	for _, c := range t.children {
		if c.result == "fail" || c.result == "" {
			s.printTest(c, indent+"    ")
		}
	}
}

// finish flushes packages that never ended (the command was killed) and
// prints the skipped tests.
func (s *summary) finish() {
	for _, name := range s.order {
		if s.pkgs[name] != nil {
			s.failed = true
			s.flush(name, true)
		}
	}
	if s.failed {
		fmt.Fprintln(s.w, "FAIL") // as "go test" ends a run with failures
	}
	if len(s.skipped) == 0 {
		fmt.Fprintln(s.w, "skipped: none")
		return
	}
	fmt.Fprintf(s.w, "\n%d skipped:\n", len(s.skipped))
	for _, sk := range s.skipped {
		fmt.Fprintln(s.w, sk)
	}
}

// logLine is the first line of a t.Log/t.Skip message as test2json passes
// it on: four spaces, the file and line, the message.
var logLine = regexp.MustCompile(`^    (\S+\.go:\d+): (.*)$`)

// skipReason returns the message of the last log entry of a skipped test,
// its continuation lines joined with spaces, and where it was logged.
func skipReason(lines []string) (reason, where string) {
	start := -1
	for i, l := range lines {
		if logLine.MatchString(strings.TrimRight(l, "\n")) {
			start = i
		}
	}
	if start < 0 {
		return "no reason given", ""
	}
	m := logLine.FindStringSubmatch(strings.TrimRight(lines[start], "\n"))
	parts := []string{m[2]}
	for _, l := range lines[start+1:] {
		if !strings.HasPrefix(l, "        ") { // the "--- SKIP" line ends the entry
			break
		}
		parts = append(parts, strings.TrimSpace(l))
	}
	return strings.Join(parts, " "), m[1]
}
