package install

import (
	"errors"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite testdata/*.golden from the generated files")

// testMemLimit is about a 1 GB Pi's limit (memLimit of MemTotal 949448 kB).
const testMemLimit = 695 << 20

// newRoot returns a target system in a temporary directory with what
// preflight looks for: user pi (uid 1000), groups audio and dialout, the
// binary and the set.
func newRoot(t *testing.T) (Options, string) {
	t.Helper()
	root := t.TempDir()
	put(t, root, "/etc/passwd", "root:x:0:0:root:/root:/bin/bash\npi:x:1000:1000:,,,:/home/pi:/bin/bash\n", 0o644)
	put(t, root, "/etc/group", "root:x:0:\naudio:x:29:pi\ndialout:x:20:\npi:x:1000:\n", 0o644)
	put(t, root, "/usr/local/bin/gridbox", "#!/bin/sh\n", 0o755)
	put(t, root, "/home/pi/sets/live.toml", "# a set\n", 0o644)
	return Options{
		User:     "pi",
		Set:      "/home/pi/sets/live.toml",
		Binary:   "/usr/local/bin/gridbox",
		Root:     root,
		MemLimit: testMemLimit,
		euid:     func() int { return 1000 }, // a temporary root needs no privileges
		token:    func() string { return "k7dqz3mh9xwe" },
	}, root
}

// put writes a file on the target system below root.
func put(t *testing.T, root, name, content string, mode os.FileMode) {
	t.Helper()
	p := filepath.Join(root, filepath.FromSlash(name))
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(content), mode); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(p, mode); err != nil {
		t.Fatal(err)
	}
}

// recorder is a Runner that records the commands and fails the one named
// fail.
type recorder struct {
	cmds []string
	fail string
}

func (r *recorder) Run(name string, args ...string) error {
	c := Command{name, args}.String()
	r.cmds = append(r.cmds, c)
	if c == r.fail {
		return errors.New("exit status 1")
	}
	return nil
}

// directive is one "Key=Value" line of a unit and its section.
type directive struct{ section, key, value string }

// parseUnit splits a unit into its directives, skipping comments and blank
// lines the way systemd.syntax(7) does; it fails the test on any other
// line.
func parseUnit(t *testing.T, unit string) []directive {
	t.Helper()
	var ds []directive
	section := ""
	for i, line := range strings.Split(unit, "\n") {
		line = strings.TrimSpace(line)
		switch {
		case line == "" || line[0] == '#' || line[0] == ';':
		case strings.HasPrefix(line, "[") && strings.HasSuffix(line, "]"):
			section = line[1 : len(line)-1]
		default:
			k, v, ok := strings.Cut(line, "=")
			if !ok || section == "" {
				t.Fatalf("unit line %d %q is not Key=Value in a section", i+1, line)
			}
			ds = append(ds, directive{section, k, v})
		}
	}
	return ds
}

// fileOf returns the content of the planned file at p.
func fileOf(t *testing.T, files []File, p string) File {
	t.Helper()
	for _, f := range files {
		if f.Path == p {
			return f
		}
	}
	t.Fatalf("Plan has no %s", p)
	return File{}
}

// golden compares got with testdata/name, or rewrites it with -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	p := filepath.Join("testdata", name)
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(p)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if string(got) != string(want) {
		t.Errorf("%s differs from the generated file (run with -update after checking the change):\n--- got\n%s", p, got)
	}
}
