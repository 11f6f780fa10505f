package main

import (
	"os"
	"syscall"

	"golang.org/x/term"
)

func isTerminal(f *os.File) bool { return term.IsTerminal(int(f.Fd())) }

// processEnv is the gridbox process's env. Its stderr is a duplicate of
// file descriptor 2 made before any audio library is called: the audio
// backends point descriptor 2 elsewhere around those libraries' calls to
// keep their noise off the terminal (audio/internal/quiet), and gridbox's
// own messages, printed meanwhile from other goroutines, must not vanish
// with it.
func processEnv() *env {
	stderr := os.Stderr
	if fd, err := syscall.Dup(2); err == nil {
		syscall.CloseOnExec(fd)
		stderr = os.NewFile(uintptr(fd), "/dev/stderr")
	}
	return &env{stdout: os.Stdout, stderr: stderr, stderrTTY: isTerminal(stderr)}
}
