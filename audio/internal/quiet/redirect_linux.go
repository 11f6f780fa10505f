package quiet

import (
	"os"
	"syscall"
)

// redirect runs fn with fd 2 pointing at f; it reports whether it could.
func redirect(f *os.File, fn func()) bool {
	saved, err := syscall.Dup(2)
	if err != nil {
		fn()
		return false
	}
	defer syscall.Close(saved)
	if err := syscall.Dup3(int(f.Fd()), 2, 0); err != nil {
		fn()
		return false
	}
	defer syscall.Dup3(saved, 2, 0) // restored even if fn panics
	fn()
	return true
}
