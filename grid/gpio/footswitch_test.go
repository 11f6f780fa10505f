package gpio

import (
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"periph.io/x/conn/v3/gpio"
	"periph.io/x/conn/v3/gpio/gpiotest"
)

const ms = time.Millisecond

// rig is a footswitch on a gpiotest pin with a fake clock.
type rig struct {
	t   *testing.T
	pin *gpiotest.Pin
	clk *fakeClock
	fs  *Footswitch
}

func newRig(t *testing.T) *rig {
	t.Helper()
	// EdgesChan is unbuffered: a send returns once the edge goroutine has
	// the edge, inside WaitForEdge.
	pin := &gpiotest.Pin{N: "GPIO17", Num: 17, EdgesChan: make(chan gpio.Level)}
	clk := newFakeClock()
	fs, err := NewFootswitch(pin, 20*ms, clk)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { fs.Close() })
	return &rig{t: t, pin: pin, clk: clk, fs: fs}
}

// edge feeds one edge to level l at the fake clock's time and waits until
// the footswitch has restarted its window for it.
func (r *rig) edge(l gpio.Level) {
	r.t.Helper()
	select {
	case r.pin.EdgesChan <- l:
	case <-time.After(5 * time.Second):
		r.t.Fatal("the footswitch took no edge within 5 s")
	}
	if at, want := r.clk.waitArmed(r.t), r.clk.Now().Add(20*ms); !at.Equal(want) {
		r.t.Fatalf("window ends at t0+%v, want t0+%v", at.Sub(t0), want.Sub(t0))
	}
}

// bounce feeds edges to the given levels 1 ms apart (the last one at the
// clock's time when bounce returns).
func (r *rig) bounce(levels ...gpio.Level) {
	r.t.Helper()
	for i, l := range levels {
		if i > 0 {
			r.clk.Advance(ms)
		}
		r.edge(l)
	}
}

// want checks the next event. Timers run inside Advance, so an event is
// either in the channel already or not coming.
func (r *rig) want(down bool, at time.Duration) {
	r.t.Helper()
	select {
	case ev := <-r.fs.Events():
		if ev.Down != down || !ev.Time.Equal(t0.Add(at)) {
			r.t.Fatalf("got %v (Down=%t at t0+%v), want Down=%t at t0+%v", ev, ev.Down, ev.Time.Sub(t0), down, at)
		}
	default:
		r.t.Fatalf("no event at t0+%v, want Down=%t at t0+%v", r.clk.Now().Sub(t0), down, at)
	}
}

func (r *rig) wantNone() {
	r.t.Helper()
	select {
	case ev := <-r.fs.Events():
		r.t.Fatalf("unexpected event %v (Down=%t at t0+%v) at t0+%v", ev, ev.Down, ev.Time.Sub(t0), r.clk.Now().Sub(t0))
	default:
	}
}

func TestNewFootswitch_PullUpInputStartsReleased(t *testing.T) {
	r := newRig(t)
	if p := r.pin.Pull(); p != gpio.PullUp {
		t.Errorf("pull = %v, want %v", p, gpio.PullUp)
	}
	// gpiotest's In(PullUp, …) sets the level High: released. If the
	// footswitch had taken Low as its start, this edge would be no change.
	r.edge(gpio.Low)
	r.clk.Advance(20 * ms)
	r.want(true, 0)
}

func TestNewFootswitch_InErrorIsWrapped(t *testing.T) {
	// gpiotest refuses edge detection on a pin without EdgesChan.
	pin := &gpiotest.Pin{N: "GPIO17", Num: 17}
	fs, err := NewFootswitch(pin, 0, newFakeClock())
	if err == nil {
		fs.Close()
		t.Fatal("NewFootswitch on a pin that refuses In: no error")
	}
	if !strings.HasPrefix(err.Error(), "gpio: footswitch GPIO17: gpiotest:") {
		t.Errorf("error %q, want it to start with %q", err, "gpio: footswitch GPIO17: gpiotest:")
	}
}

func TestFootswitch_BouncesGiveOnePressAndOneRelease(t *testing.T) {
	r := newRig(t)
	r.bounce(gpio.Low, gpio.High, gpio.Low, gpio.High, gpio.Low) // t0 … t0+4ms
	r.clk.Advance(19 * ms)                                       // t0+23ms: 19 ms since the last bounce
	r.wantNone()
	r.clk.Advance(1 * ms) // 20 ms stable
	r.want(true, 0)       // stamped at the first edge, not when it settled
	r.clk.Advance(500 * ms)
	r.wantNone() // holding it down reports nothing more

	r.bounce(gpio.High, gpio.Low, gpio.High) // t0+524ms … t0+526ms
	r.clk.Advance(20 * ms)
	r.want(false, 524*ms)
	r.clk.Advance(time.Second)
	r.wantNone()
}

func TestFootswitch_WindowRestartsOnEveryEdge(t *testing.T) {
	r := newRig(t)
	// Bounces 15 ms apart never leave the pin stable for 20 ms…
	for range 6 {
		r.edge(gpio.Low)
		r.clk.Advance(15 * ms)
		r.wantNone()
		r.edge(gpio.High)
		r.clk.Advance(15 * ms)
		r.wantNone()
	}
	// …until they stop: the last edge (High) is where it started.
	r.clk.Advance(time.Second)
	r.wantNone()
}

// A pulse shorter than the window is ignored: the decision of issue 4 (a
// real press lasts 50 ms or more; anything shorter is noise on the cable).
func TestFootswitch_PulseShorterThanWindowIsIgnored(t *testing.T) {
	r := newRig(t)
	r.edge(gpio.Low)
	r.clk.Advance(19 * ms)
	r.edge(gpio.High) // released 19 ms after the press
	r.clk.Advance(100 * ms)
	r.wantNone()

	// A spike: down and up within a millisecond.
	r.bounce(gpio.Low, gpio.High)
	r.clk.Advance(100 * ms)
	r.wantNone()

	// The same pin still reports a real press.
	r.edge(gpio.Low) // t0+220ms
	r.clk.Advance(20 * ms)
	r.want(true, 220*ms)
}

