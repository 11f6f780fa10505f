package install

import (
	"bytes"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// filesBelow lists the regular files below root/dir as target paths, with
// their permission bits.
func filesBelow(t *testing.T, root, dir string) map[string]fs.FileMode {
	t.Helper()
	got := map[string]fs.FileMode{}
	base := filepath.Join(root, dir)
	err := filepath.WalkDir(base, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		fi, err := d.Info()
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, p)
		got["/"+filepath.ToSlash(rel)] = fi.Mode()
		return nil
	})
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		t.Fatal(err)
	}
	return got
}

func TestInstallWritesFilesAndRunsCommands(t *testing.T) {
	opts, root := newRoot(t)
	planned, err := Plan(opts)
	if err != nil {
		t.Fatal(err)
	}
	if got := len(planned); got != 3 {
		t.Fatalf("Plan: %d files, want 3", got)
	}
	var r recorder
	if err := Install(opts, &r); err != nil {
		t.Fatal(err)
	}
	got := filesBelow(t, root, "/etc")
	delete(got, "/etc/passwd")
	delete(got, "/etc/group")
	want := map[string]fs.FileMode{UnitPath: 0o644, RulesPath: 0o644, ConfigPath: 0o644}
	if len(got) != len(want) {
		t.Errorf("files in /etc: got %v, want %v (no temporary files left)", got, want)
	}
	for p, mode := range want {
		if got[p] != mode {
			t.Errorf("%s: mode %v, want %v", p, got[p], mode)
		}
		b, err := os.ReadFile(filepath.Join(root, p))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(b, fileOf(t, planned, p).Content) {
			t.Errorf("%s differs from what Plan returned", p)
		}
	}
	wantCmds := []string{
		"usermod --root " + root + " -aG audio,dialout pi",
		"systemctl --root=" + root + " enable gridbox.service",
	}
	if !slices.Equal(r.cmds, wantCmds) {
		t.Errorf("commands:\n got %q\nwant %q", r.cmds, wantCmds)
	}
}

// TestInstallCommandsOnThisSystem: on the running system the devices get
// their permissions before the service starts, and a reinstall restarts a
// running service.
func TestInstallCommandsOnThisSystem(t *testing.T) {
	want := []string{
		"udevadm control --reload",
		"udevadm trigger --subsystem-match=usb --subsystem-match=sound --subsystem-match=tty",
		"usermod -aG audio,dialout pi",
		"systemctl daemon-reload",
		"systemctl enable --now gridbox.service",
	}
	for _, root := range []string{"", "/"} {
		for _, reinstall := range []bool{false, true} {
			var got []string
			for _, c := range installCommands(Options{User: "pi", Root: root}, []string{"audio", "dialout"}, reinstall) {
				got = append(got, c.String())
			}
			w := want
			if reinstall {
				w = append(slices.Clip(want), "systemctl try-restart gridbox.service")
			}
			if !slices.Equal(got, w) {
				t.Errorf("root %q, reinstall %v:\n got %q\nwant %q", root, reinstall, got, w)
			}
		}
	}
}

// TestInstallGPIOGroup: where the system has a gpio group (Raspberry Pi
// OS) the service and the user get it too; elsewhere it is not named.
func TestInstallGPIOGroup(t *testing.T) {
	opts, root := newRoot(t)
	put(t, root, "/etc/group", "audio:x:29:pi\ndialout:x:20:\ngpio:x:997:pi\n", 0o644)
	var r recorder
	if err := Install(opts, &r); err != nil {
		t.Fatal(err)
	}
	unit, _ := os.ReadFile(filepath.Join(root, UnitPath))
	if !strings.Contains(string(unit), "\nSupplementaryGroups=audio dialout gpio\n") {
		t.Errorf("unit does not add group gpio")
	}
	if want := "usermod --root " + root + " -aG audio,dialout,gpio pi"; len(r.cmds) == 0 || r.cmds[0] != want {
		t.Errorf("commands %q, want %q first", r.cmds, want)
	}
}

