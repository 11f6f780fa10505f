package testlock

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"
)

// A second process waits while the first holds the lock, and goes on once
// it is let go.
func TestExclusiveAcrossProcesses(t *testing.T) {
	// A lock file of its own: the test processes of the run beside it
	// (browser and JACK tests) take the shared one.
	if f := os.Getenv("TESTLOCK_CHILD"); f != "" {
		where = f
		Exclusive(t)
		return
	}
	where = filepath.Join(t.TempDir(), "lock")
	done := make(chan error, 1)
	t.Run("hold", func(t *testing.T) {
		Exclusive(t)
		Exclusive(t) // again, in the same process: no wait
		child := exec.Command(os.Args[0], "-test.run", "^TestExclusiveAcrossProcesses$")
		child.Env = append(os.Environ(), "TESTLOCK_CHILD="+where)
		if err := child.Start(); err != nil {
			t.Fatal(err)
		}
		go func() { done <- child.Wait() }()
		select {
		case err := <-done:
			t.Fatalf("the child took the lock while it was held (%v)", err)
		case <-time.After(300 * time.Millisecond):
		}
	}) // its cleanups let the lock go
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("the child, once the lock was free: %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the child still waits 10 s after the lock was let go")
	}
}
