package gpio

import (
	"sync"
	"testing"
	"time"
)

// fakeClock is a Clock that moves only when a test calls Advance. Advance
// runs due AfterFunc callbacks on the test's goroutine, in deadline order,
// so everything a timer causes has happened when Advance returns. Each
// AfterFunc also reports its deadline on armed, so a test can wait until
// the footswitch's edge goroutine has taken an edge in.
type fakeClock struct {
	armed chan time.Time

	mu     sync.Mutex
	now    time.Time
	timers []*fakeTimer
}

type fakeTimer struct {
	c    *fakeClock
	at   time.Time
	f    func()
	done bool // fired or stopped
}

// t0 is when every fake clock starts.
var t0 = time.Date(2025, 3, 1, 20, 0, 0, 0, time.UTC)

func newFakeClock() *fakeClock {
	return &fakeClock{now: t0, armed: make(chan time.Time, 1000)}
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) AfterFunc(d time.Duration, f func()) Timer {
	c.mu.Lock()
	t := &fakeTimer{c: c, at: c.now.Add(d), f: f}
	c.timers = append(c.timers, t)
	c.mu.Unlock()
	c.armed <- t.at
	return t
}

func (t *fakeTimer) Stop() bool {
	t.c.mu.Lock()
	defer t.c.mu.Unlock()
	if t.done {
		return false
	}
	t.done = true
	return true
}

// Advance moves the clock on by d, running each timer that falls due on the
// way at its own deadline.
func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	end := c.now.Add(d)
	for {
		var next *fakeTimer
		for _, t := range c.timers {
			if !t.done && !t.at.After(end) && (next == nil || t.at.Before(next.at)) {
				next = t
			}
		}
		if next == nil {
			break
		}
		next.done = true
		c.now = next.at
		c.mu.Unlock()
		next.f()
		c.mu.Lock()
	}
	c.now = end
	c.mu.Unlock()
}

// waitArmed waits (in real time, at most 5 s) for the next AfterFunc and
// returns its deadline.
func (c *fakeClock) waitArmed(t *testing.T) time.Time {
	t.Helper()
	select {
	case at := <-c.armed:
		return at
	case <-time.After(5 * time.Second):
		t.Fatal("no timer was started within 5 s")
		return time.Time{}
	}
}

func TestFakeClock(t *testing.T) {
	c := newFakeClock()
	var got []time.Duration
	c.AfterFunc(20*time.Millisecond, func() { got = append(got, c.Now().Sub(t0)) })
	c.AfterFunc(10*time.Millisecond, func() { got = append(got, c.Now().Sub(t0)) })
	stopped := c.AfterFunc(15*time.Millisecond, func() { t.Error("a stopped timer fired") })
	if !stopped.Stop() || stopped.Stop() {
		t.Error("Stop: want true, then false")
	}
	c.Advance(19 * time.Millisecond)
	if len(got) != 1 || got[0] != 10*time.Millisecond {
		t.Fatalf("after 19 ms fired at %v, want [10ms]", got)
	}
	c.Advance(time.Millisecond)
	if len(got) != 2 || got[1] != 20*time.Millisecond {
		t.Fatalf("after 20 ms fired at %v, want [10ms 20ms]", got)
	}
	if d := c.Now().Sub(t0); d != 20*time.Millisecond {
		t.Fatalf("Now is t0+%v, want t0+20ms", d)
	}
}
