package surface

import (
	"sync"
	"testing"
	"time"

	"gridbox/grid"
	"gridbox/grid/gridtest"
)

// follower is a fake controller that records the beats it is given.
type follower struct {
	*gridtest.Controller
	mu    sync.Mutex
	beats []float64
}

func (f *follower) Beat(pos float64) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.beats = append(f.beats, pos)
	return nil
}

func (f *follower) got() []float64 {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]float64(nil), f.beats...)
}

// waitFor polls cond for up to 2 s: the LED goroutine runs on its own
// clock, so the test waits for an outcome instead of sleeping a guess.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(2 * time.Second); !cond(); {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(time.Millisecond)
	}
}

// Published lights reach the device through the LED goroutine, a Follower
// is given a beat that moves on between publishes, and a detached
// controller is dropped.
func TestLEDsCarryLightsToTheLEDGoroutine(t *testing.T) {
	g := newRig(t, song(4, 4))
	fake := gridtest.New(monomeInfo(8, 8))
	f := &follower{Controller: gridtest.New(launchpadInfo())}
	g.u.Attach("fake", fake)
	g.u.Attach("follower", f)
	var errs []error
	l := NewLEDs(func(_ grid.Controller, err error) { errs = append(errs, err) })
	done := make(chan struct{})
	stopped := make(chan struct{})
	go func() { l.Run(done); close(stopped) }()
	stop := func() { close(done); <-stopped }

	l.Publish(g.u, 0, 10, 2) // beat 10, 120 BPM
	// The fake (a bare 8×8) shows tracks 0–6; the follower, right of it,
	// would start at track 7.
	waitFor(t, "the fake to show track 0's clip", func() bool {
		return fake.Light(0, 0) == static(dim(g.u.color(0)))
	})
	waitFor(t, "the follower to be flushed", func() bool { return f.Flushes() > 0 })
	waitFor(t, "beats past 10.05", func() bool {
		b := f.got()
		return len(b) > 1 && b[len(b)-1] > 10.05
	})
	b := f.got()
	for i := 1; i < len(b); i++ {
		if b[i] < b[i-1] || b[i] < 10 || b[i] > 20 {
			t.Fatalf("beats %v: not extrapolated forward from 10 at 2 per second", b)
		}
	}
	// Detach: the next publish drops it, and nothing more is flushed.
	g.u.Detach("fake")
	l.Publish(g.u, 0, 11, 2)
	time.Sleep(50 * time.Millisecond) // let the LED goroutine take the publish
	n := fake.Flushes()
	time.Sleep(100 * time.Millisecond)
	if fake.Flushes() != n {
		t.Errorf("a detached controller is still flushed: %d → %d", n, fake.Flushes())
	}
	stop()
	if len(errs) > 0 {
		t.Errorf("flush errors: %v", errs)
	}
}
