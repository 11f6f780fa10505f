package gpio

import (
	"fmt"
	"sync"
	"time"

	"periph.io/x/conn/v3/gpio"
)

// DefaultDebounce is how long the footswitch must be stable before a change
// counts. Footswitch contacts bounce for up to about 5–10 ms; 20 ms leaves
// a margin and still adds no latency to tap tempo, whose times come from
// the first edge (see the package doc).
const DefaultDebounce = 20 * time.Millisecond

// EventBuffer is how many events Events holds before further ones are
// dropped (and counted by Dropped).
const EventBuffer = 32

// edgePoll bounds each wait for an edge, so the edge goroutine notices
// Close even where pin.Halt does not interrupt WaitForEdge (gpiotest, sysfs).
// A bound is also needed because drivers disagree on "forever": periph
// documents -1, but gpioioctl takes 0 for no deadline and times out at once
// on -1.
const edgePoll = 100 * time.Millisecond

// An Event is a debounced change of the footswitch.
type Event struct {
	Down bool      // true: pressed; false: released
	Time time.Time // when the change began: the first edge of its bounce burst
}

func (e Event) String() string {
	if e.Down {
		return "press@" + e.Time.Format("15:04:05.000")
	}
	return "release@" + e.Time.Format("15:04:05.000")
}

// A Footswitch is a momentary switch between a GPIO input and ground,
// debounced (see the package doc). Open or NewFootswitch starts it; Close
// stops it.
type Footswitch struct {
	pin    gpio.PinIn
	clock  Clock
	window time.Duration
	events chan Event

	done      chan struct{} // closed by Close: the edge goroutine stops
	exited    chan struct{} // closed by the edge goroutine on its way out
	closeOnce sync.Once

	mu      sync.Mutex // guards the fields below
	d       debouncer
	timer   Timer // the pending end of the window, if any
	closed  bool
	dropped int
}

// NewFootswitch sets p up as a pull-up input with edge detection on both
// edges and starts debouncing it with the given window (zero means
// DefaultDebounce) on clk (nil means the real clock). The level p reads now
// is the starting state and is not reported as an event.
func NewFootswitch(p gpio.PinIn, debounce time.Duration, clk Clock) (*Footswitch, error) {
	if debounce <= 0 {
		debounce = DefaultDebounce
	}
	if err := p.In(gpio.PullUp, gpio.BothEdges); err != nil {
		return nil, fmt.Errorf("gpio: footswitch %s: %w", p.Name(), err)
	}
	f := &Footswitch{
		pin:    p,
		clock:  clockOr(clk),
		window: debounce,
		events: make(chan Event, EventBuffer),
		done:   make(chan struct{}),
		exited: make(chan struct{}),
		d:      debouncer{stable: p.Read()},
	}
	go f.watch()
	return f, nil
}

// Events returns the footswitch's presses and releases, in order, on the
// same channel every call. It is closed by Close. A nil Footswitch returns
// a nil channel, which never delivers.
func (f *Footswitch) Events() <-chan Event {
	if f == nil {
		return nil
	}
	return f.events
}

// Dropped returns how many events found Events full and were lost.
func (f *Footswitch) Dropped() int {
	if f == nil {
		return 0
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.dropped
}

// String returns the pin's name.
func (f *Footswitch) String() string {
	if f == nil {
		return "no footswitch"
	}
	return f.pin.Name()
}

// Close stops the footswitch and closes Events; a change still inside its
// debounce window is not reported. It returns the pin's Halt error, if
// any; a second Close returns nil. Closing a nil Footswitch does nothing.
func (f *Footswitch) Close() error {
	if f == nil {
		return nil
	}
	var err error
	f.closeOnce.Do(func() {
		close(f.done)
		// Halt interrupts a WaitForEdge in progress (gpioioctl); elsewhere
		// the edge goroutine sees done within edgePoll.
		if herr := f.pin.Halt(); herr != nil {
			err = fmt.Errorf("gpio: footswitch %s: %w", f.pin.Name(), herr)
		}
		<-f.exited
		f.mu.Lock()
		f.closed = true
		if f.timer != nil {
			f.timer.Stop()
		}
		close(f.events)
		f.mu.Unlock()
	})
	return err
}

// watch is the edge goroutine: it stamps each edge and restarts the window.
func (f *Footswitch) watch() {
	defer close(f.exited)
	for {
		select {
		case <-f.done:
			return
		default:
		}
		if !f.pin.WaitForEdge(edgePoll) {
			continue
		}
		now := f.clock.Now()
		f.mu.Lock()
		gen := f.d.edge(now)
		if f.timer != nil {
			f.timer.Stop()
		}
		f.timer = f.clock.AfterFunc(f.window, func() { f.settle(gen) })
		f.mu.Unlock()
	}
}

// settle runs when the window of the edge numbered gen runs out.
func (f *Footswitch) settle(gen uint64) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.closed {
		return
	}
	ev, ok := f.d.settle(gen, f.pin.Read())
	if !ok {
		return
	}
	select {
	case f.events <- ev:
	default:
		f.dropped++
	}
}

// debouncer is the footswitch's state machine, free of pins, clocks and
// goroutines. Each edge restarts the window; when the window of the latest
// edge runs out, the level read then is compared with the last one reported.
type debouncer struct {
	stable  gpio.Level // last level reported (or the starting level)
	pending bool       // edges seen since stable was settled
	first   time.Time  // the first of those edges
	gen     uint64     // counts edges; a window ending for an older edge is stale
}

// edge records an edge at t and returns its number, for settle.
func (d *debouncer) edge(t time.Time) uint64 {
	if !d.pending {
		d.pending, d.first = true, t
	}
	d.gen++
	return d.gen
}

// settle is called when the window of edge gen has run out and the pin
// reads l. It returns the event to report, if any: none when a later edge
// has restarted the window, or when l is the level already reported (a
// pulse shorter than the window).
func (d *debouncer) settle(gen uint64, l gpio.Level) (Event, bool) {
	if !d.pending || gen != d.gen {
		return Event{}, false
	}
	d.pending = false
	if l == d.stable {
		return Event{}, false
	}
	d.stable = l
	return Event{Down: l == gpio.Low, Time: d.first}, true
}