func TestFootswitch_PressOfExactlyTheWindowCounts(t *testing.T) {
	r := newRig(t)
	r.edge(gpio.Low)
	r.clk.Advance(20*ms - time.Nanosecond)
	r.wantNone()
	r.clk.Advance(time.Nanosecond)
	r.want(true, 0)
	r.edge(gpio.High) // t0+20ms
	r.clk.Advance(20 * ms)
	r.want(false, 20*ms)
}

func TestFootswitch_CloseClosesEventsAndDropsPending(t *testing.T) {
	r := newRig(t)
	r.edge(gpio.Low)
	r.clk.Advance(20 * ms)
	r.edge(gpio.High) // its window is still running when Close comes
	if err := r.fs.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	r.clk.Advance(time.Second)
	var got []Event
	for closed := false; !closed; {
		select {
		case ev, ok := <-r.fs.Events():
			if ok {
				got = append(got, ev)
			}
			closed = !ok
		case <-time.After(5 * time.Second):
			t.Fatalf("Events not closed 5 s after Close (got %v)", got)
		}
	}
	if len(got) != 1 || !got[0].Down {
		t.Fatalf("events after Close: %v, want just the press", got)
	}
	if err := r.fs.Close(); err != nil {
		t.Errorf("second Close: %v, want nil", err)
	}
}

func TestFootswitch_FullBufferDropsAndCounts(t *testing.T) {
	r := newRig(t)
	const presses = EventBuffer/2 + 1 // one press and one release too many
	for range presses {
		r.edge(gpio.Low)
		r.clk.Advance(50 * ms)
		r.edge(gpio.High)
		r.clk.Advance(50 * ms)
	}
	if n := r.fs.Dropped(); n != 2 {
		t.Errorf("Dropped = %d, want 2", n)
	}
	for i := range EventBuffer {
		ev := <-r.fs.Events()
		if want := i%2 == 0; ev.Down != want || !ev.Time.Equal(t0.Add(time.Duration(i)*50*ms)) {
			t.Fatalf("event %d = Down=%t at t0+%v, want Down=%t at t0+%v", i, ev.Down, ev.Time.Sub(t0), want, time.Duration(i)*50*ms)
		}
	}
	r.wantNone()
}

func TestFootswitch_RealClock(t *testing.T) {
	// No injected clock: the real one, as Open uses on the Pi.
	pin := &gpiotest.Pin{N: "GPIO17", Num: 17, EdgesChan: make(chan gpio.Level)}
	fs, err := NewFootswitch(pin, 0, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer fs.Close()
	start := time.Now()
	for _, l := range []gpio.Level{gpio.Low, gpio.High, gpio.Low} {
		pin.EdgesChan <- l
	}
	select {
	case ev := <-fs.Events():
		if !ev.Down || ev.Time.Before(start) {
			t.Errorf("got %+v, want a press after %v", ev, start)
		}
		if d := time.Since(start); d < DefaultDebounce {
			t.Errorf("press delivered %v after the first edge, want at least the %v window", d, DefaultDebounce)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("no press within 5 s")
	}
}

// haltPin counts Halt calls.
type haltPin struct {
	*gpiotest.Pin
	mu    sync.Mutex
	halts int
	err   error
}

func (p *haltPin) Halt() error {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.halts++
	return p.err
}

func TestFootswitch_CloseHaltsThePin(t *testing.T) {
	boom := errors.New("boom")
	pin := &haltPin{Pin: &gpiotest.Pin{N: "GPIO17", Num: 17, EdgesChan: make(chan gpio.Level)}, err: boom}
	fs, err := NewFootswitch(pin, 0, newFakeClock())
	if err != nil {
		t.Fatal(err)
	}
	if err := fs.Close(); !errors.Is(err, boom) || !strings.HasPrefix(err.Error(), "gpio: footswitch GPIO17: ") {
		t.Errorf("Close = %v, want the Halt error wrapped as gpio: footswitch GPIO17: …", err)
	}
	if err := fs.Close(); err != nil {
		t.Errorf("second Close = %v, want nil", err)
	}
	if pin.halts != 1 {
		t.Errorf("Halt called %d times, want 1", pin.halts)
	}
}

func TestDebouncer(t *testing.T) {
	at := func(d time.Duration) time.Time { return t0.Add(d) }
	d := debouncer{stable: gpio.High}

	g1 := d.edge(at(0))
	g2 := d.edge(at(3 * ms))
	if _, ok := d.settle(g1, gpio.Low); ok {
		t.Fatal("a window restarted by a later edge settled")
	}
	ev, ok := d.settle(g2, gpio.Low)
	if !ok || !ev.Down || !ev.Time.Equal(at(0)) {
		t.Fatalf("settle = %+v, %t; want a press at the first edge", ev, ok)
	}
	if _, ok := d.settle(g2, gpio.Low); ok {
		t.Fatal("the same window settled twice")
	}

	g3 := d.edge(at(100 * ms))
	if _, ok := d.settle(g3, gpio.Low); ok {
		t.Fatal("a pulse that ended where it started was reported")
	}

	g4 := d.edge(at(200 * ms))
	ev, ok = d.settle(g4, gpio.High)
	if !ok || ev.Down || !ev.Time.Equal(at(200*ms)) {
		t.Fatalf("settle = %+v, %t; want a release at t0+200ms", ev, ok)
	}
}
