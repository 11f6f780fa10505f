package show

import (
	"runtime"

	"golang.org/x/sys/unix"
)

// backgroundThread locks the calling goroutine to its OS thread and lowers
// that thread's priority (nice 10), so that the kernel lets the render
// thread run first: for the streamer, which reads the disk in bursts.
func backgroundThread() {
	runtime.LockOSThread()
	unix.Setpriority(unix.PRIO_PROCESS, unix.Gettid(), 10) // best effort
}