func TestInstallTwiceIsAReinstall(t *testing.T) {
	opts, _ := newRoot(t)
	p, err := makePlan(opts)
	if err != nil {
		t.Fatal(err)
	}
	if p.reinstall {
		t.Errorf("first install counted as a reinstall")
	}
	if err := Install(opts, &recorder{}); err != nil {
		t.Fatal(err)
	}
	p, err = makePlan(opts)
	if err != nil {
		t.Fatal(err)
	}
	if !p.reinstall || len(p.files) != 2 || !slices.Equal(p.kept, []string{ConfigPath}) {
		t.Errorf("second plan: reinstall %v, %d files, kept %q; want true, 2 (no config), [config]", p.reinstall, len(p.files), p.kept)
	}
	if err := Install(opts, &recorder{}); err != nil {
		t.Errorf("second install: %v", err)
	}
}

func TestInstallKeepsExistingConfig(t *testing.T) {
	opts, root := newRoot(t)
	mine := "# my config\nset = \"/home/pi/sets/live.toml\" # the gig\nblock = 64\n"
	put(t, root, ConfigPath, mine, 0o600)
	files, err := Plan(opts)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		if f.Path == ConfigPath {
			t.Errorf("Plan would write %s over the user's", ConfigPath)
		}
	}
	if err := Install(opts, &recorder{}); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(filepath.Join(root, ConfigPath))
	if err != nil {
		t.Fatal(err)
	}
	if string(b) != mine {
		t.Errorf("config changed to:\n%s", b)
	}
	if fi, _ := os.Stat(filepath.Join(root, ConfigPath)); fi.Mode().Perm() != 0o600 {
		t.Errorf("config mode changed to %v", fi.Mode())
	}
}

// TestInstallSetFromConfig: on a reinstall without a set the config's set
// is the one the unit lets the service write next to.
func TestInstallSetFromConfig(t *testing.T) {
	opts, root := newRoot(t)
	put(t, root, "/data/gig/live.toml", "", 0o644)
	put(t, root, ConfigPath, "set = '/data/gig/live.toml'\n", 0o644)
	opts.Set = ""
	if err := Install(opts, &recorder{}); err != nil {
		t.Fatal(err)
	}
	unit, err := os.ReadFile(filepath.Join(root, UnitPath))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(unit), "\nReadWritePaths=-/data/gig\n") {
		t.Errorf("unit does not let the service write in the config's set folder:\n%s", unit)
	}
}

// TestInstallSetLast: set = "last" plays whatever was played last, so the
// unit can open no set folder beyond /var/lib/gridbox, and there is no set
// file to check; a relative set is read as config does, from
// /etc/gridbox, and refused there.
func TestInstallSetLast(t *testing.T) {
	opts, root := newRoot(t)
	opts.Set = SetLast
	if err := Install(opts, &recorder{}); err != nil {
		t.Fatal(err)
	}
	unit, _ := os.ReadFile(filepath.Join(root, UnitPath))
	cfg, _ := os.ReadFile(filepath.Join(root, ConfigPath))
	if strings.Count(string(unit), "\nReadWritePaths=") != 1 || !strings.Contains(string(cfg), "\nset = \"last\"\n") {
		t.Errorf("set last: unit or config wrong:\n%s\n%s", unit, cfg)
	}
	opts.Set = ""
	if err := Install(opts, &recorder{}); err != nil {
		t.Errorf("reinstall with the config's set = \"last\": %v", err)
	}
	put(t, root, ConfigPath, "set = \"sets/live.toml\"\n", 0o644)
	if _, err := Plan(opts); !errors.Is(err, ErrOption) || !strings.Contains(err.Error(), "/etc/gridbox/sets/live.toml") {
		t.Errorf("relative set in the config: %v, want ErrOption for /etc/gridbox/sets/live.toml", err)
	}
}

func TestInstallRefusesAnotherSetThanTheConfigs(t *testing.T) {
	opts, root := newRoot(t)
	put(t, root, ConfigPath, "set = \"/home/pi/sets/other.toml\"\n", 0o644)
	var r recorder
	err := Install(opts, &r)
	if !errors.Is(err, ErrOption) || !strings.Contains(err.Error(), "/home/pi/sets/other.toml") {
		t.Fatalf("Install: %v, want ErrOption naming the config's set", err)
	}
	if _, err := os.Stat(filepath.Join(root, UnitPath)); err == nil || len(r.cmds) > 0 {
		t.Errorf("Install wrote the unit or ran %q after refusing", r.cmds)
	}
}

