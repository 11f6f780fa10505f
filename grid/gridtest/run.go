package gridtest

import (
	"errors"
	"testing"
	"time"

	"gridbox/grid"
)

// A Harness is a controller under test together with the far end of its
// wire: a simulated device that the driver's bytes reach.
type Harness struct {
	Controller grid.Controller
	// Press and Release make the device report a press or a release.
	Press   func(b grid.Button)
	Release func(b grid.Button)
	// Shown returns what the device shows at b.
	Shown func(b grid.Button) grid.Light
	// Writes counts what the driver has sent to the device so far (bytes,
	// messages or lights: anything that grows with every send).
	Writes func() int
	// Unplug makes the device go away.
	Unplug func()
}

// Run checks the grid.Controller contract (the rules numbered in package
// grid's documentation) against fresh controllers from open.
func Run(t *testing.T, open func(t *testing.T) *Harness) {
	t.Run("1 info", func(t *testing.T) {
		h := open(t)
		defer h.Controller.Close()
		in := h.Controller.Info()
		if in.Model == "" || in.Cols <= 0 || in.Rows <= 0 {
			t.Fatalf("Info %+v: want a model and a grid size", in)
		}
		seen := map[grid.Button]bool{}
		for _, b := range in.Buttons {
			if seen[b] {
				t.Fatalf("button %v listed twice", b)
			}
			seen[b] = true
		}
		for _, b := range grid.GridButtons(in.Cols, in.Rows) {
			if !seen[b] {
				t.Fatalf("Buttons lacks grid button %v", b)
			}
		}
		if again := h.Controller.Info(); again.Model != in.Model || len(again.Buttons) != len(in.Buttons) {
			t.Fatalf("Info changed: %+v then %+v", in, again)
		}
	})

	t.Run("2 pads in order, released on unplug, then closed", func(t *testing.T) {
		h := open(t)
		defer h.Controller.Close()
		c := h.Controller
		if first, again := c.Pads(), c.Pads(); first != again {
			t.Fatal("Pads returned two different channels")
		}
		bs := c.Info().Buttons
		a, b := bs[0], bs[len(bs)-1]
		h.Press(a)
		h.Press(b)
		h.Release(a)
		want := []grid.Pad{{Button: a, Down: true}, {Button: b, Down: true}, {Button: a}}
		for i, w := range want {
			p := next(t, c.Pads())
			if p.Button != w.Button || p.Down != w.Down {
				t.Fatalf("pad %d: %+v, want %+v", i, p, w)
			}
			if p.Down && (p.Velocity < 1 || p.Velocity > 127) || !p.Down && p.Velocity != 0 {
				t.Fatalf("pad %d: velocity %d", i, p.Velocity)
			}
		}
		h.Unplug() // b is still held
		if p := next(t, c.Pads()); p.Button != b || p.Down {
			t.Fatalf("after unplug: %+v, want a release of the held %v", p, b)
		}
		select {
		case p, ok := <-c.Pads():
			if ok {
				t.Fatalf("after unplug: %+v, want Pads closed", p)
			}
		case <-time.After(time.Second):
			t.Fatal("Pads not closed within 1 s of the unplug")
		}
	})

	t.Run("3 set writes nothing until flush", func(t *testing.T) {
		h := open(t)
		defer h.Controller.Close()
		c := h.Controller
		if err := c.Flush(); err != nil {
			t.Fatal(err)
		}
		w := h.Writes()
		b := c.Info().Buttons[0]
		c.Set(b, grid.Light{Color: grid.Color{R: 255}})
		c.Set(grid.Button{X: 1 << 20, Y: -1 << 20}, grid.Light{Color: grid.Color{G: 255}}) // not a button
		if h.Writes() != w || h.Shown(b) != grid.Off {
			t.Fatal("Set reached the device before Flush")
		}
	})

	t.Run("4 flush sends changes only", func(t *testing.T) {
		h := open(t)
		defer h.Controller.Close()
		c := h.Controller
		bs := c.Info().Buttons
		for i, b := range bs {
			c.Set(b, grid.Light{Color: grid.Color{R: uint8(64 + i%192), G: uint8(i * 7), B: 255}})
		}
		if err := c.Flush(); err != nil {
			t.Fatal(err)
		}
		for _, b := range bs {
			if h.Shown(b).Color == grid.Black {
				t.Fatalf("%v set to a colour but shown off", b)
			}
		}
		w := h.Writes()
		if err := c.Flush(); err != nil {
			t.Fatal(err)
		}
		if h.Writes() != w {
			t.Fatalf("Flush with nothing changed sent %d more", h.Writes()-w)
		}
		c.Set(bs[0], grid.Off)
		if err := c.Flush(); err != nil {
			t.Fatal(err)
		}
		if h.Writes() == w || h.Shown(bs[0]).Color != grid.Black || h.Shown(bs[len(bs)-1]).Color == grid.Black {
			t.Fatal("turning one light off: not sent, or sent wrong")
		}
	})

	t.Run("5 first flush sends the whole frame", func(t *testing.T) {
		h := open(t)
		defer h.Controller.Close()
		w := h.Writes()
		if err := h.Controller.Flush(); err != nil {
			t.Fatal(err)
		}
		if h.Writes() == w {
			t.Fatal("the first Flush sent nothing: the device may still show an earlier frame")
		}
	})

	t.Run("6 close", func(t *testing.T) {
		h := open(t)
		c := h.Controller
		if err := c.Close(); err != nil {
			t.Fatal(err)
		}
		if err := c.Close(); err != nil {
			t.Fatalf("second Close: %v", err)
		}
		for range c.Pads() { // drains the releases, must end
		}
		if err := c.Flush(); !errors.Is(err, grid.ErrClosed) {
			t.Fatalf("Flush after Close: %v, want ErrClosed", err)
		}
		c.Set(c.Info().Buttons[0], grid.Light{Color: grid.Color{B: 1}}) // must not panic
	})
}

// next waits up to 1 s for a pad.
func next(t *testing.T, pads <-chan grid.Pad) grid.Pad {
	t.Helper()
	select {
	case p, ok := <-pads:
		if !ok {
			t.Fatal("Pads closed")
		}
		return p
	case <-time.After(time.Second):
		t.Fatal("no pad within 1 s")
	}
	return grid.Pad{}
}
