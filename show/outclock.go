package show

import (
	"math"
	"sync/atomic"
	"time"

	"gridbox/engine"
)

// outClock tells when a frame is heard, for MIDI out: the wall time at
// which the device plays it. Session goroutine (sample, heard); the
// latency is set from the goroutine that opens the audio device.
//
// The player's position is the end of what has been rendered into the
// device's buffer, and the device plays that buffer's first frame after
// its latency (PortAudio's output latency plus the ring's lead: what
// portaudio.Device.OutputDelay says). Sampled at a moment t, the frame
// pos would be heard at t + latency: but the buffer drains between
// renders, so a sample taken just before a render is right and one just
// after is up to a block early. Each turn gives a sample of the offset
// (t + latency - pos/rate), and the clock keeps the largest over the last
// half second or so: the one taken nearest before a render. A window,
// not all time, so that the device's clock drifting against the system's,
// or a device reopened after a loss, moves it.
type outClock struct {
	rate    int
	latency atomic.Int64 // nanoseconds
	base    time.Time
	cur     int64 // the largest offset this window, ns after base
	prev    int64 // the window before's (math.MinInt64: none)
	window  time.Time
}

// offsetWindow is how long a window of samples lasts.
const offsetWindow = 250 * time.Millisecond

func newOutClock(rate int, latency time.Duration) *outClock {
	c := &outClock{rate: rate, base: time.Now(), prev: math.MinInt64}
	c.cur = int64(latency)
	c.latency.Store(int64(latency))
	return c
}

// setLatency sets the device's output latency (a device opened, or
// reopened after a loss). Any goroutine.
func (c *outClock) setLatency(d time.Duration) { c.latency.Store(int64(d)) }

// sample takes the device's position pos, read at now (read now first,
// then the position: a render between the two makes the sample early,
// never late).
func (c *outClock) sample(now time.Time, pos engine.Frame) {
	off := int64(now.Sub(c.base)) + c.latency.Load() - c.frameNS(pos)
	if now.Sub(c.window) > offsetWindow {
		c.prev, c.cur, c.window = c.cur, off, now
	}
	c.cur = max(c.cur, off)
}

// frameNS returns frame f's time since frame 0 in nanoseconds, in whole
// seconds and the rest: f·1e9 overflows an int64 after 53 hours at
// 48 kHz, and a show may run for days (an installation).
func (c *outClock) frameNS(f engine.Frame) int64 {
	r := int64(c.rate)
	return int64(f)/r*int64(time.Second) + int64(f)%r*int64(time.Second)/r
}

// frame returns the frame heard at wall time t (heard's inverse), never
// before 0: where a MIDI input's message falls on the engine's frames.
func (c *outClock) frame(t time.Time) engine.Frame {
	ns := int64(t.Sub(c.base)) - max(c.cur, c.prev)
	if ns <= 0 {
		return 0
	}
	r, s := int64(c.rate), int64(time.Second)
	return engine.Frame(ns/s*r + ns%s*r/s)
}

// heard returns when frame f is heard.
func (c *outClock) heard(f engine.Frame) time.Time {
	if c == nil {
		return time.Time{}
	}
	off := max(c.cur, c.prev)
	return c.base.Add(time.Duration(off + c.frameNS(f)))
}
