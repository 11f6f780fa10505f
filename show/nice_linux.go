package show

import "syscall"

// lowestPriority gives the calling OS thread the lowest scheduling
// priority (nice 19), so that background work on it (making take buffers)
// yields to the audio and the session. Lock the goroutine to its thread
// first; a failure leaves the priority as it was.
func lowestPriority() { syscall.Setpriority(syscall.PRIO_PROCESS, syscall.Gettid(), 19) }
