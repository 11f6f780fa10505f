package main

import (
	"strings"
	"testing"
)

// calibrate is listed, its help names its flags, and its flag mistakes are
// usage errors (exit 2).
func TestCalibrateHelp(t *testing.T) {
	if code, stdout, _ := gridbox(t, "help"); code != 0 || !strings.Contains(stdout, "gridbox calibrate ") {
		t.Errorf("help: exit %d, calibrate not listed:\n%s", code, stdout)
	}
	code, stdout, stderr := gridbox(t, "calibrate", "--help")
	if code != 0 {
		t.Errorf("calibrate --help: exit %d", code)
	}
	for _, want := range []string{"Usage: gridbox calibrate", "loopback", "latency_offset", "-device NAME", "-input-device NAME", "-channel N", "-dry-run", "-config file"} {
		if !strings.Contains(stdout+stderr, want) {
			t.Errorf("calibrate --help does not say %q:\n%s%s", want, stdout, stderr)
		}
	}
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"calibrate", "--channel", "0"}, "gridbox calibrate: --channel 0 is out of range: give 1 to 64"},
		{[]string{"calibrate", "--channel", "65"}, "--channel 65 is out of range"},
		{[]string{"calibrate", "set.toml"}, `unexpected argument "set.toml"`},
		{[]string{"calibrate", "--offset", "3"}, "flag provided but not defined: -offset"},
	} {
		if code, stdout, stderr := gridbox(t, c.args...); code != 2 || !strings.Contains(stderr, c.want) {
			t.Errorf("gridbox %q: exit %d, want 2 and %q:\n%s%s", c.args, code, c.want, stdout, stderr)
		}
	}
}
