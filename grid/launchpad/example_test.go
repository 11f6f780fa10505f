package launchpad_test

import (
	"fmt"

	"gridbox/grid"
	"gridbox/grid/launchpad"
	"gridbox/grid/launchpad/launchpadtest"
)

// Open drives a Launchpad over any byte port; here a simulated Launchpad X
// stands in for the raw MIDI port of a real one.
func ExampleOpen() {
	dev := launchpadtest.New(launchpad.LaunchpadX)
	c, err := launchpad.Open(launchpad.LaunchpadX, dev, "Launchpad X:Launchpad X LPX MIDI 1")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer c.Close()

	c.Set(grid.Button{X: 0, Y: 0}, grid.Light{Color: grid.Color{R: 255}})
	if err := c.Flush(); err != nil { // the first Flush paints every LED
		fmt.Println(err)
		return
	}
	fmt.Println(dev.Light(launchpad.Button{X: 0, Y: 0}).Color)

	dev.PressVelocity(launchpad.Button{X: 2, Y: 5}, 99)
	p := <-c.Pads()
	fmt.Println(c.Info().Model, p.X, p.Y, p.Down, p.Velocity)
	// Output:
	// {255 0 0}
	// launchpad-x 2 5 true 99
}

// A controller that can scroll text shows a line once, for instance the
// address to reach the instrument at and the set it loaded, and keeps the
// LEDs for afterwards; done says when the text is over.
func ExampleController_ScrollText() {
	dev := launchpadtest.New(launchpad.LaunchpadMK2)
	lpc, err := launchpad.Open(launchpad.LaunchpadMK2, dev, "Launchpad MK2:Launchpad MK2 MIDI 1")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer lpc.Close()

	var c grid.Controller = lpc // as the rest of gridbox holds it
	ts, ok := c.(grid.TextScroller)
	if !ok || !ts.CanScrollText() {
		return
	}
	done, err := ts.ScrollText("192.168.1.23 Demo set", grid.Color{G: 255})
	if err != nil {
		fmt.Println(err)
		return
	}
	text, _ := dev.Text()
	fmt.Printf("%q %v\n", text.Text, text.Color)

	dev.FinishText() // the MK2 reports the end of the text
	<-done
	_, scrolling := dev.Text()
	fmt.Println(scrolling)
	// Output:
	// "192.168.1.23 Demo set" {0 255 0}
	// false
}
