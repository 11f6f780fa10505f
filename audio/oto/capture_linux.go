package oto

import (
	"io"
	"os"
	"syscall"
)

// captureStderr runs fn with file descriptor 2 pointing at an unlinked
// temporary file and returns what was written there.
//
// When no PulseAudio server answers, oto falls back to ALSA through
// libasound, which prints its errors ("ALSA lib … Unknown PCM …") straight to
// fd 2. Redirecting the descriptor while oto starts catches them. It is
// process-wide: anything else written to stderr meanwhile is captured too
// (and kept in Log). A file and not a pipe, so a chatty library can never
// block on a full pipe. The same technique as audio/portaudio's capture.go.
//
// Setting GRIDBOX_OTO_STDERR=1 leaves stderr alone, for debugging.
//
// Control side only; callers hold ctxMu.
func captureStderr(fn func()) string {
	if os.Getenv("GRIDBOX_OTO_STDERR") != "" {
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
