// Package testlock lets the tests that need the machine's time to
// themselves take turns across the test binaries "go test ./..." runs at
// once: a JACK server held to real time, a headless browser. A browser's
// start-up beside a real-time run made the JACK dummy server miss its
// deadlines on a 2-core machine.
package testlock

import (
	"os"
	"path/filepath"
	"sync"
	"syscall"
	"testing"
)

var (
	mu    sync.Mutex
	held  int      // this process's holders
	file  *os.File // the lock file while held
	where = filepath.Join(os.TempDir(), "gridbox-tests-exclusive.lock")
)

// Exclusive waits until no other test process holds the lock, then holds
// it until t's cleanup. Tests of one process share it (a test may take it
// again, as a retry that starts a second server does); they are one
// process's to order.
func Exclusive(t testing.TB) {
	t.Helper()
	mu.Lock()
	defer mu.Unlock()
	if held == 0 {
		f, err := os.OpenFile(where, os.O_CREATE|os.O_RDWR, 0o666)
		if err != nil {
			t.Logf("testlock: %v: not waiting for other test processes", err)
			return
		}
		if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX); err != nil {
			f.Close()
			t.Logf("testlock: %v: not waiting for other test processes", err)
			return
		}
		file = f
	}
	held++
	t.Cleanup(func() {
		mu.Lock()
		defer mu.Unlock()
		if held--; held == 0 {
			file.Close() // releases the lock
			file = nil
		}
	})
}
