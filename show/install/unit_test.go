package install

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func planUnit(t *testing.T, opts Options) string {
	t.Helper()
	files, err := Plan(opts)
	if err != nil {
		t.Fatal(err)
	}
	return string(fileOf(t, files, UnitPath).Content)
}

// TestUnitDirectives checks every directive the service depends on, each
// exactly once and in its section.
func TestUnitDirectives(t *testing.T) {
	opts, _ := newRoot(t)
	ds := parseUnit(t, planUnit(t, opts))
	want := []directive{
		{"Unit", "After", "sound.target local-fs.target"},
		{"Unit", "StartLimitIntervalSec", "0"},
		{"Service", "Type", "notify"},
		{"Service", "NotifyAccess", "main"},
		{"Service", "WatchdogSec", "5s"},
		{"Service", "Restart", "always"},
		{"Service", "RestartSec", "1"},
		{"Service", "KillSignal", "SIGTERM"},
		{"Service", "TimeoutStopSec", "10"},
		{"Service", "User", "pi"},
		{"Service", "Group", "audio"},
		{"Service", "SupplementaryGroups", "audio dialout"},
		{"Service", "LimitRTPRIO", "95"},
		{"Service", "LimitMEMLOCK", "infinity"},
		{"Service", "Environment", "GOGC=200 GOMEMLIMIT=695MiB"},
		{"Service", "ExecStart", "/usr/local/bin/gridbox play --config /etc/gridbox/config.toml"},
		{"Service", "ExecReload", "/bin/kill -USR1 $MAINPID"},
		{"Service", "ProtectSystem", "strict"},
		{"Service", "StateDirectory", "gridbox"},
		{"Service", "ProtectHome", "read-only"},
		{"Service", "NoNewPrivileges", "yes"},
		{"Service", "PrivateTmp", "yes"},
		{"Install", "WantedBy", "multi-user.target"},
	}
	for _, w := range want {
		var got []directive
		for _, d := range ds {
			if d.key == w.key {
				got = append(got, d)
			}
		}
		if len(got) != 1 || got[0] != w {
			t.Errorf("%s=: got %v, want exactly [%s] %s=%s", w.key, got, w.section, w.key, w.value)
		}
	}
	var rw []string
	for _, d := range ds {
		if d.key == "ReadWritePaths" {
			rw = append(rw, d.value)
		}
	}
	if !slices.Equal(rw, []string{"/var/lib/gridbox", "-/home/pi/sets"}) {
		t.Errorf("ReadWritePaths: got %q, want the state directory and the set's folder", rw)
	}
}

// TestUnitLeavesOutWhatBreaksAudio: the unit must not make the whole Go
// runtime realtime, and must not hide or fence off devices or forbid
// SCHED_FIFO.
func TestUnitLeavesOutWhatBreaksAudio(t *testing.T) {
	opts, _ := newRoot(t)
	unit := planUnit(t, opts)
	banned := []string{"CPUSchedulingPolicy", "CPUSchedulingPriority", "CPUSchedulingResetOnFork",
		"PrivateDevices", "DevicePolicy", "DeviceAllow", "ProtectClock", "RestrictRealtime",
		"SystemCallArchitectures", "RestrictAddressFamilies", "KillMode"}
	for _, d := range parseUnit(t, unit) {
		if slices.Contains(banned, d.key) {
			t.Errorf("unit sets %s=%s", d.key, d.value)
		}
	}
	if !strings.Contains(unit, "no\n# CPUSchedulingPolicy=") {
		t.Errorf("unit does not say why it has no CPUSchedulingPolicy=")
	}
}

// TestUnitValuesHaveNoTrailingComments: systemd would read a trailing
// "# ..." or "; ..." as part of the value.
func TestUnitValuesHaveNoTrailingComments(t *testing.T) {
	opts, _ := newRoot(t)
	for _, d := range parseUnit(t, planUnit(t, opts)) {
		if strings.ContainsAny(d.value, "#;") {
			t.Errorf("%s=%s: comment in a value", d.key, d.value)
		}
	}
}

