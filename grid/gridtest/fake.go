// Package gridtest holds a fake grid.Controller for tests of code that uses
// controllers, and Run, the conformance suite every driver passes.
package gridtest

import (
	"sync"

	"gridbox/grid"
)

// Controller is a fake grid.Controller. Tests press and release its pads
// and read what its "device" shows. It is safe for concurrent use; its lock
// is private.
type Controller struct {
	info grid.Info
	pads chan grid.Pad

	mu      sync.Mutex
	frame   map[grid.Button]grid.Light // Set, not yet flushed
	shown   map[grid.Button]grid.Light // what the device shows
	held    map[grid.Button]bool
	flushes int
	writes  int // lights sent to the device
	fresh   bool
	closed  bool
	gone    bool
}

// New returns a fake controller described by info. Without Buttons, it has
// the main grid only.
func New(info grid.Info) *Controller {
	if info.Buttons == nil {
		info.Buttons = grid.GridButtons(info.Cols, info.Rows)
	}
	return &Controller{
		info:  info,
		pads:  make(chan grid.Pad, 256),
		frame: map[grid.Button]grid.Light{},
		shown: map[grid.Button]grid.Light{},
		held:  map[grid.Button]bool{},
		fresh: true,
	}
}

// Info implements grid.Controller.
func (c *Controller) Info() grid.Info { return c.info }

// Pads implements grid.Controller.
func (c *Controller) Pads() <-chan grid.Pad { return c.pads }

// Set implements grid.Controller.
func (c *Controller) Set(b grid.Button, l grid.Light) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closed || !c.info.Has(b) {
		return
	}
	c.frame[b] = l
}

// Flush implements grid.Controller: it "sends" each changed light.
func (c *Controller) Flush() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closed {
		return grid.ErrClosed
	}
	c.flushes++
	for _, b := range c.info.Buttons {
		l := c.frame[b]
		if c.fresh || c.shown[b] != l {
			c.shown[b] = l
			c.writes++
		}
	}
	c.fresh = false
	return nil
}

// Close implements grid.Controller.
func (c *Controller) Close() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closed {
		return nil
	}
	c.closed = true
	c.goneLocked()
	return nil
}

// Press presses button (x, y) with velocity 127.
func (c *Controller) Press(x, y int) { c.PressButton(grid.Button{X: x, Y: y}, 127) }

// PressButton presses b with velocity v.
func (c *Controller) PressButton(b grid.Button, v uint8) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.gone || !c.info.Has(b) {
		return
	}
	c.held[b] = true
	c.pads <- grid.Pad{Button: b, Down: true, Velocity: v}
}

// Release releases button (x, y).
func (c *Controller) Release(x, y int) { c.ReleaseButton(grid.Button{X: x, Y: y}) }

// ReleaseButton releases b.
func (c *Controller) ReleaseButton(b grid.Button) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.gone || !c.held[b] {
		return
	}
	delete(c.held, b)
	c.pads <- grid.Pad{Button: b}
}

// Unplug makes the device go away: held pads are released and Pads closes.
func (c *Controller) Unplug() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.goneLocked()
}

func (c *Controller) goneLocked() {
	if c.gone {
		return
	}
	c.gone = true
	for _, b := range c.info.Buttons {
		if c.held[b] {
			delete(c.held, b)
			c.pads <- grid.Pad{Button: b}
		}
	}
	close(c.pads)
}

// Light returns what the device shows at (x, y).
func (c *Controller) Light(x, y int) grid.Light { return c.Shown(grid.Button{X: x, Y: y}) }

// Shown returns what the device shows at b.
func (c *Controller) Shown(b grid.Button) grid.Light {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.shown[b]
}

// Flushes returns how many times Flush succeeded.
func (c *Controller) Flushes() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.flushes
}

// Writes returns how many lights were sent to the device.
func (c *Controller) Writes() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.writes
}
