package surface

import (
	"sync"
	"testing"
	"testing/synctest"
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

// waitFor polls cond every millisecond for up to 2 s of the bubble's
// virtual time: the LED goroutine runs on its own ticker, so the test waits
// for an outcome instead of sleeping a guess, and a busy machine cannot
// make it time out.
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
// controller is dropped: once the LED goroutine has taken the publish that
// no longer has it, 100 ms (20 passes) flush it no more. In virtual time,
// so the LED goroutine's passes are exactly where its ticker puts them.
func TestLEDsCarryLightsToTheLEDGoroutine(t *testing.T) { synctest.Test(t, testLEDsCarryLights) }

func testLEDsCarryLights(t *testing.T) {
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
		return fake.Light(0, 0) == static(g.u.color(0)) // selected at start: full colour
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
	synctest.Wait() // the LED goroutine has taken the publish
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

// scroller is a fake controller that can scroll text (or says it cannot).
type scroller struct {
	*gridtest.Controller
	can     bool
	mu      sync.Mutex
	texts   []string
	stops   int
	pending chan struct{}
}

func (s *scroller) CanScrollText() bool { return s.can }

func (s *scroller) ScrollText(text string, _ grid.Color) (<-chan struct{}, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.texts = append(s.texts, text)
	s.pending = make(chan struct{})
	return s.pending, nil
}

func (s *scroller) StopText() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.stops++
	close(s.pending)
	return nil
}

func (s *scroller) seen() ([]string, int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.texts...), s.stops
}

// An announced text scrolls once on the controllers that can scroll text;
// StopText ends it; a controller arriving later is not given it, nor is
// one that arrives after the deadline. In virtual time, so the deadlines
// (1 s, 20 ms) are met or missed exactly as the test says, however busy
// the machine.
func TestLEDsAnnounceOnce(t *testing.T) { synctest.Test(t, testLEDsAnnounceOnce) }

func testLEDsAnnounceOnce(t *testing.T) {
	g := newRig(t, song(4, 4))
	a := &scroller{Controller: gridtest.New(launchpadInfo()), can: true}
	mute := &scroller{Controller: gridtest.New(launchpadInfo())}
	g.u.Attach("a", a)
	g.u.Attach("mute", mute)
	l := NewLEDs(nil)
	done := make(chan struct{})
	stopped := make(chan struct{})
	go func() { l.Run(done); close(stopped) }()
	defer func() { close(done); <-stopped }()

	l.Announce("10.0.0.7 Demo", white, time.Now().Add(time.Second))
	l.Publish(g.u, 0, 0, 2)
	waitFor(t, "the text on a", func() bool { ts, _ := a.seen(); return len(ts) == 1 })
	for range 5 {
		l.Publish(g.u, 0, 0, 2)
	}
	n := a.Flushes() // two more: at least one whole pass after the publishes
	waitFor(t, "a pass after the publishes", func() bool { return a.Flushes() >= n+2 })
	if ts, _ := a.seen(); len(ts) != 1 || ts[0] != "10.0.0.7 Demo" {
		t.Errorf("a scrolled %q, want the text once", ts)
	}
	if ts, _ := mute.seen(); len(ts) != 0 {
		t.Errorf("a controller that cannot scroll text was given %q", ts)
	}
	l.StopText()
	waitFor(t, "the text stopped", func() bool { _, n := a.seen(); return n == 1 })

	late := &scroller{Controller: gridtest.New(launchpadInfo()), can: true}
	g.u.Attach("late", late)
	l.Publish(g.u, 0, 0, 2)
	waitFor(t, "the late controller flushed", func() bool { return late.Flushes() > 0 })
	if ts, _ := late.seen(); len(ts) != 0 {
		t.Errorf("a controller plugged in after the text was shown was given %q", ts)
	}

	// A new announcement, but its deadline passes before any controller
	// that can scroll text is shown.
	g.u.Detach("a")
	g.u.Detach("late")
	l.Publish(g.u, 0, 0, 2)
	l.Announce("again", white, time.Now().Add(20*time.Millisecond))
	time.Sleep(40 * time.Millisecond)
	after := &scroller{Controller: gridtest.New(launchpadInfo()), can: true}
	g.u.Attach("after", after)
	l.Publish(g.u, 0, 0, 2)
	waitFor(t, "the controller after the deadline flushed", func() bool { return after.Flushes() > 0 })
	if ts, _ := after.seen(); len(ts) != 0 {
		t.Errorf("a controller plugged in after the deadline was given %q", ts)
	}
}
