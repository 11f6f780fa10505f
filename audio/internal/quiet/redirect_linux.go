package quiet

import (
	"os"
	"sync"
	"syscall"
	"time"
)

// redirect runs fn with fd 2 pointing at f, for at most limit; it reports
// whether it could.
func redirect(f *os.File, fn func(), limit time.Duration) bool {
	saved, err := syscall.Dup(2)
	if err != nil {
		fn()
		return false
	}
	if err := syscall.Dup3(int(f.Fd()), 2, 0); err != nil {
		syscall.Close(saved)
		fn()
		return false
	}
	var once sync.Once
	restore := func() {
		once.Do(func() {
			syscall.Dup3(saved, 2, 0)
			syscall.Close(saved)
		})
	}
	t := time.AfterFunc(limit, restore) // fn hangs: give stderr back anyway
	defer func() {
		t.Stop()
		restore() // even if fn panics
	}()
	fn()
	return true
}