func TestInstallNeedsASet(t *testing.T) {
	opts, root := newRoot(t)
	opts.Set = ""
	if _, err := Plan(opts); !errors.Is(err, ErrOption) {
		t.Errorf("no set, no config: Plan: %v, want ErrOption", err)
	}
	put(t, root, ConfigPath, "# set = \"/home/pi/sets/live.toml\"\n", 0o644)
	if _, err := Plan(opts); !errors.Is(err, ErrOption) {
		t.Errorf("no set, config without one: Plan: %v, want ErrOption", err)
	}
}

func TestInstallRefusesWithoutRoot(t *testing.T) {
	for _, root := range []string{"", "/"} {
		var r recorder
		opts := Options{User: "pi", Set: "/home/pi/sets/live.toml", Binary: "/usr/local/bin/gridbox", Root: root, euid: func() int { return 1000 }, token: func() string { return "k7dqz3mh9xwe" }}
		err := Install(opts, &r)
		if !errors.Is(err, ErrNotRoot) || !strings.Contains(err.Error(), "sudo gridbox install") {
			t.Errorf("root %q: Install as uid 1000: %v, want ErrNotRoot with the sudo hint", root, err)
		}
		if err := Uninstall(opts, &r); !errors.Is(err, ErrNotRoot) {
			t.Errorf("root %q: Uninstall as uid 1000: %v, want ErrNotRoot", root, err)
		}
		if len(r.cmds) > 0 {
			t.Errorf("ran %q without root", r.cmds)
		}
	}
}

// TestInstallChecksBeforeWriting: what would only make the service fail to
// start, again every second, stops Install before it writes or runs
// anything.
func TestInstallChecksBeforeWriting(t *testing.T) {
	for _, tc := range []struct {
		name  string
		spoil func(o *Options, root string)
		want  string
	}{
		{"no binary", func(o *Options, root string) { os.Remove(filepath.Join(root, "usr/local/bin/gridbox")) }, "binary /usr/local/bin/gridbox"},
		{"binary not executable", func(o *Options, root string) { os.Chmod(filepath.Join(root, "usr/local/bin/gridbox"), 0o644) }, "not an executable"},
		{"no set", func(o *Options, root string) { o.Set = "/home/pi/sets/gone.toml" }, "set /home/pi/sets/gone.toml"},
		{"set is a folder", func(o *Options, root string) {
			os.MkdirAll(filepath.Join(root, "home/pi/sets/dir.toml"), 0o755)
			o.Set = "/home/pi/sets/dir.toml"
		}, "is a directory"},
		{"no such user", func(o *Options, root string) { o.User = "alice" }, "user alice"},
		{"user with uid 0", func(o *Options, root string) {
			put(t, root, "/etc/passwd", "toor:x:0:0::/root:/bin/sh\n", 0o644)
			o.User = "toor"
		}, "uid 0"},
		{"no dialout group", func(o *Options, root string) { put(t, root, "/etc/group", "audio:x:29:\n", 0o644) }, "group dialout"},
	} {
		opts, root := newRoot(t)
		tc.spoil(&opts, root)
		var r recorder
		err := Install(opts, &r)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: Install: %v, want an error with %q", tc.name, err, tc.want)
		}
		if got := filesBelow(t, root, "/etc/systemd"); len(got) > 0 || len(r.cmds) > 0 {
			t.Errorf("%s: Install wrote %v and ran %q", tc.name, got, r.cmds)
		}
	}
}

func TestInstallStopsAtAFailedCommand(t *testing.T) {
	opts, root := newRoot(t)
	r := recorder{fail: "usermod --root " + root + " -aG audio,dialout pi"}
	err := Install(opts, &r)
	if err == nil || !strings.Contains(err.Error(), "usermod") {
		t.Fatalf("Install: %v, want the usermod failure", err)
	}
	if len(r.cmds) != 1 {
		t.Errorf("ran %q after a failure", r.cmds)
	}
}

