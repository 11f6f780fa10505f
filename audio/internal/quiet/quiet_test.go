package quiet

import (
	"os"
	"runtime"
	"syscall"
	"testing"
)

func TestStderrCapturesFD2(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("stderr is only redirected on Linux")
	}
	got := Stderr("GRIDBOX_QUIET_TEST_UNSET", func() {
		syscall.Write(2, []byte("ALSA lib noise\n"))
	})
	if got != "ALSA lib noise\n" {
		t.Fatalf("captured %q", got)
	}
	t.Setenv("GRIDBOX_QUIET_TEST", "1")
	if got := Stderr("GRIDBOX_QUIET_TEST", func() {}); got != "" {
		t.Fatalf("debug mode captured %q", got)
	}
	if _, err := os.Stderr.Stat(); err != nil {
		t.Fatalf("stderr not restored: %v", err)
	}
}
