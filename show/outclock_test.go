package show

import (
	"math/rand/v2"
	"testing"
	"time"

	"gridbox/engine"
)

// The audio clock for MIDI out, against a model of a device: a callback
// every block takes the next block from the ring (frame F is heard at
// start + F/rate + the output latency), and the render goroutine fills
// the ring back to lead blocks 0.2 ms after each callback. Sampled at
// random moments (the session's ticks), the clock says when a frame is
// heard within 0.25 ms once it has seen a window's samples, and follows
// a device whose latency changes (reopened after a loss) within two
// windows.
func TestOutClockTellsWhenAFrameIsHeard(t *testing.T) {
	const rate, block, lead = 48000, 128, 2
	period := time.Duration(block) * time.Second / rate
	outLat := 2666 * time.Microsecond
	c := newOutClock(rate, outLat+lead*period)
	start := c.base.Add(50 * time.Millisecond)
	rng := rand.New(rand.NewPCG(1, 2))
	pos := func(at time.Time) engine.Frame { // what has been rendered by at
		k := int64(at.Sub(start)-200*time.Microsecond) / int64(period) // the latest callback rendered after
		return engine.Frame((k + 1 + lead) * block)
	}
	now := start.Add(time.Millisecond)
	check := func(what string, lat time.Duration) {
		t.Helper()
		for _, f := range []engine.Frame{0, 48000, 1 << 24} {
			want := start.Add(time.Duration(f)*time.Second/rate + lat)
			if d := c.heard(f).Sub(want); d < -250*time.Microsecond || d > 250*time.Microsecond {
				t.Errorf("%s: frame %d heard %v off", what, f, d)
			}
		}
	}
	tick := func(d time.Duration) {
		for end := now.Add(d); now.Before(end); now = now.Add(time.Duration(1+rng.IntN(3000)) * time.Microsecond) {
			c.sample(now, pos(now))
		}
	}
	tick(2 * offsetWindow)
	check("steady", outLat)
	// The device reopened with 10 ms more latency: its frames are heard
	// later, the new latency known.
	start = start.Add(10 * time.Millisecond)
	outLat += 10 * time.Millisecond
	c.setLatency(outLat + lead*period)
	tick(2*offsetWindow + 10*time.Millisecond)
	check("later", outLat)
	// And back, earlier: the old samples leave the window.
	start = start.Add(-10 * time.Millisecond)
	outLat -= 10 * time.Millisecond
	c.setLatency(outLat + lead*period)
	tick(2*offsetWindow + 10*time.Millisecond)
	check("earlier", outLat)
}

// A frame days into a show is heard as far after frame 0 as its time:
// frame·1e9 overflowed 64 bits after 53 hours at 48 kHz, and MIDI out
// was then written at nonsense times.
func TestOutClockAfterDays(t *testing.T) {
	c := newOutClock(48000, 0)
	for _, h := range []int64{1, 60, 24 * 30} {
		f := engine.Frame(48000 * 3600 * h)
		if d := c.heard(f).Sub(c.heard(0)); d != time.Duration(h)*time.Hour {
			t.Errorf("frame %d (%d h) heard %v after frame 0", f, h, d)
		}
		if d := c.heard(f + 1).Sub(c.heard(f)); d != 20833*time.Nanosecond {
			t.Errorf("after %d h, a frame later is heard %v later, want 20.833µs", h, d)
		}
	}
}
