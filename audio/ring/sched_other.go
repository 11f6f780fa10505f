//go:build !linux

package ring

import (
	"errors"
	"time"
)

// setFIFO is only implemented on Linux.
func setFIFO(prio int) error { return errors.ErrUnsupported }

// threadSleeper falls back to time.Sleep where nanosleep is not wired up.
type threadSleeper struct{}

func (*threadSleeper) sleep(d time.Duration) { time.Sleep(d) }
