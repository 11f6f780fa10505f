//go:build portaudio

package portaudio

import (
	"io"
	"os"
	"syscall"
)

// captureStderr runs fn with file descriptor 2 pointing at an unlinked
// temporary file and returns what was written there.
//
// PortAudio's initialisation probes every ALSA card and the JACK server, and
// with no sound card libasound and libjack print ~60 lines ("ALSA lib …
// cannot find card", "Cannot connect to server socket") straight to fd 2,
// not through any handler PortAudio exposes. Redirecting the descriptor is
// the one place that catches all of them. It is process-wide: anything else
// written to stderr during fn is captured too (and kept in Log). A file and
// not a pipe, so a chatty library can never block on a full pipe.
//
// Setting GRIDBOX_PORTAUDIO_STDERR=1 leaves stderr alone: a crash inside a
// C library while stderr is captured would otherwise lose its message.
//
// Control side only; callers hold mu.
func captureStderr(fn func()) string {
	if os.Getenv("GRIDBOX_PORTAUDIO_STDERR") != "" {
		fn()
		return ""
	}
	f, err := os.CreateTemp("", "gridbox-portaudio-*.log")
	if err != nil {
		fn()
		return ""
	}
	os.Remove(f.Name())
	defer f.Close()
	saved, err := syscall.Dup(2)
	if err != nil {
		fn()
		return ""
	}
	defer syscall.Close(saved)
	if err := syscall.Dup3(int(f.Fd()), 2, 0); err != nil {
		fn()
		return ""
	}
	fn()
	syscall.Dup3(saved, 2, 0)
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return ""
	}
	b, _ := io.ReadAll(f)
	return string(b)
}
