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
	"time"
)

// Limit is the longest Stderr keeps stderr captured: half the time after
// which a backend call counts as hung (audio/supervise), so the message
// saying so is not captured.
const Limit = time.Second

// Stderr runs fn with file descriptor 2 redirected to an unlinked temporary
// file and returns what was written to it. It is process-wide: anything else
// written to stderr meanwhile is captured too. A file and not a pipe, so a
// chatty library can never block on a full pipe.
//
// If fn runs longer than Limit (a call into a hung sound system), stderr
// is given back then, so the program's own messages are not swallowed;
// what the library prints later reaches the real stderr.
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
	if !redirect(f, fn, Limit) {
		return ""
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return ""
	}
	b, _ := io.ReadAll(f)
	return string(b)
}
