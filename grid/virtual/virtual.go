package virtual

import (
	"sync"

	"gridbox/grid"
)

// Model is the virtual controller's Info().Model.
const Model = "virtual"

// PadsBuffer is how many presses and releases Pads holds unread before
// Press and Release refuse more.
const PadsBuffer = 256

// layout is every button of the virtual controller, rows top to bottom and
// left to right, with its name ("" for none).
var layout = func() []named {
	var bs []named
	for x, n := range []string{"up", "down", "left", "right", "session", "mixer", "volume", "stopall"} {
		bs = append(bs, named{grid.Button{X: x, Y: -1}, n})
	}
	left := []string{"note", "drum", "step", "record", "undo", "redo", "metronome", "shift"}
	for y := range 8 {
		bs = append(bs, named{grid.Button{X: -1, Y: y}, left[y]})
		for x := range 8 {
			bs = append(bs, named{grid.Button{X: x, Y: y}, ""})
		}
		bs = append(bs, named{grid.Button{X: 8, Y: y}, ""}) // scene launch
	}
	for x, n := range []string{"clear", "duplicate", "quantize", "length"} {
		bs = append(bs, named{grid.Button{X: x, Y: 8}, n})
	}
	return bs
}()

type named struct {
	b    grid.Button
	name string
}

// Names returns the names of the virtual controller's named buttons, in
// layout order: the top row from the left, the left column from the top,
// the bottom row from the left.
func Names() []string {
	var ns []string
	for _, n := range layout {
		if n.name != "" {
			ns = append(ns, n.name)
		}
	}
	return ns
}

// Button returns the button called name, and whether there is one.
func Button(name string) (grid.Button, bool) {
	for _, n := range layout {
		if n.name == name && name != "" {
			return n.b, true
		}
	}
	return grid.Button{}, false
}

// A Controller is a virtual 8×8 controller (see the package doc). Its zero
// value is not usable; call New.
type Controller struct {
	pads chan grid.Pad

	mu     sync.Mutex
	frame  map[grid.Button]grid.Light // Set, not yet flushed
	shown  map[grid.Button]grid.Light // the last Flush's frame
	held   map[grid.Button]bool
	writes int  // lights "sent" by Flush, for the conformance suite
	fresh  bool // the next Flush sends the whole frame
	closed bool
}

// New returns a virtual controller with nothing pressed and every light
// off.
func New() *Controller {
	return &Controller{
		// Room for a release of every button beyond PadsBuffer, so that
		// Close can always release what is held (grid's rule 2).
		pads:  make(chan grid.Pad, PadsBuffer+len(layout)),
		frame: map[grid.Button]grid.Light{},
		shown: map[grid.Button]grid.Light{},
		held:  map[grid.Button]bool{},
		fresh: true,
	}
}

// Info implements grid.Controller: model "virtual", the 8×8 grid with
// velocity, every button of the layout and the names as Labels. Buttons
// and Labels are fresh copies.
func (c *Controller) Info() grid.Info {
	in := grid.Info{Model: Model, Port: "virtual", Cols: 8, Rows: 8, Velocity: true, Labels: map[grid.Button]string{}}
	for _, n := range layout {
		in.Buttons = append(in.Buttons, n.b)
		if n.name != "" {
			in.Labels[n.b] = n.name
		}
	}
	return in
}

// has reports whether b is one of the controller's buttons.
func has(b grid.Button) bool {
	switch {
	case b.X >= 0 && b.X <= 8 && b.Y >= 0 && b.Y <= 7: // pads and the scene column
		return true
	case b.X == -1:
		return b.Y >= 0 && b.Y <= 7
	case b.Y == -1:
		return b.X >= 0 && b.X <= 7
	case b.Y == 8:
		return b.X >= 0 && b.X <= 3
	}
	return false
}

// Pads implements grid.Controller. It is closed by Close, after a release
// of every button still held.
func (c *Controller) Pads() <-chan grid.Pad { return c.pads }

// Press presses button b with velocity vel (1..127; 0 counts as 1) and
// reports whether the press was delivered on Pads. It is not when b is not
// a button of the controller or is already held, when the controller is
// closed, or when Pads holds PadsBuffer unread events.
func (c *Controller) Press(b grid.Button, vel uint8) bool {
	vel = min(max(vel, 1), 127)
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closed || !has(b) || c.held[b] || len(c.pads) >= PadsBuffer {
		return false
	}
	c.held[b] = true
	c.pads <- grid.Pad{Button: b, Down: true, Velocity: vel}
	return true
}

// Release lets button b go and reports whether the release was delivered
// on Pads. It is not when b is not held, when the controller is closed, or
// when Pads holds PadsBuffer unread events (b then stays held, and Close
// releases it).
func (c *Controller) Release(b grid.Button) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closed || !c.held[b] || len(c.pads) >= PadsBuffer {
		return false
	}
	delete(c.held, b)
	c.pads <- grid.Pad{Button: b}
	return true
}

// Set implements grid.Controller: it writes the local frame only, and
// ignores a button the controller does not have and any Set after Close.
func (c *Controller) Set(b grid.Button, l grid.Light) {
	if !has(b) {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.closed {
		c.frame[b] = l
	}
}

// Flush implements grid.Controller: the frame Set wrote becomes what
// Lights shows. After Close it returns grid.ErrClosed.
func (c *Controller) Flush() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closed {
		return grid.ErrClosed
	}
	for _, n := range layout {
		l := c.frame[n.b]
		if c.fresh || c.shown[n.b] != l {
			c.shown[n.b] = l
			c.writes++
		}
	}
	c.fresh = false
	return nil
}

// Close implements grid.Controller: it releases every held button on Pads
// and closes it. The last flushed frame stays readable through Lights. A
// second Close returns nil.
func (c *Controller) Close() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closed {
		return nil
	}
	c.closed = true
	for _, n := range layout {
		if c.held[n.b] {
			delete(c.held, n.b)
			c.pads <- grid.Pad{Button: n.b} // never blocks: New left room
		}
	}
	close(c.pads)
	return nil
}

// Lights returns what the controller shows: the frame of the last Flush,
// with every button of the layout (grid.Off where nothing is lit, and
// everywhere before the first Flush). The map is the caller's.
func (c *Controller) Lights() map[grid.Button]grid.Light {
	c.mu.Lock()
	defer c.mu.Unlock()
	ls := make(map[grid.Button]grid.Light, len(layout))
	for _, n := range layout {
		ls[n.b] = c.shown[n.b]
	}
	return ls
}

// Light returns what button b shows as of the last Flush (grid.Off for a
// button the controller does not have).
func (c *Controller) Light(b grid.Button) grid.Light {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.shown[b]
}
