//go:build !portaudio

package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Without PortAudio, calibrate says it needs it (the other backends have no
// input) and writes nothing.
func TestCalibrateWithoutPortAudio(t *testing.T) {
	file := filepath.Join(t.TempDir(), "config.toml")
	code, stdout, stderr := gridbox(t, "calibrate", "--config", file)
	if code != 1 || !strings.Contains(stderr, "gridbox calibrate: calibrate needs PortAudio") {
		t.Errorf("exit %d:\n%s%s", code, stdout, stderr)
	}
	if _, err := os.Stat(file); !os.IsNotExist(err) {
		t.Errorf("%s: %v, want it not written", file, err)
	}
}
