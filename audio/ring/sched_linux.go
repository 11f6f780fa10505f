package ring

import (
	"syscall"
	"time"
	"unsafe"
)

// setFIFO switches the calling OS thread (and only it: tid 0 means "this
// thread" to sched_setscheduler) to SCHED_FIFO at prio. The caller must have
// locked its goroutine to the thread.
func setFIFO(prio int) error {
	const schedFIFO = 1
	param := struct{ priority int32 }{int32(prio)}
	_, _, errno := syscall.RawSyscall(syscall.SYS_SCHED_SETSCHEDULER, 0, schedFIFO, uintptr(unsafe.Pointer(&param)))
	if errno != 0 {
		return errno
	}
	return nil
}

// threadSleeper blocks the calling OS thread in nanosleep(2). Its timespecs
// live in the Filler, so passing their addresses to the kernel does not make
// anything escape per call.
type threadSleeper struct{ req, rem syscall.Timespec }

// sleep blocks this thread for d, resuming after signals (EINTR) with the
// time that was left.
func (s *threadSleeper) sleep(d time.Duration) {
	s.req = syscall.NsecToTimespec(int64(d))
	for syscall.Nanosleep(&s.req, &s.rem) == syscall.EINTR {
		s.req = s.rem
	}
}