// TestUnitSetFolder: a set below the state directory needs no second
// writable path; one elsewhere gets its folder, allowed to be missing.
func TestUnitSetFolder(t *testing.T) {
	for _, tc := range []struct{ set, want string }{
		{"last", "ReadWritePaths=/var/lib/gridbox\n"},
		{"/var/lib/gridbox/live.toml", "ReadWritePaths=/var/lib/gridbox\n"},
		{"/var/lib/gridbox/sets/live.toml", "ReadWritePaths=/var/lib/gridbox\n"},
		{"/var/lib/gridbox2/live.toml", "ReadWritePaths=/var/lib/gridbox\n# The set's folder, for its state and recordings; \"-\": may be missing.\nReadWritePaths=-/var/lib/gridbox2\n"},
		{"/data/sets/a/live.toml", "ReadWritePaths=/var/lib/gridbox\n# The set's folder, for its state and recordings; \"-\": may be missing.\nReadWritePaths=-/data/sets/a\n"},
	} {
		unit, err := unitText("pi", "/usr/bin/gridbox", tc.set, []string{"audio"}, testMemLimit)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(string(unit), "StateDirectory=gridbox\n"+tc.want+"ProtectHome=") {
			t.Errorf("set %s: writable paths are not\n%s", tc.set, tc.want)
		}
	}
}

// TestUnitGolden pins the whole unit for review.
func TestUnitGolden(t *testing.T) {
	opts, _ := newRoot(t)
	golden(t, "gridbox.service.golden", []byte(planUnit(t, opts)))
}

func TestMemLimit(t *testing.T) {
	for _, tc := range []struct {
		memTotalKB int64
		wantMiB    int64
	}{
		{949448, 695},   // about what a 1 GB Pi reports
		{1917292, 1404}, // 2 GB
		{3882396, 2843}, // 4 GB
		{8245744, 6039}, // 8 GB
		{50000, 64},     // floor
	} {
		meminfo := fmt.Sprintf("MemTotal:       %d kB\nMemFree:          123456 kB\n", tc.memTotalKB)
		total, err := parseMemTotal([]byte(meminfo))
		if err != nil {
			t.Fatal(err)
		}
		if got := memLimit(total); got != tc.wantMiB<<20 {
			t.Errorf("MemTotal %d kB: GOMEMLIMIT %d MiB (+%d B), want %d MiB", tc.memTotalKB, got>>20, got%(1<<20), tc.wantMiB)
		}
	}
	for _, bad := range []string{"", "MemFree: 1 kB\n", "MemTotal: 12 MB\n", "MemTotal: x kB\n", "MemTotal: -5 kB\n"} {
		if _, err := parseMemTotal([]byte(bad)); err == nil {
			t.Errorf("parseMemTotal(%q) succeeded", bad)
		}
	}
}

// TestPlanMemLimitFromThisMachine: with MemLimit 0 the unit gets 3/4 of
// this machine's memory.
func TestPlanMemLimitFromThisMachine(t *testing.T) {
	b, err := os.ReadFile("/proc/meminfo")
	if err != nil {
		t.Skip("no /proc/meminfo here")
	}
	total, err := parseMemTotal(b)
	if err != nil {
		t.Fatal(err)
	}
	opts, _ := newRoot(t)
	opts.MemLimit = 0
	want := fmt.Sprintf("Environment=GOGC=200 GOMEMLIMIT=%dMiB\n", total/4*3>>20)
	if unit := planUnit(t, opts); !strings.Contains(unit, want) {
		t.Errorf("unit lacks %q", want)
	}
}

// TestUnitSystemdAnalyzeVerify runs systemd's own checker on the unit, when
// this machine has it.
func TestUnitSystemdAnalyzeVerify(t *testing.T) {
	sa, err := exec.LookPath("systemd-analyze")
	if err != nil {
		t.Skip("systemd-analyze is not installed (scripts/setup.sh --test installs systemd)")
	}
	dir := t.TempDir()
	bin := filepath.Join(dir, "gridbox")
	if err := os.WriteFile(bin, []byte("#!/bin/sh\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	unit, err := unitText("pi", bin, "/home/pi/sets/live.toml", []string{"audio", "dialout", "gpio"}, testMemLimit)
	if err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(dir, unitName)
	if err := os.WriteFile(p, unit, 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(sa, "verify", "--man=no", p).CombinedOutput()
	t.Logf("systemd-analyze verify:\n%s", out)
	if err != nil {
		t.Fatalf("systemd-analyze verify: %v\n%s", err, out)
	}
	for _, line := range strings.Split(string(out), "\n") {
		if strings.Contains(line, unitName) || strings.Contains(line, p) {
			t.Errorf("systemd-analyze verify complains about the unit: %s", line)
		}
	}
}
