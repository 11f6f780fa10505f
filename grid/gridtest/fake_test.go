package gridtest

import (
	"testing"

	"gridbox/grid"
)

// TestFakeConforms runs the conformance suite on the fake itself, with extra
// buttons around its grid like a Launchpad's.
func TestFakeConforms(t *testing.T) {
	Run(t, func(t *testing.T) *Harness {
		bs := append(grid.GridButtons(8, 8), grid.Button{X: 8, Y: 0}, grid.Button{X: 0, Y: -1})
		c := New(grid.Info{Model: "fake", Cols: 8, Rows: 8, Buttons: bs})
		return &Harness{
			Controller: c,
			Press:      func(b grid.Button) { c.PressButton(b, 100) },
			Release:    c.ReleaseButton,
			Shown:      c.Shown,
			Writes:     c.Writes,
			Unplug:     c.Unplug,
		}
	})
}

func TestFakeHelpers(t *testing.T) {
	c := New(grid.Info{Model: "fake", Cols: 2, Rows: 1})
	c.Press(1, 0)
	c.Press(5, 5) // not a button: ignored
	c.Release(1, 0)
	c.Set(grid.Button{X: 0, Y: 0}, grid.Light{Color: grid.Color{R: 9}, Mode: grid.Flash})
	if err := c.Flush(); err != nil {
		t.Fatal(err)
	}
	if p := <-c.Pads(); p.X != 1 || !p.Down {
		t.Fatalf("first pad %+v", p)
	}
	if p := <-c.Pads(); p.X != 1 || p.Down {
		t.Fatalf("second pad %+v", p)
	}
	if l := c.Light(0, 0); l.Color.R != 9 || l.Mode != grid.Flash || c.Flushes() != 1 || c.Writes() != 2 {
		t.Fatalf("light %+v, %d flushes, %d writes", l, c.Flushes(), c.Writes())
	}
}
