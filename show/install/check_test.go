package install

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestRejectsUserInjection: a user name must not be able to add lines or
// directives to the unit.
func TestRejectsUserInjection(t *testing.T) {
	for _, u := range []string{
		"", "pi pi", "pi\nExecStartPre=/bin/sh -c id", "pi\n", "pi\r", "pi\t", "pi;x", "pi#", "pi%n",
		"$USER", "pi\"", "1pi", "-pi", ".pi", "root", "päivi", strings.Repeat("a", 33),
	} {
		opts, root := newRoot(t)
		opts.User = u
		if files, err := Plan(opts); !errors.Is(err, ErrOption) || files != nil {
			t.Errorf("user %q: Plan: %d files, %v; want ErrOption", u, len(files), err)
		}
		var r recorder
		if err := Install(opts, &r); !errors.Is(err, ErrOption) {
			t.Errorf("user %q: Install: %v, want ErrOption", u, err)
		}
		if got := filesBelow(t, root, "/etc/systemd"); len(got) > 0 || len(r.cmds) > 0 {
			t.Errorf("user %q: Install wrote %v, ran %q", u, got, r.cmds)
		}
	}
	for _, u := range []string{"pi", "gridbox", "_gb", "a.b-c_1", strings.Repeat("a", 32)} {
		if err := checkUser(u); err != nil {
			t.Errorf("user %q refused: %v", u, err)
		}
	}
}

func TestRejectsBadBinary(t *testing.T) {
	for _, b := range []string{
		"", "gridbox", "bin/gridbox", "./gridbox", "~/gridbox", "/usr/local/bin/grid box",
		"/usr/local/bin/gridbox\nExecStartPre=/bin/sh", "/opt/%n/gridbox", "/opt/$HOME/gridbox",
		"/usr//bin/gridbox", "/usr/bin/../gridbox", "/usr/bin/", "/", `/usr/bin/"gridbox"`, `/usr/bin/grid\x20box`,
	} {
		opts, _ := newRoot(t)
		opts.Binary = b
		_, err := Plan(opts)
		if !errors.Is(err, ErrOption) || !strings.Contains(err.Error(), "binary") {
			t.Errorf("binary %q: Plan: %v, want ErrOption naming the binary", b, err)
		}
	}
	if err := checkUnitPath("binary", "/home/pi/go/bin/gridbox-1.2_arm64+rt@pi,v2~"); err != nil {
		t.Errorf("ordinary path refused: %v", err)
	}
}

func TestRejectsBadSet(t *testing.T) {
	for _, tc := range []struct{ set, why string }{
		{"live.toml", "absolute"},
		{"sets/live.toml", "absolute"},
		{"/tmp/live.toml", "PrivateTmp"},
		{"/var/tmp/sets/live.toml", "PrivateTmp"},
		{"/etc/gridbox/live.toml", "belongs to the system"},
		{"/usr/share/gridbox/live.toml", "belongs to the system"},
		{"/live.toml", "too broad"},
		{"/home/live.toml", "too broad"},
		{"/var/lib/live.toml", "too broad"},
		{"/home/pi/my sets/live.toml", "contains"},
		{"/home/pi/sets/live.toml\n", "contains"},
	} {
		opts, _ := newRoot(t)
		opts.Set = tc.set
		_, err := Plan(opts)
		if !errors.Is(err, ErrOption) || !strings.Contains(err.Error(), tc.why) {
			t.Errorf("set %q: Plan: %v, want ErrOption saying %q", tc.set, err, tc.why)
		}
	}
	for _, s := range []string{"/home/pi/sets/live.toml", "/var/lib/gridbox/live.toml", "/data/live.toml", "/media/pi/USB/sets/live.toml", "/home/pi/live.toml"} {
		if err := checkSet(s); err != nil {
			t.Errorf("set %q refused: %v", s, err)
		}
	}
}

func TestRejectsRelativeRootAndTinyMemLimit(t *testing.T) {
	opts, _ := newRoot(t)
	opts.Root = "tmp/pi"
	if _, err := Plan(opts); !errors.Is(err, ErrOption) {
		t.Errorf("relative root: %v, want ErrOption", err)
	}
	if err := Uninstall(opts, &recorder{}); !errors.Is(err, ErrOption) {
		t.Errorf("Uninstall, relative root: %v, want ErrOption", err)
	}
	opts, _ = newRoot(t)
	opts.MemLimit = 1 << 20
	if _, err := Plan(opts); !errors.Is(err, ErrOption) {
		t.Errorf("1 MiB memory limit: %v, want ErrOption", err)
	}
}

// TestCheckReportsEveryProblem: one run names all bad options.
func TestCheckReportsEveryProblem(t *testing.T) {
	err := checkOptions(Options{User: "a b", Binary: "gridbox", Set: "/tmp/x.toml", Root: "rel"})
	for _, want := range []string{"user", "binary", "set", "root"} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("error %v does not mention the %s", err, want)
		}
	}
}

func TestUserAndGroupFiles(t *testing.T) {
	_, root := newRoot(t)
	o := Options{Root: root}
	if err := lookupUser(o, "pi"); err != nil {
		t.Errorf("pi: %v", err)
	}
	if err := lookupUser(o, "p"); err == nil {
		t.Errorf("p (a prefix of pi) found")
	}
	if err := lookupGroup(o, "dialout"); err != nil {
		t.Errorf("dialout: %v", err)
	}
	os.Remove(filepath.Join(root, "etc/group"))
	if err := lookupGroup(o, "audio"); err == nil || !strings.Contains(err.Error(), "no such file") {
		t.Errorf("no etc/group: %v", err)
	}
}
