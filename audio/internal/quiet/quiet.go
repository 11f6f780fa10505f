// Package quiet keeps C libraries' start-up noise off the terminal.
//
// With no sound card, libasound and libjack print dozens of lines ("ALSA lib
// … cannot find card", "Cannot connect to server socket") straight to file
// descriptor 2, through no handler PortAudio or oto exposes. The audio
// backends run their library calls inside Stderr, keep what was printed for
// a verbose diagnostic, and tell the user one plain sentence instead.
package quiet

import (
	"io"
	"os"
)

// Stderr runs fn with file descriptor 2 redirected to an unlinked temporary
// file and returns what was written to it. It is process-wide: anything else
// written to stderr meanwhile is captured too. A file and not a pipe, so a
// chatty library can never block on a full pipe.
//
// A program that must be heard while such a call runs, or hangs, writes
// through its own duplicate of descriptor 2 (gridbox does).
//
// When the environment variable debugEnv is set, stderr is left alone: a
// crash inside a C library while stderr is captured would lose its message.
//
// Control side only; callers serialise their calls.
func Stderr(debugEnv string, fn func()) string {
	if os.Getenv(debugEnv) != "" {
		fn()
		return ""
	}
	f, err := os.CreateTemp("", "gridbox-stderr-*.log")
	if err != nil {
		fn()
		return ""
	}
	os.Remove(f.Name())
	defer f.Close()
	if !redirect(f, fn) {
		return ""
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return ""
	}
	b, _ := io.ReadAll(f)
	return string(b)
}