func TestUninstallKeepsTheUsersData(t *testing.T) {
	opts, root := newRoot(t)
	if err := Install(opts, &recorder{}); err != nil {
		t.Fatal(err)
	}
	put(t, root, "/var/lib/gridbox/recovery.toml", "x", 0o644)
	var r recorder
	if err := Uninstall(Options{Root: root, euid: opts.euid}, &r); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{UnitPath, RulesPath} {
		if _, err := os.Stat(filepath.Join(root, p)); !errors.Is(err, fs.ErrNotExist) {
			t.Errorf("%s still there (%v)", p, err)
		}
	}
	for _, p := range []string{ConfigPath, "/var/lib/gridbox/recovery.toml", opts.Set, opts.Binary} {
		if _, err := os.Stat(filepath.Join(root, p)); err != nil {
			t.Errorf("%s removed: %v", p, err)
		}
	}
	if want := []string{"systemctl --root=" + root + " disable gridbox.service"}; !slices.Equal(r.cmds, want) {
		t.Errorf("commands: got %q, want %q", r.cmds, want)
	}
	r.cmds = nil
	if err := Uninstall(Options{Root: root, euid: opts.euid}, &r); err != nil || len(r.cmds) > 0 {
		t.Errorf("second Uninstall: %v, ran %q; want nothing to do", err, r.cmds)
	}
}

func TestUninstallCommandsOnThisSystem(t *testing.T) {
	str := func(cs []Command) []string {
		var s []string
		for _, c := range cs {
			s = append(s, c.String())
		}
		return s
	}
	stop, after := uninstallCommands(Options{}, true)
	if got, want := str(stop), []string{"systemctl disable --now gridbox.service"}; !slices.Equal(got, want) {
		t.Errorf("stop: got %q, want %q", got, want)
	}
	if got, want := str(after), []string{"systemctl daemon-reload", "udevadm control --reload"}; !slices.Equal(got, want) {
		t.Errorf("after: got %q, want %q", got, want)
	}
	if stop, _ := uninstallCommands(Options{}, false); len(stop) > 0 {
		t.Errorf("with no unit: stop %q, want nothing", str(stop))
	}
}

func TestUninstallStopsWhenDisableFails(t *testing.T) {
	opts, root := newRoot(t)
	if err := Install(opts, &recorder{}); err != nil {
		t.Fatal(err)
	}
	r := recorder{fail: "systemctl --root=" + root + " disable gridbox.service"}
	if err := Uninstall(opts, &r); err == nil {
		t.Fatal("Uninstall succeeded with a failing disable")
	}
	if _, err := os.Stat(filepath.Join(root, UnitPath)); err != nil {
		t.Errorf("unit removed although the service was not disabled: %v", err)
	}
}

func TestDryRun(t *testing.T) {
	opts, root := newRoot(t)
	files, err := Plan(opts)
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	if err := DryRun(opts, &out); err != nil {
		t.Fatal(err)
	}
	s := out.String()
	last := 0
	for _, want := range []string{
		"# write /etc/systemd/system/gridbox.service, mode 0644:\n" + string(fileOf(t, files, UnitPath).Content),
		"# write /etc/udev/rules.d/70-gridbox.rules, mode 0644:\n" + string(fileOf(t, files, RulesPath).Content),
		"# write (only while absent; never replaced) /etc/gridbox/config.toml, mode 0644:\n" + string(fileOf(t, files, ConfigPath).Content),
		"# then run:\nusermod --root " + root + " -aG audio,dialout pi\nsystemctl --root=" + root + " enable gridbox.service\n",
	} {
		i := strings.Index(s[last:], want)
		if i < 0 {
			t.Fatalf("dry run lacks, after byte %d:\n%s\n--- in:\n%s", last, want, s)
		}
		last += i + len(want)
	}
	if got := filesBelow(t, root, "/etc/systemd"); len(got) > 0 {
		t.Errorf("dry run wrote %v", got)
	}

	put(t, root, ConfigPath, "set = \"/home/pi/sets/live.toml\"\n", 0o644)
	os.Remove(filepath.Join(root, "usr/local/bin/gridbox"))
	out.Reset()
	err = DryRun(opts, &out)
	if err == nil || !strings.Contains(err.Error(), "binary") {
		t.Errorf("dry run without the binary: %v, want its error", err)
	}
	if s := out.String(); !strings.Contains(s, "# keep /etc/gridbox/config.toml as it is") || !strings.Contains(s, "\n# install would refuse: install: binary /usr/local/bin/gridbox") {
		t.Errorf("dry run does not say it keeps the config and why install would refuse:\n%s", s)
	}
}

func TestCommandString(t *testing.T) {
	if got := (Command{"systemctl", []string{"enable", "--now", "gridbox.service"}}).String(); got != "systemctl enable --now gridbox.service" {
		t.Errorf("got %q", got)
	}
}
